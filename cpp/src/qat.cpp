// Quantization-aware training (qat.hpp): fake-quantized weights through the trainer's hooks and the STE's mask.
#include "quantlab/qat.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "quantlab/errors.hpp"
#include "quantlab/quantize.hpp"

namespace quantlab {

const char* qat_scale_name(QatScale s) { return s == QatScale::kMax ? "max" : "frozen"; }

QatScale qat_scale_from_name(const std::string& name) {
  if (name == "max") return QatScale::kMax;
  if (name == "frozen") return QatScale::kFrozen;
  throw Error("the QAT scale must be 'max' (max|w| / qmax, recomputed every step) or 'frozen' (the starting "
              "weights' scales, held), got '" + name + "'");
}

void check_qat_options(const QatOptions& o) {
  low_bits_from_number(o.bits);
  if (o.granularity.kind == Granularity::Kind::kGroup && o.granularity.group == 0) {
    throw Error("group size must be at least 1");
  }
}

std::size_t fake_quantize_weights(const float* w, std::size_t rows, std::size_t cols, int bits, Granularity g,
                                  bool recompute, std::vector<double>& scales, float* used, std::uint8_t* mask) {
  const std::int32_t qmax_int = symmetric_qmax(bits);
  const double qmax = qmax_int;
  const std::size_t len = g.length(cols);
  if (recompute) {
    // group_quantize's scales: the largest |w| of each group (in float64), divided by qmax.
    scales.assign(g.scale_count(rows, cols), 0.0);
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t c = 0; c < cols; ++c) {
        double& s = scales[g.scale_index(r, c, cols)];
        s = std::max(s, std::fabs(static_cast<double>(w[r * cols + c])));
      }
    }
    for (double& s : scales) s /= qmax;
  } else {
    check_count(scales.size(), g.scale_count(rows, cols), "the scales", describe_scheme(rows, cols, g) + " need");
  }
  std::size_t stopped = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c0 = 0; c0 < cols; c0 += len) {
      const double s = scales[g.scale_index(r, c0, cols)];
      const std::size_t c1 = std::min(c0 + len, cols);
      for (std::size_t i = r * cols + c0; i < r * cols + c1; ++i) {
        const double x = w[i];
        if (s == 0.0) {
          used[i] = 0.0f;
          mask[i] = x == 0.0;
        } else {
          const double level = std::nearbyint(x / s);  // the level before clamping
          mask[i] = std::fabs(level) <= qmax;
          used[i] = static_cast<float>(std::clamp(level, -qmax, qmax) * s);
        }
        stopped += !mask[i];
      }
    }
  }
  return stopped;
}

WeightFakeQuant::WeightFakeQuant(const QatOptions& options, const MlpParams& start)
    : options_(options), sizes_(start.sizes) {
  check_qat_options(options_);
  qmax_ = symmetric_qmax(options_.bits);
  const std::size_t layers = start.layers();
  scales_.resize(layers);
  mask_.resize(layers);
  clipped_.assign(layers, 0);
  for (std::size_t l = 0; l < layers; ++l) {
    const std::size_t out = sizes_[l + 1], in = sizes_[l];
    mask_[l].assign(out * in, 1);
    if (options_.scale == QatScale::kFrozen) {
      std::vector<float> scratch(out * in);
      fake_quantize_weights(start.weight[l].data(), out, in, options_.bits, options_.granularity, true, scales_[l],
                            scratch.data(), mask_[l].data());
    }
  }
}

void WeightFakeQuant::forward(std::size_t layer, const float* master, float* used) {
  const std::size_t out = sizes_.at(layer + 1), in = sizes_[layer];
  clipped_[layer] = fake_quantize_weights(master, out, in, options_.bits, options_.granularity,
                                          options_.scale == QatScale::kMax, scales_[layer], used, mask_[layer].data());
}

void WeightFakeQuant::backward(std::size_t layer, float* grad) const {
  if (!options_.mask) return;
  const std::vector<std::uint8_t>& m = mask_.at(layer);
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (!m[i]) grad[i] = 0.0f;
  }
}

std::size_t WeightFakeQuant::clipped_weights() const {
  std::size_t n = 0;
  for (std::size_t c : clipped_) n += c;
  return n;
}

std::size_t WeightFakeQuant::weight_count() const {
  std::size_t n = 0;
  for (const auto& m : mask_) n += m.size();
  return n;
}

GroupQuantized WeightFakeQuant::quantize_layer(std::size_t layer, const std::vector<float>& master) const {
  if (layer >= layers()) {
    throw Error("layer " + std::to_string(layer) + " does not exist: this model has " + std::to_string(layers()) +
                " layers (numbered from 0)");
  }
  const std::size_t out = sizes_[layer + 1], in = sizes_[layer];
  check_count(master.size(), out * in, "the weights", "a layer of " + std::to_string(out) + " x " +
              std::to_string(in) + " needs");
  const std::vector<double> w(master.begin(), master.end());
  GroupQuantized t = group_quantize(w, out, in, options_.bits, options_.granularity);
  if (options_.scale == QatScale::kMax) return t;
  // The frozen scales: the same levels as the forward pass (clamped), the zero groups those of the scales.
  t.scales = scales_[layer];
  t.zero_groups = 0;
  for (double s : t.scales) t.zero_groups += s == 0.0;
  const double qmax = qmax_;
  const Granularity g = options_.granularity;
  for (std::size_t r = 0; r < out; ++r) {
    for (std::size_t c = 0; c < in; ++c) {
      const std::size_t i = r * in + c;
      const double s = t.scales[g.scale_index(r, c, in)];
      t.q[i] = s == 0.0 ? 0 : static_cast<std::int32_t>(std::clamp(std::nearbyint(w[i] / s), -qmax, qmax));
    }
  }
  return t;
}

Mlp WeightFakeQuant::quantized_model(const MlpParams& master) const {
  MlpParams q = master;
  for (std::size_t l = 0; l < q.layers(); ++l) {
    const std::vector<double> dq = group_dequantize(quantize_layer(l, master.weight[l]));
    for (std::size_t i = 0; i < dq.size(); ++i) q.weight[l][i] = static_cast<float>(dq[i]);
  }
  return q.to_model();
}

namespace {

std::shared_ptr<WeightFakeQuant> make_fake_quant(const Mlp& initial, const QatOptions& o) {
  check_qat_options(o);
  return std::make_shared<WeightFakeQuant>(o, MlpParams::from_model(initial));
}

}  // namespace

QatTrainer::QatTrainer(Dataset train, const Mlp& initial, TrainOptions train_options, const QatOptions& qat_options,
                       const kernels::KernelSet& ks)
    : trainer_(std::move(train), initial, train_options, ks), fq_(make_fake_quant(initial, qat_options)) {
  std::shared_ptr<WeightFakeQuant> fq = fq_;
  trainer_.set_weight_transform([fq](std::size_t l, std::size_t, std::size_t, const float* master, float* used) {
    fq->forward(l, master, used);
  });
  trainer_.set_gradient_transform([fq](std::size_t l, std::size_t, std::size_t, float* grad) { fq->backward(l, grad); });
}

}  // namespace quantlab
