// Epilogue, scalar reference: y = float(acc) * (row_scale * col_scale) + bias, optional ReLU.
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

void qs8_dequantize_scalar(std::size_t m, std::size_t n, const std::int32_t* acc, const float* row_scales,
                           const float* col_scales, const float* bias, bool relu, float* y) {
  for (std::size_t r = 0; r < m; ++r) {
    for (std::size_t c = 0; c < n; ++c) {
      const float scale = row_scales[r] * col_scales[c];
      float v = static_cast<float>(acc[r * n + c]) * scale + bias[c];
      if (relu && !(v > 0.0f)) v = 0.0f;
      y[r * n + c] = v;
    }
  }
}

}  // namespace quantlab::kernels
