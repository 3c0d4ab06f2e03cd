// The 128-bit SIMD operations the kernels use, on WebAssembly SIMD128 (-msimd128) or, natively, SSE4.1: the
// *_simd128.cpp kernels are one algorithm compiled for either, so the native Catch2 runs exercise the same
// code as the browser. Only operations that map to one or two instructions on both are here (no FMA, no
// relaxed SIMD). Included only when QUANTLAB_SIMD128 is defined.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define QUANTLAB_SIMD128 "wasmsimd"
#elif defined(__SSE4_1__)
#include <smmintrin.h>
#define QUANTLAB_SIMD128 "sse41"
#endif

// Register tiles are arrays indexed by constant-trip loops; they must be unrolled to stay in registers
// (clang does it at -O3 by itself, g++ needs to be told).
#define QUANTLAB_UNROLL _Pragma("GCC unroll 8")

#if defined(QUANTLAB_SIMD128)
namespace quantlab::kernels::simd {

#if defined(__wasm_simd128__)
using vi = v128_t;  // 4 x int32 or 8 x int16
using vf = v128_t;  // 4 x float

inline vi vi_zero() { return wasm_i32x4_splat(0); }
inline vi vi_splat(std::int32_t v) { return wasm_i32x4_splat(v); }
inline vi vi_load(const void* p) { return wasm_v128_load(p); }
inline void vi_store(void* p, vi v) { wasm_v128_store(p, v); }
inline vi vi_add(vi a, vi b) { return wasm_i32x4_add(a, b); }
inline vi vi_sub(vi a, vi b) { return wasm_i32x4_sub(a, b); }
inline vi vi_clamp(vi v, std::int32_t lo, std::int32_t hi) {
  return wasm_i32x4_min(wasm_i32x4_max(v, wasm_i32x4_splat(lo)), wasm_i32x4_splat(hi));
}
// acc + i32x4.dot_i16x8_s(a, b): 8 int16 products, adjacent pairs added into 4 int32 lanes.
inline vi vi_dot_add(vi acc, vi a, vi b) { return wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(a, b)); }
// Saturating int32 -> int16: a's 4 lanes then b's.
inline vi vi_narrow_i16(vi a, vi b) { return wasm_i16x8_narrow_i32x4(a, b); }
inline std::int32_t vi_lane(vi v, int i) {
  std::int32_t t[4];
  wasm_v128_store(t, v);
  return t[i];
}
// [a0+a1 pairs...]: 0 4 1 5 / 2 6 3 7 interleaves, then 0 1 4 5 / 2 3 6 7 halves.
inline vi vi_zip_lo(vi a, vi b) { return wasm_i32x4_shuffle(a, b, 0, 4, 1, 5); }
inline vi vi_zip_hi(vi a, vi b) { return wasm_i32x4_shuffle(a, b, 2, 6, 3, 7); }
inline vi vi_lo64(vi a, vi b) { return wasm_i64x2_shuffle(a, b, 0, 2); }
inline vi vi_hi64(vi a, vi b) { return wasm_i64x2_shuffle(a, b, 1, 3); }

inline vf vf_zero() { return wasm_f32x4_splat(0.0f); }
inline vf vf_splat(float v) { return wasm_f32x4_splat(v); }
inline vf vf_load(const float* p) { return wasm_v128_load(p); }
inline void vf_store(float* p, vf v) { wasm_v128_store(p, v); }
inline vf vf_add(vf a, vf b) { return wasm_f32x4_add(a, b); }
inline vf vf_mul(vf a, vf b) { return wasm_f32x4_mul(a, b); }
inline vf vf_abs(vf a) { return wasm_f32x4_abs(a); }
// max for finite inputs (pmax is one instruction; max's NaN and -0 rules cost several).
inline vf vf_max(vf a, vf b) { return wasm_f32x4_pmax(a, b); }
// v > 0 ? v : +0 (maps -0 and NaN to +0, like the scalar reference).
inline vf vf_relu(vf v) { return wasm_v128_and(v, wasm_f32x4_gt(v, wasm_f32x4_splat(0.0f))); }
inline vf vf_from_vi(vi v) { return wasm_f32x4_convert_i32x4(v); }
inline vi vi_bits(vf v) { return v; }
inline vf vf_zip_lo(vf a, vf b) { return wasm_i32x4_shuffle(a, b, 0, 4, 1, 5); }
inline vf vf_zip_hi(vf a, vf b) { return wasm_i32x4_shuffle(a, b, 2, 6, 3, 7); }
inline vf vf_lo64(vf a, vf b) { return wasm_i64x2_shuffle(a, b, 0, 2); }
inline vf vf_hi64(vf a, vf b) { return wasm_i64x2_shuffle(a, b, 1, 3); }
#else
using vi = __m128i;
using vf = __m128;

