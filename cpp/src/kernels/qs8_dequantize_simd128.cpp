// Epilogue, 128-bit SIMD: y = float(acc) * (row_scale * col_scale) + bias, optional ReLU; 4 columns per step.
#include "simd128.hpp"
#if defined(QUANTLAB_SIMD128)
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

void qs8_dequantize_simd128(std::size_t m, std::size_t n, const std::int32_t* acc, const float* row_scales,
                            const float* col_scales, const float* bias, bool relu, float* y) {
  using namespace simd;
  for (std::size_t r = 0; r < m; ++r) {
    const vf rs = vf_splat(row_scales[r]);
    std::size_t c = 0;
    for (; c + 4 <= n; c += 4) {
      const vf scale = vf_mul(rs, vf_load(col_scales + c));
      vf v = vf_add(vf_mul(vf_from_vi(vi_load(acc + r * n + c)), scale), vf_load(bias + c));
      if (relu) v = vf_relu(v);
      vf_store(y + r * n + c, v);
    }
    if (c < n) qs8_dequantize_scalar(1, n - c, acc + r * n + c, row_scales + r, col_scales + c, bias + c, relu, y + r * n + c);
  }
}

}  // namespace quantlab::kernels
#endif
