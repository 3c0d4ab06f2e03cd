// Properties that must hold for any input, checked on many seeded random tensors.
#include <catch.hpp>

#include <cmath>
#include <vector>

#include "quantlab/metrics.hpp"
#include "quantlab/numpy_random.hpp"
#include "quantlab/quantize.hpp"

TEST_CASE("|x - recovered| <= scale / 2 for every value (symmetric never clips)", "[properties]") {
  quantlab::NumpyRandom rng(2024);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t n = 1 + static_cast<std::size_t>(rng.rand() * 300);
    const double spread = std::pow(10.0, rng.uniform(-6, 6));
    std::vector<double> x = rng.randn(n);
    for (double& v : x) v *= spread;
    const int bits = 2 + static_cast<int>(rng.rand() * 15);
    const auto t = quantlab::symmetric_quantize(x, bits);
    const auto rec = quantlab::symmetric_dequantize_f64(t.q, t.scale);
    for (std::size_t i = 0; i < n; ++i) {
      // Half a step, plus the float64 rounding of x / scale and q * scale.
      REQUIRE(std::fabs(x[i] - rec[i]) <= t.scale / 2 * (1 + 1e-12) + std::fabs(x[i]) * 1e-15);
      REQUIRE(std::abs(t.q[i]) <= t.qmax);
    }
  }
}

TEST_CASE("affine error is at most half a step inside the range", "[properties]") {
  quantlab::NumpyRandom rng(99);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t n = 1 + static_cast<std::size_t>(rng.rand() * 200);
    const double shift = rng.uniform(-3, 3);
    std::vector<double> x = rng.randn(n);
    for (double& v : x) v += shift;
    const int bits = 2 + static_cast<int>(rng.rand() * 15);
    const auto t = quantlab::affine_quantize(x, bits);
    const auto rec = quantlab::affine_dequantize(t.q, t.scale, t.zero_point);
    for (std::size_t i = 0; i < n; ++i) {
      // The zero point is rounded, which can shift the grid by up to half a step at the range's ends.
      REQUIRE(std::fabs(x[i] - rec[i]) <= t.scale * (1 + 1e-9));
      REQUIRE(t.q[i] >= 0);
      REQUIRE(t.q[i] <= t.qmax);
    }
  }
}

// Not a theorem for every tiny row (a coarse grid can land on a few values by luck), but it holds for rows of
// 16+ Gaussian values with different magnitudes, the case per-channel quantization exists for.
TEST_CASE("per-channel MSE <= per-tensor MSE on every row", "[properties]") {
  quantlab::NumpyRandom rng(314);
  for (int trial = 0; trial < 100; ++trial) {
    const std::size_t rows = 1 + static_cast<std::size_t>(rng.rand() * 8);
    const std::size_t cols = 16 + static_cast<std::size_t>(rng.rand() * 100);
    std::vector<double> w = rng.randn(rows * cols);
    for (std::size_t r = 0; r < rows; ++r) {
      const double row_scale = std::pow(10.0, rng.uniform(-3, 3));
      for (std::size_t c = 0; c < cols; ++c) w[r * cols + c] *= row_scale;
    }
    const int bits = 2 + static_cast<int>(rng.rand() * 7);
    const auto pt = quantlab::symmetric_quantize(w, bits);
    const auto pc = quantlab::per_channel_quantize(w, rows, cols, bits);
    const auto st = quantlab::per_channel_error_stats(w, quantlab::symmetric_dequantize_f64(pt.q, pt.scale), rows, cols);
    const auto sc = quantlab::per_channel_error_stats(w, quantlab::per_channel_dequantize(pc.q, pc.scales, rows, cols), rows, cols);
    for (std::size_t r = 0; r < rows; ++r) {
      INFO("trial " << trial << " row " << r);
      // A finer grid on the same row can only lower the worst case; the MSE can tie.
      REQUIRE(sc[r].max_abs <= pc.scales[r] / 2 * (1 + 1e-12) + 1e-300);
      REQUIRE(sc[r].mse <= st[r].mse * (1 + 1e-12));
    }
  }
}
