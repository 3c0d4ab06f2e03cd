// The kernel table of this build: scalar always; the SIMD128 kernels where WASM SIMD128 or SSE4.1 is on.
#include <algorithm>

#include "quantlab/errors.hpp"
#include "quantlab/kernels.hpp"
#include "simd128.hpp"

namespace quantlab::kernels {
namespace {

const KernelSet kScalar = {"scalar",           f32_gemm_scalar,       f32_gemv_scalar,     qs8_gemm_scalar,
                           qs8_gemv_scalar,    qs8_quantize_rows_scalar, qs8_dequantize_scalar, f32_bias_act_scalar,
                           nullptr,            f32_gemm_nn_scalar,    f32_gemm_tn_scalar,  qs4_gemv_scalar,
                           qs4_gemm_scalar,    f64_gemm_tn_scalar};

#if defined(QUANTLAB_SIMD128)
const KernelSet kSimd = {QUANTLAB_SIMD128,     f32_gemm_simd128,          f32_gemv_simd128,
                         qs8_gemm_simd128,     qs8_gemv_simd128,          qs8_quantize_rows_simd128,
                         qs8_dequantize_simd128, f32_bias_act_simd128,    dot_peak_simd128,
                         f32_gemm_nn_simd128,  f32_gemm_tn_simd128,       qs4_gemv_simd128,
                         qs4_gemm_simd128,     f64_gemm_tn_simd128};
#endif

}  // namespace

const KernelSet& scalar_kernels() { return kScalar; }

const KernelSet* simd_kernels() {
#if defined(QUANTLAB_SIMD128)
  return &kSimd;
#else
  return nullptr;
#endif
}

const KernelSet& best_kernels() { return simd_kernels() ? *simd_kernels() : kScalar; }

std::vector<const KernelSet*> all_kernel_sets() {
  std::vector<const KernelSet*> sets = {&kScalar};
  if (simd_kernels()) sets.push_back(simd_kernels());
  return sets;
}

const KernelSet& kernels_named(const std::string& name) {
  if (name == "auto") return best_kernels();
  if (name == "scalar") return kScalar;
  if (name == "simd") {
    if (!simd_kernels()) throw Error("this build has no SIMD kernels: use kernels 'scalar' or 'auto'");
    return *simd_kernels();
  }
  throw Error("kernels must be 'auto', 'simd' or 'scalar', got '" + name + "'");
}

namespace {

template <typename Out, typename In>
std::vector<Out> pack_blocked(const In* w, std::size_t n, std::size_t k, std::size_t tile) {
  const std::size_t kp = round_up(k, tile);
  const std::size_t size = checked_mul(round_up(n, kNr), kp, "the packed weight matrix");
  std::vector<Out> out(checked_array_size<Out>(size, "the packed weight matrix"), Out{0});
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t p = 0; p < k; ++p) out[packed_index(j, p, kp, tile)] = static_cast<Out>(w[j * k + p]);
  return out;
}

}  // namespace

std::vector<float> f32_pack_weights(const float* w, std::size_t n, std::size_t k) {
  return pack_blocked<float>(w, n, k, kF32KTile);
}

std::vector<std::int16_t> qs8_pack_weights(const std::int8_t* w, std::size_t n, std::size_t k) {
  return pack_blocked<std::int16_t>(w, n, k, kQs8KTile);
}

std::vector<std::int16_t> qs8_pack_rows(const std::int8_t* src, std::size_t rows, std::size_t k) {
  const std::size_t kp = qs8_padded_k(k);
  const std::size_t size = checked_mul(rows, kp, "the packed rows");
  std::vector<std::int16_t> out(checked_array_size<std::int16_t>(size, "the packed rows"), 0);
  for (std::size_t r = 0; r < rows; ++r) std::copy(src + r * k, src + (r + 1) * k, out.begin() + static_cast<std::ptrdiff_t>(r * kp));
  return out;
}

}  // namespace quantlab::kernels
