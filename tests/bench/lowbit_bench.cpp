// Native low-bit benchmark (not a test): int4 against int8 at SimpleNet's shapes — the two layers' kernels and the
// whole forward pass at batch 1 and at 10,000 — and GPTQ's time on both layers. Same timed loops as the
// WebAssembly builds (bench_lowbit.hpp, tests/bench/lowbit-bench.mjs); warm-up, batches, medians. Prints a table.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "quantlab/bench_lowbit.hpp"
#include "quantlab/kernels.hpp"

namespace {

namespace b = quantlab::bench;
using quantlab::kernels::KernelSet;

// As native_bench.cpp: double the count until a call takes 2 ms, warm up 150 ms, median of `batches` of ~25 ms.
double median_us(const std::function<double(std::size_t)>& run, int batches = 11) {
  const auto start = std::chrono::steady_clock::now();
  std::size_t n = 1;
  double us = run(n);
  while (us < 2000 && n < 100000000) us = run(n *= 2);
  double per = us / static_cast<double>(n);
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(150)) per = std::min(per, run(n) / static_cast<double>(n));
  const auto iterations = static_cast<std::size_t>(std::max(1.0, 25000.0 / per));
  std::vector<double> samples;
  for (int i = 0; i < batches; ++i) samples.push_back(run(iterations) / static_cast<double>(iterations));
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  const KernelSet& simd = quantlab::kernels::best_kernels();
  const KernelSet& scalar = quantlab::kernels::scalar_kernels();
  const std::size_t big = quick ? 1000 : 10000;
  const std::vector<std::size_t> groups = {784, 128, 64, 32, 16};  // 784: per channel
  auto group_name = [](std::size_t g) { return g >= 784 ? std::string("channel") : "g" + std::to_string(g); };

  std::printf("SimpleNet forward, %s kernels (us per forward; batch %zu: us per batch)\n", simd.name, big);
  std::printf("%-16s %12s %12s %14s\n", "weights", "batch 1", "scalar b1", "batch big");
  auto row = [&](const std::string& name, const std::string& w, std::size_t g) {
    const double b1 = median_us([&](std::size_t n) { return b::time_simplenet_us(w, g, 1, simd, n); });
    const double s1 = median_us([&](std::size_t n) { return b::time_simplenet_us(w, g, 1, scalar, n); });
    const double bb = median_us([&](std::size_t n) { return b::time_simplenet_us(w, g, big, simd, n); }, 5);
    std::printf("%-16s %12.2f %12.2f %14.1f\n", name.c_str(), b1, s1, bb);
    return std::vector<double>{b1, bb};
  };
  const auto int8 = row("int8 channel", "int8", 0);
  for (std::size_t g : groups) {
    const auto r = row("int4 " + group_name(g), "int4", g);
    std::printf("%-16s %12.2fx %25.2fx  (int4 / int8)\n", "", r[0] / int8[0], r[1] / int8[1]);
  }
  row("fp32", "fp32", 0);

  std::printf("\nLayer kernels only (activations quantized beforehand), %s: us\n", simd.name);
  std::printf("%-16s %10s %10s %12s %10s\n", "weights", "L1 b1", "L2 b1", "L1 b big", "L2 b big");
  auto kernel_row = [&](const std::string& name, const std::string& w, std::size_t g) {
    double v[4];
    int i = 0;
    for (std::size_t batch : {std::size_t{1}, big})
      for (int layer : {1, 2})
        v[i++] = median_us([&](std::size_t n) { return b::time_layer_kernel_us(w, layer, g, batch, simd, n); }, batch == 1 ? 11 : 5);
    std::printf("%-16s %10.2f %10.2f %12.1f %10.1f\n", name.c_str(), v[0], v[1], v[2], v[3]);
  };
  kernel_row("int8", "int8", 0);
  for (std::size_t g : groups) kernel_row("int4 " + group_name(g), "int4", g);

  std::printf("\nGPTQ, 4 bits, 1024 calibration inputs (ms): H, factor, columns, total\n");
  for (const KernelSet* ks : {&simd, &scalar}) {
    for (std::size_t g : {std::size_t{0}, std::size_t{128}, std::size_t{32}}) {
      double total = 0;
      for (int layer : {1, 2}) {
        const b::GptqTiming t = b::time_gptq_ms(layer, 1024, g, *ks);
        std::printf("%-8s %-8s layer %d: %8.1f %8.1f %8.1f %8.1f\n", ks->name, g == 0 ? "channel" : ("g" + std::to_string(g)).c_str(),
                    layer, t.hessian_ms, t.factor_ms, t.columns_ms, t.total_ms());
        total += t.total_ms();
      }
      std::printf("%-8s %-8s both layers: %.1f ms\n", ks->name, g == 0 ? "channel" : ("g" + std::to_string(g)).c_str(), total);
    }
  }
  return 0;
}
