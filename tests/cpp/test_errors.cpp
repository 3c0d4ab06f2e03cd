// The validation helpers (errors.hpp, checked.hpp) on good input. Every bad input, with its exact message, is in
// one table: test_bad_inputs.cpp.
#include <catch.hpp>

#include <cstdint>
#include <limits>
#include <vector>

#include "quantlab/checked.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/kernels.hpp"

namespace {
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
}  // namespace

TEST_CASE("bits, counts and scales in range pass through", "[errors]") {
  CHECK(quantlab::bits_from_number(16.0) == 16);
  CHECK(quantlab::bits_from_number(2.0) == 2);
  CHECK(quantlab::count_from_number(3.0, "rows", 1, 10) == 3u);
  CHECK_NOTHROW(quantlab::check_scale(0.0, "scale"));
  CHECK_NOTHROW(quantlab::check_zero_point(65535, "zeroPoint"));
  CHECK_NOTHROW(quantlab::check_computed_scale(0.0, 0.0, "max|x|", 8, 127));  // all-zero data
  CHECK_NOTHROW(quantlab::check_computed_scale(std::numeric_limits<double>::min(), 1e-300, "max|x|", 8, 127));
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

TEST_CASE("check_finite_values accepts finite floats", "[errors]") {
  const std::vector<float> ok = {1.0f, -2.0f, 1e-45f};
  CHECK_NOTHROW(quantlab::check_finite_values(quantlab::Span<float>(ok), "input"));
}

TEST_CASE("format_number prints numbers as JavaScript does", "[errors]") {
  CHECK(quantlab::format_number(4294967296.0) == "4294967296");
  CHECK(quantlab::format_number(4.5) == "4.5");
  CHECK(quantlab::format_number(5e-324) == "5e-324");
  CHECK(quantlab::format_number(1e200) == "1e+200");
  CHECK(quantlab::format_number(-kInf) == "-Infinity");
  CHECK(quantlab::count_of(1, "value") == "1 value");
  CHECK(quantlab::count_of(2, "value") == "2 values");
}

TEST_CASE("checked sizes: exact results up to the limit, usable in constant expressions", "[errors][checked]") {
  constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();
  static_assert(quantlab::checked_mul(65536, 4, "x") == 262144);
  static_assert(quantlab::checked_round_up(9, 8, "x") == 16);
  static_assert(quantlab::kernels::round_up(16, 8) == 16);
  CHECK(quantlab::checked_mul(kMax / 2, 2, "x") == kMax - 1);
  CHECK(quantlab::checked_add(kMax - 1, 1, "x") == kMax);
  CHECK(quantlab::checked_round_up(kMax - 7, 8, "x") == kMax - 7);  // already a multiple of 8
  CHECK(quantlab::checked_array_size<std::int16_t>(1000, "x") == 1000);
  CHECK_THROWS_AS(quantlab::checked_array_size<float>(kMax / 2, "x"), quantlab::Error);
  CHECK_THROWS_AS(quantlab::checked_add(kMax, 1, "x"), quantlab::Error);
}
