// Packed int4 x int8 GEMM with group scales, 128-bit SIMD: register tiles of 4 rows of A x one block of 8 weight
// rows, 8 k per step. The block's two vectors are unpacked once per step (four nibble vectors each) and every
// nibble vector feeds one dot_i16x8 per row of A, against that row's activation pair broadcast to every lane:
// 8 int32 accumulators (one row of A and four weight rows each, one weight row per lane), 2 packed, 2 unpacked
// and 1 broadcast operand fit the 16 SIMD registers. At a group's end each accumulator is converted, scaled and
// added to its float sum (touched once per group, so they may live in memory). Rows of A beyond a multiple of 4
// go in a narrower tile. Identical to the scalar reference.
#include "simd128_extra.hpp"
#if defined(QUANTLAB_SIMD128)
#include <algorithm>
#include <cstring>

#include "quantlab/kernels.hpp"

namespace quantlab::kernels {
namespace {

template <int J, std::size_t Rows>
inline void nibble_step(const std::int16_t* a, std::size_t kp, simd::vi p0, simd::vi p1, simd::vi (*acc)[2]) {
  using namespace simd;
  const vi w0 = qs4_nibble<J>(p0), w1 = qs4_nibble<J>(p1);
  QUANTLAB_UNROLL
  for (std::size_t i = 0; i < Rows; ++i) {
    const vi xx = vi_load32_splat(a + i * kp + 2 * J);
    acc[i][0] = vi_dot_add(acc[i][0], xx, w0);
    acc[i][1] = vi_dot_add(acc[i][1], xx, w1);
  }
}

// C[Rows x cols] for rows of A at a (row stride kp) and the weight block at wb (scales at sb).
template <std::size_t Rows>
void tile(std::size_t k, std::size_t group, const std::int16_t* a, const float* a_scales, const std::uint8_t* wb,
          const float* sb, float* c, std::size_t ldc, std::size_t cols) {
  using namespace simd;
  const std::size_t kp = qs4_padded_k(k), groups = qs4_groups(group, k);
  const std::size_t steps = kp / kQs4KTile, steps_per_group = group >= k ? steps : group / kQs4KTile;
  vf sum[Rows][2];
  for (std::size_t i = 0; i < Rows; ++i) sum[i][0] = sum[i][1] = vf_zero();
  std::size_t u = 0;
  for (std::size_t g = 0; g < groups; ++g) {
    vi acc[Rows][2];
    QUANTLAB_UNROLL
    for (std::size_t i = 0; i < Rows; ++i) acc[i][0] = acc[i][1] = vi_zero();
    for (const std::size_t end = std::min(u + steps_per_group, steps); u < end; ++u) {
      const std::int16_t* as = a + u * kQs4KTile;
      const vi p0 = vi_load(wb + u * 32), p1 = vi_load(wb + u * 32 + 16);
      nibble_step<0, Rows>(as, kp, p0, p1, acc);
      nibble_step<1, Rows>(as, kp, p0, p1, acc);
      nibble_step<2, Rows>(as, kp, p0, p1, acc);
      nibble_step<3, Rows>(as, kp, p0, p1, acc);
    }
    const vf s0 = vf_load(sb + g * kNr), s1 = vf_load(sb + g * kNr + 4);
    for (std::size_t i = 0; i < Rows; ++i) {
      sum[i][0] = vf_add(sum[i][0], vf_mul(vf_from_vi(acc[i][0]), s0));
      sum[i][1] = vf_add(sum[i][1], vf_mul(vf_from_vi(acc[i][1]), s1));
    }
  }
  for (std::size_t i = 0; i < Rows; ++i) {
    const vf as = vf_splat(a_scales[i]);
    float out[kNr];
    vf_store(out, vf_mul(sum[i][0], as));
    vf_store(out + 4, vf_mul(sum[i][1], as));
    std::memcpy(c + i * ldc, out, std::min(kNr, cols) * sizeof(float));
  }
}

template <std::size_t Rows>
void row_strip(std::size_t n, std::size_t k, std::size_t group, const std::int16_t* a, const float* a_scales,
               const std::uint8_t* b, const float* scales, float* c) {
  const std::size_t kp = qs4_padded_k(k), groups = qs4_groups(group, k);
  for (std::size_t j = 0; j < n; j += kNr) {
    tile<Rows>(k, group, a, a_scales, b + j * (kp / 2), scales + j * groups, c + j, n, n - j);
  }
}

}  // namespace

void qs4_gemm_simd128(std::size_t m, std::size_t n, std::size_t k, std::size_t group, const std::int16_t* a,
                      const float* a_scales, const std::uint8_t* b, const float* scales, float* c) {
  const std::size_t kp = qs4_padded_k(k);
  std::size_t i = 0;
  for (; i + 4 <= m; i += 4) row_strip<4>(n, k, group, a + i * kp, a_scales + i, b, scales, c + i * n);
  switch (m - i) {
    case 3: row_strip<3>(n, k, group, a + i * kp, a_scales + i, b, scales, c + i * n); break;
    case 2: row_strip<2>(n, k, group, a + i * kp, a_scales + i, b, scales, c + i * n); break;
    case 1: row_strip<1>(n, k, group, a + i * kp, a_scales + i, b, scales, c + i * n); break;
    default: break;
  }
}

}  // namespace quantlab::kernels
#endif
