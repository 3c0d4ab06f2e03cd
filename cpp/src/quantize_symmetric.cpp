#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "quantlab/errors.hpp"
#include "quantlab/quantize.hpp"

namespace quantlab {
namespace {

double max_abs(const double* x, std::size_t n) {
  double m = 0.0;
  for (std::size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(x[i]));
  return m;
}

// q = clip(rint(x / scale), -qmax, qmax); q = 0 everywhere when scale is 0 (all-zero input).
void quantize_range(const double* x, std::size_t n, double scale, std::int32_t qmax, std::int32_t* q) {
  if (scale == 0.0) {
    std::fill(q, q + n, 0);
    return;
  }
  const double lo = -static_cast<double>(qmax), hi = static_cast<double>(qmax);
  for (std::size_t i = 0; i < n; ++i) {
    // std::nearbyint rounds half to even in the default rounding mode, like np.round.
    q[i] = static_cast<std::int32_t>(std::clamp(std::nearbyint(x[i] / scale), lo, hi));
  }
}

}  // namespace

std::int32_t symmetric_qmax(int bits) {
  check_bits(bits);
  return (std::int32_t{1} << (bits - 1)) - 1;
}

SymmetricTensor symmetric_quantize(Span<double> x, int bits) {
  check_finite_values(x, "x");
  SymmetricTensor r;
  r.bits = bits;
  r.qmax = symmetric_qmax(bits);
  const double m = max_abs(x.data(), x.size());
  r.scale = m / r.qmax;
  check_computed_scale(r.scale, m, "max|x|", bits, r.qmax);
  r.q.resize(x.size());
  quantize_range(x.data(), x.size(), r.scale, r.qmax, r.q.data());
  return r;
}

SymmetricPerChannel per_channel_quantize(Span<double> w, std::size_t rows, std::size_t cols, int bits) {
  check_finite_values(w, "weights");
  check_matrix_shape(w.size(), rows, cols, "weights");
  SymmetricPerChannel r;
  r.rows = rows;
  r.cols = cols;
  r.bits = bits;
  r.qmax = symmetric_qmax(bits);
  r.scales.resize(rows);
  r.q.resize(w.size());
  for (std::size_t row = 0; row < rows; ++row) {
    const double* x = w.data() + row * cols;
    const double m = max_abs(x, cols);
    r.scales[row] = m / r.qmax;
    check_computed_scale(r.scales[row], m, "max|weights[" + std::to_string(row) + "]|", bits, r.qmax);
    if (r.scales[row] == 0.0) ++r.zero_rows;
    quantize_range(x, cols, r.scales[row], r.qmax, r.q.data() + row * cols);
  }
  return r;
}

std::vector<float> symmetric_dequantize_f32(Span<std::int32_t> q, double scale) {
  check_scale(scale, "scale");
  if (scale > std::numeric_limits<float>::max()) {
    // NumPy 1.x would switch to float64 for such a scale; a float32 result cannot hold it.
    throw Error("scale = " + format_number(scale) + " does not fit in float32 (at most 3.4028234663852886e+38): "
                "dequantize in float64 instead (symmetricDequantizeF64)");
  }
  const float s = static_cast<float>(scale);
  std::vector<float> out(q.size());
  for (std::size_t i = 0; i < q.size(); ++i) out[i] = static_cast<float>(q[i]) * s;
  check_dequantized(Span<float>(out), "q x scale");
  return out;
}

std::vector<double> symmetric_dequantize_f64(Span<std::int32_t> q, double scale) {
  check_scale(scale, "scale");
  std::vector<double> out(q.size());
  for (std::size_t i = 0; i < q.size(); ++i) out[i] = static_cast<double>(q[i]) * scale;
  check_dequantized(Span<double>(out), "q x scale");
  return out;
}

std::vector<double> per_channel_dequantize(Span<std::int32_t> q, Span<double> scales, std::size_t rows,
                                           std::size_t cols) {
  check_matrix_shape(q.size(), rows, cols, "q");
  check_same_length(scales.size(), rows, "scales", "the row count");
  std::vector<double> out(q.size());
  for (std::size_t row = 0; row < rows; ++row) {
    check_scale(scales[row], "scales[" + std::to_string(row) + "]");
    // float32(q) is exact for |q| < 2^24, so widening straight to double gives NumPy's float64 product.
    for (std::size_t c = 0; c < cols; ++c) out[row * cols + c] = static_cast<double>(q[row * cols + c]) * scales[row];
  }
  check_dequantized(Span<double>(out), "q x scales[row]");
  return out;
}

}  // namespace quantlab
