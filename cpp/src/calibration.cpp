// Activation quantization parameters, fake quantization and calibration methods (calibration.hpp).
#include "quantlab/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "quantlab/errors.hpp"

namespace quantlab {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

std::vector<double> to_doubles(Span<float> x) {
  check_finite_values(x, "activations");
  return std::vector<double>(x.begin(), x.end());
}

void check_range(double lo, double hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) {
    throw Error("the range must be finite, got [" + format_number(lo) + ", " + format_number(hi) + "]");
  }
  if (lo > hi) throw Error("the range is upside down: lo " + format_number(lo) + " > hi " + format_number(hi));
}

// Mean squared error of fake quantization with `p`, NumPy's mean (pairwise summation).
double fake_quant_mse(const std::vector<double>& x, const QuantParams& p, std::vector<double>& scratch) {
  scratch.resize(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double r = p.scale == 0.0 ? 0.0 : static_cast<double>(quantize_value(x[i], p) - p.zero_point) * p.scale;
    const double d = x[i] - r;
    scratch[i] = d * d;
  }
  return numpy_sum(scratch) / static_cast<double>(x.size());
}

Calibration calibrate_mse(const std::vector<double>& x, const CalibrationOptions& o, double mn, double mx) {
  if (o.mse_steps < 1 || o.mse_steps > 100000) {
    throw Error("the MSE search takes 1 to 100000 steps, got " + std::to_string(o.mse_steps));
  }
  Calibration c;
  const bool symmetric = o.scheme == QuantScheme::kSymmetric;
  const double a = std::max(std::fabs(mn), std::fabs(mx));
  const double lo0 = std::min(mn, 0.0), hi0 = std::max(mx, 0.0);
  const auto steps = static_cast<double>(o.mse_steps);
  std::vector<double> scratch;
  double best_score = kInfinity;
  for (std::size_t i = 1; i <= o.mse_steps; ++i) {
    const auto f = static_cast<double>(i);
    ActivationQuant spec{o.bits, 0.0, 0.0, o.scheme};
    if (symmetric) {
      spec.hi = a * f / steps;
      spec.lo = -spec.hi;
    } else {
      spec.lo = lo0 * f / steps;
      spec.hi = hi0 * f / steps;
    }
    const double score = fake_quant_mse(x, activation_quant_params(spec), scratch);
    c.candidates.push_back(spec.hi);
    c.scores.push_back(score);
    if (score < best_score) {
      best_score = score;
      c.best = i - 1;
      c.lo = spec.lo;
      c.hi = spec.hi;
    }
  }
  return c;
}

