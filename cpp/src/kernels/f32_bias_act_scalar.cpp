// y += bias (per column), optional ReLU; scalar reference.
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

void f32_bias_act_scalar(std::size_t m, std::size_t n, float* y, const float* bias, bool relu) {
  for (std::size_t r = 0; r < m; ++r) {
    for (std::size_t c = 0; c < n; ++c) {
      float v = y[r * n + c] + bias[c];
      if (relu && !(v > 0.0f)) v = 0.0f;
      y[r * n + c] = v;
    }
  }
}

}  // namespace quantlab::kernels
