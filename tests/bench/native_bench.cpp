// Native side of the benchmark (build-scripts/bench.sh): SimpleNet batch-1 forwards with the scalar and the
// SIMD128 (SSE4.1) kernels, the int8 and fp32 GEMM 256 x 784 x 256, and the dot-product peak probe. Same timed
// loops as the WebAssembly build (bench.hpp) and the same schedule as the JavaScript side (time_interleaved
// below mirrors web/quantlab/timing.js's timeInterleaved): the four forwards interleaved as forward-timings.js's
// openForwardTimings runs them, then the two GEMMs and the probe interleaved as its measureGemmAndPeak. Prints JSON.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "quantlab/bench.hpp"
#include "quantlab/kernels.hpp"
#include "quantlab/model.hpp"
#include "quantlab/numpy_random.hpp"

namespace {

using quantlab::kernels::KernelSet;
using Run = std::function<double(std::size_t)>;  // run(iterations) -> elapsed microseconds

constexpr double kMinCallUs = 2000;     // a call read on a coarse clock must last this long
constexpr double kMaxIterations = 1e8;
constexpr double kWarmupMs = 150;
constexpr int kBatches = 15;
constexpr double kBatchMs = 25;

double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t mid = v.size() / 2;
  return v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

// Doubles the count until a call takes 2 ms, keeps calling for the warm-up (doubling again whenever a call drops
// below 2 ms), and returns the fastest time per iteration seen.
double calibrate(const std::string& id, const Run& run) {
  const auto start = std::chrono::steady_clock::now();
  double n = 1;
  double per_iteration = 1e300;
  for (;;) {
    const double us = run(static_cast<std::size_t>(n));
    const bool readable = us >= kMinCallUs || n >= kMaxIterations;
    if (readable) per_iteration = std::min(per_iteration, us / n);
    else n = std::min(n * 2, kMaxIterations);
    if (readable && elapsed_ms(start) >= kWarmupMs) break;
  }
  if (per_iteration == 0) throw std::runtime_error("the clock did not advance while '" + id + "' ran");
  return per_iteration;
}

// Calibrates every run, then kBatches rounds timing each run once for about kBatchMs, round-robin. Returns the
// median µs per iteration of each run.
std::map<std::string, double> time_interleaved(const std::vector<std::pair<std::string, Run>>& runs) {
  std::map<std::string, double> iterations;
  for (const auto& [id, run] : runs) {
    iterations[id] = std::min(kMaxIterations, std::max(1.0, std::ceil(kBatchMs * 1000 / calibrate(id, run))));
  }
  std::map<std::string, std::vector<double>> samples;
  for (int b = 0; b < kBatches; ++b) {
    for (const auto& [id, run] : runs) samples[id].push_back(run(static_cast<std::size_t>(iterations[id])) / iterations[id]);
  }
  std::map<std::string, double> medians;
  for (const auto& [id, s] : samples) medians[id] = median(s);
  return medians;
}

Run forward(const quantlab::Mlp& m, const std::vector<float>& x, const KernelSet& ks) {
  return [&m, &x, &ks](std::size_t n) { return quantlab::bench::time_forward_us(m, x, ks, n); };
}

}  // namespace

int main() {
  const KernelSet& scalar = quantlab::kernels::scalar_kernels();
  const KernelSet& simd = quantlab::kernels::best_kernels();
  const quantlab::Mlp f = quantlab::Mlp::simple_net(0);
  const quantlab::Mlp q = f.quantize_dynamic(false);
  const auto xd = quantlab::NumpyRandom(0).randn(784);  // the input forwardTimer uses: randn(0, 784)
  const std::vector<float> x(xd.begin(), xd.end());
  auto t = time_interleaved({{"fp32_simd", forward(f, x, simd)}, {"int8_simd", forward(q, x, simd)},
                             {"fp32_scalar", forward(f, x, scalar)}, {"int8_scalar", forward(q, x, scalar)}});

  std::vector<std::pair<std::string, Run>> gemm = {
      {"int8", [&](std::size_t n) { return quantlab::bench::time_gemm_us("int8", 256, 256, 784, simd, n); }},
      {"fp32", [&](std::size_t n) { return quantlab::bench::time_gemm_us("fp32", 256, 256, 784, simd, n); }},
  };
  if (simd.dot_peak) gemm.emplace_back("peak", [&](std::size_t n) { return quantlab::bench::time_dot_peak_us(simd, n * 1000); });
  auto g = time_interleaved(gemm);
  const double macs = 256.0 * 256 * 784;
  const double peak_gmacs = simd.dot_peak ? 1000 * quantlab::bench::kDotPeakMacsPerIteration / g["peak"] / 1e3 : 0;
  std::printf("{\"kernels\":\"%s\",\"fp32_simd\":%.3f,\"int8_simd\":%.3f,\"fp32_scalar\":%.3f,\"int8_scalar\":%.3f,", simd.name,
              t["fp32_simd"], t["int8_simd"], t["fp32_scalar"], t["int8_scalar"]);
  std::printf("\"gemm_int8_gmacs\":%.3f,\"gemm_fp32_gmacs\":%.3f,\"dot_peak_gmacs\":%.3f}\n", macs / g["int8"] / 1e3,
              macs / g["fp32"] / 1e3, peak_gmacs);
  return 0;
}
