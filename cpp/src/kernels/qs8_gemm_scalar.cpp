// int8 x int8 -> int32 GEMM, scalar reference: one GEMV per row of A.
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

void qs8_gemm_scalar(std::size_t m, std::size_t n, std::size_t kp, const std::int16_t* a, const std::int16_t* b,
                     std::int32_t* c) {
  for (std::size_t i = 0; i < m; ++i) qs8_gemv_scalar(n, kp, a + i * kp, b, c + i * n);
}

}  // namespace quantlab::kernels
