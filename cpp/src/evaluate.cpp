// Batched evaluation, hidden activations, fake-quantized and static int8 evaluation (evaluate.hpp).
#include "quantlab/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "quantlab/errors.hpp"

namespace quantlab {
namespace {

void check_fits(const Mlp& model, const Dataset& data) {
  if (data.count == 0) throw Error("the dataset is empty");
  if (data.image_size() != model.input_size()) {
    throw Error("the images have " + std::to_string(data.image_size()) + " pixels but the model takes " +
                std::to_string(model.input_size()) + " inputs");
  }
  if (model.output_size() > 256) throw Error("the model has more than 256 outputs: predictions are bytes");
  check_labels(data, model.output_size());
}

void check_hidden_specs(const Mlp& model, const std::vector<ActivationQuant>& hidden) {
  const std::size_t expected = model.layers().size() - 1;
  if (hidden.size() != expected) {
    throw Error("give one activation range per hidden layer: this model has " + std::to_string(expected) +
                ", got " + std::to_string(hidden.size()));
  }
}

// Scratch buffers of one layer-by-layer pass.
struct Scratch {
  std::vector<float> x, act[2], scaled;
  std::vector<std::int16_t> q, qnext;
  std::vector<std::int32_t> acc;
  std::vector<float> row_scales;
  // Activation buffer i (0 or 1, alternating between layers) with room for n values.
  float* activations(std::size_t i, std::size_t n) {
    act[i].resize(n);
    return act[i].data();
  }
};

// The int8 rows need finite inputs, and a NaN logit would be no prediction: a model whose float32 arithmetic
// overflows on this data is an error, as in Mlp::forward.
void check_finite_layer(const LinearLayer& l, const float* v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(v[i])) {
      throw Error("the model overflows float32 on these images: a layer of " + std::to_string(l.in) + " -> " +
                  std::to_string(l.out) + " gives " + format_number(v[i]) + " (its weights or biases are too large)");
    }
  }
}

// One layer as Mlp::forward computes it (fp32 or NF4 on the fp32 kernels; int8 or 2-4-bit weights with
// dynamically quantized activations; inputs divided by the layer's input scales first, if it has them).
void forward_layer(const LinearLayer& l, const float* in, std::size_t batch, float* out, bool relu,
                   const kernels::KernelSet& k, Scratch& s) {
  if (!l.input_scales.empty()) {
    s.scaled.resize(batch * l.in);
    for (std::size_t r = 0; r < batch; ++r)
      for (std::size_t c = 0; c < l.in; ++c) s.scaled[r * l.in + c] = in[r * l.in + c] / l.input_scales[c];
    in = s.scaled.data();
    check_finite_layer(l, in, batch * l.in);
  }
  if (l.type == WeightType::kFloat32 || l.type == WeightType::kNf4) {
    if (batch == 1) {
      k.f32_gemv(l.out, l.in, in, l.packed_f32.data(), out);
    } else {
      k.f32_gemm(batch, l.out, l.in, in, l.packed_f32.data(), out);
    }
    check_finite_layer(l, out, batch * l.out);  // before the ReLU, which would turn a NaN into 0
    k.f32_bias_act(batch, l.out, out, l.bias.data(), relu);
    check_finite_layer(l, out, batch * l.out);
    return;
  }
  if (l.type == WeightType::kLowBit) {
    const std::size_t kp = kernels::qs4_padded_k(l.in);
    s.q.resize(batch * kp);
    s.row_scales.resize(batch);
    k.qs8_quantize_rows(batch, l.in, kp, in, s.q.data(), s.row_scales.data());
    if (batch == 1) {
      k.qs4_gemv(l.out, l.in, l.kernel_group(), s.q.data(), s.row_scales[0], l.packed_q4.data(), l.packed_scales4.data(), out);
    } else {
      k.qs4_gemm(batch, l.out, l.in, l.kernel_group(), s.q.data(), s.row_scales.data(), l.packed_q4.data(),
                 l.packed_scales4.data(), out);
    }
    check_finite_layer(l, out, batch * l.out);  // before the ReLU, which would turn a NaN into 0
    k.f32_bias_act(batch, l.out, out, l.bias.data(), relu);
    check_finite_layer(l, out, batch * l.out);
    return;
  }
  const std::size_t kp = kernels::qs8_padded_k(l.in);
  s.q.resize(batch * kp);
  s.acc.resize(batch * l.out);
  s.row_scales.resize(batch);
  k.qs8_quantize_rows(batch, l.in, kp, in, s.q.data(), s.row_scales.data());
  if (batch == 1) {
    k.qs8_gemv(l.out, kp, s.q.data(), l.packed_q.data(), s.acc.data());
  } else {
    k.qs8_gemm(batch, l.out, kp, s.q.data(), l.packed_q.data(), s.acc.data());
  }
  k.qs8_dequantize(batch, l.out, s.acc.data(), s.row_scales.data(), l.col_scales.data(), l.bias.data(), relu, out);
  check_finite_layer(l, out, batch * l.out);
}

