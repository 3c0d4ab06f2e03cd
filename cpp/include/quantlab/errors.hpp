// Input validation shared by every core entry point. Each check throws quantlab::Error with a message
// that names the problem; the WASM bindings turn it into a JS Error with the same message.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

#include "quantlab/span.hpp"

namespace quantlab {

class Error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A number as JavaScript would print it in a message: 4294967296, 4.5, NaN, -Infinity.
std::string format_number(double value);

constexpr int kMinBits = 2;
constexpr int kMaxBits = 16;

// bits must lie in [kMinBits, kMaxBits].
void check_bits(int bits);
// For callers holding a number that may not be an integer (JavaScript): same rule, same messages.
int bits_from_number(double bits);
// Non-empty and every value finite; `what` names the argument in the message.
void check_finite_values(Span<double> x, const char* what);
void check_finite_values(Span<float> x, const char* what);
// True when `value` is a whole number in [min, max] (false for NaN and infinities).
bool is_whole_in(double value, double min, double max);
// rows * cols must equal the data length, and both must be positive.
void check_matrix_shape(std::size_t length, std::size_t rows, std::size_t cols, const char* what);
// Two arrays compared element by element must have the same length.
void check_same_length(std::size_t a, std::size_t b, const char* what_a, const char* what_b);
// A length or a shape given as a JavaScript number: a whole number in [min, max].
std::size_t count_from_number(double value, const char* what, double min, double max);
// A quantization scale must be finite and not negative (0 is the all-zero tensor).
void check_scale(double scale, const char* what);
void check_scale(double scale, const std::string& what);
// A scale computed from data, range / divisor (range = max|x| or max - min, named by `range_name`), must be 0
// (all-zero data) or a normal float64: nonzero data whose scale would be subnormal or 0 is rejected, since the
// levels would lose precision or collapse to 0. Throws quantlab::Error naming the range and the bit width.
void check_computed_scale(double scale, double range, const std::string& range_name, int bits, double divisor);
// An affine zero point must be a whole number in [0, 65535] (the unsigned 16-bit range); `what` names it.
void check_zero_point(double zero_point, const std::string& what);
// Every value of a dequantized result must be finite: throws naming the first product that overflowed.
void check_dequantized(Span<double> out, const char* formula);
void check_dequantized(Span<float> out, const char* formula);
// "1 value", "6 values": counts in messages.
std::string count_of(std::size_t n, const char* noun);

}  // namespace quantlab
