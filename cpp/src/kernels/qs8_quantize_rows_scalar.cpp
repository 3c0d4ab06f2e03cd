// Dynamic per-row symmetric int8 quantization of activations, scalar reference.
#include <algorithm>
#include <cmath>

#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

void qs8_quantize_rows_scalar(std::size_t m, std::size_t k, std::size_t kp, const float* x, std::int16_t* q,
                              float* scales) {
  for (std::size_t r = 0; r < m; ++r) {
    const float* row = x + r * k;
    std::int16_t* out = q + r * kp;
    float max_abs = 0.0f;
    for (std::size_t i = 0; i < k; ++i) max_abs = std::max(max_abs, std::fabs(row[i]));
    const bool zero = !(max_abs >= kQs8MinRowMax);  // all zero, or too small for a normal float32 scale
    scales[r] = zero ? 0.0f : max_abs / 127.0f;
    const float inv = zero ? 0.0f : 127.0f / max_abs;
    for (std::size_t i = 0; i < k; ++i) {
      // nearbyint rounds half to even; x * inv is the same float product in every variant.
      out[i] = static_cast<std::int16_t>(std::clamp(std::nearbyint(row[i] * inv), -127.0f, 127.0f));
    }
    std::fill(out + k, out + kp, std::int16_t{0});
  }
}

}  // namespace quantlab::kernels
