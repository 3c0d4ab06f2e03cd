#include "quantlab/numpy_random.hpp"

#include <cmath>
#include <utility>

#include "quantlab/errors.hpp"

namespace quantlab {

void NumpyRandom::seed(std::uint32_t s) {
  mt_.seed(s);
  has_gauss_ = false;
  gauss_ = 0.0;
}

double NumpyRandom::rand() {
  const std::uint32_t a = static_cast<std::uint32_t>(mt_()) >> 5;  // 27 bits
  const std::uint32_t b = static_cast<std::uint32_t>(mt_()) >> 6;  // 26 bits
  return (a * 67108864.0 + b) / 9007199254740992.0;                // (a * 2^26 + b) / 2^53
}

double NumpyRandom::randn() {
  if (has_gauss_) {
    has_gauss_ = false;
    const double cached = gauss_;
    gauss_ = 0.0;
    return cached;
  }
  double x1, x2, r2;
  do {
    x1 = 2.0 * rand() - 1.0;
    x2 = 2.0 * rand() - 1.0;
    r2 = x1 * x1 + x2 * x2;
  } while (r2 >= 1.0 || r2 == 0.0);
  const double f = std::sqrt(-2.0 * std::log(r2) / r2);
  gauss_ = f * x1;
  has_gauss_ = true;
  return f * x2;
}

std::vector<double> NumpyRandom::rand(std::size_t n) {
  std::vector<double> out(n);
  for (double& v : out) v = rand();
  return out;
}

std::vector<double> NumpyRandom::randn(std::size_t n) {
  std::vector<double> out(n);
  for (double& v : out) v = randn();
  return out;
}

std::uint32_t NumpyRandom::interval(std::uint32_t max) {
  if (max == 0) return 0;
  std::uint32_t mask = max;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  std::uint32_t value;
  do {
    value = next_u32() & mask;
  } while (value > max);
  return value;
}

std::vector<std::size_t> NumpyRandom::permutation(std::size_t n) {
  if (n > std::size_t{0xFFFFFFFFu}) throw Error("permutation: n must be at most 4294967295");
  std::vector<std::size_t> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = i;
  for (std::size_t i = n; i-- > 1;) std::swap(p[i], p[interval(static_cast<std::uint32_t>(i))]);
  return p;
}

std::uint32_t seed_from_number(double seed) {
  if (!is_whole_in(seed, 0, 4294967295.0)) {
    throw Error("seed must be an integer from 0 to 4294967295 (as numpy.random.seed requires), got " +
                format_number(seed));
  }
  return static_cast<std::uint32_t>(seed);
}

}  // namespace quantlab
