// y += bias, optional ReLU; 128-bit SIMD, 4 columns per step.
#include "simd128.hpp"
#if defined(QUANTLAB_SIMD128)
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

void f32_bias_act_simd128(std::size_t m, std::size_t n, float* y, const float* bias, bool relu) {
  using namespace simd;
  for (std::size_t r = 0; r < m; ++r) {
    float* row = y + r * n;
    std::size_t c = 0;
    for (; c + 4 <= n; c += 4) {
      vf v = vf_add(vf_load(row + c), vf_load(bias + c));
      if (relu) v = vf_relu(v);
      vf_store(row + c, v);
    }
    if (c < n) f32_bias_act_scalar(1, n - c, row + c, bias + c, relu);
  }
}

}  // namespace quantlab::kernels
#endif