// TensorRT's entropy calibration on the histogram of |x| (docs/data-and-training.md), bin 0 set to bin 1's
// count: for every candidate number of kept bins i (levels .. bins), P is the first i bins with the clipped
// counts added to the last, Q the same bins merged into `levels` groups (the last group takes the remainder)
// and spread back evenly over the bins where P is not zero; the score is KL(P || Q) of the normalized
// distributions.
Calibration calibrate_entropy(const std::vector<double>& x, const CalibrationOptions& o, double mn, double mx) {
  const std::size_t levels = std::size_t{1} << (o.scheme == QuantScheme::kSymmetric ? o.bits - 1 : o.bits);
  if (o.bins < levels || o.bins > 65536) {
    throw Error("entropy calibration at " + std::to_string(o.bits) + " bits needs " + std::to_string(levels) +
                " to 65536 histogram bins, got " + std::to_string(o.bins));
  }
  Calibration c;
  std::vector<double> ax(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) ax[i] = std::fabs(x[i]);
  const double amax = *std::max_element(ax.begin(), ax.end());
  if (amax == 0.0) return c;  // all zero: the range [0, 0]
  std::vector<std::uint64_t> hist = numpy_histogram(ax, o.bins, 0.0, amax);
  // Bin 0 holds the exact zeros ReLU produces (often half the values): counted as they are, that spike dominates
  // the divergence and the method clips far too much. Like NVIDIA's pytorch-quantization, give it bin 1's count.
  hist[0] = hist[1];
  const double step = amax / static_cast<double>(o.bins);  // np.linspace's edges: i * step, the last = amax
  std::vector<double> p, q, terms;  // reused by every candidate
  double best_score = kInfinity;
  std::size_t best_bins = o.bins;
  // i grows from `levels`: bin i-1 leaves the outliers as it joins P.
  std::uint64_t outliers = 0;
  for (std::size_t b = levels; b < o.bins; ++b) outliers += hist[b];
  for (std::size_t i = levels; i <= o.bins; ++i) {
    if (i > levels) outliers -= hist[i - 1];
    p.assign(hist.begin(), hist.begin() + static_cast<std::ptrdiff_t>(i));
    p[i - 1] += static_cast<double>(outliers);
    q.assign(i, 0.0);
    const std::size_t merged = i / levels;
    for (std::size_t j = 0; j < levels; ++j) {
      const std::size_t start = j * merged, stop = j + 1 < levels ? start + merged : i;
      std::uint64_t total = 0;
      std::size_t nonzero = 0;
      for (std::size_t b = start; b < stop; ++b) {
        total += hist[b];
        nonzero += p[b] > 0.0;
      }
      if (nonzero == 0) continue;
      const double share = static_cast<double>(total) / static_cast<double>(nonzero);
      for (std::size_t b = start; b < stop; ++b) q[b] = p[b] > 0.0 ? share : 0.0;
    }
    const double p_sum = numpy_sum(p), q_sum = numpy_sum(q);
    double score = kInfinity;
    if (q_sum > 0.0) {
      bool defined = true;
      terms.clear();
      for (std::size_t b = 0; b < i; ++b) {
        if (p[b] == 0.0) continue;
        const double pb = p[b] / p_sum, qb = q[b] / q_sum;
        if (qb == 0.0) {
          defined = false;
          break;
        }
        terms.push_back(pb * std::log(pb / qb));
      }
      if (defined) score = numpy_sum(terms);
    }
    c.candidates.push_back(i == o.bins ? amax : static_cast<double>(i) * step);
    c.scores.push_back(score);
    if (score < best_score) {
      best_score = score;
      best_bins = i;
      c.best = i - levels;
    }
  }
  const double t = best_bins == o.bins ? amax : static_cast<double>(best_bins) * step;
  if (o.scheme == QuantScheme::kSymmetric) {
    c.lo = -t;
    c.hi = t;
  } else {
    c.lo = std::max(mn, -t);
    c.hi = std::min(mx, t);
  }
  return c;
}

}  // namespace

QuantParams activation_quant_params(const ActivationQuant& spec) {
  check_bits(spec.bits);
  check_range(spec.lo, spec.hi);
  QuantParams p;
  if (spec.scheme == QuantScheme::kSymmetric) {
    p.qmax = static_cast<std::int32_t>((std::int64_t{1} << (spec.bits - 1)) - 1);
    p.qmin = -p.qmax;
    p.scale = std::max(std::fabs(spec.lo), std::fabs(spec.hi)) / p.qmax;
    return p;
  }
  p.qmin = 0;
  p.qmax = static_cast<std::int32_t>((std::int64_t{1} << spec.bits) - 1);
  const double lo = std::min(spec.lo, 0.0), hi = std::max(spec.hi, 0.0);
  p.scale = (hi - lo) / p.qmax;
  if (p.scale != 0.0) {
    p.zero_point = static_cast<std::int32_t>(std::clamp(std::nearbyint(-lo / p.scale), 0.0, static_cast<double>(p.qmax)));
  }
  return p;
}

std::int32_t quantize_value(double x, const QuantParams& p) {
  if (p.scale == 0.0) return p.zero_point;
  const double q = std::nearbyint(x / p.scale) + p.zero_point;
  return static_cast<std::int32_t>(std::clamp(q, static_cast<double>(p.qmin), static_cast<double>(p.qmax)));
}

std::vector<double> fake_quantize(Span<float> x, const ActivationQuant& spec) {
  const QuantParams p = activation_quant_params(spec);
  check_finite_values(x, "activations");
  std::vector<double> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    out[i] = p.scale == 0.0 ? 0.0 : static_cast<double>(quantize_value(x[i], p) - p.zero_point) * p.scale;
  }
  return out;
}

ErrorStats fake_quantize_error(Span<float> x, const ActivationQuant& spec) {
  const std::vector<double> recovered = fake_quantize(x, spec);
  const std::vector<double> xd(x.begin(), x.end());
  return error_stats(xd, recovered);
}

