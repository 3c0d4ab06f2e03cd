// GPTQ for one layer (gptq.hpp, docs/lowbit.md).
#include "quantlab/gptq.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "quantlab/errors.hpp"
#include "quantlab/quantize.hpp"

namespace quantlab {

Gptq::Gptq(Span<double> w, std::size_t rows, std::size_t cols, Span<double> hessian, const GptqOptions& options,
           const kernels::KernelSet& ks)
    : rows_(rows), cols_(cols), options_(options), ks_(&ks) {
  check_finite_values(w, "weights");
  check_matrix_shape(w.size(), rows, cols, "weights");
  low_bits_from_number(options.bits);
  check_finite_values(hessian, "hessian");
  check_hessian_size(hessian.size(), cols);
  if (!(std::isfinite(options.damp) && options.damp >= 0.0)) {
    throw Error("damping must be a finite number >= 0 (a fraction of the mean diagonal, e.g. 0.01), got " +
                format_number(options.damp));
  }
  if (options.block_size == 0) throw Error("block size must be at least 1 column");
  const Granularity& g = options.granularity;
  if (g.kind == Granularity::Kind::kGroup && g.group == 0) throw Error("group size must be at least 1");
  const std::size_t len = g.length(cols);
  block_ = g.kind == Granularity::Kind::kGroup && len < cols ? (options.block_size + len - 1) / len * len : options.block_size;
  hessian_.assign(hessian.begin(), hessian.end());
  wt_.resize(cols * rows);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) wt_[c * rows + r] = w[r * cols + c];
  result_.rows = rows;
  result_.cols = cols;
  result_.bits = options.bits;
  result_.qmax = symmetric_qmax(options.bits);
  result_.granularity = g;
  result_.scales.assign(g.scale_count(rows, cols), 0.0);
  result_.q.assign(rows * cols, 0);
}

bool Gptq::step() {
  if (done()) return false;
  if (steps_done_ == 0) {
    chol_ = inverse_cholesky(hessian_, cols_, options_.damp, *ks_);
    hessian_ = std::vector<double>();
    for (std::size_t c = 0; c < cols_; ++c) {
      if (chol_.dead[c]) std::fill(wt_.begin() + static_cast<std::ptrdiff_t>(c * rows_), wt_.begin() + static_cast<std::ptrdiff_t>((c + 1) * rows_), 0.0);
    }
  } else {
    const std::size_t i1 = (steps_done_ - 1) * block_;
    quantize_block(i1, std::min(i1 + block_, cols_));
  }
  ++steps_done_;
  return !done();
}

// The scales of the group (or channel, or tensor) whose first column is `col`, from the current weights.
void Gptq::start_group(std::size_t col) {
  const Granularity& g = result_.granularity;
  const std::size_t end = g.kind == Granularity::Kind::kGroup ? std::min(col + g.length(cols_), cols_) : cols_;
  const double qmax = result_.qmax;
  if (g.kind == Granularity::Kind::kTensor) {
    double m = 0.0;
    for (std::size_t c = col; c < end; ++c)
      for (std::size_t r = 0; r < rows_; ++r) m = std::max(m, std::fabs(wt_[c * rows_ + r]));
    result_.scales[0] = m / qmax;
    return;
  }
  for (std::size_t r = 0; r < rows_; ++r) {
    double m = 0.0;
    for (std::size_t c = col; c < end; ++c) m = std::max(m, std::fabs(wt_[c * rows_ + r]));
    result_.scales[g.scale_index(r, col, cols_)] = m / qmax;
  }
}

namespace {

// Column i: rounded with its scales, its scaled error e = (w - q) / U[i][i] kept, and pushed onto the block's
// later columns (w_j -= e U[i][j]). Out of line and called once per column, so that V8 optimizes it after the
// first few columns (it does not replace a function's code in the middle of a call).
__attribute__((noinline)) void quantize_column(double* wt, std::size_t rows, std::size_t i, std::size_t i2,
                                                const double* u_row, const double* scales, std::size_t scale_stride,
                                                double qmax, std::int32_t* q, std::size_t q_stride, double* e) {
  double* wi = wt + i * rows;
  const double d = u_row[i];
  for (std::size_t r = 0; r < rows; ++r) {
    const double scale = scales[r * scale_stride];
    const double v = scale == 0.0 ? 0.0 : std::clamp(std::nearbyint(wi[r] / scale), -qmax, qmax);
    q[r * q_stride] = static_cast<std::int32_t>(v);
    e[r] = (wi[r] - v * scale) / d;
  }
  for (std::size_t j = i + 1; j < i2; ++j) {
    const double f = u_row[j];
    double* wj = wt + j * rows;
    for (std::size_t r = 0; r < rows; ++r) wj[r] -= f * e[r];
  }
}

}  // namespace

void Gptq::quantize_block(std::size_t i1, std::size_t i2) {
  const std::size_t n = cols_, rows = rows_, count = i2 - i1;
  const double* u = chol_.factor.data();
  const Granularity& g = result_.granularity;
  const std::size_t len = g.length(cols_);
  // Scales of row r for column i: scales[r * stride + group of i].
  const std::size_t stride = g.kind == Granularity::Kind::kTensor ? 0 : g.groups_per_row(cols_);
  err_.assign(count * rows, 0.0);
  for (std::size_t i = i1; i < i2; ++i) {
    if (i == 0 || (g.kind == Granularity::Kind::kGroup && i % len == 0)) start_group(i);
    const double* scales = result_.scales.data() + (g.kind == Granularity::Kind::kTensor ? 0 : i / len);
    quantize_column(wt_.data(), rows, i, i2, u + i * n, scales, stride, result_.qmax, result_.q.data() + i, cols_,
                    err_.data() + (i - i1) * rows);
  }
  if (i2 == cols_) return;
  // ... and onto every column after the block in one product: W^T[i2:] -= U[i1:i2, i2:]^T E.
  for (double& v : err_) v = -v;
  ks_->f64_gemm_tn(cols_ - i2, rows, count, u + i1 * n + i2, n, err_.data(), rows, wt_.data() + i2 * rows, rows);
}

GptqResult Gptq::result() const {
  if (!done()) throw Error("GPTQ has not finished: call step() until it returns false");
  GptqResult r;
  r.quantized = result_;
  for (double s : r.quantized.scales)
    if (s == 0.0) ++r.quantized.zero_groups;
  r.dequantized = group_dequantize(r.quantized);
  r.dead_inputs = chol_.dead_inputs;
  r.damping = chol_.damping;
  return r;
}

GptqResult gptq_quantize(Span<double> w, std::size_t rows, std::size_t cols, Span<double> hessian,
                         const GptqOptions& options, const kernels::KernelSet& ks) {
  Gptq g(w, rows, cols, hessian, options, ks);
  while (g.step()) {
  }
  return g.result();
}

}  // namespace quantlab
