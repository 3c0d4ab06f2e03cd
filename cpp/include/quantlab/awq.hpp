// AWQ (Lin et al. 2023) for one linear layer (docs/lowbit.md): a few input channels carry large activations,
// so their weights matter most. Scale weight column c up by s_c = mean|x_c|^alpha before round-to-nearest and
// divide the input by s_c (W x = (W diag(s)) (diag(1/s) x)): the layer the lab evaluates is
// W^ = Q(W diag(s)) diag(1/s), still a plain linear layer. alpha is searched on a grid by the layer's output
// reconstruction error on the calibration inputs.
#pragma once

#include <cstddef>
#include <vector>

#include "quantlab/kernels.hpp"
#include "quantlab/lowbit.hpp"
#include "quantlab/span.hpp"

namespace quantlab {

struct AwqOptions {
  int bits = 4;
  Granularity granularity = Granularity::per_channel();
  std::vector<double> alphas;  // the grid; empty means 0, 0.05, ..., 1
};

struct AwqResult {
  double alpha = 0.0;                // the alpha of the smallest error (the smallest such alpha on a tie)
  std::vector<double> input_scales;  // s, one per input (cols)
  GroupQuantized quantized;          // Q(W diag(s)): q and the scales of the scaled weights
  std::vector<double> dequantized;   // W^ = Q(W diag(s)) diag(1/s), rows x cols
  std::vector<double> alphas;        // the grid searched
  std::vector<double> errors;        // ||W X^T - W^ X^T||^2 for each alpha of the grid
};

// The search a step at a time (one alpha per step), so that a caller can report progress. The constructor
// computes H = 2 X^T X unless it is given, and the mean |x| per input.
class Awq {
 public:
  Awq(Span<double> w, std::size_t rows, std::size_t cols, const float* x, std::size_t samples,
      const AwqOptions& options, Span<double> hessian = {}, const kernels::KernelSet& ks = kernels::best_kernels());
  // Tries the next alpha of the grid; returns true while alphas remain.
  bool step();
  std::size_t steps_done() const { return result_.errors.size(); }
  std::size_t steps_total() const { return result_.alphas.size(); }
  bool done() const { return steps_done() == steps_total(); }
  // Throws unless done().
  const AwqResult& result() const;

 private:
  std::size_t rows_, cols_;
  AwqOptions options_;
  const kernels::KernelSet* ks_;
  std::vector<double> w_, hessian_, mean_abs_;
  AwqResult result_;
  std::size_t best_ = 0;
};

// s_c = (mean_n |x[n][c]|)^alpha, at least 1e-4 (an input that is always 0 would otherwise get s = 0); so
// alpha = 0 gives s = 1 and exactly round-to-nearest. `hessian` (2 X^T X, cols x cols), when given, saves
// computing it from x.
AwqResult awq_quantize(Span<double> w, std::size_t rows, std::size_t cols, const float* x, std::size_t samples,
                       const AwqOptions& options, Span<double> hessian = {},
                       const kernels::KernelSet& ks = kernels::best_kernels());

// s for one alpha (the formula above), from the per-input mean |x|.
std::vector<double> awq_input_scales(Span<double> mean_abs, double alpha);

}  // namespace quantlab
