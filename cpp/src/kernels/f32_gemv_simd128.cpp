// fp32 GEMV, 128-bit SIMD: one block of 8 weight rows per pass (8 independent add chains), 4 k per step;
// the K tail goes through a zero-padded copy of x.
#include "simd128.hpp"
#if defined(QUANTLAB_SIMD128)
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

void f32_gemv_simd128(std::size_t n, std::size_t k, const float* x, const float* w, float* y) {
  using namespace simd;
  const std::size_t kp = round_up(k, kF32KTile), full = k / kF32KTile * kF32KTile;
  for (std::size_t j = 0; j < n; j += kNr) {
    const float* wp = w + j * kp;
    vf acc[kNr];
    for (vf& v : acc) v = vf_zero();
    for (std::size_t p = 0; p < kp; p += kF32KTile, wp += kNr * kF32KTile) {
      const vf vx = p < full ? vf_load(x + p) : load_tail(x + p, k - p);
      QUANTLAB_UNROLL
      for (std::size_t r = 0; r < kNr; ++r) acc[r] = vf_add(acc[r], vf_mul(vx, vf_load(wp + r * kF32KTile)));
    }
    store_sums<kNr>(acc, y + j, n - j);
  }
}

}  // namespace quantlab::kernels
#endif
