// Symmetric and asymmetric (affine) quantization, per tensor and per channel, computed as NumPy does.
//
// Symmetric, b bits: qmax = 2^(b-1) - 1, scale = max|x| / qmax, q = clip(rint(x / scale), -qmax, qmax).
// Every step is float64 and rint rounds half to even, like np.round. The range is [-qmax, qmax]: -2^(b-1)
// is never produced, so zero sits exactly in the middle.
//
// Affine (asymmetric), b bits: the unsigned range [0, 2^b - 1]. The float range [min(x, 0), max(x, 0)] always
// contains 0 so that 0.0 is exactly representable (padding and ReLU zeros stay exact), then
// scale = (hi - lo) / (2^b - 1), zero_point = clip(rint(-lo / scale), 0, 2^b - 1),
// q = clip(rint(x / scale) + zero_point, 0, 2^b - 1), recovered = (q - zero_point) * scale.
//
// All-zero input (or an all-zero row) gives scale 0 and q = 0: nothing is divided by 0, and the result
// says so (all_zero / zero_rows).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "quantlab/span.hpp"

namespace quantlab {

// 2^(bits-1) - 1: 127 for 8 bits, 7 for 4 bits. Throws for bits outside [2, 16].
std::int32_t symmetric_qmax(int bits);

struct SymmetricTensor {
  std::vector<std::int32_t> q;
  double scale = 0.0;  // 0 when every input is 0
  int bits = 8;
  std::int32_t qmax = 127;
  bool all_zero() const { return scale == 0.0; }
};

struct SymmetricPerChannel {
  std::vector<std::int32_t> q;  // row-major, rows x cols
  std::vector<double> scales;   // one per row; 0 for an all-zero row
  std::size_t rows = 0, cols = 0;
  int bits = 8;
  std::int32_t qmax = 127;
  std::size_t zero_rows = 0;  // how many rows were all zero
};

struct AffineTensor {
  std::vector<std::int32_t> q;  // in [0, 2^bits - 1]
  double scale = 0.0;
  std::int32_t zero_point = 0;
  int bits = 8;
  std::int32_t qmax = 255;  // 2^bits - 1
  bool all_zero() const { return scale == 0.0; }
};

struct AffinePerChannel {
  std::vector<std::int32_t> q;
  std::vector<double> scales;
  std::vector<std::int32_t> zero_points;
  std::size_t rows = 0, cols = 0;
  int bits = 8;
  std::int32_t qmax = 255;
  std::size_t zero_rows = 0;
};

SymmetricTensor symmetric_quantize(Span<double> x, int bits = 8);
SymmetricPerChannel per_channel_quantize(Span<double> w, std::size_t rows, std::size_t cols, int bits = 8);

// NumPy's q.astype(np.float32) * scale with a scalar scale: the scale is rounded to float32 and the product
// is a float32 product (NumPy 1.x value-based casting keeps the array's float32).
std::vector<float> symmetric_dequantize_f32(Span<std::int32_t> q, double scale);
// q * scale in float64 (the notebook's exercise 3 keeps q as float64).
std::vector<double> symmetric_dequantize_f64(Span<std::int32_t> q, double scale);
// NumPy's q.astype(np.float32) * scales[:, None]: float32 array times a float64 array gives float64.
std::vector<double> per_channel_dequantize(Span<std::int32_t> q, Span<double> scales, std::size_t rows,
                                           std::size_t cols);

AffineTensor affine_quantize(Span<double> x, int bits = 8);
AffinePerChannel affine_per_channel_quantize(Span<double> w, std::size_t rows, std::size_t cols, int bits = 8);
std::vector<double> affine_dequantize(Span<std::int32_t> q, double scale, std::int32_t zero_point);
std::vector<double> affine_per_channel_dequantize(Span<std::int32_t> q, Span<double> scales,
                                                  Span<std::int32_t> zero_points, std::size_t rows,
                                                  std::size_t cols);

}  // namespace quantlab
