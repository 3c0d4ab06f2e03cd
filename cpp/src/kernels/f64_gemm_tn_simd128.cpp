// C += At^T . B in float64, 128-bit SIMD: register tiles of 4 rows x 4 columns of C (8 f64x2 accumulators, loaded
// from C), one broadcast of At[p][i] per row and two loads of B[p] per p. Each C value gets its products added
// in order of p after its own value, like the scalar reference, so the results are identical; columns past a
// multiple of 4 go two or one at a time, rows past a multiple of 4 one at a time.
#include "simd128_extra.hpp"
#if defined(QUANTLAB_SIMD128)
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {
namespace {

constexpr std::size_t kRows = 4;

// Rows [0, Rows) of C, columns [j, j + 2 * Vecs).
template <std::size_t Rows, std::size_t Vecs>
inline void tile(std::size_t k, const double* at, std::size_t lda, const double* b, std::size_t ldb, double* c,
                 std::size_t ldc) {
  using namespace simd;
  vd acc[Rows][Vecs];
  QUANTLAB_UNROLL
  for (std::size_t r = 0; r < Rows; ++r) {
    QUANTLAB_UNROLL
    for (std::size_t v = 0; v < Vecs; ++v) acc[r][v] = vd_load(c + r * ldc + 2 * v);
  }
  for (std::size_t p = 0; p < k; ++p, at += lda, b += ldb) {
    vd vb[Vecs];
    QUANTLAB_UNROLL
    for (std::size_t v = 0; v < Vecs; ++v) vb[v] = vd_load(b + 2 * v);
    QUANTLAB_UNROLL
    for (std::size_t r = 0; r < Rows; ++r) {
      const vd va = vd_load_splat(at + r);
      QUANTLAB_UNROLL
      for (std::size_t v = 0; v < Vecs; ++v) acc[r][v] = vd_add(acc[r][v], vd_mul(va, vb[v]));
    }
  }
  QUANTLAB_UNROLL
  for (std::size_t r = 0; r < Rows; ++r) {
    QUANTLAB_UNROLL
    for (std::size_t v = 0; v < Vecs; ++v) vd_store(c + r * ldc + 2 * v, acc[r][v]);
  }
}

template <std::size_t Rows>
void row_strip(std::size_t n, std::size_t k, const double* at, std::size_t lda, const double* b, std::size_t ldb,
               double* c, std::size_t ldc) {
  std::size_t j = 0;
  for (; j + 4 <= n; j += 4) tile<Rows, 2>(k, at, lda, b + j, ldb, c + j, ldc);
  if (j + 2 <= n) {
    tile<Rows, 1>(k, at, lda, b + j, ldb, c + j, ldc);
    j += 2;
  }
  if (j < n) f64_gemm_tn_scalar(Rows, 1, k, at, lda, b + j, ldb, c + j, ldc);
}

}  // namespace

void f64_gemm_tn_simd128(std::size_t m, std::size_t n, std::size_t k, const double* at, std::size_t lda,
                         const double* b, std::size_t ldb, double* c, std::size_t ldc) {
  std::size_t i = 0;
  for (; i + kRows <= m; i += kRows) row_strip<kRows>(n, k, at + i, lda, b, ldb, c + i * ldc, ldc);
  for (; i < m; ++i) row_strip<1>(n, k, at + i, lda, b, ldb, c + i * ldc, ldc);
}

}  // namespace quantlab::kernels
#endif
