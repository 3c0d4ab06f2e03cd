// fp32 training of an MLP (train.hpp): softmax cross-entropy, backpropagation through the kernels, Adam or SGD
// with momentum as torch.optim defines them, seeded shuffling.
#include "quantlab/train.hpp"

#include <cmath>
#include <utility>

#include "quantlab/errors.hpp"

namespace quantlab {

const char* optimizer_name(OptimizerKind o) { return o == OptimizerKind::kAdam ? "adam" : "sgd"; }

OptimizerKind optimizer_from_name(const std::string& name) {
  if (name == "adam") return OptimizerKind::kAdam;
  if (name == "sgd") return OptimizerKind::kSgdMomentum;
  throw Error("optimizer must be 'adam' or 'sgd', got '" + name + "'");
}

void check_train_options(const TrainOptions& o) {
  if (o.batch_size < 1 || o.batch_size > 65536) {
    throw Error("batch size must be a whole number from 1 to 65536, got " + std::to_string(o.batch_size));
  }
  auto in_range = [](double v, double lo, double hi, bool lo_open) {
    return std::isfinite(v) && (lo_open ? v > lo : v >= lo) && v < hi;
  };
  if (!in_range(o.learning_rate, 0.0, 10.0, true)) {
    throw Error("learning rate must be above 0 and below 10, got " + format_number(o.learning_rate));
  }
  if (!in_range(o.beta1, 0.0, 1.0, false)) throw Error("beta1 must be in [0, 1), got " + format_number(o.beta1));
  if (!in_range(o.beta2, 0.0, 1.0, false)) throw Error("beta2 must be in [0, 1), got " + format_number(o.beta2));
  if (!in_range(o.epsilon, 0.0, 1.0, true)) throw Error("epsilon must be above 0 and below 1, got " + format_number(o.epsilon));
  if (!in_range(o.momentum, 0.0, 1.0, false)) throw Error("momentum must be in [0, 1), got " + format_number(o.momentum));
}

MlpParams MlpParams::from_model(const Mlp& model) {
  if (model.quantized()) throw Error("only an fp32 model can be trained: this one has int8 weights");
  MlpParams p;
  p.sizes.push_back(model.input_size());
  for (const LinearLayer& l : model.layers()) {
    p.sizes.push_back(l.out);
    p.weight.push_back(l.weight);
    p.bias.push_back(l.bias);
  }
  return p;
}

MlpParams MlpParams::zeros_like(const MlpParams& p) {
  MlpParams z;
  z.sizes = p.sizes;
  for (std::size_t l = 0; l < p.layers(); ++l) {
    z.weight.emplace_back(p.weight[l].size(), 0.0f);
    z.bias.emplace_back(p.bias[l].size(), 0.0f);
  }
  return z;
}

Mlp MlpParams::to_model() const {
  std::vector<LinearLayer> layers(this->layers());
  for (std::size_t l = 0; l < layers.size(); ++l) {
    layers[l].in = sizes[l];
    layers[l].out = sizes[l + 1];
    layers[l].weight = weight[l];
    layers[l].bias = bias[l];
  }
  return Mlp::from_layers(std::move(layers));
}

double Backprop::run(const MlpParams& params, const float* x, const std::uint8_t* labels, std::size_t batch,
                     MlpParams* grad, std::size_t* correct, const kernels::KernelSet& ks) {
  const std::size_t layers = params.layers();
  packed_.resize(layers);
  act_.resize(layers);
  const float* in = x;
  for (std::size_t l = 0; l < layers; ++l) {
    const std::size_t n = params.sizes[l + 1], k = params.sizes[l];
    packed_[l] = kernels::f32_pack_weights(params.weight[l].data(), n, k);
    act_[l].resize(batch * n);
    ks.f32_gemm(batch, n, k, in, packed_[l].data(), act_[l].data());
    ks.f32_bias_act(batch, n, act_[l].data(), params.bias[l].data(), l + 1 < layers);
    in = act_[l].data();
  }

  // Softmax cross-entropy in float64, from the logits less their maximum.
  const std::size_t classes = params.sizes.back();
  const float* logits = act_.back().data();
  delta_.resize(batch * classes);
  double loss = 0.0;
  std::size_t right = 0;
  const double inv_batch = 1.0 / static_cast<double>(batch);
  for (std::size_t r = 0; r < batch; ++r) {
    const float* z = logits + r * classes;
    std::size_t arg = 0;
    for (std::size_t c = 1; c < classes; ++c) arg = z[c] > z[arg] ? c : arg;
    const double zmax = z[arg];
    double sum = 0.0;
    for (std::size_t c = 0; c < classes; ++c) sum += std::exp(z[c] - zmax);
    loss += std::log(sum) - (z[labels[r]] - zmax);
    right += arg == labels[r];
    for (std::size_t c = 0; c < classes; ++c) {
      const double p = std::exp(z[c] - zmax) / sum;
      delta_[r * classes + c] = static_cast<float>((p - (c == labels[r] ? 1.0 : 0.0)) * inv_batch);
    }
  }
  if (correct) *correct = right;
  if (!grad) return loss * inv_batch;

  for (std::size_t l = layers; l-- > 0;) {
    const std::size_t n = params.sizes[l + 1], k = params.sizes[l];
    const float* a_in = l == 0 ? x : act_[l - 1].data();
    ks.f32_gemm_tn(n, k, batch, delta_.data(), a_in, grad->weight[l].data());  // dW = delta^T . input
    float* db = grad->bias[l].data();
    for (std::size_t c = 0; c < n; ++c) db[c] = 0.0f;
    for (std::size_t r = 0; r < batch; ++r)
      for (std::size_t c = 0; c < n; ++c) db[c] += delta_[r * n + c];
    if (l == 0) break;
    delta_prev_.resize(batch * k);
    ks.f32_gemm_nn(batch, k, n, delta_.data(), params.weight[l].data(), delta_prev_.data());  // dX = delta . W
    const float* a = act_[l - 1].data();
    for (std::size_t i = 0; i < batch * k; ++i) {
      if (!(a[i] > 0.0f)) delta_prev_[i] = 0.0f;  // ReLU: the output is > 0 exactly where its input was
    }
    std::swap(delta_, delta_prev_);
  }
  return loss * inv_batch;
}

Trainer::Trainer(Dataset train, const Mlp& initial, TrainOptions options, const kernels::KernelSet& ks)
    : train_(std::move(train)), options_(options), ks_(&ks), params_(MlpParams::from_model(initial)), rng_(options.seed) {
  check_train_options(options_);
  if (train_.count == 0) throw Error("the training set is empty");
  if (train_.image_size() != initial.input_size()) {
    throw Error("the images have " + std::to_string(train_.image_size()) + " pixels but the model takes " +
                std::to_string(initial.input_size()) + " inputs");
  }
  check_labels(train_, initial.output_size());
  grad_ = MlpParams::zeros_like(params_);
  m_ = MlpParams::zeros_like(params_);
  v_ = MlpParams::zeros_like(params_);
}

std::size_t Trainer::steps_per_epoch() const {
  return (train_.count + options_.batch_size - 1) / options_.batch_size;
}

StepStats Trainer::step() {
  if (position_ == 0) order_ = rng_.permutation(train_.count);
  const std::size_t batch = std::min(options_.batch_size, train_.count - position_);
  const std::size_t size = train_.image_size();
  x_.resize(batch * size);
  y_.resize(batch);
  for (std::size_t i = 0; i < batch; ++i) {
    const std::size_t e = order_[position_ + i];
    dataset_inputs(train_, e, 1, x_.data() + i * size);
    y_[i] = train_.labels[e];
  }
  const MlpParams* used = &params_;
  if (transform_) {
    used_.sizes = params_.sizes;
    used_.weight.resize(params_.layers());
    used_.bias = params_.bias;
    for (std::size_t l = 0; l < params_.layers(); ++l) {
      used_.weight[l].resize(params_.weight[l].size());
      transform_(l, params_.sizes[l + 1], params_.sizes[l], params_.weight[l].data(), used_.weight[l].data());
    }
    used = &used_;
  }
  StepStats s;
  const double loss = backprop_.run(*used, x_.data(), y_.data(), batch, &grad_, &s.correct, *ks_);
  if (!std::isfinite(loss)) {
    throw Error("training diverged: the loss is " + format_number(loss) + " at step " + std::to_string(steps_ + 1) +
                " (lower the learning rate)");
  }
  for (std::size_t l = 0; l < grad_.layers(); ++l) {
    check_finite_values(grad_.weight[l], "a weight gradient");
    check_finite_values(grad_.bias[l], "a bias gradient");
  }
  if (grad_transform_) {
    for (std::size_t l = 0; l < grad_.layers(); ++l) {
      grad_transform_(l, params_.sizes[l + 1], params_.sizes[l], grad_.weight[l].data());
    }
  }
  update(grad_);
  s.loss_sum = loss * static_cast<double>(batch);
  s.examples = batch;
  s.steps = 1;
  ++steps_;
  position_ += batch;
  ++step_in_epoch_;
  if (position_ == train_.count) {
    position_ = 0;
    step_in_epoch_ = 0;
    ++epoch_;
  }
  return s;
}

StepStats Trainer::run(std::size_t steps) {
  if (steps < 1) throw Error("run at least one step");
  StepStats total;
  for (std::size_t i = 0; i < steps; ++i) {
    const StepStats s = step();
    total.loss_sum += s.loss_sum;
    total.correct += s.correct;
    total.examples += s.examples;
    total.steps += s.steps;
  }
  return total;
}

void Trainer::update(const MlpParams& grad) {
  auto each = [&](auto&& fn) {
    for (std::size_t l = 0; l < params_.layers(); ++l) {
      fn(params_.weight[l], grad.weight[l], m_.weight[l], v_.weight[l]);
      fn(params_.bias[l], grad.bias[l], m_.bias[l], v_.bias[l]);
    }
  };
  if (options_.optimizer == OptimizerKind::kSgdMomentum) {
    // torch.optim.SGD(momentum=mu): buf = g on the first step, then buf = mu * buf + g; p -= lr * buf.
    const auto lr = static_cast<float>(options_.learning_rate);
    const auto mu = static_cast<float>(options_.momentum);
    const bool first = steps_ == 0;
    each([&](std::vector<float>& p, const std::vector<float>& g, std::vector<float>& buf, std::vector<float>&) {
      for (std::size_t i = 0; i < p.size(); ++i) {
        buf[i] = first ? g[i] : mu * buf[i] + g[i];
        p[i] -= lr * buf[i];
      }
    });
    return;
  }
  // torch.optim.Adam: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
  // p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps). The powers are running products (no pow()).
  const auto b1 = static_cast<float>(options_.beta1), b2 = static_cast<float>(options_.beta2);
  const auto eps = static_cast<float>(options_.epsilon);
  beta1_power_ *= options_.beta1;
  beta2_power_ *= options_.beta2;
  const auto step_size = static_cast<float>(options_.learning_rate / (1.0 - beta1_power_));
  const auto bc2_sqrt = static_cast<float>(std::sqrt(1.0 - beta2_power_));
  each([&](std::vector<float>& p, const std::vector<float>& g, std::vector<float>& m, std::vector<float>& v) {
    for (std::size_t i = 0; i < p.size(); ++i) {
      m[i] = b1 * m[i] + (1.0f - b1) * g[i];
      v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
      const float denom = std::sqrt(v[i]) / bc2_sqrt + eps;
      p[i] -= step_size * (m[i] / denom);
    }
  });
}

}  // namespace quantlab
