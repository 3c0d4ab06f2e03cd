// Packed int4 x int8 GEMV with group scales, scalar reference (kernels.hpp): for each output row, each group's
// products summed exactly in int32, then float(sum) * group scale added in group order, times the activation
// scale at the end.
#include <algorithm>

#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

void qs4_gemv_scalar(std::size_t n, std::size_t k, std::size_t group, const std::int16_t* x, float x_scale,
                     const std::uint8_t* w, const float* scales, float* y) {
  const std::size_t kp = qs4_padded_k(k), groups = qs4_groups(group, k), g_len = std::min(group, k);
  for (std::size_t j = 0; j < n; ++j) {
    const float* row_scales = scales + (j / kNr) * kNr * groups + j % kNr;
    float sum = 0.0f;
    for (std::size_t g = 0; g < groups; ++g) {
      std::int32_t acc = 0;
      for (std::size_t p = g * g_len; p < std::min((g + 1) * g_len, k); ++p) acc += qs4_weight(w, j, p, kp) * x[p];
      sum += static_cast<float>(acc) * row_scales[g * kNr];
    }
    y[j] = sum * x_scale;
  }
}

}  // namespace quantlab::kernels
