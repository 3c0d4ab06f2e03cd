// Operations the qs4 (packed int4) and f64 kernels add to simd128.hpp: int16 lane shifts for unpacking nibbles
// and float64x2 arithmetic. Same rule as simd128.hpp: one or two instructions on both WASM SIMD128 and SSE4.1.
#pragma once

#include "simd128.hpp"

#if defined(QUANTLAB_SIMD128)
namespace quantlab::kernels::simd {

#if defined(__wasm_simd128__)
using vd = v128_t;  // 2 x double

template <int N>
inline vi vi_shl16(vi v) { return wasm_i16x8_shl(v, N); }
// Arithmetic (sign-extending) right shift of each int16 lane.
template <int N>
inline vi vi_sra16(vi v) { return wasm_i16x8_shr(v, N); }

// The 32 bits at p (two int16 values) in every 32-bit lane.
inline vi vi_load32_splat(const void* p) { return wasm_v128_load32_splat(p); }

inline vd vd_zero() { return wasm_f64x2_splat(0.0); }
inline vd vd_load(const double* p) { return wasm_v128_load(p); }
inline void vd_store(double* p, vd v) { wasm_v128_store(p, v); }
inline vd vd_load_splat(const double* p) { return wasm_v128_load64_splat(p); }
inline vd vd_add(vd a, vd b) { return wasm_f64x2_add(a, b); }
inline vd vd_mul(vd a, vd b) { return wasm_f64x2_mul(a, b); }
#else
using vd = __m128d;

template <int N>
inline vi vi_shl16(vi v) { return _mm_slli_epi16(v, N); }
template <int N>
inline vi vi_sra16(vi v) { return _mm_srai_epi16(v, N); }

inline vi vi_load32_splat(const void* p) {
  std::int32_t v;
  std::memcpy(&v, p, sizeof v);
  return _mm_set1_epi32(v);
}

inline vd vd_zero() { return _mm_setzero_pd(); }
inline vd vd_load(const double* p) { return _mm_loadu_pd(p); }
inline void vd_store(double* p, vd v) { _mm_storeu_pd(p, v); }
inline vd vd_load_splat(const double* p) { return _mm_loaddup_pd(p); }
inline vd vd_add(vd a, vd b) { return _mm_add_pd(a, b); }
inline vd vd_mul(vd a, vd b) { return _mm_mul_pd(a, b); }
#endif

// The four nibbles of each int16 lane of a packed qs4 vector, sign-extended to int16: nibble J sits in bits
// 4J..4J+3, so shifting it to the top and back down (arithmetic) extends its sign.
template <int J>
inline vi qs4_nibble(vi packed) {
  if constexpr (J == 3) {
    return vi_sra16<12>(packed);
  } else {
    return vi_sra16<12>(vi_shl16<12 - 4 * J>(packed));
  }
}

}  // namespace quantlab::kernels::simd
#endif