inline vi vi_zero() { return _mm_setzero_si128(); }
inline vi vi_splat(std::int32_t v) { return _mm_set1_epi32(v); }
inline vi vi_load(const void* p) { return _mm_loadu_si128(static_cast<const __m128i*>(p)); }
inline void vi_store(void* p, vi v) { _mm_storeu_si128(static_cast<__m128i*>(p), v); }
inline vi vi_add(vi a, vi b) { return _mm_add_epi32(a, b); }
inline vi vi_sub(vi a, vi b) { return _mm_sub_epi32(a, b); }
inline vi vi_clamp(vi v, std::int32_t lo, std::int32_t hi) {
  return _mm_min_epi32(_mm_max_epi32(v, _mm_set1_epi32(lo)), _mm_set1_epi32(hi));
}
inline vi vi_dot_add(vi acc, vi a, vi b) { return _mm_add_epi32(acc, _mm_madd_epi16(a, b)); }
inline vi vi_narrow_i16(vi a, vi b) { return _mm_packs_epi32(a, b); }
inline std::int32_t vi_lane(vi v, int i) {
  std::int32_t t[4];
  _mm_storeu_si128(reinterpret_cast<__m128i*>(t), v);
  return t[i];
}
inline vi vi_zip_lo(vi a, vi b) { return _mm_unpacklo_epi32(a, b); }
inline vi vi_zip_hi(vi a, vi b) { return _mm_unpackhi_epi32(a, b); }
inline vi vi_lo64(vi a, vi b) { return _mm_unpacklo_epi64(a, b); }
inline vi vi_hi64(vi a, vi b) { return _mm_unpackhi_epi64(a, b); }

inline vf vf_zero() { return _mm_setzero_ps(); }
inline vf vf_splat(float v) { return _mm_set1_ps(v); }
inline vf vf_load(const float* p) { return _mm_loadu_ps(p); }
inline void vf_store(float* p, vf v) { _mm_storeu_ps(p, v); }
inline vf vf_add(vf a, vf b) { return _mm_add_ps(a, b); }
inline vf vf_mul(vf a, vf b) { return _mm_mul_ps(a, b); }
inline vf vf_abs(vf a) { return _mm_and_ps(a, _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff))); }
inline vf vf_max(vf a, vf b) { return _mm_max_ps(a, b); }
inline vf vf_relu(vf v) { return _mm_and_ps(v, _mm_cmpgt_ps(v, _mm_setzero_ps())); }
inline vf vf_from_vi(vi v) { return _mm_cvtepi32_ps(v); }
inline vi vi_bits(vf v) { return _mm_castps_si128(v); }
inline vf vf_zip_lo(vf a, vf b) { return _mm_unpacklo_ps(a, b); }
inline vf vf_zip_hi(vf a, vf b) { return _mm_unpackhi_ps(a, b); }
inline vf vf_lo64(vf a, vf b) { return _mm_movelh_ps(a, b); }
inline vf vf_hi64(vf a, vf b) { return _mm_movehl_ps(b, a); }
#endif

// ---- Built from the operations above, identical on both instruction sets ----

inline float vf_lane(vf v, int i) {
  float t[4];
  vf_store(t, v);
  return t[i];
}

// [sum(a0), sum(a1), sum(a2), sum(a3)], each sum as (l0 + l2) + (l1 + l3).
inline vi hsum4_i32(vi a0, vi a1, vi a2, vi a3) {
  const vi s01 = vi_add(vi_zip_lo(a0, a1), vi_zip_hi(a0, a1));
  const vi s23 = vi_add(vi_zip_lo(a2, a3), vi_zip_hi(a2, a3));
  return vi_add(vi_lo64(s01, s23), vi_hi64(s01, s23));
}
inline vf hsum4_f32(vf a0, vf a1, vf a2, vf a3) {
  const vf s01 = vf_add(vf_zip_lo(a0, a1), vf_zip_hi(a0, a1));
  const vf s23 = vf_add(vf_zip_lo(a2, a3), vf_zip_hi(a2, a3));
  return vf_add(vf_lo64(s01, s23), vf_hi64(s01, s23));
}

// Stores the lane sums of Count accumulators (a multiple of 4), only the first `valid` of them: the last
// block of a matrix whose row count is not a multiple of the block.
// (On WebAssembly vi and vf are the same type, so the element type T picks the sum.)
template <std::size_t Count, typename V, typename T>
inline void store_sums(const V* acc, T* out, std::size_t valid) {
  static_assert(Count % 4 == 0, "accumulators are summed four at a time");
  T tmp[Count];
  T* dst = valid >= Count ? out : tmp;
  for (std::size_t j = 0; j < Count; j += 4) {
    if constexpr (std::is_same_v<T, float>) {
      const vf s = hsum4_f32(acc[j], acc[j + 1], acc[j + 2], acc[j + 3]);
      std::memcpy(dst + j, &s, sizeof s);
    } else {
      const vi s = hsum4_i32(acc[j], acc[j + 1], acc[j + 2], acc[j + 3]);
      std::memcpy(dst + j, &s, sizeof s);
    }
  }
  if (dst == tmp) std::memcpy(out, tmp, valid * sizeof(T));
}

// The last `count` (< 4) floats at p, zero-padded to a vector: the K tail of an fp32 row.
inline vf load_tail(const float* p, std::size_t count) {
  float t[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  std::memcpy(t, p, count * sizeof(float));
  return vf_load(t);
}

}  // namespace quantlab::kernels::simd
#endif
