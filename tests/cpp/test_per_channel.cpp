// Exercise 2 (per-tensor vs per-channel) against NumPy.
#include <catch.hpp>

#include <iterator>
#include <vector>

#include "numpy_reference.hpp"
#include "quantlab/metrics.hpp"
#include "quantlab/numpy_random.hpp"
#include "quantlab/quantize.hpp"

namespace {

// The notebook's matrix: np.random.seed(42); randn(4, 64); rows multiplied by 0.01, 0.1, 1, 10.
std::vector<double> exercise2_weights() {
  quantlab::NumpyRandom rng(42);
  std::vector<double> w = rng.randn(4 * 64);
  for (std::size_t r = 0; r < 4; ++r)
    for (std::size_t c = 0; c < 64; ++c) w[r * 64 + c] *= numpy_ref::ex2_channel_multipliers[r];
  return w;
}

template <typename T, std::size_t N>
std::vector<T> vec(const T (&a)[N]) {
  return std::vector<T>(std::begin(a), std::end(a));
}

}  // namespace

TEST_CASE("exercise 2: per-tensor and per-channel q, scales and MSE equal NumPy's", "[per-channel][notebook]") {
  const auto w = exercise2_weights();
  const auto tensor = quantlab::symmetric_quantize(w, 8);
  const auto channel = quantlab::per_channel_quantize(w, 4, 64, 8);

  CHECK(tensor.scale == numpy_ref::ex2_tensor_scale);
  CHECK(tensor.q == vec(numpy_ref::ex2_q_tensor));
  CHECK(channel.scales == vec(numpy_ref::ex2_channel_scales));
  CHECK(channel.q == vec(numpy_ref::ex2_q_channel));
  CHECK(channel.zero_rows == 0);

  // The notebook recovers per-tensor in float32 and per-channel in float64 (array-array promotion).
  const auto rec_tensor = quantlab::symmetric_dequantize_f32(tensor.q, tensor.scale);
  const auto rec_channel = quantlab::per_channel_dequantize(channel.q, channel.scales, 4, 64);
  const double mse_tensor = quantlab::error_stats(w, rec_tensor).mse;
  const double mse_channel = quantlab::error_stats(w, rec_channel).mse;
  CHECK(mse_tensor == numpy_ref::ex2_mse_tensor);
  CHECK(mse_channel == numpy_ref::ex2_mse_channel);
  // The notebook's comment promises ~100x; NumPy says 2.6x overall.
  CHECK(mse_tensor / mse_channel == Approx(2.6153653909881).epsilon(1e-12));

  const auto rows_tensor = quantlab::per_channel_error_stats(w, rec_tensor, 4, 64);
  const auto rows_channel = quantlab::per_channel_error_stats(w, rec_channel, 4, 64);
  for (std::size_t r = 0; r < 4; ++r) {
    CHECK(rows_tensor[r].mse == numpy_ref::ex2_row_mse_tensor[r]);
    CHECK(rows_channel[r].mse == numpy_ref::ex2_row_mse_channel[r]);
    // log10 may differ in the last bit between libms: compare SQNR to 1e-12 dB.
    CHECK(rows_tensor[r].sqnr_db == Approx(numpy_ref::ex2_row_sqnr_tensor[r]).margin(1e-12));
    CHECK(rows_channel[r].sqnr_db == Approx(numpy_ref::ex2_row_sqnr_channel[r]).margin(1e-12));
  }
  // The tiny channel: per-tensor rounds every weight to 0 (0 dB), per-channel keeps 46 dB.
  CHECK(rows_tensor[0].sqnr_db == 0.0);
  CHECK(rows_tensor[0].mse / rows_channel[0].mse > 1e4);
}

TEST_CASE("per-channel with an all-zero row gives that row scale 0 and q 0", "[per-channel][edge]") {
  const std::vector<double> w = {0, 0, 0, -2, 1.2, 0.25};
  const auto t = quantlab::per_channel_quantize(w, 2, 3, 8);
  CHECK(t.scales[0] == 0.0);
  CHECK(t.zero_rows == 1);
  CHECK(t.q == std::vector<std::int32_t>{0, 0, 0, -127, 76, 16});
  const auto rec = quantlab::per_channel_dequantize(t.q, t.scales, 2, 3);
  CHECK(rec[0] == 0.0);
  CHECK(rec[3] == -2.0);
}

TEST_CASE("one row per-channel equals per-tensor", "[per-channel]") {
  quantlab::NumpyRandom rng(5);
  const auto w = rng.randn(33);
  for (int bits : {2, 5, 8, 12}) {
    const auto a = quantlab::per_channel_quantize(w, 1, 33, bits);
    const auto b = quantlab::symmetric_quantize(w, bits);
    CHECK(a.q == b.q);
    CHECK(a.scales[0] == b.scale);
  }
}
