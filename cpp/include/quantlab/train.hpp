// Training an MLP (nn.Linear layers, ReLU between them, none after the last) in fp32: softmax cross-entropy
// on mini-batches, backpropagation through the kernels (forward: f32_gemm; backward: f32_gemm_tn for dW =
// dY^T . X and f32_gemm_nn for dX = dY . W), and Adam or SGD with momentum updates as PyTorch defines them.
//
// Determinism: everything follows from the seed. The initial model is the caller's (Mlp::create(sizes, seed)
// is nn.Linear's default initialization drawn from NumPy's generator); epoch e visits the examples in the
// order of the (e+1)-th numpy.random.permutation(n) after numpy.random.seed(seed). With the same kernels the
// same run gives the same bits (the native SSE4.1 and WebAssembly SIMD128 kernels sum in the same order; the
// only libm call, exp in the softmax, is glibc's natively and musl's in WebAssembly).
//
// Quantization-aware training hooks in through WeightTransform: when set, every step computes the weights the
// forward pass uses from the master weights (e.g. fake-quantized); the backward pass treats the transform as
// the identity (straight-through estimator), so the master weights receive the gradient of the used ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "quantlab/dataset.hpp"
#include "quantlab/kernels.hpp"
#include "quantlab/model.hpp"
#include "quantlab/numpy_random.hpp"

namespace quantlab {

enum class OptimizerKind { kAdam, kSgdMomentum };

struct TrainOptions {
  std::uint32_t seed = 0;       // shuffling (the initial model comes from the caller)
  std::size_t batch_size = 128;  // the last batch of an epoch takes what is left
  OptimizerKind optimizer = OptimizerKind::kAdam;
  double learning_rate = 1e-3;
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;  // Adam
  double momentum = 0.9;                               // SGD
};

const char* optimizer_name(OptimizerKind o);              // "adam" or "sgd"
OptimizerKind optimizer_from_name(const std::string& name);  // throws for anything else
// Throws quantlab::Error naming the first bad option (batch size 1 to 65536, finite positive rates...).
void check_train_options(const TrainOptions& o);

// The parameters of an MLP in plain form: weight[l] is out x in (PyTorch's layout), bias[l] has out values.
struct MlpParams {
  std::vector<std::size_t> sizes;  // {inputs, hidden..., outputs}
  std::vector<std::vector<float>> weight, bias;

  static MlpParams from_model(const Mlp& fp32);  // throws for an int8 model
  static MlpParams zeros_like(const MlpParams& p);
  Mlp to_model() const;
  std::size_t layers() const { return weight.size(); }
};

// One forward and backward pass over a batch (scratch buffers kept between calls).
class Backprop {
 public:
  // Mean softmax cross-entropy of the batch (float64) for inputs x (batch x inputs) and labels; when `grad` is
  // given, fills it with the gradients of that mean (same shapes as `params`). `correct` counts the examples
  // whose largest logit (the first on ties) is the label.
  double run(const MlpParams& params, const float* x, const std::uint8_t* labels, std::size_t batch, MlpParams* grad,
             std::size_t* correct, const kernels::KernelSet& ks);

 private:
  std::vector<std::vector<float>> packed_;  // per layer, f32_pack_weights
  std::vector<std::vector<float>> act_;     // per layer output, batch x out (ReLU applied to hidden layers)
  std::vector<float> delta_, delta_prev_;   // dLoss/d(layer output before ReLU)
};

// Maps the master weights of `layer` (out x in) to the weights the forward pass uses.
using WeightTransform =
    std::function<void(std::size_t layer, std::size_t out, std::size_t in, const float* master, float* used)>;
// Maps the gradient of the weights the forward pass used (layer `layer`, out x in values, in place) to the
// gradient the master weights receive: the straight-through estimator's mask (qat.hpp). Without one, the masters
// receive the used weights' gradient unchanged.
using GradientTransform = std::function<void(std::size_t layer, std::size_t out, std::size_t in, float* grad)>;

struct StepStats {
  double loss_sum = 0.0;  // sum over examples of the cross-entropy (mean = loss_sum / examples)
  std::size_t correct = 0, examples = 0, steps = 0;
  double mean_loss() const { return examples ? loss_sum / static_cast<double>(examples) : 0.0; }
  double accuracy() const { return examples ? static_cast<double>(correct) / static_cast<double>(examples) : 0.0; }
};

class Trainer {
 public:
  // Trains `initial` (an fp32 model whose input size is the images' size and whose outputs cover every label)
  // on `train`. Throws quantlab::Error for bad options or data that does not fit the model.
  Trainer(Dataset train, const Mlp& initial, TrainOptions options,
          const kernels::KernelSet& ks = kernels::best_kernels());

  // One mini-batch: forward, backward, update. Returns that batch's loss and accuracy (before the update).
  StepStats step();
  // `steps` steps (at least 1), their statistics added up.
  StepStats run(std::size_t steps);

  std::size_t examples() const { return train_.count; }
  std::size_t steps_per_epoch() const;
  std::size_t epochs_done() const { return epoch_; }
  std::size_t step_in_epoch() const { return step_in_epoch_; }
  std::size_t steps_done() const { return steps_; }
  const TrainOptions& options() const { return options_; }

  const MlpParams& params() const { return params_; }
  Mlp model() const { return params_.to_model(); }
  void set_weight_transform(WeightTransform transform) { transform_ = std::move(transform); }
  void set_gradient_transform(GradientTransform transform) { grad_transform_ = std::move(transform); }
  bool has_weight_transform() const { return static_cast<bool>(transform_); }
  const kernels::KernelSet& kernels() const { return *ks_; }

 private:
  void update(const MlpParams& grad);

  Dataset train_;
  TrainOptions options_;
  const kernels::KernelSet* ks_;
  MlpParams params_, used_, grad_, m_, v_;  // m_: Adam's first moment or SGD's momentum buffer; v_: Adam's second
  Backprop backprop_;
  WeightTransform transform_;
  GradientTransform grad_transform_;
  NumpyRandom rng_;
  std::vector<std::size_t> order_;
  std::vector<float> x_;
  std::vector<std::uint8_t> y_;
  std::size_t position_ = 0, epoch_ = 0, step_in_epoch_ = 0, steps_ = 0;
  double beta1_power_ = 1.0, beta2_power_ = 1.0;  // beta^t for Adam's bias corrections
};

}  // namespace quantlab
