// Post-training quantization of one linear layer with calibration data (docs/lowbit.md): the layer Hessian
// H = 2 X^T X of its inputs, the upper Cholesky factor of H^-1, GPTQ (Frantar et al. 2022) and the output
// reconstruction error ||W X^T - W^ X^T||^2 by which GPTQ, AWQ and round-to-nearest are compared.
//
// Shapes: W is rows x cols (PyTorch's out x in), row-major; X is samples x cols (one calibration input per row,
// float32 like the activations); H is cols x cols. Everything is computed in float64; the heavy parts (H, the
// Cholesky factorization's trailing updates, GPTQ's lazy batch updates) run on the f64_gemm_tn kernel.
#pragma once

#include <cstddef>
#include <vector>

#include "quantlab/kernels.hpp"
#include "quantlab/lowbit.hpp"
#include "quantlab/span.hpp"

namespace quantlab {

// Accumulates H = 2 X^T X over calibration inputs given in any number of calls.
class HessianAccumulator {
 public:
  explicit HessianAccumulator(std::size_t cols, const kernels::KernelSet& ks = kernels::best_kernels());
  // x: samples x cols values, every one finite (throws quantlab::Error otherwise, adding nothing).
  void add(const float* x, std::size_t samples);
  std::size_t samples() const { return samples_; }
  std::size_t cols() const { return cols_; }
  // The full symmetric cols x cols matrix 2 X^T X.
  std::vector<double> hessian() const;

 private:
  std::size_t cols_;
  std::size_t samples_ = 0;
  std::vector<double> upper_;  // X^T X, upper triangle (row-major cols x cols storage)
  std::vector<double> chunk_;
  const kernels::KernelSet* ks_;
};

// A Hessian given from outside must hold cols x cols values (checked without overflowing size_t).
void check_hessian_size(std::size_t size, std::size_t cols);

// 2 X^T X in one call.
std::vector<double> layer_hessian(const float* x, std::size_t samples, std::size_t cols,
                                  const kernels::KernelSet& ks = kernels::best_kernels());

// What GPTQ does to H before it quantizes: inputs that are 0 in every calibration example ("dead": diagonal 0)
// get a diagonal of 1 (their weights are set to 0); then damping = lambda * mean(diag H) is added to the
// diagonal; then U, the upper triangular matrix with H^-1 = U^T U (the Cholesky factor of H^-1, upper).
struct InverseCholesky {
  std::vector<double> factor;   // U, cols x cols, row-major, zeros below the diagonal
  std::vector<bool> dead;       // per input
  std::size_t dead_inputs = 0;
  double damping = 0.0;         // the value added to the diagonal
};
// Reads the upper triangle of `hessian` (cols x cols). Throws quantlab::Error when H has a negative or
// non-finite value on its diagonal, or is not positive definite after damping (with the advice to raise lambda).
InverseCholesky inverse_cholesky(Span<double> hessian, std::size_t cols, double damp,
                                 const kernels::KernelSet& ks = kernels::best_kernels());

struct GptqOptions {
  int bits = 4;                                        // 2 to 8
  Granularity granularity = Granularity::per_channel();
  double damp = 0.01;                                  // lambda, relative to mean(diag H)
  std::size_t block_size = 128;                        // columns per lazy batch update
};

struct GptqResult {
  GroupQuantized quantized;         // q and scales, as group_quantize returns them
  std::vector<double> dequantized;  // W^ = q x scale, rows x cols
  std::size_t dead_inputs = 0;
  double damping = 0.0;
};

// GPTQ for one layer, a step at a time so that a caller can report progress (or stop): step 1 factors H
// (inverse_cholesky), each later step quantizes one block of columns.
//
// Column i is quantized with its group's scale, its rounding error e = (w_i - q_i) / U[i][i] is pushed onto the
// columns not yet quantized (w_j -= e * U[i][j]): at once inside the block, as one matrix product for the
// columns after it (lazy batch updates). A group's scales are computed when its first column comes up, from the
// weights as they are then (every earlier error already pushed onto them); the block size is rounded up to a
// multiple of the group size so that a group never straddles two blocks, which makes the result independent of
// the block size. (The reference implementation takes a group's scales from the weights as they were at the start
// of the block, the same only when the group starts the block, as with its default of 128 and 128.)
class Gptq {
 public:
  // Throws quantlab::Error for bad shapes, bits, group size, damping or block size, or non-finite values.
  Gptq(Span<double> w, std::size_t rows, std::size_t cols, Span<double> hessian, const GptqOptions& options,
       const kernels::KernelSet& ks = kernels::best_kernels());

  // Does the next step; returns true while steps remain.
  bool step();
  std::size_t steps_done() const { return steps_done_; }
  std::size_t steps_total() const { return 1 + (cols_ + block_ - 1) / block_; }
  bool done() const { return steps_done_ == steps_total(); }
  std::size_t block_size() const { return block_; }
  // Throws unless done().
  GptqResult result() const;

 private:
  void quantize_block(std::size_t i1, std::size_t i2);
  void start_group(std::size_t col);

  std::size_t rows_, cols_, block_;
  GptqOptions options_;
  const kernels::KernelSet* ks_;
  std::vector<double> hessian_;
  InverseCholesky chol_;
  std::vector<double> wt_;  // the weights being updated, transposed: cols x rows (column i of W is row i)
  GroupQuantized result_;
  std::vector<double> err_;  // the current block's scaled errors, block x rows
  std::size_t steps_done_ = 0;
};

GptqResult gptq_quantize(Span<double> w, std::size_t rows, std::size_t cols, Span<double> hessian,
                         const GptqOptions& options, const kernels::KernelSet& ks = kernels::best_kernels());

// ||W X^T - W^ X^T||^2 (squared Frobenius norm, summed over the calibration inputs) from the inputs.
double reconstruction_error(Span<double> w, Span<double> w_hat, std::size_t rows, std::size_t cols, const float* x,
                            std::size_t samples, const kernels::KernelSet& ks = kernels::best_kernels());
// The same from H = 2 X^T X: trace((W - W^) H (W - W^)^T) / 2.
double reconstruction_error_hessian(Span<double> w, Span<double> w_hat, std::size_t rows, std::size_t cols,
                                    Span<double> hessian, const kernels::KernelSet& ks = kernels::best_kernels());

}  // namespace quantlab
