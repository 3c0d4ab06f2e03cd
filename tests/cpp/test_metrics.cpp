// Exercise 3 (error vs bit width), NumPy's summation order, and the error metrics.
#include <catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "numpy_reference.hpp"
#include "quantlab/metrics.hpp"
#include "quantlab/numpy_random.hpp"
#include "quantlab/quantize.hpp"

TEST_CASE("numpy_sum equals np.sum bit for bit (pairwise summation)", "[metrics]") {
  quantlab::NumpyRandom rng(7);
  const auto y = rng.randn(100000);
  for (std::size_t i = 0; i < std::size(numpy_ref::sum_sizes); ++i) {
    const std::size_t n = numpy_ref::sum_sizes[i];
    INFO("n = " << n);
    CHECK(quantlab::numpy_sum(quantlab::Span<double>(y.data(), n)) == numpy_ref::sum_values[i]);
  }
}

TEST_CASE("exercise 3: MSE for 2..16 bits equals NumPy's", "[metrics][notebook]") {
  quantlab::NumpyRandom rng(42);
  const auto x = rng.randn(1000);
  for (int bits = 2; bits <= 16; ++bits) {
    INFO("bits = " << bits);
    CHECK(quantlab::quantization_mse(x, bits) == numpy_ref::ex3_mse_bits2_to_16[bits - 2]);
  }
  const auto sweep = quantlab::error_vs_bits(x, 2, 8);
  REQUIRE(sweep.size() == 7);
  for (const auto& p : sweep) {
    CHECK(p.stats.mse == numpy_ref::ex3_mse_bits2_to_16[p.bits - 2]);
    CHECK(p.scale == quantlab::symmetric_quantize(x, p.bits).scale);
  }
  // From 5 bits on, each extra bit divides the MSE by roughly 4 (6.02 dB): 3.98, 4.17, 4.10 here. On the
  // coarse 2-4 bit grids the ratio is larger (5.74, 5.66, 4.85).
  for (std::size_t i = 4; i < sweep.size(); ++i) {
    const double ratio = sweep[i - 1].stats.mse / sweep[i].stats.mse;
    CHECK(ratio > 3.5);
    CHECK(ratio < 4.5);
  }
}

TEST_CASE("error_stats: MSE, max |error|, SQNR", "[metrics]") {
  const std::vector<double> x = {1.0, -2.0, 3.0, 0.0};
  const std::vector<double> r = {1.5, -2.0, 2.0, 0.0};
  const auto s = quantlab::error_stats(x, r);
  CHECK(s.mse == (0.25 + 0 + 1 + 0) / 4);
  CHECK(s.max_abs == 1.0);
  CHECK(s.signal_power == 14.0 / 4);
  CHECK(s.sqnr_db == Approx(10 * std::log10(3.5 / 0.3125)));
}

TEST_CASE("exact reconstruction has infinite SQNR, not NaN", "[metrics][edge]") {
  const std::vector<double> zeros(3, 0.0);
  const auto s = quantlab::error_stats(zeros, zeros);
  CHECK(s.mse == 0.0);
  CHECK(std::isinf(s.sqnr_db));
  CHECK(s.sqnr_db > 0);
  CHECK_FALSE(std::isnan(s.sqnr_db));
  const auto t = quantlab::symmetric_quantize(zeros, 8);
  CHECK(quantlab::quantization_mse(zeros, 8) == 0.0);
  CHECK(t.all_zero());
}

TEST_CASE("per-channel error stats are the per-row stats", "[metrics]") {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6};
  const std::vector<float> r = {1, 2, 2, 4, 5, 7};
  const auto rows = quantlab::per_channel_error_stats(x, r, 2, 3);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].mse == 1.0 / 3);
  CHECK(rows[1].mse == 1.0 / 3);
  CHECK(rows[0].max_abs == 1.0);
}
