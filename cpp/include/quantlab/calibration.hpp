// Activation quantization for static post-training quantization: turning a range [lo, hi] into a scale and a
// zero point, fake quantization (quantize then dequantize), and calibration methods that choose the range from
// sample activations: min/max, percentile, MSE-optimal clipping (a search) and entropy (TensorRT's KL
// divergence method). docs/data-and-training.md describes each precisely; tests/cpp/numpy_calibration_reference.hpp
// holds NumPy's numbers for the same data.
//
// Schemes, b bits, for a range [lo, hi]:
//   symmetric: a = max(|lo|, |hi|), qmax = 2^(b-1) - 1, scale = a / qmax, zero point 0, q in [-qmax, qmax]
//   affine:    lo' = min(lo, 0), hi' = max(hi, 0), scale = (hi' - lo') / (2^b - 1),
//              zero point = clip(rint(-lo' / scale), 0, 2^b - 1), q in [0, 2^b - 1] (as affine_quantize)
// q = clip(rint(x / scale) + zero_point, qmin, qmax), recovered = (q - zero_point) * scale, all in float64;
// a zero scale (an all-zero range) maps everything to 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "quantlab/metrics.hpp"
#include "quantlab/span.hpp"

namespace quantlab {

enum class QuantScheme { kSymmetric, kAffine };

struct ActivationQuant {
  int bits = 8;
  double lo = 0.0, hi = 0.0;
  QuantScheme scheme = QuantScheme::kAffine;
};

struct QuantParams {
  double scale = 0.0;
  std::int32_t zero_point = 0;
  std::int32_t qmin = 0, qmax = 255;
};

// Throws for bits outside [2, 16], a non-finite bound or lo > hi.
QuantParams activation_quant_params(const ActivationQuant& spec);
// clip(rint(x / scale) + zero_point, qmin, qmax)
std::int32_t quantize_value(double x, const QuantParams& p);
// Quantize-dequantize every value (float64 results).
std::vector<double> fake_quantize(Span<float> x, const ActivationQuant& spec);
// Error of fake_quantize(x) against x (NumPy's mean: pairwise summation).
ErrorStats fake_quantize_error(Span<float> x, const ActivationQuant& spec);

// np.percentile(x, p) with NumPy's default method ('linear') on float64 values: index (n - 1) * (p / 100),
// interpolated as NumPy's _lerp does. p in [0, 100].
double numpy_percentile(std::vector<double> x, double p);
// np.histogram(x, bins, range=(lo, hi))[0] for lo < hi, with NumPy's edge corrections (values outside the
// range are not counted).
std::vector<std::uint64_t> numpy_histogram(Span<double> x, std::size_t bins, double lo, double hi);

enum class CalibrationMethod { kMinMax, kPercentile, kMse, kEntropy };

struct CalibrationOptions {
  CalibrationMethod method = CalibrationMethod::kMinMax;
  int bits = 8;
  QuantScheme scheme = QuantScheme::kAffine;
  double percentile = 99.99;   // kPercentile: in (0, 100]
  std::size_t mse_steps = 100;  // kMse: candidates at i / steps of the full range, i = 1 .. steps
  std::size_t bins = 2048;      // kEntropy: histogram bins of |x|
};

struct Calibration {
  double lo = 0.0, hi = 0.0;        // the chosen range
  std::vector<double> candidates;  // kMse, kEntropy: the clipping value each score is for
  std::vector<double> scores;      // kMse: activation MSE; kEntropy: KL divergence (Infinity where undefined)
  std::size_t best = 0;            // index of the chosen candidate
};

// Chooses the range of `x` (every value finite, at least one):
//   min/max:    [min(x), max(x)]
//   percentile: symmetric [-a, a] with a = percentile(|x|, p); affine [percentile(x, 100 - p), percentile(x, p)]
//   MSE:        the candidate with the smallest fake-quantization MSE at `bits` (the first on ties): symmetric
//               [-c, c] with c = max|x| * i / steps; affine [lo0 * i / steps, hi0 * i / steps] with
//               lo0 = min(min(x), 0), hi0 = max(max(x), 0)
//   entropy:    the threshold t minimizing KL(P || Q) over the histogram of |x| (TensorRT's method, with the
//               first bin, ReLU's zeros, counted like the second; see the doc); symmetric [-t, t], affine
//               [max(min(x), -t), min(max(x), t)]
Calibration calibrate(Span<float> x, const CalibrationOptions& options);

const char* calibration_method_name(CalibrationMethod m);
// "minmax", "percentile", "mse" or "entropy"; throws a message listing them otherwise.
CalibrationMethod calibration_method_from_name(const std::string& name);
// "symmetric" or "affine".
QuantScheme quant_scheme_from_name(const std::string& name);

}  // namespace quantlab
