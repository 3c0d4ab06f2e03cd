#include <algorithm>
#include <cmath>
#include <string>

#include "quantlab/errors.hpp"
#include "quantlab/quantize.hpp"

namespace quantlab {
namespace {

std::int32_t affine_qmax(int bits) {
  check_bits(bits);
  return static_cast<std::int32_t>((std::int64_t{1} << bits) - 1);
}

struct AffineParams {
  double scale;
  std::int32_t zero_point;
};

// The float range always includes 0 so that 0.0 maps to an integer exactly. `name` names the data in errors.
AffineParams affine_params(const double* x, std::size_t n, std::int32_t qmax, int bits, const std::string& name) {
  double lo = 0.0, hi = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
  }
  const double range = hi - lo;
  // A range beyond float64 (hi - lo overflows, e.g. [1e308, -1e308]): the same scale without forming the range.
  const double scale = std::isfinite(range) ? range / qmax : hi / qmax - lo / qmax;
  check_computed_scale(scale, range, "the range max(" + name + ", 0) - min(" + name + ", 0)", bits, qmax);
  if (scale == 0.0) return {0.0, 0};
  const double zp = std::clamp(std::nearbyint(-lo / scale), 0.0, static_cast<double>(qmax));
  return {scale, static_cast<std::int32_t>(zp)};
}

void affine_range(const double* x, std::size_t n, AffineParams p, std::int32_t qmax, std::int32_t* q) {
  if (p.scale == 0.0) {
    std::fill(q, q + n, 0);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double v = std::nearbyint(x[i] / p.scale) + p.zero_point;
    q[i] = static_cast<std::int32_t>(std::clamp(v, 0.0, static_cast<double>(qmax)));
  }
}

void affine_dequantize_range(const std::int32_t* q, std::size_t n, double scale, std::int32_t zero_point,
                             double* out) {
  // q - zero_point in float64: exact, and no int32 overflow for any q.
  for (std::size_t i = 0; i < n; ++i) out[i] = (static_cast<double>(q[i]) - zero_point) * scale;
}

}  // namespace

AffineTensor affine_quantize(Span<double> x, int bits) {
  check_finite_values(x, "x");
  AffineTensor r;
  r.bits = bits;
  r.qmax = affine_qmax(bits);
  const AffineParams p = affine_params(x.data(), x.size(), r.qmax, bits, "x");
  r.scale = p.scale;
  r.zero_point = p.zero_point;
  r.q.resize(x.size());
  affine_range(x.data(), x.size(), p, r.qmax, r.q.data());
  return r;
}

AffinePerChannel affine_per_channel_quantize(Span<double> w, std::size_t rows, std::size_t cols, int bits) {
  check_finite_values(w, "weights");
  check_matrix_shape(w.size(), rows, cols, "weights");
  AffinePerChannel r;
  r.rows = rows;
  r.cols = cols;
  r.bits = bits;
  r.qmax = affine_qmax(bits);
  r.scales.resize(rows);
  r.zero_points.resize(rows);
  r.q.resize(w.size());
  for (std::size_t row = 0; row < rows; ++row) {
    const AffineParams p = affine_params(w.data() + row * cols, cols, r.qmax, bits, "weights[" + std::to_string(row) + "]");
    r.scales[row] = p.scale;
    r.zero_points[row] = p.zero_point;
    if (p.scale == 0.0) ++r.zero_rows;
    affine_range(w.data() + row * cols, cols, p, r.qmax, r.q.data() + row * cols);
  }
  return r;
}

std::vector<double> affine_dequantize(Span<std::int32_t> q, double scale, std::int32_t zero_point) {
  check_scale(scale, "scale");
  check_zero_point(zero_point, "zeroPoint");
  std::vector<double> out(q.size());
  affine_dequantize_range(q.data(), q.size(), scale, zero_point, out.data());
  check_dequantized(Span<double>(out), "(q - zeroPoint) x scale");
  return out;
}

std::vector<double> affine_per_channel_dequantize(Span<std::int32_t> q, Span<double> scales,
                                                  Span<std::int32_t> zero_points, std::size_t rows,
                                                  std::size_t cols) {
  check_matrix_shape(q.size(), rows, cols, "q");
  check_same_length(scales.size(), rows, "scales", "the row count");
  check_same_length(zero_points.size(), rows, "zeroPoints", "the row count");
  std::vector<double> out(q.size());
  for (std::size_t row = 0; row < rows; ++row) {
    check_scale(scales[row], "scales[" + std::to_string(row) + "]");
    check_zero_point(zero_points[row], "zeroPoints[" + std::to_string(row) + "]");
  }
  for (std::size_t row = 0; row < rows; ++row) {
    affine_dequantize_range(q.data() + row * cols, cols, scales[row], zero_points[row], out.data() + row * cols);
  }
  check_dequantized(Span<double>(out), "(q - zeroPoints[row]) x scales[row]");
  return out;
}

}  // namespace quantlab
