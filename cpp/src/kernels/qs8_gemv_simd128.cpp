// int8 x int8 -> int32 GEMV, 128-bit SIMD: one block of 8 weight rows per pass; each step loads x once and
// the 8 rows' next 8 values at fixed offsets from one walking pointer, one dot_i16x8 (8 multiply-adds) per row.
#include "simd128.hpp"
#if defined(QUANTLAB_SIMD128)
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

void qs8_gemv_simd128(std::size_t n, std::size_t kp, const std::int16_t* x, const std::int16_t* w, std::int32_t* y) {
  using namespace simd;
  for (std::size_t j = 0; j < n; j += kNr) {
    const std::int16_t* wp = w + j * kp;
    vi acc[kNr];
    for (vi& v : acc) v = vi_zero();
    for (std::size_t p = 0; p < kp; p += kQs8KTile, wp += kNr * kQs8KTile) {
      const vi vx = vi_load(x + p);
      QUANTLAB_UNROLL
      for (std::size_t r = 0; r < kNr; ++r) acc[r] = vi_dot_add(acc[r], vx, vi_load(wp + r * kQs8KTile));
    }
    store_sums<kNr>(acc, y + j, n - j);
  }
}

}  // namespace quantlab::kernels
#endif
