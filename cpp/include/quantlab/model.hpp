// A multilayer perceptron of nn.Linear layers with ReLU between them (not after the last), in fp32 or with
// dynamically quantized int8 weights: the notebook's SimpleNet is Mlp::simple_net(seed), 784 -> 256 -> 10.
//
// Dynamic quantization (like torch.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)):
// weights are quantized once, symmetric int8 in [-127, 127] with one scale per tensor (or per output
// channel); biases stay fp32; each forward quantizes its activations per row (symmetric int8, scale =
// max|x| / 127), multiplies in int32 and rescales to fp32 (kernels.hpp). The serialized format is
// described in docs/model-format.md.
//
// Layers below 8 bits (issue 13, docs/lowbit.md "A whole low-bit model"): a layer can also hold 2-, 3- or 4-bit
// codes with a float32 scale per tensor, per output channel or per group of G weights of a row (kLowBit: run
// through the packed-int4 qs4 kernels, whose nibbles hold any code in [-7, 7]), or NF4 codes with an absmax per
// block (kNf4: dequantized once, when built or loaded, into fp32 weights that run on the fp32 kernels). Each
// layer has its own type, so a model can mix precisions; a layer may also divide its inputs by per-input scales
// first (AWQ). Every quantized layer quantizes its activations per row to int8 at each forward, as int8 does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "quantlab/kernels.hpp"

namespace quantlab {

enum class WeightType : std::uint32_t { kFloat32 = 0, kInt8 = 1, kLowBit = 2, kNf4 = 3 };

struct LinearLayer {
  std::size_t in = 0, out = 0;
  WeightType type = WeightType::kFloat32;
  std::vector<float> weight;         // fp32: out x in, PyTorch layout
  std::vector<std::int8_t> qweight;  // int8: out x in
  std::vector<float> scales;         // int8: 1 (per tensor) or `out` (per channel); kLowBit: 1 or out x groups;
                                     // kNf4: the absmax of each block, out x blocks
  std::vector<float> bias;           // out
  // kInt8: 8; kLowBit: 2, 3 or 4 (qweight holds codes in [-qmax, qmax], qmax = 2^(bits-1) - 1); kNf4: 4; fp32: 32.
  int bits = 32;
  // Weights per scale along a row: 0 per tensor, `in` per channel, else G (kLowBit: a multiple of 8); kNf4: the block.
  std::size_t group = 0;
  std::vector<std::uint8_t> codes;   // kNf4: out x in indices into nf4_codebook()
  std::vector<float> input_scales;   // empty, or `in` values s > 0: the layer computes W (x / s) (AWQ)
  // Derived when the layer is built or loaded (not serialized): the kernels' blocked weights (kernels.hpp).
  std::vector<float> packed_f32;       // fp32 and kNf4 (whose `weight` is derived: codebook[code] x absmax)
  std::vector<std::int16_t> packed_q;  // int8, widened to int16
  std::vector<float> col_scales;       // int8: one scale per output, for the epilogue
  std::vector<std::uint8_t> packed_q4;  // kLowBit: qs4_pack_weights
  std::vector<float> packed_scales4;    // kLowBit: qs4_pack_scales (a per-tensor scale repeated on every row)

  // Scales per row of a kLowBit or kNf4 layer (1 per channel), and the kernels' group argument (>= in: one).
  std::size_t groups_per_row() const { return group == 0 || group >= in ? 1 : (in + group - 1) / group; }
  std::size_t kernel_group() const { return group == 0 || group >= in ? in : group; }
};

// "fp32", "int8", "int4" (2 to 4 bits: "int2", "int3", "int4") or "nf4": how messages and the API name a layer.
std::string layer_kind(const LinearLayer& l);

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
  // A model of layers of any type (quantize_weights, GPTQ, AWQ: lowbit_model.hpp), checked like a loaded file
  // (shapes, scale counts, code ranges, finite values); the kernels' layouts are derived.
  static Mlp from_quantized_layers(std::vector<LinearLayer> layers);

  // The int8 model of this fp32 model. Throws if this model is already quantized.
  Mlp quantize_dynamic(bool per_channel) const;
  // Format version 1 when every layer is fp32 or every layer int8 (without input scales), else version 2.
  std::vector<std::uint8_t> serialize() const;

  // y (batch x output_size) = model(x (batch x input_size)) with the given kernels. Not thread-safe: it
  // reuses scratch buffers, bounded to about 1 MB per model whatever the batch (rows run in chunks). Throws
  // quantlab::Error when the float32 arithmetic overflows (an Infinity or NaN in any layer's outputs).
  void forward(const float* x, std::size_t batch, float* y, const kernels::KernelSet& k) const;
  // Bytes of scratch the model holds between forward() calls.
  std::size_t scratch_bytes() const;

  std::size_t input_size() const { return layers_.front().in; }
  std::size_t output_size() const { return layers_.back().out; }
  // Some layer is not fp32.
  bool quantized() const;
  // Every layer is int8 (what quantize_dynamic gives; static quantization needs it).
  bool all_int8() const;
  // Every layer runs integer kernels (int8 or kLowBit): every kernel set gives the same bits.
  bool integer_only() const;
  bool per_channel() const;
  const std::vector<LinearLayer>& layers() const { return layers_; }

 private:
  explicit Mlp(std::vector<LinearLayer> layers);
  std::vector<std::uint8_t> serialize_v2() const;
  void forward_rows(const float* x, std::size_t rows, bool gemv, float* y, const kernels::KernelSet& k,
                    std::size_t first_example) const;
  std::vector<LinearLayer> layers_;
  mutable std::vector<float> act_[2];
  mutable std::vector<std::int16_t> qact_;
  mutable std::vector<std::int32_t> acc_;
  mutable std::vector<float> row_scales_;
  mutable std::vector<float> scaled_;  // inputs divided by a layer's input scales
};

// CRC-32 (IEEE 802.3, as zlib's crc32) of the model file's bytes before the checksum.
std::uint32_t model_crc32(const std::uint8_t* data, std::size_t size);

// Checks an input given from outside: length a positive multiple of `input_size`, every value finite.
// Returns the batch size.
std::size_t check_model_input(const float* x, std::size_t length, std::size_t input_size);

}  // namespace quantlab
