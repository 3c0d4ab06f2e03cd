// Packed int4 x int8 GEMM, scalar reference: one GEMV per row of A.
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

void qs4_gemm_scalar(std::size_t m, std::size_t n, std::size_t k, std::size_t group, const std::int16_t* a,
                     const float* a_scales, const std::uint8_t* b, const float* scales, float* c) {
  const std::size_t kp = qs4_padded_k(k);
  for (std::size_t i = 0; i < m; ++i) qs4_gemv_scalar(n, k, group, a + i * kp, a_scales[i], b, scales, c + i * n);
}

}  // namespace quantlab::kernels
