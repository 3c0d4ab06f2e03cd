// Timed loops for the low-bit kernels and GPTQ (tests/bench/lowbit_bench.cpp natively, tests/bench/lowbit-bench.mjs
// in Node and Chromium). Like bench.hpp: data prepared before the clock starts, elapsed microseconds returned,
// warm-up and medians left to the caller.
#pragma once

#include <cstddef>
#include <string>

#include "quantlab/kernels.hpp"

namespace quantlab::bench {

// SimpleNet's forward pass (784 -> 256 -> ReLU -> 10, seed-0 weights) on `batch` seeded inputs, `iterations`
// times, with the given weights: "int8" (the lab's int8 model, per channel), "int4" (the model of quantize_weights
// at 4 bits with `group` weights per scale, on the qs4 kernels; group >= 784 is per channel), or "fp32".
double time_simplenet_us(const std::string& weights, std::size_t group, std::size_t batch,
                         const kernels::KernelSet& ks, std::size_t iterations);

// One layer's kernel only, on the layer's activations already quantized: "int8" (qs8 GEMV/GEMM) or "int4" (qs4).
// layer 1 is 784 -> 256, layer 2 is 256 -> 10.
double time_layer_kernel_us(const std::string& weights, int layer, std::size_t group, std::size_t batch,
                            const kernels::KernelSet& ks, std::size_t iterations);

struct GptqTiming {
  double hessian_ms = 0, factor_ms = 0, columns_ms = 0;
  double total_ms() const { return hessian_ms + factor_ms + columns_ms; }
};
// GPTQ on SimpleNet's two layers (seed-0 weights) with `samples` calibration inputs (uniform [0, 1) pixels from
// NumPy's generator; layer 2 sees layer 1's fp32 ReLU outputs), 4 bits, `group` (0: per channel); one timing per
// layer: accumulating H, factoring it, quantizing the columns.
GptqTiming time_gptq_ms(int layer, std::size_t samples, std::size_t group, const kernels::KernelSet& ks);

}  // namespace quantlab::bench
