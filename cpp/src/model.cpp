#include "quantlab/model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "quantlab/checked.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/lowbit.hpp"
#include "quantlab/numpy_random.hpp"
#include "quantlab/quantize.hpp"

namespace quantlab {

Mlp::Mlp(std::vector<LinearLayer> layers) : layers_(std::move(layers)) {
  for (LinearLayer& l : layers_) {
    if (l.type == WeightType::kFloat32) {
      l.bits = 32;
      l.packed_f32 = kernels::f32_pack_weights(l.weight.data(), l.out, l.in);
    } else if (l.type == WeightType::kInt8) {
      l.bits = 8;
      l.group = l.scales.size() == 1 ? 0 : l.in;
      l.packed_q = kernels::qs8_pack_weights(l.qweight.data(), l.out, l.in);
      l.col_scales = l.scales.size() == 1 ? std::vector<float>(l.out, l.scales[0]) : l.scales;
    } else if (l.type == WeightType::kLowBit) {
      l.packed_q4 = kernels::qs4_pack_weights(l.qweight.data(), l.out, l.in);
      std::vector<float> row_scales = l.scales;
      if (l.group == 0) row_scales.assign(l.out, l.scales[0]);  // per tensor: the one scale on every row
      l.packed_scales4 = kernels::qs4_pack_scales(row_scales.data(), l.out, l.in, l.kernel_group());
    } else {
      // NF4: float32(codebook[code] x absmax), as bitsandbytes dequantizes before its matrix product.
      const auto& book = nf4_codebook();
      const std::size_t blocks = l.groups_per_row(), block = std::min(l.group, l.in);
      l.weight.resize(l.codes.size());
      for (std::size_t r = 0; r < l.out; ++r)
        for (std::size_t c = 0; c < l.in; ++c) {
          const float absmax = l.scales[r * blocks + c / block];
          l.weight[r * l.in + c] = static_cast<float>(double{book[l.codes[r * l.in + c]]} * double{absmax});
        }
      l.packed_f32 = kernels::f32_pack_weights(l.weight.data(), l.out, l.in);
    }
  }
}

std::string layer_kind(const LinearLayer& l) {
  switch (l.type) {
    case WeightType::kFloat32: return "fp32";
    case WeightType::kInt8: return "int8";
    case WeightType::kLowBit: return "int" + std::to_string(l.bits);
    case WeightType::kNf4: return "nf4";
  }
  return "unknown";
}

namespace {

// A scale is 0 (an all-zero group) or a normal float32 (what the kernels can rescale with).
void check_layer_scales(const LinearLayer& l, const std::string& name) {
  for (std::size_t i = 0; i < l.scales.size(); ++i) {
    const float v = l.scales[i];
    const bool ok = l.type == WeightType::kNf4 ? std::isfinite(v) && v >= 0
                                               : std::isfinite(v) && v >= 0 && (v == 0 || v >= std::numeric_limits<float>::min());
    if (!ok) {
      throw Error(name + ": scale[" + std::to_string(i) + "] is " + format_number(v) +
                  (l.type == WeightType::kNf4 ? " (an absmax is finite and >= 0)"
                                              : " (a scale is 0 or a normal float32 from 1.1754944e-38 to 3.4028235e+38)"));
    }
  }
}

// Everything a layer of any type must satisfy before the kernels' layouts are derived from it.
void check_layer(const LinearLayer& l, const std::string& name) {
  const std::size_t n = l.in * l.out;  // in, out <= 2^16 are checked first
  if (l.in == 0 || l.out == 0 || l.in > 65536 || l.out > 65536) {
    throw Error(name + " is " + std::to_string(l.in) + " -> " + std::to_string(l.out) + " (sizes from 1 to 65536)");
  }
  if (l.bias.size() != l.out) throw Error(name + ": " + std::to_string(l.bias.size()) + " biases for " + std::to_string(l.out) + " outputs");
  for (float v : l.bias)
    if (!std::isfinite(v)) throw Error(name + ": a bias is " + format_number(v));
  if (!l.input_scales.empty()) {
    if (l.input_scales.size() != l.in) {
      throw Error(name + ": " + std::to_string(l.input_scales.size()) + " input scales for " + std::to_string(l.in) + " inputs");
    }
    for (std::size_t i = 0; i < l.in; ++i) {
      const float s = l.input_scales[i];
      if (!(std::isfinite(s) && s >= std::numeric_limits<float>::min())) {
        throw Error(name + ": input scale[" + std::to_string(i) + "] is " + format_number(s) +
                    " (an input scale is a normal float32 > 0)");
      }
    }
  }
  const auto scale_count_is = [&](std::size_t want) {
    if (l.scales.size() != want) {
      throw Error(name + " (" + layer_kind(l) + "): " + std::to_string(l.scales.size()) + " scales, needs " + std::to_string(want));
    }
  };
  switch (l.type) {
    case WeightType::kFloat32:
      if (l.weight.size() != n) throw Error(name + ": " + std::to_string(l.weight.size()) + " weights for " + std::to_string(n));
      for (float v : l.weight)
        if (!std::isfinite(v)) throw Error(name + ": a weight is " + format_number(v));
      if (!l.scales.empty()) scale_count_is(0);
      return;
    case WeightType::kInt8:
      if (l.qweight.size() != n) throw Error(name + ": " + std::to_string(l.qweight.size()) + " weights for " + std::to_string(n));
      if (l.scales.size() != 1) scale_count_is(l.out);
      break;
    case WeightType::kLowBit: {
      if (l.bits < 2 || l.bits > 4) throw Error(name + ": a low-bit layer has 2, 3 or 4 bits, got " + std::to_string(l.bits));
      if (l.in > kernels::kQs4MaxK) {
        throw Error(name + " has " + std::to_string(l.in) + " inputs: the 4-bit kernels take at most " + std::to_string(kernels::kQs4MaxK));
      }
      if (l.group != 0 && l.group < l.in && l.group % 8 != 0) {
        throw Error(name + ": groups of " + std::to_string(l.group) +
                    " weights: a low-bit layer's group size is a multiple of 8 (or per channel, or per tensor)");
      }
      if (l.group > l.in) throw Error(name + ": groups of " + std::to_string(l.group) + " weights in rows of " + std::to_string(l.in));
      scale_count_is(l.group == 0 ? 1 : l.out * l.groups_per_row());
      if (l.qweight.size() != n) throw Error(name + ": " + std::to_string(l.qweight.size()) + " weights for " + std::to_string(n));
      const int lo = -(1 << (l.bits - 1)), hi = (1 << (l.bits - 1)) - 1;
      for (std::size_t i = 0; i < n; ++i)
        if (l.qweight[i] < lo || l.qweight[i] > hi) {
          throw Error(name + ": weight code " + std::to_string(l.qweight[i]) + " at " + std::to_string(i) + " is outside [" +
                      std::to_string(lo) + ", " + std::to_string(hi) + "] for " + std::to_string(l.bits) + " bits");
        }
      break;
    }
    case WeightType::kNf4:
      if (l.group == 0 || l.group > l.in) {
        throw Error(name + ": NF4 blocks of " + std::to_string(l.group) + " weights in rows of " + std::to_string(l.in) +
                    " (from 1 to the row's length)");
      }
      if (l.codes.size() != n) throw Error(name + ": " + std::to_string(l.codes.size()) + " NF4 codes for " + std::to_string(n) + " weights");
      for (std::size_t i = 0; i < n; ++i)
        if (l.codes[i] > 15) throw Error(name + ": NF4 code " + std::to_string(l.codes[i]) + " at " + std::to_string(i) + " is above 15");
      scale_count_is(l.out * l.groups_per_row());
      break;
    default:
      throw Error(name + " has unknown weight type " + std::to_string(static_cast<std::uint32_t>(l.type)));
  }
  check_layer_scales(l, name);
}

}  // namespace

Mlp Mlp::from_quantized_layers(std::vector<LinearLayer> layers) {
  if (layers.empty()) throw Error("a model needs at least one layer");
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string name = "layer " + std::to_string(i + 1);
    check_layer(layers[i], name);
    if (i > 0 && layers[i].in != layers[i - 1].out) {
      throw Error(name + " takes " + std::to_string(layers[i].in) + " inputs but the layer before gives " +
                  std::to_string(layers[i - 1].out));
    }
  }
  Mlp m(std::move(layers));
  for (std::size_t i = 0; i < m.layers_.size(); ++i) {
    if (m.layers_[i].type != WeightType::kNf4) continue;
    for (float v : m.layers_[i].weight)
      if (!std::isfinite(v)) throw Error("layer " + std::to_string(i + 1) + ": an NF4 weight (code x absmax) is " + format_number(v));
  }
  return m;
}

