// AWQ for one layer (awq.hpp).
#include "quantlab/awq.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "quantlab/errors.hpp"
#include "quantlab/gptq.hpp"

namespace quantlab {

std::vector<double> awq_input_scales(Span<double> mean_abs, double alpha) {
  std::vector<double> s(mean_abs.size());
  for (std::size_t c = 0; c < s.size(); ++c) s[c] = std::max(std::pow(mean_abs[c], alpha), 1e-4);
  return s;
}

Awq::Awq(Span<double> w, std::size_t rows, std::size_t cols, const float* x, std::size_t samples,
         const AwqOptions& options, Span<double> hessian, const kernels::KernelSet& ks)
    : rows_(rows), cols_(cols), options_(options), ks_(&ks), w_(w.begin(), w.end()) {
  check_finite_values(w, "weights");
  check_matrix_shape(w.size(), rows, cols, "weights");
  low_bits_from_number(options.bits);
  if (options.granularity.kind == Granularity::Kind::kGroup && options.granularity.group == 0) {
    throw Error("group size must be at least 1");
  }
  if (samples == 0) throw Error("AWQ needs at least one calibration input");
  check_finite_values(Span<float>(x, samples * cols), "inputs");
  result_.alphas = options.alphas;
  if (result_.alphas.empty()) {
    for (int i = 0; i <= 20; ++i) result_.alphas.push_back(i / 20.0);
  }
  for (double a : result_.alphas) {
    if (!(std::isfinite(a) && a >= 0.0 && a <= 1.0)) throw Error("every alpha must be a number from 0 to 1, got " + format_number(a));
  }
  if (hessian.empty()) {
    hessian_ = layer_hessian(x, samples, cols, ks);
  } else {
    check_finite_values(hessian, "hessian");
    check_hessian_size(hessian.size(), cols);
    hessian_.assign(hessian.begin(), hessian.end());
  }
  mean_abs_.assign(cols, 0.0);
  for (std::size_t n = 0; n < samples; ++n)
    for (std::size_t c = 0; c < cols; ++c) mean_abs_[c] += std::fabs(static_cast<double>(x[n * cols + c]));
  for (double& m : mean_abs_) m /= static_cast<double>(samples);
}

bool Awq::step() {
  if (done()) return false;
  const std::size_t k = result_.errors.size();
  const double alpha = result_.alphas[k];
  const std::vector<double> s = awq_input_scales(mean_abs_, alpha);
  std::vector<double> scaled(w_.size());
  for (std::size_t r = 0; r < rows_; ++r)
    for (std::size_t c = 0; c < cols_; ++c) scaled[r * cols_ + c] = w_[r * cols_ + c] * s[c];
  GroupQuantized q = group_quantize(scaled, rows_, cols_, options_.bits, options_.granularity);
  std::vector<double> w_hat = group_dequantize(q);
  for (std::size_t r = 0; r < rows_; ++r)
    for (std::size_t c = 0; c < cols_; ++c) w_hat[r * cols_ + c] /= s[c];
  const double e = reconstruction_error_hessian(w_, w_hat, rows_, cols_, hessian_, *ks_);
  const double best = k == 0 ? 0.0 : result_.errors[best_];
  result_.errors.push_back(e);
  if (k == 0 || e < best || (e == best && alpha < result_.alpha)) {
    best_ = k;
    result_.alpha = alpha;
    result_.input_scales = s;
    result_.quantized = std::move(q);
    result_.dequantized = std::move(w_hat);
  }
  return !done();
}

const AwqResult& Awq::result() const {
  if (!done()) throw Error("AWQ has not finished: call step() until it returns false");
  return result_;
}

AwqResult awq_quantize(Span<double> w, std::size_t rows, std::size_t cols, const float* x, std::size_t samples,
                       const AwqOptions& options, Span<double> hessian, const kernels::KernelSet& ks) {
  Awq a(w, rows, cols, x, samples, options, hessian, ks);
  while (a.step()) {
  }
  return a.result();
}

}  // namespace quantlab
