// Dynamic per-row symmetric int8 quantization, 128-bit SIMD: max |x| (abs + max), then x * (127 / max)
// rounded half to even by adding 1.5 * 2^23 (the float sum's last bit is the integer's), which also makes the
// integer's bits, then clamped and narrowed to int16 — 8 values per step.
#include "simd128.hpp"
#if defined(QUANTLAB_SIMD128)
#include <algorithm>
#include <cmath>

#include "quantlab/kernels.hpp"

namespace quantlab::kernels {
namespace {

constexpr float kMagic = 12582912.0f;       // 1.5 * 2^23: |v| < 2^22 plus this rounds v to an integer
constexpr std::int32_t kMagicBits = 0x4B400000;

float row_max_abs(const float* row, std::size_t k) {
  using namespace simd;
  vf vmax = vf_zero();
  std::size_t i = 0;
  for (; i + 4 <= k; i += 4) vmax = vf_max(vmax, vf_abs(vf_load(row + i)));
  float m = std::max(std::max(vf_lane(vmax, 0), vf_lane(vmax, 1)), std::max(vf_lane(vmax, 2), vf_lane(vmax, 3)));
  for (; i < k; ++i) m = std::max(m, std::fabs(row[i]));
  return m;
}

simd::vi quantize4(const float* p, simd::vf inv_scale) {
  using namespace simd;
  const vf shifted = vf_add(vf_mul(vf_load(p), inv_scale), vf_splat(kMagic));
  return vi_clamp(vi_sub(vi_bits(shifted), vi_splat(kMagicBits)), -127, 127);
}

}  // namespace

void qs8_quantize_rows_simd128(std::size_t m, std::size_t k, std::size_t kp, const float* x, std::int16_t* q,
                               float* scales) {
  for (std::size_t r = 0; r < m; ++r) {
    const float* row = x + r * k;
    std::int16_t* out = q + r * kp;
    const float max_abs = row_max_abs(row, k);
    const bool zero = !(max_abs >= kQs8MinRowMax);  // all zero, or too small for a normal float32 scale
    scales[r] = zero ? 0.0f : max_abs / 127.0f;
    std::size_t i = 0;
    if (!zero) {
      const float inv = 127.0f / max_abs;
      const simd::vf vinv = simd::vf_splat(inv);
      for (; i + 8 <= k; i += 8) simd::vi_store(out + i, simd::vi_narrow_i16(quantize4(row + i, vinv), quantize4(row + i + 4, vinv)));
      for (; i < k; ++i) out[i] = static_cast<std::int16_t>(std::clamp(std::nearbyint(row[i] * inv), -127.0f, 127.0f));
    }
    std::fill(out + i, out + kp, std::int16_t{0});
  }
}

}  // namespace quantlab::kernels
#endif
