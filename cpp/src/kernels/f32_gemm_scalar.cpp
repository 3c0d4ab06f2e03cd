// fp32 GEMM, scalar reference: one GEMV per row of A.
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

void f32_gemm_scalar(std::size_t m, std::size_t n, std::size_t k, const float* a, const float* b, float* c) {
  for (std::size_t i = 0; i < m; ++i) f32_gemv_scalar(n, k, a + i * k, b, c + i * n);
}

}  // namespace quantlab::kernels
