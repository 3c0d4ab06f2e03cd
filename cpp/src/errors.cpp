#include "quantlab/errors.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

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
  if (rows == 0 || cols == 0 || rows * cols != length || length / rows != cols) {
    std::ostringstream msg;
    msg << what << " has " << length << " values but rows x cols = " << rows << " x " << cols << " = "
        << rows * cols << ": the shape must match the data length";
    throw Error(msg.str());
  }
}

void check_same_length(std::size_t a, std::size_t b, const char* what_a, const char* what_b) {
  if (a != b) {
    std::ostringstream msg;
    msg << what_a << " has " << a << " values but " << what_b << " has " << b << ": they must have the same length";
    throw Error(msg.str());
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

}  // namespace quantlab