// Runs the examples in batches: `pass(first, n, logits)` fills n x classes logits; predictions and the
// confusion matrix are taken from them.
template <typename Pass>
Evaluation run_batches(const Mlp& model, const Dataset& data, Pass&& pass) {
  check_fits(model, data);
  Evaluation e;
  e.count = data.count;
  e.classes = model.output_size();
  e.confusion.assign(e.classes * e.classes, 0);
  e.predictions.resize(data.count);
  std::vector<float> logits(kEvalBatch * e.classes);
  for (std::size_t first = 0; first < data.count; first += kEvalBatch) {
    const std::size_t n = std::min(kEvalBatch, data.count - first);
    pass(first, n, logits.data());
    for (std::size_t r = 0; r < n; ++r) {
      const float* z = logits.data() + r * e.classes;
      std::size_t arg = 0;
      for (std::size_t c = 1; c < e.classes; ++c) arg = z[c] > z[arg] ? c : arg;
      const std::uint8_t label = data.labels[first + r];
      e.predictions[first + r] = static_cast<std::uint8_t>(arg);
      ++e.confusion[label * e.classes + arg];
      e.correct += arg == label;
    }
  }
  return e;
}

}  // namespace

std::uint32_t Evaluation::class_count(std::size_t c) const {
  std::uint32_t n = 0;
  for (std::size_t p = 0; p < classes; ++p) n += confusion[c * classes + p];
  return n;
}

std::uint32_t Evaluation::class_correct(std::size_t c) const { return confusion[c * classes + c]; }

Evaluation evaluate(const Mlp& model, const Dataset& data, const kernels::KernelSet& ks) {
  std::vector<float> x(kEvalBatch * model.input_size());
  return run_batches(model, data, [&](std::size_t first, std::size_t n, float* logits) {
    dataset_inputs(data, first, n, x.data());
    model.forward(x.data(), n, logits, ks);
  });
}

std::vector<float> hidden_activations(const Mlp& model, const Dataset& data, std::size_t layer, std::size_t count,
                                      const kernels::KernelSet& ks) {
  check_fits(model, data);
  const auto& layers = model.layers();
  if (layer + 1 >= layers.size()) {
    throw Error("layer " + std::to_string(layer) + " is not a hidden layer: this model has " +
                std::to_string(layers.size() - 1) + " (numbered from 0)");
  }
  if (count == 0) count = data.count;
  if (count > data.count) {
    throw Error("asked for the activations of " + std::to_string(count) + " examples, the dataset holds " +
                std::to_string(data.count));
  }
  const std::size_t width = layers[layer].out;
  if (count > std::numeric_limits<std::size_t>::max() / width) throw Error("too many activations for this machine");
  std::vector<float> out(count * width);
  Scratch s;
  s.x.resize(kEvalBatch * model.input_size());
  for (std::size_t first = 0; first < count; first += kEvalBatch) {
    const std::size_t n = std::min(kEvalBatch, count - first);
    dataset_inputs(data, first, n, s.x.data());
    const float* in = s.x.data();
    for (std::size_t l = 0; l <= layer; ++l) {
      float* dst = l == layer ? out.data() + first * width : s.activations(l % 2, n * layers[l].out);
      forward_layer(layers[l], in, n, dst, true, ks, s);
      in = dst;
    }
  }
  return out;
}

Evaluation evaluate_fake_quant(const Mlp& model, const Dataset& data, const std::vector<ActivationQuant>& hidden,
                               const kernels::KernelSet& ks) {
  check_hidden_specs(model, hidden);
  std::vector<QuantParams> params;
  for (const ActivationQuant& h : hidden) params.push_back(activation_quant_params(h));
  const auto& layers = model.layers();
  Scratch s;
  s.x.resize(kEvalBatch * model.input_size());
  return run_batches(model, data, [&](std::size_t first, std::size_t n, float* logits) {
    dataset_inputs(data, first, n, s.x.data());
    const float* in = s.x.data();
    for (std::size_t l = 0; l < layers.size(); ++l) {
      const bool last = l + 1 == layers.size();
      float* dst = last ? logits : s.activations(l % 2, n * layers[l].out);
      forward_layer(layers[l], in, n, dst, !last, ks, s);
      if (!last) {
        const QuantParams& p = params[l];
        for (std::size_t i = 0; i < n * layers[l].out; ++i) {
          dst[i] = p.scale == 0.0 ? 0.0f
                                  : static_cast<float>(static_cast<double>(quantize_value(dst[i], p) - p.zero_point) * p.scale);
        }
      }
      in = dst;
    }
  });
}

