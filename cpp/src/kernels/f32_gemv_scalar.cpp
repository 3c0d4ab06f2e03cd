// fp32 GEMV, scalar reference: y = W . x on blocked weights (kernels.hpp), summing k in order.
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

void f32_gemv_scalar(std::size_t n, std::size_t k, const float* x, const float* w, float* y) {
  const std::size_t kp = round_up(k, kF32KTile);
  for (std::size_t j = 0; j < n; ++j) {
    float acc = 0.0f;
    for (std::size_t p = 0; p < k; ++p) acc += w[packed_index(j, p, kp, kF32KTile)] * x[p];
    y[j] = acc;
  }
}

}  // namespace quantlab::kernels
