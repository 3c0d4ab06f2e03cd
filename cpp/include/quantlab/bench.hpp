// Timed loops shared by every benchmark (native tool, Node, the browser page): each runs a kernel or a
// forward pass `iterations` times and returns the elapsed wall time in microseconds (std::chrono::steady_clock;
// in WebAssembly that is performance.now()). Data are prepared before the clock starts. Warm-up, batch sizing
// and medians are the caller's job: V8 optimizes a WebAssembly function only between calls, so callers time
// many short calls, never one long one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "quantlab/kernels.hpp"
#include "quantlab/model.hpp"

namespace quantlab::bench {

// Multiply-accumulates per iteration of the dot_peak probe (16 x i32x4.dot_i16x8_s).
constexpr double kDotPeakMacsPerIteration = 128;

double time_forward_us(const Mlp& model, const std::vector<float>& x, const kernels::KernelSet& ks,
                       std::size_t iterations);
// C[m x n] = A[m x k] . B[n x k]^T on seeded random data; dtype "int8" or "fp32".
double time_gemm_us(const std::string& dtype, std::size_t m, std::size_t n, std::size_t k,
                    const kernels::KernelSet& ks, std::size_t iterations);
double time_dot_peak_us(const kernels::KernelSet& ks, std::size_t iterations);

}  // namespace quantlab::bench
