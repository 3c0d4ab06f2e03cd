#include "quantlab/errors.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace quantlab {
std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  if (value == std::floor(value) && std::fabs(value) < 1e21) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
    return buf;
  }
  for (int precision = 1; precision <= 17; ++precision) {  // shortest text that reads back as the same double
    std::snprintf(buf, sizeof buf, "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value) break;
  }
  return buf;
}

bool is_whole_in(double value, double min, double max) {
  return std::isfinite(value) && value == std::floor(value) && value >= min && value <= max;
}

void check_bits(int bits) { bits_from_number(bits); }

int bits_from_number(double bits) {
  if (is_whole_in(bits, kMinBits, kMaxBits)) return static_cast<int>(bits);
  throw Error("bits must be an integer from " + std::to_string(kMinBits) + " to " + std::to_string(kMaxBits) +
              ", got " + format_number(bits));
}

namespace {

template <typename T>
void check_finite(Span<T> x, const char* what) {
  if (x.empty()) throw Error(std::string(what) + " is empty: give at least one value");
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) {
      throw Error(std::string(what) + "[" + std::to_string(i) + "] is " + format_number(x[i]) +
                  ": every value must be a finite number");
    }
  }
}

}  // namespace

void check_finite_values(Span<double> x, const char* what) { check_finite(x, what); }
void check_finite_values(Span<float> x, const char* what) { check_finite(x, what); }

void check_matrix_shape(std::size_t length, std::size_t rows, std::size_t cols, const char* what) {
  if (rows == 0 || cols == 0 || length % rows != 0 || length / rows != cols) {
    // The product in 64 bits (rows and cols come from outside: in 32-bit WebAssembly rows * cols can wrap).
    // (Strings, not an ostringstream: iostreams would bring the whole of C++'s locales into every WebAssembly module.)
    throw Error(std::string(what) + " has " + count_of(length, "value") + " but rows x cols = " + std::to_string(rows) +
                " x " + std::to_string(cols) + " = " + std::to_string(std::uint64_t{rows} * std::uint64_t{cols}) +
                ": the shape must match the data length");
  }
}

void check_same_length(std::size_t a, std::size_t b, const char* what_a, const char* what_b) {
  if (a != b) {
    throw Error(std::string(what_a) + " has " + count_of(a, "value") + " but " + what_b + " has " + std::to_string(b) +
                ": they must have the same length");
  }
}

std::size_t count_from_number(double value, const char* what, double min, double max) {
  if (is_whole_in(value, min, max)) return static_cast<std::size_t>(value);
  throw Error(std::string(what) + " must be a whole number from " + format_number(min) + " to " + format_number(max) +
              ", got " + format_number(value));
}

void check_scale(double scale, const char* what) {
  if (!std::isfinite(scale) || scale < 0) {
    throw Error(std::string(what) + " must be a finite number >= 0, got " + format_number(scale));
  }
}

void check_scale(double scale, const std::string& what) { check_scale(scale, what.c_str()); }

void check_computed_scale(double scale, double range, const std::string& range_name, int bits, double divisor) {
  if (range == 0 || scale >= std::numeric_limits<double>::min()) return;
  throw Error(range_name + " = " + format_number(range) + " is too small to quantize at " + std::to_string(bits) +
              " bits: divided by " + format_number(divisor) + " it gives a scale of " +
              (scale == 0 ? std::string("0") : format_number(scale) + " (subnormal)") +
              ", below the smallest normal float64 (2.2250738585072014e-308); multiply the data by a power of two first");
}

void check_zero_point(double zero_point, const std::string& what) {
  if (!is_whole_in(zero_point, 0, 65535)) {
    throw Error(what + " must be a whole number from 0 to 65535, got " + format_number(zero_point));
  }
}

namespace {

template <typename T>
void check_products(Span<T> out, const char* formula, const char* type) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!std::isfinite(out[i])) {
      throw Error(std::string(formula) + " overflows " + type + " at index " + std::to_string(i) + " (it gives " +
                  format_number(out[i]) + "): the scale is too large for these values");
    }
  }
}

}  // namespace

void check_dequantized(Span<double> out, const char* formula) { check_products(out, formula, "float64"); }
void check_dequantized(Span<float> out, const char* formula) { check_products(out, formula, "float32"); }

std::string count_of(std::size_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

}  // namespace quantlab
