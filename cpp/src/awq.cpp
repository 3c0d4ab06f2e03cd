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

AwqResult awq_quantize(Span<double> w, std::size_t rows, std::size_t cols, const float* x, std::size_t samples,
                       const AwqOptions& options, Span<double> hessian, const kernels::KernelSet& ks) {
  check_finite_values(w, "weights");
  check_matrix_shape(w.size(), rows, cols, "weights");
  low_bits_from_number(options.bits);
  if (samples == 0) throw Error("AWQ needs at least one calibration input");
  check_finite_values(Span<float>(x, samples * cols), "inputs");
  AwqResult out;
  out.alphas = options.alphas;
  if (out.alphas.empty()) {
    for (int i = 0; i <= 20; ++i) out.alphas.push_back(i / 20.0);
  }
  for (double a : out.alphas) {
    if (!(std::isfinite(a) && a >= 0.0 && a <= 1.0)) throw Error("every alpha must be a number from 0 to 1, got " + format_number(a));
  }
  std::vector<double> h;
  if (hessian.empty()) {
    h = layer_hessian(x, samples, cols, ks);
    hessian = h;
  }
  std::vector<double> mean_abs(cols, 0.0);
  for (std::size_t n = 0; n < samples; ++n)
    for (std::size_t c = 0; c < cols; ++c) mean_abs[c] += std::fabs(static_cast<double>(x[n * cols + c]));
  for (double& m : mean_abs) m /= static_cast<double>(samples);

  std::vector<double> scaled(w.size());
  double best = 0.0;
  for (std::size_t k = 0; k < out.alphas.size(); ++k) {
    const std::vector<double> s = awq_input_scales(mean_abs, out.alphas[k]);
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = 0; c < cols; ++c) scaled[r * cols + c] = w[r * cols + c] * s[c];
    GroupQuantized q = group_quantize(scaled, rows, cols, options.bits, options.granularity);
    std::vector<double> w_hat = group_dequantize(q);
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = 0; c < cols; ++c) w_hat[r * cols + c] /= s[c];
    const double e = reconstruction_error_hessian(w, w_hat, rows, cols, hessian, ks);
    out.errors.push_back(e);
    if (k == 0 || e < best || (e == best && out.alphas[k] < out.alpha)) {
      best = e;
      out.alpha = out.alphas[k];
      out.input_scales = s;
      out.quantized = std::move(q);
      out.dequantized = std::move(w_hat);
    }
  }
  return out;
}

}  // namespace quantlab
