// NumPy's legacy generator, bit for bit (reference values: tests/cpp/numpy_reference.hpp).
#include <catch.hpp>

#include <iterator>
#include <limits>

#include "numpy_reference.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/numpy_random.hpp"

using quantlab::NumpyRandom;

namespace {

void check_randn(std::uint32_t seed, const double (&head)[8], const double (&tail)[2]) {
  NumpyRandom rng(seed);
  const std::vector<double> v = rng.randn(1000);
  for (int i = 0; i < 8; ++i) CHECK(v[i] == head[i]);
  CHECK(v[998] == tail[0]);
  CHECK(v[999] == tail[1]);
}

}  // namespace

TEST_CASE("randn equals numpy.random.randn after numpy.random.seed", "[random]") {
  check_randn(0, numpy_ref::randn_seed0_head, numpy_ref::randn_seed0_tail);
  check_randn(42, numpy_ref::randn_seed42_head, numpy_ref::randn_seed42_tail);
  check_randn(4294967295u, numpy_ref::randn_seed4294967295_head, numpy_ref::randn_seed4294967295_tail);
}

TEST_CASE("the exercises' data are NumPy's: all 1000 values of seed 42", "[random][notebook]") {
  NumpyRandom rng(42);
  const std::vector<double> v = rng.randn(1000);
  for (std::size_t i = 0; i < 1000; ++i) {
    INFO("i = " << i);
    REQUIRE(v[i] == numpy_ref::randn_seed42_1000[i]);
  }
}

TEST_CASE("rand and uniform equal NumPy's", "[random]") {
  NumpyRandom rng(42);
  for (double expected : numpy_ref::rand_seed42) CHECK(rng.rand() == expected);
  rng.seed(7);
  for (double expected : numpy_ref::uniform_seed7) CHECK(rng.uniform(-1.0, 1.0) == expected);
}

TEST_CASE("the cached second Gaussian is kept across rand() and dropped by seed()", "[random]") {
  NumpyRandom rng(3);
  std::vector<double> got;
  for (int i = 0; i < 3; ++i) got.push_back(rng.randn());
  for (int i = 0; i < 2; ++i) got.push_back(rng.rand());
  for (int i = 0; i < 3; ++i) got.push_back(rng.randn());
  REQUIRE(got.size() == std::size(numpy_ref::mixed_seed3));
  for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == numpy_ref::mixed_seed3[i]);

  // Reseeding after an odd number of draws must not return the stale cached value.
  rng.seed(42);
  rng.randn();
  rng.seed(42);
  CHECK(rng.randn() == numpy_ref::randn_seed42_head[0]);
}

TEST_CASE("seeds given as numbers are checked like numpy.random.seed", "[random][errors]") {
  CHECK(quantlab::seed_from_number(0) == 0u);
  CHECK(quantlab::seed_from_number(4294967295.0) == 4294967295u);
  CHECK_THROWS_WITH(quantlab::seed_from_number(-1), Catch::Contains("seed must be an integer from 0 to 4294967295"));
  CHECK_THROWS_WITH(quantlab::seed_from_number(4294967296.0), Catch::Contains("got 4294967296"));
  CHECK_THROWS_WITH(quantlab::seed_from_number(1.5), Catch::Contains("got 1.5"));
  CHECK_THROWS_AS(quantlab::seed_from_number(std::numeric_limits<double>::quiet_NaN()), quantlab::Error);
}
