// fp32 C = A^T . B (A is K x M, B is K x N, both row-major), scalar reference: every C[i][j] sums
// p = 0..K-1 in order. The trainer's dW = dY^T . X, summed over the batch.
#include <algorithm>

#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

void f32_gemm_tn_scalar(std::size_t m, std::size_t n, std::size_t k, const float* a, const float* b, float* c) {
  std::fill(c, c + m * n, 0.0f);
  for (std::size_t p = 0; p < k; ++p) {
    const float* bp = b + p * n;
    for (std::size_t i = 0; i < m; ++i) {
      const float api = a[p * m + i];
      float* ci = c + i * n;
      for (std::size_t j = 0; j < n; ++j) ci[j] += api * bp[j];
    }
  }
}

}  // namespace quantlab::kernels
