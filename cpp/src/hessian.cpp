// The layer Hessian H = 2 X^T X, GPTQ's inverse Cholesky factor and the reconstruction error (gptq.hpp).
#include <algorithm>
#include <cmath>
#include <string>

#include "quantlab/errors.hpp"
#include "quantlab/gptq.hpp"

namespace quantlab {
namespace {

constexpr std::size_t kChunk = 64;  // calibration inputs per H update: 64 x 784 doubles stay in L2
constexpr std::size_t kStrip = 32;  // rows of a triangular update per kernel call

// C[i][j] += sum_p At[p][i] B[p][j] for the upper triangle j >= i of an n x n C only (and a little of the lower
// triangle inside each diagonal strip), in strips of kStrip rows.
void upper_update(std::size_t n, std::size_t k, const double* at, std::size_t lda, const double* b, std::size_t ldb,
                  double* c, std::size_t ldc, const kernels::KernelSet& ks) {
  for (std::size_t s = 0; s < n; s += kStrip) {
    ks.f64_gemm_tn(std::min(kStrip, n - s), n - s, k, at + s, lda, b + s, ldb, c + s * ldc + s, ldc);
  }
}

void check_hessian(Span<double> h, std::size_t cols) {
  check_finite_values(h, "hessian");
  check_hessian_size(h.size(), cols);
}

}  // namespace

void check_hessian_size(std::size_t size, std::size_t cols) {
  if (cols == 0 || size % cols != 0 || size / cols != cols) {
    throw Error("hessian has " + std::to_string(size) + " values: a layer with " + std::to_string(cols) +
                " inputs needs " + std::to_string(cols) + " x " + std::to_string(cols) + " = " +
                format_number(static_cast<double>(cols) * static_cast<double>(cols)));
  }
}

HessianAccumulator::HessianAccumulator(std::size_t cols, const kernels::KernelSet& ks)
    : cols_(cols), upper_(cols * cols, 0.0), ks_(&ks) {
  if (cols == 0) throw Error("a layer needs at least one input");
}

void HessianAccumulator::add(const float* x, std::size_t samples) {
  check_finite_values(Span<float>(x, samples * cols_), "inputs");
  chunk_.resize(kChunk * cols_);
  for (std::size_t s0 = 0; s0 < samples; s0 += kChunk) {
    const std::size_t count = std::min(kChunk, samples - s0);
    std::copy(x + s0 * cols_, x + (s0 + count) * cols_, chunk_.begin());  // float32 -> float64, exact
    upper_update(cols_, count, chunk_.data(), cols_, chunk_.data(), cols_, upper_.data(), cols_, *ks_);
  }
  samples_ += samples;
}

std::vector<double> HessianAccumulator::hessian() const {
  std::vector<double> h(cols_ * cols_);
  for (std::size_t i = 0; i < cols_; ++i) {
    for (std::size_t j = i; j < cols_; ++j) h[i * cols_ + j] = h[j * cols_ + i] = 2.0 * upper_[i * cols_ + j];
  }
  return h;
}

std::vector<double> layer_hessian(const float* x, std::size_t samples, std::size_t cols, const kernels::KernelSet& ks) {
  HessianAccumulator acc(cols, ks);
  acc.add(x, samples);
  return acc.hessian();
}

namespace {

// The loops below are split into functions called once per row and kept out of line: V8 runs a WebAssembly
// function's first calls on its baseline compiler and swaps in optimized code only for later calls, so one call
// doing all the work would run unoptimized from start to end.
#define QUANTLAB_NOINLINE __attribute__((noinline))

// Row k of the factorization: R[k][k] = sqrt(a[k][k]), the rest of row k divided by it, then the rows k+1..k1-1
// of the current block updated with it.
QUANTLAB_NOINLINE void cholesky_row(double* a, std::size_t n, std::size_t k, std::size_t k1) {
  double* rk = a + k * n;
  if (!(rk[k] > 0.0) || !std::isfinite(rk[k])) {
    throw Error("the Hessian is not positive definite (pivot " + std::to_string(k) + " is " + format_number(rk[k]) +
                " after damping): raise the damping");
  }
  const double d = std::sqrt(rk[k]);
  rk[k] = d;
  for (std::size_t j = k + 1; j < n; ++j) rk[j] /= d;
  for (std::size_t i = k + 1; i < k1; ++i) {
    double* ri = a + i * n;
    const double f = rk[i];
    for (std::size_t j = i; j < n; ++j) ri[j] -= f * rk[j];
  }
}

// In place: the upper triangle of the n x n matrix a (row-major) becomes R with a = R^T R (right-looking,
// blocked: each block of kStrip rows is factored with the rows below it in the block, then the trailing
// submatrix is updated by one matrix product).
void cholesky_upper(std::vector<double>& a, std::size_t n, const kernels::KernelSet& ks) {
  std::vector<double> neg;
  for (std::size_t k0 = 0; k0 < n; k0 += kStrip) {
    const std::size_t k1 = std::min(k0 + kStrip, n);
    for (std::size_t k = k0; k < k1; ++k) cholesky_row(a.data(), n, k, k1);
    if (k1 == n) break;
    // a[k1:, k1:] -= R[k0:k1, k1:]^T R[k0:k1, k1:]
    const std::size_t m = n - k1, kb = k1 - k0;
    neg.resize(kb * m);
    for (std::size_t p = 0; p < kb; ++p)
      for (std::size_t j = 0; j < m; ++j) neg[p * m + j] = -a[(k0 + p) * n + k1 + j];
    upper_update(m, kb, a.data() + k0 * n + k1, n, neg.data(), m, a.data() + k1 * n + k1, n, ks);
  }
}

// Row i of the inverse of an upper triangular r whose rows below i are already inverted (Y):
// Y[i][i] = 1 / R[i][i], Y[i][j] = -(sum_{i<p<=j} R[i][p] Y[p][j]) / R[i][i].
QUANTLAB_NOINLINE void invert_upper_row(double* r, std::size_t n, std::size_t i, double* acc) {
  double* ri = r + i * n;
  std::fill(acc + i, acc + n, 0.0);
  for (std::size_t p = i + 1; p < n; ++p) {
    const double f = ri[p];
    const double* yp = r + p * n;
    for (std::size_t j = p; j < n; ++j) acc[j] += f * yp[j];
  }
  const double d = ri[i];
  ri[i] = 1.0 / d;
  for (std::size_t j = i + 1; j < n; ++j) ri[j] = -acc[j] / d;
}

// In place: the upper triangular r (n x n, row-major) becomes its inverse, row by row from the bottom.
void invert_upper(std::vector<double>& r, std::size_t n) {
  std::vector<double> acc(n);
  for (std::size_t i = n; i-- > 0;) invert_upper_row(r.data(), n, i, acc.data());
}

}  // namespace

InverseCholesky inverse_cholesky(Span<double> hessian, std::size_t cols, double damp, const kernels::KernelSet& ks) {
  check_hessian(hessian, cols);
  if (!(std::isfinite(damp) && damp >= 0.0)) {
    throw Error("damping must be a finite number >= 0 (a fraction of the mean diagonal, e.g. 0.01), got " + format_number(damp));
  }
  const std::size_t n = cols;
  InverseCholesky out;
  out.dead.assign(n, false);
  double diag_sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = hessian[i * n + i];
    if (d < 0.0) {
      throw Error("hessian[" + std::to_string(i) + "][" + std::to_string(i) + "] is " + format_number(d) +
                  ": the diagonal of 2 X^T X cannot be negative");
    }
    if (d == 0.0) {
      out.dead[i] = true;
      ++out.dead_inputs;
    }
    diag_sum += d == 0.0 ? 1.0 : d;
  }
  out.damping = damp * (diag_sum / static_cast<double>(n));
  // GPTQ wants the upper Cholesky factor U of H^-1. With P the reversal of the index order and P H P = R^T R
  // (R upper), H^-1 = P R^-1 R^-T P = U^T U for U = P R^-T P, upper triangular: one Cholesky factorization and
  // one triangular inverse, no inverse of H itself.
  std::vector<double> a(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i; j < n; ++j) {
      double v = hessian[i * n + j];
      if (i == j) v = (out.dead[i] ? 1.0 : v) + out.damping;
      a[(n - 1 - j) * n + (n - 1 - i)] = v;  // upper triangle of P H P
    }
  }
  cholesky_upper(a, n, ks);
  invert_upper(a, n);
  out.factor.assign(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i; j < n; ++j) out.factor[i * n + j] = a[(n - 1 - j) * n + (n - 1 - i)];
  return out;
}

