#include "quantlab/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "quantlab/errors.hpp"
#include "quantlab/quantize.hpp"

namespace quantlab {
namespace {

// NumPy's pairwise_sum (numpy/core/src/umath/loops_utils.h.src), same association order.
double pairwise_sum(const double* a, std::size_t n) {
  constexpr std::size_t kBlock = 128;
  if (n < 8) {
    double res = 0.0;
    for (std::size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= kBlock) {
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (int j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

double mean_of(const std::vector<double>& v) { return numpy_sum(v) / static_cast<double>(v.size()); }

template <typename R>
ErrorStats stats_range(const double* x, const R* r, std::size_t n) {
  std::vector<double> sq(n), signal(n);
  ErrorStats s;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = x[i] - static_cast<double>(r[i]);
    sq[i] = d * d;
    signal[i] = x[i] * x[i];
    s.max_abs = std::fmax(s.max_abs, std::fabs(d));
  }
  s.mse = mean_of(sq);
  s.signal_power = mean_of(signal);
  if (s.mse == 0.0) {
    s.sqnr_db = std::numeric_limits<double>::infinity();
  } else {
    s.sqnr_db = 10.0 * std::log10(s.signal_power / s.mse);
  }
  return s;
}

template <typename R>
ErrorStats stats_checked(Span<double> x, Span<R> r) {
  check_finite_values(x, "x");
  check_same_length(x.size(), r.size(), "x", "recovered");
  return stats_range(x.data(), r.data(), x.size());
}

template <typename R>
std::vector<ErrorStats> per_channel_checked(Span<double> x, Span<R> r, std::size_t rows, std::size_t cols) {
  check_finite_values(x, "x");
  check_same_length(x.size(), r.size(), "x", "recovered");
  check_matrix_shape(x.size(), rows, cols, "x");
  std::vector<ErrorStats> out(rows);
  for (std::size_t row = 0; row < rows; ++row) out[row] = stats_range(x.data() + row * cols, r.data() + row * cols, cols);
  return out;
}

}  // namespace

double numpy_sum(Span<double> x) {
  // The reduction iterator hands the loop at most one buffer (8192 elements) at a time; the partial sums
  // are added in order to the output, which starts at the identity 0.
  constexpr std::size_t kBufferSize = 8192;
  double total = 0.0;
  for (std::size_t start = 0; start < x.size(); start += kBufferSize) {
    total += pairwise_sum(x.data() + start, std::min(kBufferSize, x.size() - start));
  }
  return total;
}

ErrorStats error_stats(Span<double> x, Span<double> recovered) { return stats_checked(x, recovered); }
ErrorStats error_stats(Span<double> x, Span<float> recovered) { return stats_checked(x, recovered); }

std::vector<ErrorStats> per_channel_error_stats(Span<double> x, Span<double> recovered, std::size_t rows,
                                                std::size_t cols) {
  return per_channel_checked(x, recovered, rows, cols);
}
std::vector<ErrorStats> per_channel_error_stats(Span<double> x, Span<float> recovered, std::size_t rows,
                                                std::size_t cols) {
  return per_channel_checked(x, recovered, rows, cols);
}

double quantization_mse(Span<double> x, int bits) {
  const SymmetricTensor t = symmetric_quantize(x, bits);
  return error_stats(x, symmetric_dequantize_f64(t.q, t.scale)).mse;
}

std::vector<BitsSweepPoint> error_vs_bits(Span<double> x, int min_bits, int max_bits) {
  check_bits(min_bits);
  check_bits(max_bits);
  if (min_bits > max_bits) {
    throw Error("min bits (" + std::to_string(min_bits) + ") must not exceed max bits (" + std::to_string(max_bits) + ")");
  }
  std::vector<BitsSweepPoint> out;
  for (int b = min_bits; b <= max_bits; ++b) {
    const SymmetricTensor t = symmetric_quantize(x, b);
    out.push_back({b, t.scale, error_stats(x, symmetric_dequantize_f64(t.q, t.scale))});
  }
  return out;
}

}  // namespace quantlab
