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

// Limits of the timed GEMM: what a lab's layers need with room to spare (SimpleNet's largest layer is 256 x 784; a
// batch of 1024 through it, 1024 x 256 x 784, is 2^27.6 multiply-adds), and each call bounded: at most 2^28
// multiply-adds (tens of milliseconds with SIMD, under a second scalar) and about 35 MB of operands. The earlier
// 4096 x 4096 x 131072 allowed one blocking call of minutes holding 600 MB.
constexpr double kMaxGemmMN = 1024;
constexpr double kMaxGemmK = 4096;
constexpr double kMaxGemmMacs = 268435456;  // 2^28
// Throws quantlab::Error unless m and n are whole numbers in [1, 1024], k in [1, 4096] and m x n x k <= 2^28.
void check_gemm_shape(double m, double n, double k);
// Frees the operands time_gemm_us keeps from one call to the next (a benchmark calls it when it is done).
void release_gemm_operands();

double time_forward_us(const Mlp& model, const std::vector<float>& x, const kernels::KernelSet& ks,
                       std::size_t iterations);
// C[m x n] = A[m x k] . B[n x k]^T on seeded random data; dtype "int8" or "fp32"; the shape within
// check_gemm_shape's limits.
double time_gemm_us(const std::string& dtype, std::size_t m, std::size_t n, std::size_t k,
                    const kernels::KernelSet& ks, std::size_t iterations);
double time_dot_peak_us(const kernels::KernelSet& ks, std::size_t iterations);

}  // namespace quantlab::bench
