// Quantization-aware training (docs/qat.md): the trainer's forward pass uses fake-quantized weights, the backward
// pass is the straight-through estimator (STE) with the gradient masked outside the clipping range.
//
// Weights, b bits (2 to 8), symmetric, per tensor, per channel or per group (lowbit.hpp's Granularity):
//   forward   used = float32(s * clamp(rint(w / s), -qmax, qmax)), qmax = 2^(b-1) - 1, in float64 then rounded:
//             with the scales of group_quantize (max|w| / qmax per group) this is exactly
//             float32(group_dequantize(group_quantize(w))), so the quantized model is the network the forward
//             pass ran.
//   backward  dL/dw = mask * dL/d(used): rounding counts as the identity (the STE), and the clamp keeps its slope:
//             mask = 1 where the level before clamping, rint(w / s), lies in [-qmax, qmax], 0 elsewhere (the
//             rounded value is tested, as PyTorch's fake_quantize does; a group whose scale is 0 has the single
//             level 0: the mask passes w = 0 only). No gradient reaches the scale: it is a constant of each step.
//   scales    kMax (default): s = max|w| / qmax of each group, recomputed from the master weights before every
//             step. Then |w / s| <= qmax for every weight: nothing is clipped, the mask is all ones and the STE is
//             the plain identity (the range follows the weights).
//             kFrozen: the scales of the weights when QAT starts, held for the whole run: a weight that moves past
//             s * (qmax + 1/2) is clipped in the forward pass and gets no gradient.
//   mask = false passes the gradient to clipped weights too: the classic mistake (they drift past the range, where
//             moving them changes nothing), kept for teaching and comparison.
// Biases stay float32 (as in group-wise post-training quantization).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "quantlab/dataset.hpp"
#include "quantlab/evaluate.hpp"
#include "quantlab/kernels.hpp"
#include "quantlab/lowbit.hpp"
#include "quantlab/model.hpp"
#include "quantlab/train.hpp"

namespace quantlab {

enum class QatScale { kMax, kFrozen };
const char* qat_scale_name(QatScale s);                  // "max" or "frozen"
QatScale qat_scale_from_name(const std::string& name);  // throws for anything else

struct QatOptions {
  int bits = 4;  // 2 to 8
  Granularity granularity = Granularity::per_channel();
  QatScale scale = QatScale::kMax;
  bool mask = true;  // the STE's mask
};

// Throws quantlab::Error naming the first bad option.
void check_qat_options(const QatOptions& o);

// The fake quantization of one weight matrix (rows x cols): used[i] = float32(s * clamp(rint(w / s), ±qmax)) and
// mask[i] (1: the gradient passes) as above. When `recompute`, `scales` is first set to max|w| / qmax per group
// (Granularity::scale_count values); otherwise it must hold them. Returns how many weights the mask stops.
std::size_t fake_quantize_weights(const float* w, std::size_t rows, std::size_t cols, int bits, Granularity g,
                                  bool recompute, std::vector<double>& scales, float* used, std::uint8_t* mask);

// The fake quantizer of a whole MLP: the scales, the masks of the last forward pass, the quantized model.
class WeightFakeQuant {
 public:
  // Checks the options; kFrozen takes its scales from `start` (the master weights when QAT starts).
  WeightFakeQuant(const QatOptions& options, const MlpParams& start);

  // The forward pass's weights of `layer` from its master weights (records the mask and the scales).
  void forward(std::size_t layer, const float* master, float* used);
  // The STE: zeroes the gradient where the last forward pass's mask stopped it (nothing when mask = false).
  void backward(std::size_t layer, float* grad) const;

  const QatOptions& options() const { return options_; }
  std::int32_t qmax() const { return qmax_; }
  std::size_t layers() const { return sizes_.size() - 1; }
  const std::vector<double>& scales(std::size_t layer) const { return scales_.at(layer); }
  const std::vector<std::uint8_t>& mask(std::size_t layer) const { return mask_.at(layer); }
  // Weights outside the clipping range in the last forward pass (all layers), and how many weights there are.
  std::size_t clipped_weights() const;
  std::size_t weight_count() const;

  // The quantization of `layer` for these master weights, as the next forward pass would use it (kMax: RTN with
  // scales max|w| / qmax, i.e. group_quantize; kFrozen: the frozen scales).
  GroupQuantized quantize_layer(std::size_t layer, const std::vector<float>& master) const;
  // The fp32 model whose weights are the dequantized quantization of the masters' (biases kept): the network
  // the forward pass trains, to evaluate.
  Mlp quantized_model(const MlpParams& master) const;

 private:
  QatOptions options_;
  std::int32_t qmax_ = 7;
  std::vector<std::size_t> sizes_;
  std::vector<std::vector<double>> scales_;      // per layer: frozen, or those of the last forward pass
  std::vector<std::vector<std::uint8_t>> mask_;  // per layer, of the last forward pass
  std::vector<std::size_t> clipped_;             // per layer, of the last forward pass
};

// A trainer with fake-quantized weights: owns the Trainer (fp32 masters, any optimizer) and the fake quantizer
// installed through its weight and gradient hooks.
class QatTrainer {
 public:
  // Throws quantlab::Error for bad training or QAT options, or data that do not fit the model.
  QatTrainer(Dataset train, const Mlp& initial, TrainOptions train_options, const QatOptions& qat_options,
             const kernels::KernelSet& ks = kernels::best_kernels());

  Trainer& trainer() { return trainer_; }
  const Trainer& trainer() const { return trainer_; }
  const WeightFakeQuant& fake_quant() const { return *fq_; }

  // The quantized model (quantized_model of the current masters) and the fp32 masters as a model.
  Mlp quantized_model() const { return fq_->quantized_model(trainer_.params()); }
  Mlp master_model() const { return trainer_.model(); }

 private:
  Trainer trainer_;
  std::shared_ptr<WeightFakeQuant> fq_;  // shared with the trainer's hooks
};

}  // namespace quantlab
