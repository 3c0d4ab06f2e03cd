// Packing int4 weights and their group scales into the qs4 kernels' blocked layout (kernels.hpp).
#include <string>

#include "quantlab/errors.hpp"
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

std::vector<std::uint8_t> qs4_pack_weights(const std::int8_t* w, std::size_t n, std::size_t k) {
  if (k > kQs4MaxK) {
    throw Error("a layer with " + std::to_string(k) + " inputs is too wide for the int4 kernels (at most " +
                std::to_string(kQs4MaxK) + ")");
  }
  const std::size_t kp = qs4_padded_k(k);
  std::vector<std::uint8_t> out(round_up(n, kNr) * kp / 2, 0);
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t p = 0; p < k; ++p) {
      const int v = w[j * k + p];
      if (v < -8 || v > 7) {
        throw Error("int4 weight [" + std::to_string(j) + "][" + std::to_string(p) + "] is " + std::to_string(v) +
                    ": a 4-bit value must lie in [-8, 7]");
      }
      const std::size_t byte = qs4_byte(j, p, kp);
      out[byte] = static_cast<std::uint8_t>(out[byte] | ((v & 0xF) << qs4_shift(p)));
    }
  }
  return out;
}

std::vector<float> qs4_pack_scales(const float* scales, std::size_t n, std::size_t k, std::size_t group) {
  if (!qs4_group_ok(group, k)) {
    throw Error("group size " + std::to_string(group) + " does not suit the int4 kernels for " + std::to_string(k) +
                " inputs: use a multiple of 8, or at least the input count (one group per row)");
  }
  const std::size_t groups = qs4_groups(group, k);
  std::vector<float> out(round_up(n, kNr) * groups, 0.0f);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t g = 0; g < groups; ++g) out[(j / kNr) * kNr * groups + g * kNr + j % kNr] = scales[j * groups + g];
  return out;
}

}  // namespace quantlab::kernels
