#include "quantlab/bench.hpp"

#include <chrono>
#include <map>

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

namespace {

// The operands of time_gemm_us, generated and packed once per (dtype, shape): calibration and batches call it
// many times, and regenerating 400,000 random values per call would make every call far slower than what it
// times. The last shape of each dtype is kept (not thread-safe: benchmarks run on one thread).
struct GemmOperands {
  std::size_t m = 0, n = 0, k = 0;
  std::vector<std::int16_t> qa, qb;  // int8: rows widened and padded, weights packed
  std::vector<std::int32_t> qc;
  std::vector<float> fa, fb, fc;     // fp32: rows, weights packed
};

std::map<std::string, GemmOperands> g_gemm_cache;

GemmOperands& gemm_operands(const std::string& dtype, std::size_t m, std::size_t n, std::size_t k) {
  auto& cache = g_gemm_cache;
  const auto it = cache.find(dtype);
  if (it != cache.end() && it->second.m == m && it->second.n == n && it->second.k == k) return it->second;
  NumpyRandom rng(1);
  GemmOperands o;
  o.m = m;
  o.n = n;
  o.k = k;
  if (dtype == "int8") {
    std::vector<std::int8_t> a(m * k), b(n * k);
    for (auto& v : a) v = static_cast<std::int8_t>(rng.rand() * 255 - 127);
    for (auto& v : b) v = static_cast<std::int8_t>(rng.rand() * 255 - 127);
    o.qa = kernels::qs8_pack_rows(a.data(), m, k);
    o.qb = kernels::qs8_pack_weights(b.data(), n, k);
    o.qc.resize(m * n);
  } else if (dtype == "fp32") {
    std::vector<float> b(n * k);
    o.fa.resize(m * k);
    for (auto& v : o.fa) v = static_cast<float>(rng.randn());
    for (auto& v : b) v = static_cast<float>(rng.randn());
    o.fb = kernels::f32_pack_weights(b.data(), n, k);
    o.fc.resize(m * n);
  } else {
    throw Error("dtype must be 'int8' or 'fp32', got '" + dtype + "'");
  }
  return cache[dtype] = std::move(o);
}

}  // namespace

void check_gemm_shape(double m, double n, double k) {
  count_from_number(m, "m", 1, kMaxGemmMN);
  count_from_number(n, "n", 1, kMaxGemmMN);
  count_from_number(k, "k", 1, kMaxGemmK);
  if (m * n * k > kMaxGemmMacs) {
    throw Error("a timed GEMM does at most " + format_number(kMaxGemmMacs) + " multiply-adds per call, and m x n x k = " +
                format_number(m) + " x " + format_number(n) + " x " + format_number(k) + " = " + format_number(m * n * k));
  }
}

void release_gemm_operands() { g_gemm_cache.clear(); }

double time_gemm_us(const std::string& dtype, std::size_t m, std::size_t n, std::size_t k,
                    const kernels::KernelSet& ks, std::size_t iterations) {
  check_gemm_shape(static_cast<double>(m), static_cast<double>(n), static_cast<double>(k));
  GemmOperands& o = gemm_operands(dtype, m, n, k);
  if (dtype == "int8") {
    const std::size_t kp = kernels::qs8_padded_k(k);
    const double us = time_us([&] {
      for (std::size_t i = 0; i < iterations; ++i) ks.qs8_gemm(m, n, kp, o.qa.data(), o.qb.data(), o.qc.data());
    });
    g_int_sink = o.qc[0];
    return us;
  }
  const double us = time_us([&] {
    for (std::size_t i = 0; i < iterations; ++i) ks.f32_gemm(m, n, k, o.fa.data(), o.fb.data(), o.fc.data());
  });
  g_float_sink = o.fc[0];
  return us;
}

double time_dot_peak_us(const kernels::KernelSet& ks, std::size_t iterations) {
  if (!ks.dot_peak) throw Error("the dot-product peak probe needs the SIMD kernels");
  std::int32_t result = 0;
  const double us = time_us([&] { result = ks.dot_peak(iterations); });
  g_int_sink = result;
  return us;
}

}  // namespace quantlab::bench
