// The register tile shared by f32_gemm_nn_simd128 (C = A . B) and f32_gemm_tn_simd128 (C = A^T . B): B is
// row-major K x N and not packed, so a tile of C, R rows (up to 4) by 8 columns, is built one K step at a time:
// two vector loads of row p of B, one broadcast A value per row, 2R multiplies and 2R adds into 8 accumulators
// (the 16 registers V8 has on x64 hold them with room to spare). Each C element is summed over p = 0..K-1 in
// order starting from 0, exactly as the scalar references do, so every variant gives the same bits.
// Columns left over (N mod 8) take a 4-wide tile, then single lanes; rows left over (M mod 4) a smaller R.
#pragma once

#include "simd128.hpp"
#if defined(QUANTLAB_SIMD128)
#include <cstddef>

namespace quantlab::kernels::bcast {

// A(i, p): row i, step p of op(A), where op(A) is A (M x K) or, with TransA, A^T for A stored K x M.
template <bool TransA>
inline float a_at(const float* a, std::size_t m, std::size_t k, std::size_t i, std::size_t p) {
  return TransA ? a[p * m + i] : a[i * k + p];
}

template <bool TransA, std::size_t R, std::size_t V>
inline void tile(std::size_t m, std::size_t n, std::size_t k, const float* a, const float* b, float* c, std::size_t i,
                 std::size_t j) {
  using namespace simd;
  vf acc[R][V];
  QUANTLAB_UNROLL
  for (std::size_t r = 0; r < R; ++r) {
    QUANTLAB_UNROLL
    for (std::size_t v = 0; v < V; ++v) acc[r][v] = vf_zero();
  }
  for (std::size_t p = 0; p < k; ++p) {
    const float* bp = b + p * n + j;
    vf vb[V];
    QUANTLAB_UNROLL
    for (std::size_t v = 0; v < V; ++v) vb[v] = vf_load(bp + 4 * v);
    QUANTLAB_UNROLL
    for (std::size_t r = 0; r < R; ++r) {
      const vf va = vf_splat(a_at<TransA>(a, m, k, i + r, p));
      QUANTLAB_UNROLL
      for (std::size_t v = 0; v < V; ++v) acc[r][v] = vf_add(acc[r][v], vf_mul(va, vb[v]));
    }
  }
  QUANTLAB_UNROLL
  for (std::size_t r = 0; r < R; ++r) {
    QUANTLAB_UNROLL
    for (std::size_t v = 0; v < V; ++v) vf_store(c + (i + r) * n + j + 4 * v, acc[r][v]);
  }
}

// R rows of C starting at row i, every column.
template <bool TransA, std::size_t R>
inline void rows(std::size_t m, std::size_t n, std::size_t k, const float* a, const float* b, float* c, std::size_t i) {
  std::size_t j = 0;
  for (; j + 8 <= n; j += 8) tile<TransA, R, 2>(m, n, k, a, b, c, i, j);
  if (j + 4 <= n) {
    tile<TransA, R, 1>(m, n, k, a, b, c, i, j);
    j += 4;
  }
  for (; j < n; ++j) {
    for (std::size_t r = 0; r < R; ++r) {
      float acc = 0.0f;
      for (std::size_t p = 0; p < k; ++p) acc += a_at<TransA>(a, m, k, i + r, p) * b[p * n + j];
      c[(i + r) * n + j] = acc;
    }
  }
}

template <bool TransA>
inline void gemm(std::size_t m, std::size_t n, std::size_t k, const float* a, const float* b, float* c) {
  std::size_t i = 0;
  for (; i + 4 <= m; i += 4) rows<TransA, 4>(m, n, k, a, b, c, i);
  switch (m - i) {
    case 3: rows<TransA, 3>(m, n, k, a, b, c, i); break;
    case 2: rows<TransA, 2>(m, n, k, a, b, c, i); break;
    case 1: rows<TransA, 1>(m, n, k, a, b, c, i); break;
    default: break;
  }
}

}  // namespace quantlab::kernels::bcast
#endif
