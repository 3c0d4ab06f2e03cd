// fp32 C = A . B (B row-major, not packed), 128-bit SIMD: register tiles of 4 rows x 8 columns of C built one
// K step at a time (f32_gemm_bcast_simd128.hpp). The trainer's dX = dY . W.
#include "f32_gemm_bcast_simd128.hpp"
#if defined(QUANTLAB_SIMD128)
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

void f32_gemm_nn_simd128(std::size_t m, std::size_t n, std::size_t k, const float* a, const float* b, float* c) {
  bcast::gemm<false>(m, n, k, a, b, c);
}

}  // namespace quantlab::kernels
#endif
