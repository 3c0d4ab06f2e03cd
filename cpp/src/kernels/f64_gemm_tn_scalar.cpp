// C += At^T . B in float64, scalar reference: each C value plus its products in order of p.
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

void f64_gemm_tn_scalar(std::size_t m, std::size_t n, std::size_t k, const double* at, std::size_t lda,
                        const double* b, std::size_t ldb, double* c, std::size_t ldc) {
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      double s = c[i * ldc + j];
      for (std::size_t p = 0; p < k; ++p) s += at[p * lda + i] * b[p * ldb + j];
      c[i * ldc + j] = s;
    }
  }
}

}  // namespace quantlab::kernels
