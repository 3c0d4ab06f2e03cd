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

constexpr std::size_t kBufferSize = 8192;  // NumPy's reduction buffer (numpy_sum)

// 10 log10(sum(x^2) / sum(d^2)) with both scaled by the same power of two, for when mean(x^2) or mean(d^2)
// underflows to 0 or to a subnormal in float64 (|values| below about 1e-154): the ratio does not depend on the scale.
template <typename R>
double scaled_sqnr_db(const double* x, const R* r, std::size_t n, double largest) {
  const double scale = std::ldexp(1.0, -std::ilogb(largest));
  double signal = 0.0, noise = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double xs = x[i] * scale, ds = (x[i] - static_cast<double>(r[i])) * scale;
    signal += xs * xs;
    noise += ds * ds;
  }
  return 10.0 * std::log10(signal / noise);
}

template <typename R>
ErrorStats stats_range(const double* x, const R* r, std::size_t n) {
  // np.mean's order (numpy_sum): pairwise sums of 8192-value buffers, added in order. One buffer of squares at a
  // time, so 2^25 values need no 512 MB of temporaries.
  std::vector<double> sq(std::min(n, kBufferSize)), signal(sq.size());
  ErrorStats s;
  double max_x = 0.0, sq_total = 0.0, signal_total = 0.0;
  for (std::size_t start = 0; start < n; start += kBufferSize) {
    const std::size_t len = std::min(kBufferSize, n - start);
    for (std::size_t j = 0; j < len; ++j) {
      const std::size_t i = start + j;
      const double d = x[i] - static_cast<double>(r[i]);
      if (!std::isfinite(d)) {
        throw Error("x[" + std::to_string(i) + "] - recovered[" + std::to_string(i) +
                    "] overflows float64: scale x and recovered down");
      }
      sq[j] = d * d;
      signal[j] = x[i] * x[i];
      s.max_abs = std::fmax(s.max_abs, std::fabs(d));
      max_x = std::fmax(max_x, std::fabs(x[i]));
    }
    sq_total += pairwise_sum(sq.data(), len);
    signal_total += pairwise_sum(signal.data(), len);
  }
  s.mse = sq_total / static_cast<double>(n);
  s.signal_power = signal_total / static_cast<double>(n);
  if (!std::isfinite(s.mse)) {
    throw Error("mean((x - recovered)^2) overflows float64 (the largest |x - recovered| is " + format_number(s.max_abs) +
                "): scale x and recovered down");
  }
  if (!std::isfinite(s.signal_power)) {
    throw Error("mean(x^2) overflows float64 (max|x| is " + format_number(max_x) + "): scale x and recovered down");
  }
  constexpr double kNormal = std::numeric_limits<double>::min();
  if (s.max_abs == 0.0) {
    s.sqnr_db = std::numeric_limits<double>::infinity();  // an exact copy
  } else if (s.mse >= kNormal && (s.signal_power == 0.0 || s.signal_power >= kNormal)) {
    s.sqnr_db = 10.0 * std::log10(s.signal_power / s.mse);  // NumPy's formula (-Infinity for a zero signal)
  } else {
    s.sqnr_db = scaled_sqnr_db(x, r, n, std::fmax(max_x, s.max_abs));
  }
  return s;
}

template <typename R>
ErrorStats stats_checked(Span<double> x, Span<R> r) {
  check_finite_values(x, "x");
  check_same_length(x.size(), r.size(), "x", "recovered");
  check_finite_values(r, "recovered");
  return stats_range(x.data(), r.data(), x.size());
}

template <typename R>
std::vector<ErrorStats> per_channel_checked(Span<double> x, Span<R> r, std::size_t rows, std::size_t cols) {
  check_finite_values(x, "x");
  check_same_length(x.size(), r.size(), "x", "recovered");
  check_finite_values(r, "recovered");
  check_matrix_shape(x.size(), rows, cols, "x");
  std::vector<ErrorStats> out(rows);
  for (std::size_t row = 0; row < rows; ++row) out[row] = stats_range(x.data() + row * cols, r.data() + row * cols, cols);
  return out;
}

}  // namespace

double numpy_sum(Span<double> x) {
  // The reduction iterator hands the loop at most one buffer (8192 elements) at a time; the partial sums
  // are added in order to the output, which starts at the identity 0.
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
