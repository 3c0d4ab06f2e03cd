// int8 x int8 -> int32 GEMV, scalar reference on blocked int16 weights (kernels.hpp): y = W . x, exact.
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

void qs8_gemv_scalar(std::size_t n, std::size_t kp, const std::int16_t* x, const std::int16_t* w, std::int32_t* y) {
  for (std::size_t j = 0; j < n; ++j) {
    std::int32_t acc = 0;
    for (std::size_t p = 0; p < kp; ++p) acc += std::int32_t{w[packed_index(j, p, kp, kQs8KTile)]} * x[p];
    y[j] = acc;
  }
}

}  // namespace quantlab::kernels