namespace {

std::vector<double> weight_difference(Span<double> w, Span<double> w_hat, std::size_t rows, std::size_t cols) {
  check_finite_values(w, "weights");
  check_matrix_shape(w.size(), rows, cols, "weights");
  check_finite_values(w_hat, "quantized weights");
  check_same_length(w_hat.size(), w.size(), "quantized weights", "weights");
  std::vector<double> dt(cols * rows);  // (W - W^)^T
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) dt[c * rows + r] = w[r * cols + c] - w_hat[r * cols + c];
  return dt;
}

}  // namespace

double reconstruction_error(Span<double> w, Span<double> w_hat, std::size_t rows, std::size_t cols, const float* x,
                            std::size_t samples, const kernels::KernelSet& ks) {
  const std::vector<double> dt = weight_difference(w, w_hat, rows, cols);
  check_finite_values(Span<float>(x, samples * cols), "inputs");
  // Y = X (W - W^)^T, kChunk inputs at a time; the error is the sum of Y's squares.
  std::vector<double> xt(cols * kChunk), y(kChunk * rows);
  double total = 0.0;
  for (std::size_t s0 = 0; s0 < samples; s0 += kChunk) {
    const std::size_t count = std::min(kChunk, samples - s0);
    for (std::size_t s = 0; s < count; ++s)
      for (std::size_t c = 0; c < cols; ++c) xt[c * count + s] = x[(s0 + s) * cols + c];
    std::fill(y.begin(), y.end(), 0.0);
    ks.f64_gemm_tn(count, rows, cols, xt.data(), count, dt.data(), rows, y.data(), rows);
    for (std::size_t i = 0; i < count * rows; ++i) total += y[i] * y[i];
  }
  return total;
}

double reconstruction_error_hessian(Span<double> w, Span<double> w_hat, std::size_t rows, std::size_t cols,
                                    Span<double> hessian, const kernels::KernelSet& ks) {
  const std::vector<double> dt = weight_difference(w, w_hat, rows, cols);
  check_hessian(hessian, cols);
  // C = H (W - W^)^T (H is symmetric, so it serves as its own transpose), then sum (W - W^)^T .* C / 2.
  std::vector<double> c(cols * rows, 0.0);
  ks.f64_gemm_tn(cols, rows, cols, hessian.data(), cols, dt.data(), rows, c.data(), rows);
  double total = 0.0;
  for (std::size_t i = 0; i < c.size(); ++i) total += dt[i] * c[i];
  return total / 2;
}

}  // namespace quantlab
