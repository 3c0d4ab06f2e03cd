#include "quantlab/bench.hpp"

#include <chrono>

#include "quantlab/errors.hpp"
#include "quantlab/numpy_random.hpp"

namespace quantlab::bench {
namespace {

// Keeps results observable so the optimizer cannot drop the timed work.
volatile float g_float_sink;
volatile std::int32_t g_int_sink;

template <typename F>
double time_us(F&& body) {
  const auto start = std::chrono::steady_clock::now();
  body();
  const auto stop = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::micro>(stop - start).count();
}

}  // namespace

const kernels::KernelSet& kernels_named(const std::string& name) {
  if (name == "auto") return kernels::best_kernels();
  if (name == "scalar") return kernels::scalar_kernels();
  if (name == "simd") {
    if (!kernels::simd_kernels()) throw Error("this build has no SIMD kernels: use kernels 'scalar' or 'auto'");
    return *kernels::simd_kernels();
  }
  throw Error("kernels must be 'auto', 'simd' or 'scalar', got '" + name + "'");
}

double time_forward_us(const Mlp& model, const std::vector<float>& x, const kernels::KernelSet& ks,
                       std::size_t iterations) {
  const std::size_t batch = x.size() / model.input_size();
  std::vector<float> y(batch * model.output_size());
  const double us = time_us([&] {
    for (std::size_t i = 0; i < iterations; ++i) model.forward(x.data(), batch, y.data(), ks);
  });
  g_float_sink = y[0];
  return us;
}

double time_gemm_us(const std::string& dtype, std::size_t m, std::size_t n, std::size_t k,
                    const kernels::KernelSet& ks, std::size_t iterations) {
  NumpyRandom rng(1);
  if (dtype == "int8") {
    std::vector<std::int8_t> a(m * k), b(n * k);
    for (auto& v : a) v = static_cast<std::int8_t>(rng.rand() * 255 - 127);
    for (auto& v : b) v = static_cast<std::int8_t>(rng.rand() * 255 - 127);
    const auto pa = kernels::qs8_pack_rows(a.data(), m, k);
    const auto pb = kernels::qs8_pack_weights(b.data(), n, k);
    std::vector<std::int32_t> c(m * n);
    const std::size_t kp = kernels::qs8_padded_k(k);
    const double us = time_us([&] {
      for (std::size_t i = 0; i < iterations; ++i) ks.qs8_gemm(m, n, kp, pa.data(), pb.data(), c.data());
    });
    g_int_sink = c[0];
    return us;
  }
  if (dtype == "fp32") {
    std::vector<float> a(m * k), b(n * k), c(m * n);
    for (auto& v : a) v = static_cast<float>(rng.randn());
    for (auto& v : b) v = static_cast<float>(rng.randn());
    const auto pb = kernels::f32_pack_weights(b.data(), n, k);
    const double us = time_us([&] {
      for (std::size_t i = 0; i < iterations; ++i) ks.f32_gemm(m, n, k, a.data(), pb.data(), c.data());
    });
    g_float_sink = c[0];
    return us;
  }
  throw Error("dtype must be 'int8' or 'fp32', got '" + dtype + "'");
}

double time_dot_peak_us(const kernels::KernelSet& ks, std::size_t iterations) {
  if (!ks.dot_peak) throw Error("the dot-product peak probe needs the SIMD kernels");
  std::int32_t result = 0;
  const double us = time_us([&] { result = ks.dot_peak(iterations); });
  g_int_sink = result;
  return us;
}

}  // namespace quantlab::bench
