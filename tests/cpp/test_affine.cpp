// Asymmetric (affine) quantization with a zero point, unsigned range [0, 2^bits - 1].
#include <catch.hpp>

#include <cmath>
#include <vector>

#include "quantlab/metrics.hpp"
#include "quantlab/numpy_random.hpp"
#include "quantlab/quantize.hpp"

TEST_CASE("affine quantization of a ReLU-like range uses the whole unsigned grid", "[affine]") {
  // [0, 2.55] at 8 bits: scale 0.01, zero point 0.
  const std::vector<double> x = {0.0, 1.0, 2.55, 0.004, 0.006};
  const auto t = quantlab::affine_quantize(x, 8);
  CHECK(t.qmax == 255);
  CHECK(t.zero_point == 0);
  CHECK(t.scale == 2.55 / 255);
  CHECK(t.q == std::vector<std::int32_t>{0, 100, 255, 0, 1});
}

TEST_CASE("affine zero point puts 0.0 exactly on the grid", "[affine]") {
  const std::vector<double> x = {-1.0, 0.0, 3.0};
  const auto t = quantlab::affine_quantize(x, 8);
  CHECK(t.scale == 4.0 / 255);
  CHECK(t.zero_point == 64);  // rint(1 / (4/255)) = rint(63.75)
  CHECK(t.q[0] == 0);
  CHECK(t.q[2] == 255);
  const auto rec = quantlab::affine_dequantize(t.q, t.scale, t.zero_point);
  CHECK(rec[1] == 0.0);  // zero is exact
  for (std::size_t i = 0; i < x.size(); ++i) CHECK(std::fabs(rec[i] - x[i]) <= t.scale);
}

TEST_CASE("an all-positive or all-negative range still includes 0", "[affine]") {
  const auto pos = quantlab::affine_quantize(std::vector<double>{2.0, 4.0}, 4);
  CHECK(pos.zero_point == 0);
  CHECK(pos.scale == 4.0 / 15);
  const auto neg = quantlab::affine_quantize(std::vector<double>{-2.0, -4.0}, 4);
  CHECK(neg.zero_point == 15);
  CHECK(neg.q == std::vector<std::int32_t>{7, 0});  // -2 / (4/15) = -7.5 exactly: half to even gives -8, + 15
}

TEST_CASE("affine all-zero input gives scale 0, zero point 0, q 0", "[affine][edge]") {
  const auto t = quantlab::affine_quantize(std::vector<double>(3, 0.0), 8);
  CHECK(t.all_zero());
  CHECK(t.zero_point == 0);
  CHECK(t.q == std::vector<std::int32_t>(3, 0));
}

TEST_CASE("affine beats symmetric on a one-sided distribution", "[affine]") {
  quantlab::NumpyRandom rng(11);
  std::vector<double> x = rng.rand(500);  // all in [0, 1): symmetric wastes the negative half
  const auto a = quantlab::affine_quantize(x, 4);
  const auto s = quantlab::symmetric_quantize(x, 4);
  const double mse_affine = quantlab::error_stats(x, quantlab::affine_dequantize(a.q, a.scale, a.zero_point)).mse;
  const double mse_sym = quantlab::error_stats(x, quantlab::symmetric_dequantize_f64(s.q, s.scale)).mse;
  CHECK(mse_affine < mse_sym / 3);
}

TEST_CASE("affine per channel: one scale and zero point per row", "[affine]") {
  const std::vector<double> w = {-1.0, 0.0, 3.0, 0.0, 1.0, 2.55, 0, 0, 0};
  const auto t = quantlab::affine_per_channel_quantize(w, 3, 3, 8);
  CHECK(t.scales[0] == 4.0 / 255);
  CHECK(t.zero_points[0] == 64);
  CHECK(t.scales[1] == 2.55 / 255);
  CHECK(t.zero_points[1] == 0);
  CHECK(t.scales[2] == 0.0);
  CHECK(t.zero_rows == 1);
  const auto rec = quantlab::affine_per_channel_dequantize(t.q, t.scales, t.zero_points, 3, 3);
  CHECK(rec[1] == 0.0);
  CHECK(rec[8] == 0.0);
}

// ---- against NumPy (tests/reference/make_affine_reference.py → numpy_affine_reference.hpp), bit for bit ----

#include <iterator>

#include "numpy_affine_reference.hpp"

namespace {

template <typename T, std::size_t N>
std::vector<T> as_vec(const T (&a)[N]) {
  return std::vector<T>(std::begin(a), std::end(a));
}

}  // namespace

#define QUANTLAB_AFFINE_CASE(name, bits)                                                                      \
  do {                                                                                                        \
    INFO(#name " at " #bits " bits");                                                                         \
    const auto t = quantlab::affine_quantize(as_vec(numpy_affine_ref::name##_x), bits);                       \
    CHECK(t.q == as_vec(numpy_affine_ref::name##_q_bits##bits));                                              \
    CHECK(t.scale == numpy_affine_ref::name##_scale_bits##bits);                                              \
    CHECK(t.zero_point == numpy_affine_ref::name##_zero_point_bits##bits);                                    \
    CHECK(quantlab::affine_dequantize(t.q, t.scale, t.zero_point) == as_vec(numpy_affine_ref::name##_recovered_bits##bits)); \
  } while (false)

#define QUANTLAB_AFFINE_ALL_BITS(name) \
  QUANTLAB_AFFINE_CASE(name, 2);       \
  QUANTLAB_AFFINE_CASE(name, 3);       \
  QUANTLAB_AFFINE_CASE(name, 4);       \
  QUANTLAB_AFFINE_CASE(name, 8);       \
  QUANTLAB_AFFINE_CASE(name, 12);      \
  QUANTLAB_AFFINE_CASE(name, 16)

TEST_CASE("affine quantization equals NumPy: skewed, ReLU, all-negative and all-positive data, 2 to 16 bits", "[affine][numpy]") {
  QUANTLAB_AFFINE_ALL_BITS(skewed);
  QUANTLAB_AFFINE_ALL_BITS(relu);
  QUANTLAB_AFFINE_ALL_BITS(negative);
  QUANTLAB_AFFINE_ALL_BITS(positive);
}

TEST_CASE("affine per channel equals NumPy row by row", "[affine][numpy]") {
  const auto w = as_vec(numpy_affine_ref::rows_w);
  for (const int bits : {4, 8}) {
    INFO(bits << " bits");
    const auto t = quantlab::affine_per_channel_quantize(w, 4, 5, bits);
    CHECK(t.q == (bits == 4 ? as_vec(numpy_affine_ref::rows_q_bits4) : as_vec(numpy_affine_ref::rows_q_bits8)));
    CHECK(t.scales == (bits == 4 ? as_vec(numpy_affine_ref::rows_scales_bits4) : as_vec(numpy_affine_ref::rows_scales_bits8)));
    CHECK(t.zero_points == (bits == 4 ? as_vec(numpy_affine_ref::rows_zero_points_bits4) : as_vec(numpy_affine_ref::rows_zero_points_bits8)));
  }
}
