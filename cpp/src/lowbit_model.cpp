// Whole low-bit models: round-to-nearest, NF4, GPTQ and AWQ layer by layer (lowbit_model.hpp).
#include "quantlab/lowbit_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "quantlab/errors.hpp"

namespace quantlab {

void check_layer_scheme(const LayerScheme& s, std::size_t in, const std::string& name) {
  if (s.method == LayerScheme::Method::kFloat32) return;
  if (s.method == LayerScheme::Method::kNf4) {
    if (s.block == 0) throw Error(name + ": an NF4 block has at least 1 weight");
    return;
  }
  if (s.bits != 2 && s.bits != 3 && s.bits != 4 && s.bits != 8) {
    throw Error(name + ": a model layer has 2, 3, 4 or 8 bits, got " + std::to_string(s.bits) +
                " (5 to 7 bits have no kernel; groupQuantize computes them for one matrix)");
  }
  const Granularity& g = s.granularity;
  if (s.bits == 8 && g.kind == Granularity::Kind::kGroup && g.length(in) < in) {
    throw Error(name + ": an 8-bit layer has one scale per tensor or per channel, not groups of " + std::to_string(g.group));
  }
  if (g.kind == Granularity::Kind::kGroup && g.group == 0) throw Error(name + ": a group has at least 1 weight");
  if (g.kind == Granularity::Kind::kGroup && g.group < in && g.group % kernels::kQs4KTile != 0) {
    throw Error(name + ": groups of " + std::to_string(g.group) +
                " weights: the int4 kernels take groups of a multiple of 8 weights (8, 16, 32, 64, 128...)");
  }
  if (s.bits < 8 && in > kernels::kQs4MaxK) {
    throw Error(name + " has " + std::to_string(in) + " inputs: the int4 kernels take at most " + std::to_string(kernels::kQs4MaxK));
  }
}

LinearLayer layer_from_codes(const LinearLayer& fp32, const GroupQuantized& q, const std::string& name,
                             std::vector<float> input_scales) {
  LinearLayer l;
  l.in = fp32.in;
  l.out = fp32.out;
  l.bias = fp32.bias;
  l.bits = q.bits;
  l.type = q.bits == 8 ? WeightType::kInt8 : WeightType::kLowBit;
  const Granularity& g = q.granularity;
  l.group = g.kind == Granularity::Kind::kTensor ? 0 : g.length(l.in);
  l.scales.resize(q.scales.size());
  for (std::size_t i = 0; i < q.scales.size(); ++i) {
    l.scales[i] = static_cast<float>(q.scales[i]);
    if (l.scales[i] != 0.0f && l.scales[i] < std::numeric_limits<float>::min()) {
      throw Error(name + ": scale " + std::to_string(i) + " = " + format_number(q.scales[i]) +
                  " is below the smallest normal float32 (1.1754943508222875e-38): its weights are too small for " +
                  std::to_string(q.bits) + " bits with a float32 scale");
    }
  }
  l.qweight.assign(q.q.begin(), q.q.end());
  l.input_scales = std::move(input_scales);
  return l;
}

LinearLayer nf4_layer(const LinearLayer& fp32, std::size_t block) {
  const std::vector<double> w(fp32.weight.begin(), fp32.weight.end());
  const std::size_t b = std::min(block, fp32.in);
  const Nf4Quantized t = nf4_quantize(w, fp32.out, fp32.in, b);
  LinearLayer l;
  l.in = fp32.in;
  l.out = fp32.out;
  l.bias = fp32.bias;
  l.type = WeightType::kNf4;
  l.bits = 4;
  l.group = b;
  l.codes = t.codes;
  l.scales.assign(t.absmax.begin(), t.absmax.end());
  return l;
}

namespace {

void check_fp32_model(const Mlp& m, std::size_t schemes) {
  if (m.quantized()) throw Error("this model already has quantized layers: quantize its fp32 original instead");
  if (schemes != m.layers().size()) {
    throw Error("give one scheme per layer: this model has " + std::to_string(m.layers().size()) + " layers, got " +
                std::to_string(schemes));
  }
}

std::string layer_name(std::size_t i) { return "layer " + std::to_string(i + 1); }

LinearLayer rtn_layer(const LinearLayer& f, const LayerScheme& s, const std::string& name) {
  if (s.method == LayerScheme::Method::kFloat32) return f;
  if (s.method == LayerScheme::Method::kNf4) return nf4_layer(f, s.block);
  const std::vector<double> w(f.weight.begin(), f.weight.end());
  return layer_from_codes(f, group_quantize(w, f.out, f.in, s.bits, s.granularity), name);
}

}  // namespace

Mlp quantize_weights(const Mlp& fp32, const std::vector<LayerScheme>& schemes) {
  check_fp32_model(fp32, schemes.size());
  std::vector<LinearLayer> layers;
  for (std::size_t i = 0; i < schemes.size(); ++i) {
    const LinearLayer& f = fp32.layers()[i];
    check_layer_scheme(schemes[i], f.in, layer_name(i));
    layers.push_back(rtn_layer(f, schemes[i], layer_name(i)));
  }
  return Mlp::from_quantized_layers(std::move(layers));
}

CalibratedQuantizer::CalibratedQuantizer(const Mlp& fp32, const float* x, std::size_t samples,
                                         std::vector<LayerScheme> schemes, const CalibratedOptions& options,
                                         const kernels::KernelSet& ks)
    : fp32_(fp32.layers()), schemes_(std::move(schemes)), options_(options), ks_(&ks), samples_(samples) {
  check_fp32_model(fp32, schemes_.size());
  if (samples == 0) throw Error("give at least one calibration example");
  for (std::size_t i = 0; i < schemes_.size(); ++i) {
    check_layer_scheme(schemes_[i], fp32_[i].in, layer_name(i));
    if (schemes_[i].method == LayerScheme::Method::kNf4) {
      throw Error(layer_name(i) + ": NF4 has no calibrated variant here: use quantizeWeights for NF4 layers");
    }
  }
  if (options.method == CalibratedOptions::Method::kGptq) {
    if (!(std::isfinite(options.damp) && options.damp >= 0.0)) {
      throw Error("damping must be a finite number >= 0 (a fraction of the mean diagonal, e.g. 0.01), got " + format_number(options.damp));
    }
    if (options.block_size == 0) throw Error("block size must be at least 1 column");
  } else {
    if (options_.alphas.empty())
      for (int i = 0; i <= 20; ++i) options_.alphas.push_back(i / 20.0);
  }
  const std::size_t n = checked_mul(samples, fp32.input_size(), "the calibration inputs");
  inputs_.assign(x, x + n);
  check_finite_values(Span<float>(inputs_.data(), inputs_.size()), "calibration input");
  for (std::size_t l = 0; l < fp32_.size(); ++l) steps_total_ += layer_steps(l);
  errors_.assign(fp32_.size(), 0.0);
  rtn_errors_.assign(fp32_.size(), 0.0);
  alphas_.assign(fp32_.size(), 0.0);
  // Leading fp32 layers need no step: their outputs are the next layer's inputs.
  if (schemes_[0].method == LayerScheme::Method::kFloat32) finish_layer();
}

std::size_t CalibratedQuantizer::layer_steps(std::size_t l) const {
  if (schemes_[l].method == LayerScheme::Method::kFloat32) return 0;
  const std::size_t chunks = (samples_ + kCalibrationChunk - 1) / kCalibrationChunk;
  if (options_.method == CalibratedOptions::Method::kAwq) return chunks + options_.alphas.size();
  const std::size_t cols = fp32_[l].in;
  const Granularity& g = schemes_[l].granularity;
  const std::size_t len = g.length(cols);
  const std::size_t block = g.kind == Granularity::Kind::kGroup && len < cols
                                ? (options_.block_size + len - 1) / len * len
                                : options_.block_size;
  return chunks + 1 + (cols + block - 1) / block;
}

bool CalibratedQuantizer::step() {
  if (done()) return false;
  const LinearLayer& f = fp32_[layer_];
  stage_layer_ = layer_;
  const std::size_t chunks = (samples_ + kCalibrationChunk - 1) / kCalibrationChunk;
  if (hessian_chunks_done_ < chunks) {
    if (!hessian_) hessian_ = std::make_unique<HessianAccumulator>(f.in, *ks_);
    const std::size_t first = hessian_chunks_done_ * kCalibrationChunk;
    const std::size_t n = std::min(kCalibrationChunk, samples_ - first);
    hessian_->add(inputs_.data() + first * f.in, n);
    ++hessian_chunks_done_;
    stage_ = "hessian";
    if (hessian_chunks_done_ == chunks) start_layer();
  } else if (gptq_) {
    stage_ = gptq_->steps_done() == 0 ? "factor" : "columns";
    if (!gptq_->step()) finish_layer();
  } else {
    stage_ = "alpha";
    if (!awq_->step()) finish_layer();
  }
  ++steps_done_;
  return !done();
}

void CalibratedQuantizer::start_layer() {
  const LinearLayer& f = fp32_[layer_];
  const LayerScheme& s = schemes_[layer_];
  h_ = hessian_->hessian();
  hessian_.reset();
  const std::vector<double> w(f.weight.begin(), f.weight.end());
  if (options_.method == CalibratedOptions::Method::kGptq) {
    GptqOptions o;
    o.bits = s.bits;
    o.granularity = s.granularity;
    o.damp = options_.damp;
    o.block_size = options_.block_size;
    gptq_ = std::make_unique<Gptq>(w, f.out, f.in, h_, o, *ks_);
  } else {
    AwqOptions o;
    o.bits = s.bits;
    o.granularity = s.granularity;
    o.alphas = options_.alphas;
    awq_ = std::make_unique<Awq>(w, f.out, f.in, inputs_.data(), samples_, o, h_, *ks_);
  }
}

// Builds the layer (quantized, or kept fp32), its errors, and the next layer's inputs through it.
void CalibratedQuantizer::finish_layer() {
  const LinearLayer& f = fp32_[layer_];
  const LayerScheme& s = schemes_[layer_];
  const std::string name = layer_name(layer_);
  if (s.method == LayerScheme::Method::kFloat32) {
    quantized_.push_back(f);
  } else {
    const std::vector<double> w(f.weight.begin(), f.weight.end());
    std::vector<double> w_hat;
    if (gptq_) {
      GptqResult r = gptq_->result();
      quantized_.push_back(layer_from_codes(f, r.quantized, name));
      w_hat = std::move(r.dequantized);
      gptq_.reset();
    } else {
      const AwqResult& r = awq_->result();
      std::vector<float> s_in(r.input_scales.begin(), r.input_scales.end());
      quantized_.push_back(layer_from_codes(f, r.quantized, name, std::move(s_in)));
      w_hat = r.dequantized;
      alphas_[layer_] = r.alpha;
      awq_.reset();
    }
    errors_[layer_] = reconstruction_error_hessian(w, w_hat, f.out, f.in, h_, *ks_);
    const std::vector<double> rtn = group_dequantize(group_quantize(w, f.out, f.in, s.bits, s.granularity));
    rtn_errors_[layer_] = reconstruction_error_hessian(w, rtn, f.out, f.in, h_, *ks_);
    h_ = std::vector<double>();
  }
  hessian_chunks_done_ = 0;
  ++layer_;
  if (layer_ == fp32_.size()) {
    inputs_ = std::vector<float>();
    return;
  }
  // The next layer's calibration inputs: this layer's outputs as the quantized model computes them, after ReLU.
  const Mlp one = Mlp::from_quantized_layers({quantized_.back()});
  std::vector<float> next(checked_mul(samples_, f.out, "the calibration activations"));
  one.forward(inputs_.data(), samples_, next.data(), *ks_);
  for (float& v : next) v = std::max(v, 0.0f);
  inputs_ = std::move(next);
  if (schemes_[layer_].method == LayerScheme::Method::kFloat32) finish_layer();  // an fp32 layer takes no step
}

Mlp CalibratedQuantizer::result() const {
  if (!done() || quantized_.size() != fp32_.size()) throw Error("the quantization has steps left: call step() until it returns false");
  return Mlp::from_quantized_layers(quantized_);
}

}  // namespace quantlab