Evaluation evaluate_static(const Mlp& model, const Dataset& data, const std::vector<ActivationQuant>& hidden,
                           const kernels::KernelSet& ks) {
  if (!model.all_int8()) {
    throw Error("static quantization runs an int8 model: quantize the fp32 model's weights first (quantizeDynamic)");
  }
  for (const LinearLayer& l : model.layers())
    if (!l.input_scales.empty()) throw Error("static quantization runs an int8 model without input scales");
  check_hidden_specs(model, hidden);
  std::vector<QuantParams> params;
  for (const ActivationQuant& h : hidden) {
    if (h.bits > 8) throw Error("static quantization stores activations in 8 bits or fewer, got " + std::to_string(h.bits));
    params.push_back(activation_quant_params(h));
  }
  const auto& layers = model.layers();
  // Row sums of the int8 weights, for subtracting the zero point: sum((q - zp) w) = sum(q w) - zp sum(w).
  std::vector<std::vector<std::int64_t>> row_sums(layers.size());
  for (std::size_t l = 0; l < layers.size(); ++l) {
    row_sums[l].assign(layers[l].out, 0);
    for (std::size_t o = 0; o < layers[l].out; ++o)
      for (std::size_t i = 0; i < layers[l].in; ++i) row_sums[l][o] += layers[l].qweight[o * layers[l].in + i];
  }
  Scratch s;
  return run_batches(model, data, [&](std::size_t first, std::size_t n, float* logits) {
    // The pixels are the input layer's integers (scale 1/255, zero point 0).
    const std::size_t size = data.image_size(), kp0 = kernels::qs8_padded_k(size);
    s.q.assign(n * kp0, 0);
    for (std::size_t r = 0; r < n; ++r) {
      const std::uint8_t* px = data.pixels.data() + (first + r) * size;
      std::copy(px, px + size, s.q.begin() + static_cast<std::ptrdiff_t>(r * kp0));
    }
    float in_scale = 1.0f / 255.0f;
    std::int32_t in_zero = 0;
    for (std::size_t l = 0; l < layers.size(); ++l) {
      const LinearLayer& layer = layers[l];
      const bool last = l + 1 == layers.size();
      const std::size_t kp = kernels::qs8_padded_k(layer.in);
      s.acc.resize(n * layer.out);
      if (n == 1) {
        ks.qs8_gemv(layer.out, kp, s.q.data(), layer.packed_q.data(), s.acc.data());
      } else {
        ks.qs8_gemm(n, layer.out, kp, s.q.data(), layer.packed_q.data(), s.acc.data());
      }
      if (in_zero != 0) {
        for (std::size_t r = 0; r < n; ++r)
          for (std::size_t o = 0; o < layer.out; ++o) {
            std::int32_t& a = s.acc[r * layer.out + o];
            a = static_cast<std::int32_t>(std::int64_t{a} - std::int64_t{in_zero} * row_sums[l][o]);
          }
      }
      s.row_scales.assign(n, in_scale);
      float* dst = last ? logits : s.activations(0, n * layer.out);
      ks.qs8_dequantize(n, layer.out, s.acc.data(), s.row_scales.data(), layer.col_scales.data(), layer.bias.data(),
                        !last, dst);
      check_finite_layer(layer, dst, n * layer.out);
      if (last) break;
      const QuantParams& p = params[l];
      const std::size_t kp_next = kernels::qs8_padded_k(layer.out);
      s.qnext.assign(n * kp_next, 0);
      for (std::size_t r = 0; r < n; ++r)
        for (std::size_t o = 0; o < layer.out; ++o)
          s.qnext[r * kp_next + o] = static_cast<std::int16_t>(quantize_value(dst[r * layer.out + o], p));
      std::swap(s.q, s.qnext);
      in_scale = static_cast<float>(p.scale);
      in_zero = p.zero_point;
    }
  });
}

}  // namespace quantlab
