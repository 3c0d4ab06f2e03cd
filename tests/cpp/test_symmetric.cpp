// Exercise 1 (symmetric per-tensor quantization) against NumPy, round-half-even ties, and the int8 range.
#include <catch.hpp>

#include <cmath>
#include <iterator>
#include <vector>

#include "numpy_reference.hpp"
#include "quantlab/quantize.hpp"

using quantlab::symmetric_quantize;

namespace {

template <typename T, std::size_t N>
std::vector<T> vec(const T (&a)[N]) {
  return std::vector<T>(std::begin(a), std::end(a));
}

}  // namespace

TEST_CASE("exercise 1 reproduces NumPy: q = [101, -42, 36, -63, 127, -113], scale 0.002457", "[symmetric][notebook]") {
  const auto w = vec(numpy_ref::ex1_weights);
  const auto t = symmetric_quantize(w, 8);
  CHECK(t.q == vec(numpy_ref::ex1_q));
  CHECK(t.scale == numpy_ref::ex1_scale);
  CHECK(t.qmax == 127);
  CHECK_FALSE(t.all_zero());
  // The notebook's printed expectation [100, ...] is wrong: 0.247 / scale = 100.54, which rounds to 101.
  CHECK(t.q[0] == 101);
  // -0.156 / scale is -63.4999... in float64 (a tie only in float32), so NumPy gives -63, not -64.
  CHECK(t.q[3] == -63);

  const auto rec = quantlab::symmetric_dequantize_f32(t.q, t.scale);
  REQUIRE(rec.size() == 6);
  double max_err = 0;
  for (std::size_t i = 0; i < 6; ++i) {
    CHECK(rec[i] == numpy_ref::ex1_recovered[i]);
    max_err = std::fmax(max_err, std::fabs(w[i] - static_cast<double>(rec[i])));
  }
  CHECK(max_err == numpy_ref::ex1_max_error);
}

TEST_CASE("exercise 1 at other bit widths equals NumPy", "[symmetric][notebook]") {
  const auto w = vec(numpy_ref::ex1_weights);
  CHECK(symmetric_quantize(w, 2).q == vec(numpy_ref::ex1_q_bits2));
  CHECK(symmetric_quantize(w, 2).scale == numpy_ref::ex1_scale_bits2);
  CHECK(symmetric_quantize(w, 3).q == vec(numpy_ref::ex1_q_bits3));
  CHECK(symmetric_quantize(w, 3).scale == numpy_ref::ex1_scale_bits3);
  CHECK(symmetric_quantize(w, 4).q == vec(numpy_ref::ex1_q_bits4));
  CHECK(symmetric_quantize(w, 4).scale == numpy_ref::ex1_scale_bits4);
  CHECK(symmetric_quantize(w, 16).q == vec(numpy_ref::ex1_q_bits16));
  CHECK(symmetric_quantize(w, 16).scale == numpy_ref::ex1_scale_bits16);
}

TEST_CASE("exact ties round half to even, like np.round", "[symmetric][rounding]") {
  // max|x| = 127 makes the int8 scale exactly 1, so x / scale is x itself.
  const std::vector<double> x = {127, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 126.5, -125.5, 3.5};
  const auto t = symmetric_quantize(x, 8);
  REQUIRE(t.scale == 1.0);
  CHECK(t.q == std::vector<std::int32_t>{127, 0, 2, 2, 0, -2, -2, 126, -126, 4});
}

TEST_CASE("qmax is 2^(bits-1) - 1 and q never leaves [-qmax, qmax]", "[symmetric]") {
  CHECK(quantlab::symmetric_qmax(2) == 1);
  CHECK(quantlab::symmetric_qmax(4) == 7);
  CHECK(quantlab::symmetric_qmax(8) == 127);
  CHECK(quantlab::symmetric_qmax(16) == 32767);
  const std::vector<double> x = {-3.0, -2.9999, 3.0, 1e-300, -1e-300, 0.0};
  for (int bits = 2; bits <= 16; ++bits) {
    const auto t = symmetric_quantize(x, bits);
    CHECK(t.q[0] == -t.qmax);  // -max|x| maps to -qmax exactly: -128 is never used at 8 bits
    CHECK(t.q[2] == t.qmax);
    for (auto v : t.q) CHECK(std::abs(v) <= t.qmax);
  }
}

TEST_CASE("an all-zero tensor gives scale 0 and q = 0 without dividing by 0", "[symmetric][edge]") {
  const std::vector<double> zeros(5, 0.0);
  const auto t = symmetric_quantize(zeros, 8);
  CHECK(t.all_zero());
  CHECK(t.scale == 0.0);
  CHECK(t.q == std::vector<std::int32_t>(5, 0));
  const auto rec = quantlab::symmetric_dequantize_f32(t.q, t.scale);
  CHECK(rec == std::vector<float>(5, 0.0f));
  // Negative zero counts as zero.
  CHECK(symmetric_quantize(std::vector<double>{-0.0, 0.0}, 4).all_zero());
}

TEST_CASE("a single value and a constant tensor map to +-qmax", "[symmetric][edge]") {
  CHECK(symmetric_quantize(std::vector<double>{-0.3}, 8).q == std::vector<std::int32_t>{-127});
  CHECK(symmetric_quantize(std::vector<double>(4, 2.5), 4).q == std::vector<std::int32_t>(4, 7));
}

TEST_CASE("float32 dequantization rounds the scale to float32 first, as NumPy does", "[symmetric]") {
  const double scale = 0.1;  // not representable: float(0.1) != 0.1
  const auto rec = quantlab::symmetric_dequantize_f32(std::vector<std::int32_t>{3, -7}, scale);
  CHECK(rec[0] == 3.0f * 0.1f);
  CHECK(rec[1] == -7.0f * 0.1f);
  const auto rec64 = quantlab::symmetric_dequantize_f64(std::vector<std::int32_t>{3}, scale);
  CHECK(rec64[0] == 3.0 * 0.1);
}
