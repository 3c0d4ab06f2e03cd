#include "quantlab/model.hpp"

#include <cmath>
#include <string>

#include "quantlab/errors.hpp"
#include "quantlab/numpy_random.hpp"
#include "quantlab/quantize.hpp"

namespace quantlab {

Mlp::Mlp(std::vector<LinearLayer> layers) : layers_(std::move(layers)) {
  for (LinearLayer& l : layers_) {
    if (l.type == WeightType::kFloat32) {
      l.packed_f32 = kernels::f32_pack_weights(l.weight.data(), l.out, l.in);
    } else {
      l.packed_q = kernels::qs8_pack_weights(l.qweight.data(), l.out, l.in);
      l.col_scales = l.scales.size() == 1 ? std::vector<float>(l.out, l.scales[0]) : l.scales;
    }
  }
}

Mlp Mlp::create(const std::vector<std::size_t>& sizes, std::uint32_t seed) {
  if (sizes.size() < 2) throw Error("a model needs at least an input and an output size");
  NumpyRandom rng(seed);
  std::vector<LinearLayer> layers;
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i) {
    LinearLayer l;
    l.in = sizes[i];
    l.out = sizes[i + 1];
    const double bound = 1.0 / std::sqrt(static_cast<double>(l.in));
    l.weight.resize(l.in * l.out);
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
  if (quantized()) throw Error("this model is already quantized to int8: quantize its fp32 original instead");
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
    q.qweight.assign(values.begin(), values.end());
    layers.push_back(std::move(q));
  }
  return Mlp(std::move(layers));
}

void Mlp::forward(const float* x, std::size_t batch, float* y, const kernels::KernelSet& k) const {
  const float* in = x;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const LinearLayer& l = layers_[i];
    const bool last = i + 1 == layers_.size();
    const bool relu = !last;
    float* out = y;
    if (!last) {
      act_[i % 2].resize(batch * l.out);
      out = act_[i % 2].data();
    }
    if (l.type == WeightType::kFloat32) {
      if (batch == 1) {
        k.f32_gemv(l.out, l.in, in, l.packed_f32.data(), out);
      } else {
        k.f32_gemm(batch, l.out, l.in, in, l.packed_f32.data(), out);
      }
      k.f32_bias_act(batch, l.out, out, l.bias.data(), relu);
    } else {
      const std::size_t kp = kernels::qs8_padded_k(l.in);
      qact_.resize(batch * kp);
      acc_.resize(batch * l.out);
      row_scales_.resize(batch);
      k.qs8_quantize_rows(batch, l.in, kp, in, qact_.data(), row_scales_.data());
      if (batch == 1) {
        k.qs8_gemv(l.out, kp, qact_.data(), l.packed_q.data(), acc_.data());
      } else {
        k.qs8_gemm(batch, l.out, kp, qact_.data(), l.packed_q.data(), acc_.data());
      }
      k.qs8_dequantize(batch, l.out, acc_.data(), row_scales_.data(), l.col_scales.data(), l.bias.data(), relu, out);
    }
    in = out;
  }
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
