// int8 x int8 -> int32 GEMM, 128-bit SIMD: register tiles of 2 rows of A x 4 weight rows (half a packed
// block), 8 accumulators; each weight load feeds two dot_i16x8. A last odd row of A runs the GEMV.
#include "simd128.hpp"
#if defined(QUANTLAB_SIMD128)
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {
namespace {

constexpr std::size_t kHalf = kNr / 2;

void tile_2x4(std::size_t kp, const std::int16_t* a, const std::int16_t* bp, std::int32_t* c, std::size_t ldc,
              std::size_t cols) {
  using namespace simd;
  vi acc0[kHalf], acc1[kHalf];
  QUANTLAB_UNROLL
  for (std::size_t r = 0; r < kHalf; ++r) acc0[r] = acc1[r] = vi_zero();
  for (std::size_t p = 0; p < kp; p += kQs8KTile, bp += kNr * kQs8KTile) {
    const vi a0 = vi_load(a + p);
    const vi a1 = vi_load(a + kp + p);
    QUANTLAB_UNROLL
    for (std::size_t r = 0; r < kHalf; ++r) {
      const vi vb = vi_load(bp + r * kQs8KTile);
      acc0[r] = vi_dot_add(acc0[r], a0, vb);
      acc1[r] = vi_dot_add(acc1[r], a1, vb);
    }
  }
  store_sums<kHalf>(acc0, c, cols);
  store_sums<kHalf>(acc1, c + ldc, cols);
}

}  // namespace

void qs8_gemm_simd128(std::size_t m, std::size_t n, std::size_t kp, const std::int16_t* a, const std::int16_t* b,
                      std::int32_t* c) {
  std::size_t i = 0;
  for (; i + 2 <= m; i += 2) {
    for (std::size_t j = 0; j < n; j += kNr) {
      for (std::size_t h = 0; h < kNr && j + h < n; h += kHalf) {
        tile_2x4(kp, a + i * kp, b + j * kp + h * kQs8KTile, c + i * n + j + h, n, n - j - h);
      }
    }
  }
  if (i < m) qs8_gemv_simd128(n, kp, a + i * kp, b, c + i * n);
}

}  // namespace quantlab::kernels
#endif
