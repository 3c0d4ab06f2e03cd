// Evaluating a model on a labelled dataset, in batches of kEvalBatch images through the GEMM kernels (never
// one GEMV per image): accuracy, per-class accuracy, the confusion matrix and every prediction. Also what
// static quantization needs: the hidden activations (after ReLU) over a set of images, evaluation with the
// hidden activations fake-quantized at a given range (calibration.hpp), and a static int8 path with integer
// GEMMs throughout.
//
// Inputs are pixel / 255 (dataset_inputs). A prediction is the index of the largest logit, the first on ties.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "quantlab/calibration.hpp"
#include "quantlab/dataset.hpp"
#include "quantlab/kernels.hpp"
#include "quantlab/model.hpp"

namespace quantlab {

constexpr std::size_t kEvalBatch = 500;

struct Evaluation {
  std::size_t count = 0, correct = 0, classes = 0;
  std::vector<std::uint32_t> confusion;    // classes x classes: row = true label, column = prediction
  std::vector<std::uint8_t> predictions;  // one per example
  double accuracy() const { return count ? static_cast<double>(correct) / static_cast<double>(count) : 0.0; }
  std::uint32_t class_count(std::size_t c) const;    // examples whose label is c
  std::uint32_t class_correct(std::size_t c) const;  // ... predicted as c
};

// fp32 or dynamic int8 models exactly as Mlp::forward computes them.
Evaluation evaluate(const Mlp& model, const Dataset& data, const kernels::KernelSet& ks = kernels::best_kernels());

// The outputs of hidden layer `layer` (0: the first; ReLU applied) for the first `count` examples (0: all),
// count x width values, row by row.
std::vector<float> hidden_activations(const Mlp& model, const Dataset& data, std::size_t layer = 0,
                                      std::size_t count = 0, const kernels::KernelSet& ks = kernels::best_kernels());

// The model's own layers (fp32 or dynamic int8), with the output of every hidden layer l (after ReLU)
// replaced by fake_quantize(output, hidden[l]) (float64 values rounded to float32). One spec per hidden layer.
Evaluation evaluate_fake_quant(const Mlp& model, const Dataset& data, const std::vector<ActivationQuant>& hidden,
                               const kernels::KernelSet& ks = kernels::best_kernels());

// Static quantization of an int8 model (its int8 weights, per tensor or per channel, and fp32 biases): the
// pixels enter as integers (scale 1/255, zero point 0: exact for pixel / 255), every hidden layer's output is
// quantized with the fixed parameters of hidden[l] (2 to 8 bits, symmetric or affine), and every layer is an
// integer GEMM with int32 sums, the zero point subtracted exactly, then rescaled: float(acc) x (input scale x
// weight scale) + bias.
Evaluation evaluate_static(const Mlp& int8_model, const Dataset& data, const std::vector<ActivationQuant>& hidden,
                           const kernels::KernelSet& ks = kernels::best_kernels());

}  // namespace quantlab
