#include <algorithm>
#include <cmath>

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

// The float range always includes 0 so that 0.0 maps to an integer exactly.
AffineParams affine_params(const double* x, std::size_t n, std::int32_t qmax) {
  double lo = 0.0, hi = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
  }
  const double scale = (hi - lo) / qmax;
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
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<double>(q[i] - zero_point) * scale;
}

}  // namespace

AffineTensor affine_quantize(Span<double> x, int bits) {
  check_finite_values(x, "x");
  AffineTensor r;
  r.bits = bits;
  r.qmax = affine_qmax(bits);
  const AffineParams p = affine_params(x.data(), x.size(), r.qmax);
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
    const AffineParams p = affine_params(w.data() + row * cols, cols, r.qmax);
    r.scales[row] = p.scale;
    r.zero_points[row] = p.zero_point;
    if (p.scale == 0.0) ++r.zero_rows;
    affine_range(w.data() + row * cols, cols, p, r.qmax, r.q.data() + row * cols);
  }
  return r;
}

std::vector<double> affine_dequantize(Span<std::int32_t> q, double scale, std::int32_t zero_point) {
  check_scale(scale, "scale");
  std::vector<double> out(q.size());
  affine_dequantize_range(q.data(), q.size(), scale, zero_point, out.data());
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
    check_scale(scales[row], "scales[row]");
    affine_dequantize_range(q.data() + row * cols, cols, scales[row], zero_points[row], out.data() + row * cols);
  }
  return out;
}

}  // namespace quantlab
