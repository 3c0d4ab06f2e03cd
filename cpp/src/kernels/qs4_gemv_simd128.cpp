// Packed int4 x int8 GEMV with group scales, 128-bit SIMD: one block of 8 weight rows per pass, 16 k per step
// (half a packed K-step). Each row's 16 bytes are loaded and two of their four nibble vectors unpacked in
// registers (shift left, arithmetic shift right: sign-extended int16), each fed to one dot_i16x8 with the
// activations; a group's 8 int32 accumulators are summed across lanes, converted to float and scaled once per
// group. Same float operations in the same order as the scalar reference, so the results are identical.
#include "simd128_extra.hpp"
#if defined(QUANTLAB_SIMD128)
#include <algorithm>
#include <cstring>

#include "quantlab/kernels.hpp"

namespace quantlab::kernels {
namespace {

// Adds the products of half-step h (k = 16h .. 16h + 15) of 8 rows to their accumulators. Half 0 of a packed
// K-step holds nibbles 0 and 1 of each lane, half 1 nibbles 2 and 3.
template <int Half>
inline void half_step(const std::int16_t* x, const std::uint8_t* wp, simd::vi* acc) {
  using namespace simd;
  const vi xa = vi_load(x), xb = vi_load(x + 8);
  QUANTLAB_UNROLL
  for (std::size_t r = 0; r < kNr; ++r) {
    const vi packed = vi_load(wp + r * 16);
    acc[r] = vi_dot_add(acc[r], xa, qs4_nibble<2 * Half>(packed));
    acc[r] = vi_dot_add(acc[r], xb, qs4_nibble<2 * Half + 1>(packed));
  }
}

}  // namespace

void qs4_gemv_simd128(std::size_t n, std::size_t k, std::size_t group, const std::int16_t* x, float x_scale,
                      const std::uint8_t* w, const float* scales, float* y) {
  using namespace simd;
  const std::size_t kp = qs4_padded_k(k), groups = qs4_groups(group, k);
  const std::size_t halves = round_up(k, 16) / 16, halves_per_group = group >= k ? halves : group / 16;
  for (std::size_t j = 0; j < n; j += kNr) {
    const std::uint8_t* wb = w + j * (kp / 2);
    const float* sb = scales + j * groups;
    vf sum0 = vf_zero(), sum1 = vf_zero();
    std::size_t h = 0;
    for (std::size_t g = 0; g < groups; ++g) {
      vi acc[kNr];
      for (vi& v : acc) v = vi_zero();
      for (const std::size_t end = std::min(h + halves_per_group, halves); h < end; ++h) {
        const std::uint8_t* wp = wb + (h / 2) * kNr * 16;
        if (h % 2 == 0) {
          half_step<0>(x + 16 * h, wp, acc);
        } else {
          half_step<1>(x + 16 * h, wp, acc);
        }
      }
      sum0 = vf_add(sum0, vf_mul(vf_from_vi(hsum4_i32(acc[0], acc[1], acc[2], acc[3])), vf_load(sb + g * kNr)));
      sum1 = vf_add(sum1, vf_mul(vf_from_vi(hsum4_i32(acc[4], acc[5], acc[6], acc[7])), vf_load(sb + g * kNr + 4)));
    }
    const vf xs = vf_splat(x_scale);
    float out[kNr];
    vf_store(out, vf_mul(sum0, xs));
    vf_store(out + 4, vf_mul(sum1, xs));
    std::memcpy(y + j, out, std::min(kNr, n - j) * sizeof(float));
  }
}

}  // namespace quantlab::kernels
#endif
