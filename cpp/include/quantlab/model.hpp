// A multilayer perceptron of nn.Linear layers with ReLU between them (not after the last), in fp32 or with
// dynamically quantized int8 weights: the notebook's SimpleNet is Mlp::simple_net(seed), 784 -> 256 -> 10.
//
// Dynamic quantization (like torch.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)):
// weights are quantized once, symmetric int8 in [-127, 127] with one scale per tensor (or per output
// channel); biases stay fp32; each forward quantizes its activations per row (symmetric int8, scale =
// max|x| / 127), multiplies in int32 and rescales to fp32 (kernels.hpp). The serialized format is
// described in docs/model-format.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "quantlab/kernels.hpp"

namespace quantlab {

enum class WeightType : std::uint32_t { kFloat32 = 0, kInt8 = 1 };

struct LinearLayer {
  std::size_t in = 0, out = 0;
  WeightType type = WeightType::kFloat32;
  std::vector<float> weight;         // fp32: out x in, PyTorch layout
  std::vector<std::int8_t> qweight;  // int8: out x in
  std::vector<float> scales;         // int8: 1 (per tensor) or `out` (per channel)
  std::vector<float> bias;           // out
  // Derived when the layer is built or loaded (not serialized): the kernels' blocked weights (kernels.hpp).
  std::vector<float> packed_f32;       // fp32
  std::vector<std::int16_t> packed_q;  // int8, widened to int16
  std::vector<float> col_scales;       // int8: one scale per output, for the epilogue
};

class Mlp {
 public:
  // Layer sizes {in, hidden..., out}, weights and biases uniform in +-1/sqrt(fan_in) (nn.Linear's default)
  // drawn in order (layer 1 weight, layer 1 bias, layer 2 weight, ...) from NumPy's legacy generator.
  static Mlp create(const std::vector<std::size_t>& sizes, std::uint32_t seed);
  static Mlp simple_net(std::uint32_t seed) { return create({784, 256, 10}, seed); }
  // Reads the binary format; throws quantlab::Error naming the problem (truncated, corrupt, wrong version...).
  static Mlp deserialize(const std::uint8_t* data, std::size_t size);
  // A model of the given fp32 layers (in, out, weight, bias set; the rest is derived), e.g. from the trainer.
  // Throws if a layer's shapes disagree with its sizes or the previous layer's outputs, or a value is not finite.
  static Mlp from_layers(std::vector<LinearLayer> layers);

  // The int8 model of this fp32 model. Throws if this model is already quantized.
  Mlp quantize_dynamic(bool per_channel) const;
  std::vector<std::uint8_t> serialize() const;

  // y (batch x output_size) = model(x (batch x input_size)) with the given kernels. Not thread-safe: it
  // reuses scratch buffers, bounded to about 1 MB per model whatever the batch (rows run in chunks). Throws
  // quantlab::Error when the float32 arithmetic overflows (an Infinity or NaN in any layer's outputs).
  void forward(const float* x, std::size_t batch, float* y, const kernels::KernelSet& k) const;
  // Bytes of scratch the model holds between forward() calls.
  std::size_t scratch_bytes() const;

  std::size_t input_size() const { return layers_.front().in; }
  std::size_t output_size() const { return layers_.back().out; }
  bool quantized() const { return layers_.front().type == WeightType::kInt8; }
  bool per_channel() const;
  const std::vector<LinearLayer>& layers() const { return layers_; }

 private:
  explicit Mlp(std::vector<LinearLayer> layers);
  void forward_rows(const float* x, std::size_t rows, bool gemv, float* y, const kernels::KernelSet& k,
                    std::size_t first_example) const;
  std::vector<LinearLayer> layers_;
  mutable std::vector<float> act_[2];
  mutable std::vector<std::int16_t> qact_;
  mutable std::vector<std::int32_t> acc_;
  mutable std::vector<float> row_scales_;
};

// CRC-32 (IEEE 802.3, as zlib's crc32) of the model file's bytes before the checksum.
std::uint32_t model_crc32(const std::uint8_t* data, std::size_t size);

// Checks an input given from outside: length a positive multiple of `input_size`, every value finite.
// Returns the batch size.
std::size_t check_model_input(const float* x, std::size_t length, std::size_t input_size);

}  // namespace quantlab
