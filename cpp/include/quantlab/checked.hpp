// Checked size arithmetic for sizes computed from untrusted numbers (a model file's header, a JavaScript
// argument, a shape): call these before allocating or indexing. WebAssembly's size_t has 32 bits, so a product
// that is harmless natively (65536 x 65536) wraps to 0 there, and a vector of that size is then indexed out of
// bounds. Each function throws quantlab::Error naming `what` instead of wrapping.
//
//   const std::size_t n = checked_mul(rows, cols, "the weight matrix");            // rows x cols elements
//   std::vector<float> w(checked_array_size<float>(n, "the weight matrix"));      // and their bytes fit too
//
// Header-only and constexpr, so kernels can use it on hot paths (one overflow test per call).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "quantlab/errors.hpp"

namespace quantlab {

// The message of every overflow: "<what> is too large: 65536 x 65536 does not fit in 32-bit sizes".
[[noreturn]] inline void throw_size_overflow(const char* what, std::uint64_t a, const char* op, std::uint64_t b) {
  throw Error(std::string(what) + " is too large: " + std::to_string(a) + op + std::to_string(b) + " does not fit in " +
              std::to_string(std::numeric_limits<std::size_t>::digits) + "-bit sizes");
}

// a * b, or quantlab::Error.
constexpr std::size_t checked_mul(std::size_t a, std::size_t b, const char* what) {
  std::size_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) throw_size_overflow(what, a, " x ", b);
  return r;
}

// a + b, or quantlab::Error.
constexpr std::size_t checked_add(std::size_t a, std::size_t b, const char* what) {
  std::size_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) throw_size_overflow(what, a, " + ", b);
  return r;
}

// v rounded up to a multiple of `multiple` (> 0), or quantlab::Error when that does not fit.
constexpr std::size_t checked_round_up(std::size_t v, std::size_t multiple, const char* what) {
  const std::size_t rest = v % multiple;
  return rest == 0 ? v : checked_add(v - rest, multiple, what);
}

// `count` itself when `count` elements of T fit in one array (count * sizeof(T) <= PTRDIFF_MAX, what
// std::vector can hold), else quantlab::Error. Use it for the size of a vector built from untrusted numbers.
template <typename T>
constexpr std::size_t checked_array_size(std::size_t count, const char* what) {
  constexpr auto kMaxBytes = static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max());
  if (count > kMaxBytes / sizeof(T)) throw_size_overflow(what, count, " x sizeof ", sizeof(T));
  return count;
}

}  // namespace quantlab
