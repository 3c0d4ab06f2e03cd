// fp32 C = A . B (both row-major, B not packed), scalar reference: every C[i][j] sums p = 0..K-1 in order.
// The trainer's dX = dY . W. Rows of C are accumulated one K step at a time (row p of B is contiguous).
#include <algorithm>

#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

void f32_gemm_nn_scalar(std::size_t m, std::size_t n, std::size_t k, const float* a, const float* b, float* c) {
  for (std::size_t i = 0; i < m; ++i) {
    float* ci = c + i * n;
    std::fill(ci, ci + n, 0.0f);
    for (std::size_t p = 0; p < k; ++p) {
      const float aip = a[i * k + p];
      const float* bp = b + p * n;
      for (std::size_t j = 0; j < n; ++j) ci[j] += aip * bp[j];
    }
  }
}

}  // namespace quantlab::kernels