bool Mlp::quantized() const {
  for (const LinearLayer& l : layers_)
    if (l.type != WeightType::kFloat32) return true;
  return false;
}

bool Mlp::all_int8() const {
  for (const LinearLayer& l : layers_)
    if (l.type != WeightType::kInt8) return false;
  return true;
}

bool Mlp::integer_only() const {
  for (const LinearLayer& l : layers_)
    if (l.type != WeightType::kInt8 && l.type != WeightType::kLowBit) return false;
  return true;
}

Mlp Mlp::create(const std::vector<std::size_t>& sizes, std::uint32_t seed) {
  if (sizes.size() < 2) throw Error("a model needs at least an input and an output size");
  for (std::size_t s : sizes)
    if (s == 0) throw Error("every layer size of a model must be at least 1");
  NumpyRandom rng(seed);
  std::vector<LinearLayer> layers;
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i) {
    LinearLayer l;
    l.in = sizes[i];
    l.out = sizes[i + 1];
    const double bound = 1.0 / std::sqrt(static_cast<double>(l.in));
    l.weight.resize(checked_array_size<float>(checked_mul(l.in, l.out, "a layer's weights"), "a layer's weights"));
    for (float& w : l.weight) w = static_cast<float>(rng.uniform(-bound, bound));
    l.bias.resize(l.out);
    for (float& b : l.bias) b = static_cast<float>(rng.uniform(-bound, bound));
    layers.push_back(std::move(l));
  }
  return Mlp(std::move(layers));
}

