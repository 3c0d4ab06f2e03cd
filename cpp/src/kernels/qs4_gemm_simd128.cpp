// Packed int4 x int8 GEMM with group scales, 128-bit SIMD: register tiles of 4 rows of A x 2 weight rows, 16 k
// per step. The two weight rows are unpacked once per step (2 x 2 nibble vectors) and each vector feeds four
// dot_i16x8, one per row of A: 8 int32 accumulators, 4 unpacked operands and 2 activation operands fit the 16
// SIMD registers. At a group's end the accumulators are summed across lanes (one vector per weight row, one lane
// per row of A), converted and scaled. Rows of A beyond a multiple of 4 run the GEMV. Identical to the scalar
// reference.
#include "simd128_extra.hpp"
#if defined(QUANTLAB_SIMD128)
#include <algorithm>

#include "quantlab/kernels.hpp"

namespace quantlab::kernels {
namespace {

constexpr std::size_t kMr = 4;  // rows of A per tile

template <int Half>
inline void half_step(const std::int16_t* a, std::size_t kp, const std::uint8_t* wp, simd::vi (*acc)[2]) {
  using namespace simd;
  const vi p0 = vi_load(wp), p1 = vi_load(wp + 16);
  const vi w00 = qs4_nibble<2 * Half>(p0), w01 = qs4_nibble<2 * Half + 1>(p0);
  const vi w10 = qs4_nibble<2 * Half>(p1), w11 = qs4_nibble<2 * Half + 1>(p1);
  QUANTLAB_UNROLL
  for (std::size_t i = 0; i < kMr; ++i) {
    const vi lo = vi_load(a + i * kp), hi = vi_load(a + i * kp + 8);
    acc[i][0] = vi_dot_add(vi_dot_add(acc[i][0], lo, w00), hi, w01);
    acc[i][1] = vi_dot_add(vi_dot_add(acc[i][1], lo, w10), hi, w11);
  }
}

// C[4 x cols] for the two weight rows at wb (a row pair inside a packed block; scales at sb, stride kNr).
void tile_4x2(std::size_t k, std::size_t group, const std::int16_t* a, const float* a_scales, const std::uint8_t* wb,
              const float* sb, float* c, std::size_t ldc, std::size_t cols) {
  using namespace simd;
  const std::size_t kp = qs4_padded_k(k), groups = qs4_groups(group, k);
  const std::size_t halves = round_up(k, 16) / 16, halves_per_group = group >= k ? halves : group / 16;
  vf sum0 = vf_zero(), sum1 = vf_zero();
  std::size_t h = 0;
  for (std::size_t g = 0; g < groups; ++g) {
    vi acc[kMr][2];
    QUANTLAB_UNROLL
    for (std::size_t i = 0; i < kMr; ++i) acc[i][0] = acc[i][1] = vi_zero();
    for (const std::size_t end = std::min(h + halves_per_group, halves); h < end; ++h) {
      const std::uint8_t* wp = wb + (h / 2) * kNr * 16;
      if (h % 2 == 0) {
        half_step<0>(a + 16 * h, kp, wp, acc);
      } else {
        half_step<1>(a + 16 * h, kp, wp, acc);
      }
    }
    const vi s0 = hsum4_i32(acc[0][0], acc[1][0], acc[2][0], acc[3][0]);
    const vi s1 = hsum4_i32(acc[0][1], acc[1][1], acc[2][1], acc[3][1]);
    sum0 = vf_add(sum0, vf_mul(vf_from_vi(s0), vf_splat(sb[g * kNr])));
    sum1 = vf_add(sum1, vf_mul(vf_from_vi(s1), vf_splat(sb[g * kNr + 1])));
  }
  const vf as = vf_load(a_scales);
  float out0[kMr], out1[kMr];
  vf_store(out0, vf_mul(sum0, as));
  vf_store(out1, vf_mul(sum1, as));
  for (std::size_t i = 0; i < kMr; ++i) {
    c[i * ldc] = out0[i];
    if (cols > 1) c[i * ldc + 1] = out1[i];
  }
}

}  // namespace

void qs4_gemm_simd128(std::size_t m, std::size_t n, std::size_t k, std::size_t group, const std::int16_t* a,
                      const float* a_scales, const std::uint8_t* b, const float* scales, float* c) {
  const std::size_t kp = qs4_padded_k(k), groups = qs4_groups(group, k);
  std::size_t i = 0;
  for (; i + kMr <= m; i += kMr) {
    for (std::size_t j = 0; j < n; j += kNr) {
      for (std::size_t r = 0; r < kNr && j + r < n; r += 2) {
        tile_4x2(k, group, a + i * kp, a_scales + i, b + j * (kp / 2) + r * 16, scales + j * groups + r,
                 c + i * n + j + r, n, n - j - r);
      }
    }
  }
  for (; i < m; ++i) qs4_gemv_simd128(n, k, group, a + i * kp, a_scales[i], b, scales, c + i * n);
}

}  // namespace quantlab::kernels
#endif
