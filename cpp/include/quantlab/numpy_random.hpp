// NumPy's legacy random numbers (numpy.random.seed / rand / randn / uniform), bit for bit.
//
// NumPy's legacy RandomState seeds MT19937 with init_genrand (the same recurrence as std::mt19937),
// builds a double from two 32-bit draws (27 + 26 bits, divided by 2^53), and draws Gaussians with the
// Marsaglia polar method, returning the second value of each pair on the following call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace quantlab {

class NumpyRandom {
 public:
  explicit NumpyRandom(std::uint32_t seed = 0) { this->seed(seed); }

  // Like numpy.random.seed(s): resets the generator and drops any cached Gaussian.
  void seed(std::uint32_t s);
  // One value of numpy.random.rand(): uniform on [0, 1) with 53 random bits.
  double rand();
  // One value of numpy.random.randn().
  double randn();
  // One value of numpy.random.uniform(low, high).
  double uniform(double low, double high) { return low + (high - low) * rand(); }

  std::vector<double> rand(std::size_t n);
  std::vector<double> randn(std::size_t n);

  // One raw 32-bit draw of the generator.
  std::uint32_t next_u32() { return static_cast<std::uint32_t>(mt_()); }
  // NumPy's random_interval(max): a uniform integer in [0, max] by masked rejection of 32-bit draws.
  std::uint32_t interval(std::uint32_t max);
  // numpy.random.permutation(n) (legacy shuffle: for i = n-1 down to 1, swap i with interval(i)).
  std::vector<std::size_t> permutation(std::size_t n);

 private:
  std::mt19937 mt_;
  bool has_gauss_ = false;
  double gauss_ = 0.0;
};

// Checks a seed given as a JavaScript number: an integer in [0, 2^32 - 1], as numpy.random.seed requires.
std::uint32_t seed_from_number(double seed);

}  // namespace quantlab
