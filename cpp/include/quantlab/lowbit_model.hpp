// Whole models below 8 bits (docs/lowbit.md, "A whole low-bit model"): every layer of an fp32 Mlp quantized with
// its own scheme (mixed precision) by round-to-nearest, NF4, GPTQ or AWQ, into an Mlp whose 2-4-bit layers run
// on the packed-int4 kernels (model.hpp). GPTQ and AWQ quantize the layers in order, each from the calibration
// inputs it really sees: the outputs of the layers before it, already quantized (as the GPTQ paper does).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "quantlab/awq.hpp"
#include "quantlab/gptq.hpp"
#include "quantlab/kernels.hpp"
#include "quantlab/lowbit.hpp"
#include "quantlab/model.hpp"

namespace quantlab {

// How one layer is quantized.
struct LayerScheme {
  enum class Method { kFloat32, kRtn, kNf4 };  // kFloat32: the layer stays as it is
  Method method = Method::kRtn;
  int bits = 4;  // kRtn (and GPTQ, AWQ): 2, 3 or 4 (a low-bit layer on the int4 kernels) or 8 (an int8 layer)
  Granularity granularity = Granularity::per_channel();  // 8 bits: per tensor or per channel only
  std::size_t block = 64;                                 // kNf4: weights per absmax along a row
};

// Throws quantlab::Error naming the layer ("layer 2: ...") when the scheme cannot make a layer of `in` inputs:
// bits other than 2, 3, 4 or 8; groups that are not a multiple of 8 (the int4 kernels' step); 8 bits in groups;
// an NF4 block of 0.
void check_layer_scheme(const LayerScheme& s, std::size_t in, const std::string& name);

// The layer of codes `q` (group_quantize, GPTQ or AWQ) with `fp32`'s shape and bias: a low-bit layer for 2-4
// bits, an int8 layer for 8; `input_scales` (AWQ's s) when the codes are those of W diag(s). Throws when a scale
// would be subnormal in float32 (weights too small for it), like quantize_dynamic.
LinearLayer layer_from_codes(const LinearLayer& fp32, const GroupQuantized& q, const std::string& name,
                             std::vector<float> input_scales = {});
// The NF4 layer of `fp32` (nf4_quantize with blocks of `block`, at most a row).
LinearLayer nf4_layer(const LinearLayer& fp32, std::size_t block);

// Round-to-nearest (or NF4) of every layer of an fp32 model with its scheme: one scheme per layer.
Mlp quantize_weights(const Mlp& fp32, const std::vector<LayerScheme>& schemes);

struct CalibratedOptions {
  enum class Method { kGptq, kAwq };
  Method method = Method::kGptq;
  double damp = 0.01;             // GPTQ: lambda, relative to mean(diag H)
  std::size_t block_size = 128;   // GPTQ: columns per lazy batch update
  std::vector<double> alphas;     // AWQ: the grid (empty: 0, 0.05, ..., 1)
};

// GPTQ or AWQ of a whole fp32 model, a step at a time so that a caller can show progress: per quantized layer,
// the Hessian of its inputs in chunks of kCalibrationChunk examples, then GPTQ's steps (the factorization, one
// per block of columns) or AWQ's (one per alpha). A layer whose scheme is kFloat32 stays fp32 (no step).
// NF4 has no calibrated variant: a kNf4 scheme is an error.
class CalibratedQuantizer {
 public:
  static constexpr std::size_t kCalibrationChunk = 256;
  // x: samples x input_size calibration inputs (finite). Throws quantlab::Error for a bad model, scheme or input.
  CalibratedQuantizer(const Mlp& fp32, const float* x, std::size_t samples, std::vector<LayerScheme> schemes,
                      const CalibratedOptions& options, const kernels::KernelSet& ks = kernels::best_kernels());

  // Does the next step; returns true while steps remain.
  bool step();
  std::size_t steps_done() const { return steps_done_; }
  std::size_t steps_total() const { return steps_total_; }
  bool done() const { return steps_done_ == steps_total_; }
  // What the last step did: "hessian", "factor", "columns" (GPTQ) or "alpha" (AWQ); its layer (1-based).
  const char* stage() const { return stage_; }
  std::size_t stage_layer() const { return stage_layer_ + 1; }
  // ||W X^T - W^ X^T||^2 of each layer on its calibration inputs, after quantization (0 for an fp32 layer), and
  // with round-to-nearest of the same scheme on the same inputs (to compare).
  const std::vector<double>& layer_errors() const { return errors_; }
  const std::vector<double>& rtn_errors() const { return rtn_errors_; }
  // AWQ: the alpha chosen for each layer (0 for an fp32 layer).
  const std::vector<double>& alphas() const { return alphas_; }
  // The quantized model. Throws unless done().
  Mlp result() const;

 private:
  std::size_t layer_steps(std::size_t l) const;
  void start_layer();
  void finish_layer();

  std::vector<LinearLayer> fp32_, quantized_;
  std::vector<LayerScheme> schemes_;
  CalibratedOptions options_;
  const kernels::KernelSet* ks_;
  std::vector<float> inputs_;  // the current layer's calibration inputs
  std::size_t samples_ = 0;
  std::size_t layer_ = 0, hessian_chunks_done_ = 0;
  std::unique_ptr<HessianAccumulator> hessian_;
  std::unique_ptr<Gptq> gptq_;
  std::unique_ptr<Awq> awq_;
  std::vector<double> h_;
  std::vector<double> errors_, rtn_errors_, alphas_;
  std::size_t steps_done_ = 0, steps_total_ = 0;
  const char* stage_ = "";
  std::size_t stage_layer_ = 0;
};

}  // namespace quantlab
