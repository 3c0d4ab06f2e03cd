// fp32 GEMM, 128-bit SIMD: register tiles of 2 rows of A x 4 weight rows (half a packed block), 4 k per step;
// the same per-lane summation order as the GEMV, so a row of a batch equals a single forward bit for bit.
#include "simd128.hpp"
#if defined(QUANTLAB_SIMD128)
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {
namespace {

constexpr std::size_t kHalf = kNr / 2;

void tile_2x4(std::size_t k, const float* a, const float* bp, float* c, std::size_t ldc, std::size_t cols) {
  using namespace simd;
  const std::size_t kp = round_up(k, kF32KTile), full = k / kF32KTile * kF32KTile;
  vf acc0[kHalf], acc1[kHalf];
  QUANTLAB_UNROLL
  for (std::size_t r = 0; r < kHalf; ++r) acc0[r] = acc1[r] = vf_zero();
  for (std::size_t p = 0; p < kp; p += kF32KTile, bp += kNr * kF32KTile) {
    const bool tail = p >= full;
    const vf a0 = tail ? load_tail(a + p, k - p) : vf_load(a + p);
    const vf a1 = tail ? load_tail(a + k + p, k - p) : vf_load(a + k + p);
    QUANTLAB_UNROLL
    for (std::size_t r = 0; r < kHalf; ++r) {
      const vf vb = vf_load(bp + r * kF32KTile);
      acc0[r] = vf_add(acc0[r], vf_mul(a0, vb));
      acc1[r] = vf_add(acc1[r], vf_mul(a1, vb));
    }
  }
  store_sums<kHalf>(acc0, c, cols);
  store_sums<kHalf>(acc1, c + ldc, cols);
}

}  // namespace

void f32_gemm_simd128(std::size_t m, std::size_t n, std::size_t k, const float* a, const float* b, float* c) {
  const std::size_t kp = round_up(k, kF32KTile);
  std::size_t i = 0;
  for (; i + 2 <= m; i += 2) {
    for (std::size_t j = 0; j < n; j += kNr) {
      for (std::size_t h = 0; h < kNr && j + h < n; h += kHalf) {
        tile_2x4(k, a + i * k, b + j * kp + h * kF32KTile, c + i * n + j + h, n, n - j - h);
      }
    }
  }
  if (i < m) f32_gemv_simd128(n, k, a + i * k, b, c + i * n);
}

}  // namespace quantlab::kernels
#endif
