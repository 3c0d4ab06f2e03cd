// Bad input: every entry point throws quantlab::Error with a message that names the problem.
#include <catch.hpp>

#include <limits>
#include <vector>

#include "quantlab/errors.hpp"
#include "quantlab/metrics.hpp"
#include "quantlab/quantize.hpp"

using Catch::Contains;

namespace {
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
}  // namespace

TEST_CASE("bits outside [2, 16] are rejected by every quantizer", "[errors]") {
  const std::vector<double> x = {1.0, -1.0};
  for (int bits : {-1, 0, 1, 17, 32}) {
    INFO("bits = " << bits);
    CHECK_THROWS_WITH(quantlab::symmetric_quantize(x, bits), "bits must be an integer from 2 to 16, got " + std::to_string(bits));
    CHECK_THROWS_AS(quantlab::per_channel_quantize(x, 1, 2, bits), quantlab::Error);
    CHECK_THROWS_AS(quantlab::affine_quantize(x, bits), quantlab::Error);
    CHECK_THROWS_AS(quantlab::affine_per_channel_quantize(x, 2, 1, bits), quantlab::Error);
    CHECK_THROWS_AS(quantlab::quantization_mse(x, bits), quantlab::Error);
  }
  CHECK_THROWS_WITH(quantlab::bits_from_number(4.5), "bits must be an integer from 2 to 16, got 4.5");
  CHECK_THROWS_WITH(quantlab::bits_from_number(kNaN), "bits must be an integer from 2 to 16, got NaN");
  CHECK(quantlab::bits_from_number(16.0) == 16);
}

TEST_CASE("NaN and infinities are named with their index", "[errors]") {
  CHECK_THROWS_WITH(quantlab::symmetric_quantize(std::vector<double>{1.0, kNaN}, 8),
                    "x[1] is NaN: every value must be a finite number");
  CHECK_THROWS_WITH(quantlab::symmetric_quantize(std::vector<double>{kInf}, 8),
                    "x[0] is Infinity: every value must be a finite number");
  CHECK_THROWS_WITH(quantlab::affine_quantize(std::vector<double>{0, 0, -kInf}, 8),
                    "x[2] is -Infinity: every value must be a finite number");
  CHECK_THROWS_WITH(quantlab::per_channel_quantize(std::vector<double>{0, kNaN}, 1, 2, 8), Contains("weights[1] is NaN"));
  CHECK_THROWS_WITH(quantlab::error_stats(std::vector<double>{kNaN}, std::vector<double>{0}), Contains("x[0] is NaN"));
}

TEST_CASE("empty input is an error, not a NaN", "[errors]") {
  const std::vector<double> empty;
  CHECK_THROWS_WITH(quantlab::symmetric_quantize(empty, 8), "x is empty: give at least one value");
  CHECK_THROWS_WITH(quantlab::affine_quantize(empty, 8), "x is empty: give at least one value");
  CHECK_THROWS_WITH(quantlab::quantization_mse(empty, 8), "x is empty: give at least one value");
  CHECK_THROWS_AS(quantlab::error_stats(empty, empty), quantlab::Error);
}

TEST_CASE("rows x cols must match the data length", "[errors]") {
  const std::vector<double> w(6, 1.0);
  CHECK_THROWS_WITH(quantlab::per_channel_quantize(w, 4, 2, 8),
                    "weights has 6 values but rows x cols = 4 x 2 = 8: the shape must match the data length");
  CHECK_THROWS_AS(quantlab::per_channel_quantize(w, 0, 6, 8), quantlab::Error);
  CHECK_THROWS_AS(quantlab::affine_per_channel_quantize(w, 5, 1, 8), quantlab::Error);
  CHECK_THROWS_AS(quantlab::per_channel_error_stats(w, w, 7, 1), quantlab::Error);
  const std::vector<std::int32_t> q(6, 1);
  CHECK_THROWS_WITH(quantlab::per_channel_dequantize(q, std::vector<double>{1.0}, 2, 3),
                    "scales has 1 values but the row count has 2: they must have the same length");
}

TEST_CASE("dequantization rejects a negative or non-finite scale", "[errors]") {
  const std::vector<std::int32_t> q = {1, 2};
  CHECK_THROWS_WITH(quantlab::symmetric_dequantize_f32(q, -0.5), "scale must be a finite number >= 0, got -0.5");
  CHECK_THROWS_AS(quantlab::symmetric_dequantize_f64(q, kNaN), quantlab::Error);
  CHECK_THROWS_AS(quantlab::affine_dequantize(q, kInf, 0), quantlab::Error);
}

TEST_CASE("length mismatch between x and recovered is named", "[errors]") {
  CHECK_THROWS_WITH(quantlab::error_stats(std::vector<double>{1, 2}, std::vector<double>{1}),
                    "x has 2 values but recovered has 1: they must have the same length");
}

TEST_CASE("error_vs_bits checks its range", "[errors]") {
  const std::vector<double> x = {1.0};
  CHECK_THROWS_WITH(quantlab::error_vs_bits(x, 8, 4), "min bits (8) must not exceed max bits (4)");
  CHECK_THROWS_AS(quantlab::error_vs_bits(x, 1, 4), quantlab::Error);
}

TEST_CASE("counts given as numbers must be whole and in range", "[errors]") {
  CHECK(quantlab::count_from_number(3.0, "rows", 1, 10) == 3u);
  CHECK_THROWS_WITH(quantlab::count_from_number(2.5, "rows", 1, 10), "rows must be a whole number from 1 to 10, got 2.5");
  CHECK_THROWS_WITH(quantlab::count_from_number(0, "cols", 1, 10), "cols must be a whole number from 1 to 10, got 0");
  CHECK_THROWS_WITH(quantlab::count_from_number(kNaN, "n", 0, 10), "n must be a whole number from 0 to 10, got NaN");
}

TEST_CASE("is_whole_in: whole, finite and within both bounds", "[errors]") {
  CHECK(quantlab::is_whole_in(1, 1, 10));
  CHECK(quantlab::is_whole_in(10, 1, 10));
  CHECK(quantlab::is_whole_in(-0.0, 0, 0));
  CHECK_FALSE(quantlab::is_whole_in(0, 1, 10));
  CHECK_FALSE(quantlab::is_whole_in(11, 1, 10));
  CHECK_FALSE(quantlab::is_whole_in(2.5, 1, 10));
  CHECK_FALSE(quantlab::is_whole_in(kNaN, 1, 10));
  CHECK_FALSE(quantlab::is_whole_in(kInf, 1, kInf));
}

TEST_CASE("check_finite_values names the first bad float", "[errors]") {
  const std::vector<float> ok = {1.0f, -2.0f};
  const std::vector<float> bad = {1.0f, std::numeric_limits<float>::infinity()};
  CHECK_NOTHROW(quantlab::check_finite_values(quantlab::Span<float>(ok), "input"));
  CHECK_THROWS_WITH(quantlab::check_finite_values(quantlab::Span<float>(bad), "input"),
                    "input[1] is Infinity: every value must be a finite number");
  CHECK_THROWS_WITH(quantlab::check_finite_values(quantlab::Span<float>(), "input"),
                    "input is empty: give at least one value");
}