double numpy_percentile(std::vector<double> x, double p) {
  if (x.empty()) throw Error("a percentile of no values is undefined: give at least one value");
  if (!(p >= 0.0 && p <= 100.0)) throw Error("the percentile must be from 0 to 100, got " + format_number(p));
  const std::size_t n = x.size();
  const double virtual_index = static_cast<double>(n - 1) * (p / 100.0);
  const double below = std::floor(virtual_index);
  const auto prev = std::min(static_cast<std::size_t>(below), n - 1);
  const std::size_t next = std::min(prev + 1, n - 1);
  std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(prev), x.end());
  const double a = x[prev];
  const double b = next == prev ? a : *std::min_element(x.begin() + static_cast<std::ptrdiff_t>(prev) + 1, x.end());
  const double t = virtual_index - below;
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;  // NumPy's _lerp
}

std::vector<std::uint64_t> numpy_histogram(Span<double> x, std::size_t bins, double lo, double hi) {
  if (bins == 0 || !(lo < hi)) throw Error("a histogram needs at least one bin and lo < hi");
  const double norm = static_cast<double>(bins) / (hi - lo);
  const double step = (hi - lo) / static_cast<double>(bins);
  auto edge = [&](std::size_t i) { return i == bins ? hi : static_cast<double>(i) * step + lo; };
  std::vector<std::uint64_t> counts(bins, 0);
  for (double v : x) {
    if (!(v >= lo && v <= hi)) continue;
    auto index = static_cast<std::size_t>((v - lo) * norm);
    if (index == bins) --index;
    if (v < edge(index)) --index;
    else if (v >= edge(index + 1) && index != bins - 1) ++index;
    ++counts[index];
  }
  return counts;
}

Calibration calibrate(Span<float> values, const CalibrationOptions& o) {
  check_bits(o.bits);
  const std::vector<double> x = to_doubles(values);
  const auto [mn_it, mx_it] = std::minmax_element(x.begin(), x.end());
  const double mn = *mn_it, mx = *mx_it;
  Calibration c;
  switch (o.method) {
    case CalibrationMethod::kMinMax:
      c.lo = mn;
      c.hi = mx;
      return c;
    case CalibrationMethod::kPercentile: {
      if (!(o.percentile > 0.0 && o.percentile <= 100.0)) {
        throw Error("the percentile must be above 0 and at most 100, got " + format_number(o.percentile));
      }
      if (o.scheme == QuantScheme::kSymmetric) {
        std::vector<double> ax(x.size());
        for (std::size_t i = 0; i < x.size(); ++i) ax[i] = std::fabs(x[i]);
        c.hi = numpy_percentile(std::move(ax), o.percentile);
        c.lo = -c.hi;
      } else {
        c.lo = numpy_percentile(x, 100.0 - o.percentile);
        c.hi = numpy_percentile(x, o.percentile);
      }
      return c;
    }
    case CalibrationMethod::kMse: return calibrate_mse(x, o, mn, mx);
    case CalibrationMethod::kEntropy: return calibrate_entropy(x, o, mn, mx);
  }
  throw Error("unknown calibration method");
}

const char* calibration_method_name(CalibrationMethod m) {
  switch (m) {
    case CalibrationMethod::kMinMax: return "minmax";
    case CalibrationMethod::kPercentile: return "percentile";
    case CalibrationMethod::kMse: return "mse";
    case CalibrationMethod::kEntropy: return "entropy";
  }
  return "?";
}

CalibrationMethod calibration_method_from_name(const std::string& name) {
  for (CalibrationMethod m : {CalibrationMethod::kMinMax, CalibrationMethod::kPercentile, CalibrationMethod::kMse,
                              CalibrationMethod::kEntropy}) {
    if (name == calibration_method_name(m)) return m;
  }
  throw Error("method must be 'minmax', 'percentile', 'mse' or 'entropy', got '" + name + "'");
}

QuantScheme quant_scheme_from_name(const std::string& name) {
  if (name == "symmetric") return QuantScheme::kSymmetric;
  if (name == "affine") return QuantScheme::kAffine;
  throw Error("scheme must be 'symmetric' or 'affine', got '" + name + "'");
}

}  // namespace quantlab