Mlp Mlp::from_layers(std::vector<LinearLayer> layers) {
  if (layers.empty()) throw Error("a model needs at least one layer");
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LinearLayer& l = layers[i];
    const std::string name = "layer " + std::to_string(i + 1);
    if (l.type != WeightType::kFloat32) throw Error(name + ": from_layers takes fp32 layers");
    if (l.in == 0 || l.out == 0 || l.weight.size() != l.in * l.out || l.bias.size() != l.out) {
      throw Error(name + ": " + std::to_string(l.weight.size()) + " weights and " + std::to_string(l.bias.size()) +
                  " biases do not make a " + std::to_string(l.in) + " -> " + std::to_string(l.out) + " layer");
    }
    if (i > 0 && l.in != layers[i - 1].out) {
      throw Error(name + " takes " + std::to_string(l.in) + " inputs but the layer before gives " +
                  std::to_string(layers[i - 1].out));
    }
    for (float v : l.weight)
      if (!std::isfinite(v)) throw Error(name + ": a weight is " + format_number(v) + " (training diverged?)");
    for (float v : l.bias)
      if (!std::isfinite(v)) throw Error(name + ": a bias is " + format_number(v) + " (training diverged?)");
  }
  return Mlp(std::move(layers));
}

bool Mlp::per_channel() const {
  for (const LinearLayer& l : layers_)
    if (l.type == WeightType::kInt8 && l.scales.size() > 1) return true;
  return false;
}

Mlp Mlp::quantize_dynamic(bool per_channel) const {
  if (all_int8()) throw Error("this model is already quantized to int8: quantize its fp32 original instead");
  if (quantized()) throw Error("this model has quantized layers: quantize its fp32 original instead");
  std::vector<LinearLayer> layers;
  for (const LinearLayer& f : layers_) {
    LinearLayer q;
    q.in = f.in;
    q.out = f.out;
    q.type = WeightType::kInt8;
    q.bias = f.bias;
    const std::vector<double> w(f.weight.begin(), f.weight.end());
    std::vector<std::int32_t> values;
    if (per_channel) {
      SymmetricPerChannel t = per_channel_quantize(w, f.out, f.in, 8);
      values = std::move(t.q);
      q.scales.assign(t.scales.begin(), t.scales.end());
    } else {
      SymmetricTensor t = symmetric_quantize(w, 8);
      values = std::move(t.q);
      q.scales = {static_cast<float>(t.scale)};
    }
    // The scales are stored as float32: a scale that is subnormal there would lose its precision, or be 0.
    const std::size_t per_scale = f.weight.size() / q.scales.size();  // the whole tensor, or one row
    for (std::size_t c = 0; c < q.scales.size(); ++c) {
      if (q.scales[c] == 0.0f || q.scales[c] >= std::numeric_limits<float>::min()) continue;
      double max_w = 0.0;
      for (std::size_t i = c * per_scale; i < (c + 1) * per_scale; ++i) max_w = std::max(max_w, std::fabs(double{f.weight[i]}));
      const std::string where = "layer " + std::to_string(layers.size() + 1) +
                                (per_channel ? ", row " + std::to_string(c) : std::string());
      throw Error(where + ": max|w| = " + format_number(max_w) + " is too small for int8 with a float32 scale: max|w| / 127 = " +
                  format_number(max_w / 127) + " is below the smallest normal float32 (1.1754943508222875e-38)");
    }
    q.qweight.assign(values.begin(), values.end());
    layers.push_back(std::move(q));
  }
  return Mlp(std::move(layers));
}

