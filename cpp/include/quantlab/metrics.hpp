// Error metrics, computed as NumPy computes them so that the lab prints NumPy's digits.
//
// np.mean sums with pairwise summation (blocks of up to 128 values in 8 interleaved accumulators, larger
// arrays split in halves) over buffers of 8192 values added in order, then divides by n; numpy_sum
// reproduces that order bit for bit.
#pragma once

#include <cstddef>
#include <vector>

#include "quantlab/span.hpp"

namespace quantlab {

// np.sum / np.add.reduce over a contiguous float64 array.
double numpy_sum(Span<double> x);

struct ErrorStats {
  double mse = 0.0;        // mean((x - recovered)^2)
  double max_abs = 0.0;    // max |x - recovered|
  double sqnr_db = 0.0;    // 10 log10(mean(x^2) / mse); +infinity when mse is 0 (exact reconstruction)
  double signal_power = 0.0;  // mean(x^2)
};

// `recovered` may be float32 (NumPy's float32 dequantization) or float64; differences are taken in float64.
ErrorStats error_stats(Span<double> x, Span<double> recovered);
ErrorStats error_stats(Span<double> x, Span<float> recovered);
// One ErrorStats per row of a row-major rows x cols matrix.
std::vector<ErrorStats> per_channel_error_stats(Span<double> x, Span<double> recovered, std::size_t rows,
                                                std::size_t cols);
std::vector<ErrorStats> per_channel_error_stats(Span<double> x, Span<float> recovered, std::size_t rows,
                                                std::size_t cols);

// The notebook's exercise 3: symmetric quantization to `bits`, dequantized in float64, MSE.
double quantization_mse(Span<double> x, int bits);

struct BitsSweepPoint {
  int bits = 0;
  double scale = 0.0;
  ErrorStats stats;
};
// quantization error (exercise 3's float64 path) for every bit width in [min_bits, max_bits].
std::vector<BitsSweepPoint> error_vs_bits(Span<double> x, int min_bits, int max_bits);

}  // namespace quantlab
