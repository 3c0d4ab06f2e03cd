// Native side of the benchmark (build-scripts/bench.sh): SimpleNet batch-1 forwards with the scalar and the
// SIMD128 (SSE4.1) kernels, the int8 and fp32 GEMM 256 x 784 x 256, and the dot-product peak probe. Same
// timed loops as the WebAssembly build (bench.hpp); warm-up, batches of ~25 ms, medians. Prints JSON.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

#include "quantlab/bench.hpp"
#include "quantlab/model.hpp"
#include "quantlab/numpy_random.hpp"

namespace {

using quantlab::kernels::KernelSet;

// run(iterations) returns elapsed microseconds. As timeBatches in web/quantlab/quantlab.js: double the count
// until a call takes 2 ms, warm up for 150 ms, then the median of 15 batches of ~25 ms, in µs per iteration.
double median_us(const std::function<double(std::size_t)>& run) {
  const auto start = std::chrono::steady_clock::now();
  std::size_t n = 1;
  double us = run(n);
  while (us < 2000 && n < 100000000) us = run(n *= 2);
  double per = us / static_cast<double>(n);
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(150)) {
    per = std::min(per, run(n) / static_cast<double>(n));
  }
  const auto iterations = static_cast<std::size_t>(std::max(1.0, 25000.0 / per));
  std::vector<double> samples;
  for (int b = 0; b < 15; ++b) samples.push_back(run(iterations) / static_cast<double>(iterations));
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

double forward_us(const quantlab::Mlp& m, const KernelSet& ks) {
  const auto xd = quantlab::NumpyRandom(0).randn(784);
  const std::vector<float> x(xd.begin(), xd.end());
  return median_us([&](std::size_t n) { return quantlab::bench::time_forward_us(m, x, ks, n); });
}

}  // namespace

int main() {
  const KernelSet& scalar = quantlab::kernels::scalar_kernels();
  const KernelSet& simd = quantlab::kernels::best_kernels();
  const quantlab::Mlp f = quantlab::Mlp::simple_net(0);
  const quantlab::Mlp q = f.quantize_dynamic(false);
  const double gemm_us = median_us([&](std::size_t n) { return quantlab::bench::time_gemm_us("int8", 256, 256, 784, simd, n); });
  const double gemm_f32_us = median_us([&](std::size_t n) { return quantlab::bench::time_gemm_us("fp32", 256, 256, 784, simd, n); });
  const double macs = 256.0 * 256 * 784;
  double peak_gmacs = 0;
  if (simd.dot_peak) {
    const double unit_us = median_us([&](std::size_t n) { return quantlab::bench::time_dot_peak_us(simd, n * 1000); });
    peak_gmacs = 1000 * quantlab::bench::kDotPeakMacsPerIteration / unit_us / 1e3;
  }
  std::printf("{\"kernels\":\"%s\",\"fp32_simd\":%.3f,\"int8_simd\":%.3f,\"fp32_scalar\":%.3f,\"int8_scalar\":%.3f,", simd.name,
              forward_us(f, simd), forward_us(q, simd), forward_us(f, scalar), forward_us(q, scalar));
  std::printf("\"gemm_int8_gmacs\":%.3f,\"gemm_fp32_gmacs\":%.3f,\"dot_peak_gmacs\":%.3f}\n", macs / gemm_us / 1e3,
              macs / gemm_f32_us / 1e3, peak_gmacs);
  return 0;
}