namespace {

// Scratch memory of forward() per model: a batch runs in chunks of rows whose scratch (hidden activations, int16
// activation rows, int32 accumulators, row scales) fits in this budget, or in one row's worth for a model too wide
// for it. So a batch of 40,000 SimpleNet inputs keeps about 1 MB of scratch, not 147 MB, and the rows of a chunk
// still make GEMMs large enough to be fast. A row's result does not depend on the chunking (kernels.hpp).
constexpr std::size_t kForwardScratchBytes = std::size_t{1} << 20;

float max_abs_of(const float* x, std::size_t n) {
  float m = 0.0f;
  for (std::size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(x[i]));
  return m;
}

// Layer `layer` (1-based) of example `example` (1-based) gave a non-finite value: the float32 arithmetic
// overflowed (a NaN comes from Infinity - Infinity). Names the example's largest input, the usual cause.
[[noreturn]] void throw_overflow(std::size_t layer, std::size_t example, std::size_t output, float value,
                                 float input_max_abs) {
  throw Error("the forward pass overflows float32 in layer " + std::to_string(layer) + " (example " +
              std::to_string(example) + ", output " + std::to_string(output) + " is " + format_number(value) +
              "): the input is too large for this model (its largest |value| is " + format_number(input_max_abs) +
              ")");
}

}  // namespace

void Mlp::forward(const float* x, std::size_t batch, float* y, const kernels::KernelSet& k) const {
  std::size_t widest = 0;
  for (const LinearLayer& l : layers_) widest = std::max({widest, l.out, kernels::qs8_padded_k(l.in)});
  // Per row: two float activation buffers, int32 accumulators, int16 activations (counted as 4 bytes), inputs
  // divided by input scales, a scale.
  const std::size_t row_bytes = checked_add(checked_mul(widest, 20, "a forward row"), 4, "a forward row");
  const std::size_t chunk = std::max<std::size_t>(1, kForwardScratchBytes / row_bytes);
  const std::size_t in_size = input_size(), out_size = output_size();
  for (std::size_t r0 = 0; r0 < batch; r0 += chunk) {
    const std::size_t rows = std::min(chunk, batch - r0);
    // Batch 1 uses the GEMV kernels; a chunk of one row of a larger batch gives the same bits through the GEMM.
    forward_rows(x + r0 * in_size, rows, batch == 1, y + r0 * out_size, k, r0);
  }
}

