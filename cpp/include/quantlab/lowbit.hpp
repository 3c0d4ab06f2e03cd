// Weights below 8 bits (docs/lowbit.md): symmetric group-wise quantization from 2 to 8 bits, the int4 byte
// format (two values per byte), NF4 (QLoRA's 4-bit NormalFloat codebook with an absmax per block) and the bytes
// each scheme really takes. Computed as NumPy computes them: float64, round half to even.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "quantlab/span.hpp"

namespace quantlab {

// Which weights of a rows x cols matrix (PyTorch's out x in) share one scale: all of them, one row (an output
// channel), or G consecutive weights of a row (the last group of a row is shorter when G does not divide cols).
struct Granularity {
  enum class Kind { kTensor, kChannel, kGroup };
  Kind kind = Kind::kChannel;
  std::size_t group = 0;  // kGroup only: G >= 1

  static Granularity per_tensor() { return {Kind::kTensor, 0}; }
  static Granularity per_channel() { return {Kind::kChannel, 0}; }
  // Throws quantlab::Error for G = 0.
  static Granularity groups(std::size_t g);

  // Weights per scale along a row: cols, or min(G, cols).
  std::size_t length(std::size_t cols) const { return kind == Kind::kGroup && group < cols ? group : cols; }
  // Scales per row (1 for per channel; per tensor shares one scale between all rows).
  std::size_t groups_per_row(std::size_t cols) const { return (cols + length(cols) - 1) / length(cols); }
  std::size_t scale_count(std::size_t rows, std::size_t cols) const {
    return kind == Kind::kTensor ? 1 : rows * groups_per_row(cols);
  }
  // Index into the scales of the weight at (row, col).
  std::size_t scale_index(std::size_t row, std::size_t col, std::size_t cols) const {
    return kind == Kind::kTensor ? 0 : row * groups_per_row(cols) + col / length(cols);
  }
};

// Throws quantlab::Error "<what> has <got> values: <needs> <want>" unless got == want.
void check_count(std::size_t got, std::size_t want, const std::string& what, const std::string& needs);
// "2 x 8 weights in groups of 4" (or "per channel", "per tensor"): how a message names a scheme.
std::string describe_scheme(std::size_t rows, std::size_t cols, Granularity g);

constexpr int kLowBitMinBits = 2;
constexpr int kLowBitMaxBits = 8;
// bits for group-wise quantization: a whole number from 2 to 8 (the message says so otherwise).
int low_bits_from_number(double bits);

struct GroupQuantized {
  std::vector<std::int32_t> q;  // rows x cols, row-major, in [-qmax, qmax]
  std::vector<double> scales;   // Granularity::scale_count values; 0 for an all-zero group
  std::size_t rows = 0, cols = 0;
  int bits = 4;
  std::int32_t qmax = 7;  // 2^(bits-1) - 1
  Granularity granularity;
  std::size_t zero_groups = 0;  // groups whose weights are all zero (scale 0, q 0)
};

// qmax = 2^(bits-1) - 1; per scale group: scale = max|w| / qmax, q = clip(rint(w / scale), -qmax, qmax), like
// the lab's per-tensor and per-channel quantization (whose results it reproduces as its special cases).
GroupQuantized group_quantize(Span<double> w, std::size_t rows, std::size_t cols, int bits, Granularity g);
// q * scale in float64, each weight with its group's scale.
std::vector<double> group_dequantize(const GroupQuantized& t);
// The same from plain arrays, checked (shape, scale count, finite scales >= 0).
std::vector<double> group_dequantize(Span<std::int32_t> q, Span<double> scales, std::size_t rows, std::size_t cols,
                                     Granularity g);

// ---- int4 byte format ----
// Two signed 4-bit values per byte: element 2i in the low nibble (bits 0-3), element 2i+1 in the high nibble
// (bits 4-7), each as two's complement in [-8, 7] (so -1 is 0xF and -8 is 0x8). An odd count leaves the last
// high nibble 0. Throws for a value outside [-8, 7].
std::vector<std::uint8_t> pack_int4(Span<std::int32_t> q);
// The first `count` values of packed bytes; count must be at most 2 x bytes.
std::vector<std::int32_t> unpack_int4(Span<std::uint8_t> bytes, std::size_t count);

// ---- NF4 (QLoRA) ----
// The standard normal quantile function (inverse CDF), accurate to a few ULP on (0, 1).
double normal_quantile(double p);
// QLoRA's 16 NormalFloat levels, derived from normal quantiles (docs/lowbit.md), sorted, -1 ... 0 ... 1, as float32.
const std::array<float, 16>& nf4_codebook();
// The same before rounding to float32.
std::array<double, 16> nf4_codebook_f64();

struct Nf4Quantized {
  std::vector<std::uint8_t> codes;  // rows x cols, each in [0, 15]: an index into nf4_codebook()
  std::vector<double> absmax;       // rows x blocks_per_row: max |w| of each block (0: all-zero block, codes 7)
  std::size_t rows = 0, cols = 0, block = 64, blocks_per_row = 0;
};

// Per block of `block` consecutive weights of a row: absmax = max|w|, code = the nearest level to w / absmax
// (a value exactly between two levels takes the lower one).
Nf4Quantized nf4_quantize(Span<double> w, std::size_t rows, std::size_t cols, std::size_t block = 64);
// codebook[code] (float32 widened) x absmax, in float64.
std::vector<double> nf4_dequantize(const Nf4Quantized& t);
std::vector<double> nf4_dequantize(Span<std::uint8_t> codes, Span<double> absmax, std::size_t rows, std::size_t cols,
                                   std::size_t block);

// ---- What a scheme costs ----
struct ByteCost {
  std::size_t weight_bytes = 0;  // the values, bit-packed: each row rounded up to whole bytes
  std::size_t scale_bytes = 0;   // float32 scales (or NF4 absmax values)
  std::size_t total_bytes = 0;
  double bits_per_weight = 0.0;  // total_bytes * 8 / (rows * cols)
};
ByteCost group_byte_cost(std::size_t rows, std::size_t cols, int bits, Granularity g);
ByteCost nf4_byte_cost(std::size_t rows, std::size_t cols, std::size_t block = 64);

}  // namespace quantlab
