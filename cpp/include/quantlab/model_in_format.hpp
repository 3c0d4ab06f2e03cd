// A model whose weights went through a number format: each layer's fp32 weights are stored in float16, bfloat16,
// fp8 E4M3/E5M2 (float_formats.hpp) or symmetric int8 (quantize.hpp) and read back, and the values the format
// holds become the weights of a new fp32 model (biases unchanged). Evaluating that model measures what the format
// does to accuracy, weights only: activations stay float32.
//
// Scaling, per layer:
//   kNone     float formats only: code = encode(w), as a plain cast (PyTorch's w.half(), w.bfloat16())
//   kTensor   one scale per weight tensor: amax / the format's max (448 for E4M3, 57344 for E5M2; int8: amax / 127)
//   kChannel  one scale per output channel (row), the same rule row by row
// The weight error is measured over every weight of every layer at once (float64 differences of the fp32 weights
// the new model holds), and per layer.
#pragma once

#include <cstddef>
#include <vector>

#include "quantlab/float_formats.hpp"
#include "quantlab/metrics.hpp"
#include "quantlab/model.hpp"

namespace quantlab {

enum class WeightScaling { kNone, kTensor, kChannel };

struct LayerInFormat {
  std::vector<double> scales;  // one (kNone: 1; kTensor) or one per output channel
  ErrorStats stats;
  std::size_t overflows = 0;           // weights beyond the format's range (saturated)
  std::size_t underflows_to_zero = 0;  // nonzero weights stored as zero
};

struct ModelInFormat {
  Mlp model;
  ErrorStats stats;  // over every weight of the model
  std::size_t weights = 0;
  std::size_t overflows = 0;
  std::size_t underflows_to_zero = 0;
  std::vector<LayerInFormat> layers;
};

// `model` must be fp32; `format` a float format or Format::kInt8 (which needs kTensor or kChannel). Float formats
// saturate on overflow (only kNone can overflow: float16 above 65504). Throws quantlab::Error naming the problem.
ModelInFormat model_in_format(const Mlp& model, fp::Format format, WeightScaling scaling);

}  // namespace quantlab