void Mlp::forward_rows(const float* x, std::size_t batch, bool gemv, float* y, const kernels::KernelSet& k,
                       std::size_t first_example) const {
  const float* in = x;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const LinearLayer& l = layers_[i];
    const bool last = i + 1 == layers_.size();
    const bool relu = !last;
    if (!l.input_scales.empty()) {  // AWQ: the layer computes W (x / s)
      scaled_.resize(checked_mul(batch, l.in, "the forward activations"));
      for (std::size_t r = 0; r < batch; ++r)
        for (std::size_t c = 0; c < l.in; ++c) {
          const float v = in[r * l.in + c] / l.input_scales[c];
          // A large activation over a tiny input scale overflows: the int8 rows below need finite values.
          if (!std::isfinite(v)) throw_overflow(i + 1, first_example + r + 1, c + 1, v, max_abs_of(x + r * layers_[0].in, layers_[0].in));
          scaled_[r * l.in + c] = v;
        }
      in = scaled_.data();
    }
    float* out = y;
    if (!last) {
      act_[i % 2].resize(checked_mul(batch, l.out, "the forward activations"));
      out = act_[i % 2].data();
    }
    // Every value a layer gives must be finite; a hidden NaN would otherwise become 0 in the ReLU.
    const auto check_finite_outputs = [&] {
      for (std::size_t r = 0; r < batch; ++r)
        for (std::size_t c = 0; c < l.out; ++c)
          if (!std::isfinite(out[r * l.out + c]))
            throw_overflow(i + 1, first_example + r + 1, c + 1, out[r * l.out + c], max_abs_of(x + r * layers_[0].in, layers_[0].in));
    };
    if (l.type == WeightType::kFloat32 || l.type == WeightType::kNf4) {
      if (gemv) {
        k.f32_gemv(l.out, l.in, in, l.packed_f32.data(), out);
      } else {
        k.f32_gemm(batch, l.out, l.in, in, l.packed_f32.data(), out);
      }
      check_finite_outputs();
      k.f32_bias_act(batch, l.out, out, l.bias.data(), relu);
    } else if (l.type == WeightType::kLowBit) {
      const std::size_t kp = kernels::qs4_padded_k(l.in);
      qact_.resize(checked_mul(batch, kp, "the forward activations"));
      row_scales_.resize(batch);
      k.qs8_quantize_rows(batch, l.in, kp, in, qact_.data(), row_scales_.data());
      if (gemv) {
        k.qs4_gemv(l.out, l.in, l.kernel_group(), qact_.data(), row_scales_[0], l.packed_q4.data(), l.packed_scales4.data(), out);
      } else {
        k.qs4_gemm(batch, l.out, l.in, l.kernel_group(), qact_.data(), row_scales_.data(), l.packed_q4.data(),
                   l.packed_scales4.data(), out);
      }
      check_finite_outputs();
      k.f32_bias_act(batch, l.out, out, l.bias.data(), relu);
    } else {
      const std::size_t kp = kernels::qs8_padded_k(l.in);
      qact_.resize(checked_mul(batch, kp, "the forward activations"));
      acc_.resize(checked_mul(batch, l.out, "the forward accumulators"));
      row_scales_.resize(batch);
      k.qs8_quantize_rows(batch, l.in, kp, in, qact_.data(), row_scales_.data());
      // The rescale row_scale x col_scale must be finite, or an accumulator of 0 would give NaN.
      const float max_row = *std::max_element(row_scales_.begin(), row_scales_.end());
      const float max_col = *std::max_element(l.col_scales.begin(), l.col_scales.end());
      if (!std::isfinite(max_row * max_col)) {
        const std::size_t r = static_cast<std::size_t>(std::max_element(row_scales_.begin(), row_scales_.end()) - row_scales_.begin());
        throw_overflow(i + 1, first_example + r + 1, 1, max_row * max_col, max_abs_of(x + r * layers_[0].in, layers_[0].in));
      }
      if (gemv) {
        k.qs8_gemv(l.out, kp, qact_.data(), l.packed_q.data(), acc_.data());
      } else {
        k.qs8_gemm(batch, l.out, kp, qact_.data(), l.packed_q.data(), acc_.data());
      }
      k.qs8_dequantize(batch, l.out, acc_.data(), row_scales_.data(), l.col_scales.data(), l.bias.data(), relu, out);
    }
    check_finite_outputs();
    in = out;
  }
}

std::size_t Mlp::scratch_bytes() const {
  return (act_[0].capacity() + act_[1].capacity() + row_scales_.capacity() + scaled_.capacity()) * sizeof(float) +
         qact_.capacity() * sizeof(std::int16_t) + acc_.capacity() * sizeof(std::int32_t);
}

std::size_t check_model_input(const float* x, std::size_t length, std::size_t input_size) {
  if (length == 0 || length % input_size != 0) {
    throw Error("the input has " + std::to_string(length) + " values: give " + std::to_string(input_size) +
                " per example (a multiple of " + std::to_string(input_size) + ")");
  }
  check_finite_values(Span<float>(x, length), "input");
  return length / input_size;
}

}  // namespace quantlab
