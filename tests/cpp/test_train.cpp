// The trainer: gradients against finite differences, the first optimizer steps against their formulas, a
// loss that falls on learnable data, determinism for a seed, the QAT hook, and bad options.
#include <catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "numpy_calibration_reference.hpp"
#include "quantlab/calibration.hpp"
#include "toy_data.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/numpy_random.hpp"
#include "quantlab/train.hpp"

using Catch::Contains;
using quantlab::Dataset;
using quantlab::MlpParams;
namespace k = quantlab::kernels;

namespace {

// Loss of `p` on one batch.
double loss_of(const MlpParams& p, const std::vector<float>& x, const std::vector<std::uint8_t>& y, const k::KernelSet& ks) {
  quantlab::Backprop bp;
  return bp.run(p, x.data(), y.data(), y.size(), nullptr, nullptr, ks);
}

}  // namespace

TEST_CASE("trainer: backprop gradients equal central finite differences", "[train]") {
  // 6 -> 5 -> 4 -> 3 (two hidden ReLU layers), a batch of 7; float64 central differences with h = 1e-3.
  for (const k::KernelSet* ks : k::all_kernel_sets()) {
    INFO(ks->name);
    const MlpParams p0 = MlpParams::from_model(quantlab::Mlp::create({6, 5, 4, 3}, 21));
    quantlab::NumpyRandom rng(3);
    std::vector<float> x(7 * 6);
    for (float& v : x) v = static_cast<float>(rng.uniform(-1, 1));
    const std::vector<std::uint8_t> y = {0, 1, 2, 2, 1, 0, 1};
    MlpParams grad = MlpParams::zeros_like(p0);
    quantlab::Backprop bp;
    std::size_t correct = 99;
    const double loss = bp.run(p0, x.data(), y.data(), y.size(), &grad, &correct, *ks);
    CHECK(loss == Approx(loss_of(p0, x, y, *ks)));
    CHECK(correct <= y.size());
    const double h = 1e-3;
    double total = 0;
    std::size_t checked = 0;
    for (std::size_t l = 0; l < p0.layers(); ++l) {
      for (int is_bias = 0; is_bias < 2; ++is_bias) {
        const std::vector<float>& g = is_bias ? grad.bias[l] : grad.weight[l];
        for (std::size_t i = 0; i < g.size(); ++i) {
          MlpParams plus = p0, minus = p0;
          (is_bias ? plus.bias[l] : plus.weight[l])[i] += static_cast<float>(h);
          (is_bias ? minus.bias[l] : minus.weight[l])[i] -= static_cast<float>(h);
          const double fd = (loss_of(plus, x, y, *ks) - loss_of(minus, x, y, *ks)) / (2 * h);
          INFO("layer " << l << (is_bias ? " bias " : " weight ") << i << ": backprop " << g[i] << ", finite difference " << fd);
          REQUIRE(std::fabs(fd - g[i]) <= 5e-4 + 1e-2 * std::fabs(fd));
          total += std::fabs(g[i]);
          ++checked;
        }
      }
    }
    CHECK(checked == 6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3);
    CHECK(total > 0.5);  // the gradients are not all (near) zero: the comparison means something
  }
}

TEST_CASE("trainer: the first Adam and SGD steps follow torch.optim's formulas", "[train]") {
  const Dataset data = quantlab::test::toy_dataset(64, 4, 5);
  const quantlab::Mlp init = quantlab::Mlp::create({16, 8, 4}, 9);
  for (auto kind : {quantlab::OptimizerKind::kAdam, quantlab::OptimizerKind::kSgdMomentum}) {
    quantlab::TrainOptions o;
    o.optimizer = kind;
    o.learning_rate = 0.01;
    o.batch_size = 64;  // one step sees every example: the gradient below is the step's
    quantlab::Trainer t(data, init, o, k::scalar_kernels());
    std::vector<float> x(64 * 16);
    std::vector<std::uint8_t> y(64);
    const std::vector<std::size_t> order = quantlab::NumpyRandom(o.seed).permutation(64);
    for (std::size_t i = 0; i < 64; ++i) {
      quantlab::dataset_inputs(data, order[i], 1, x.data() + i * 16);
      y[i] = data.labels[order[i]];
    }
    MlpParams grad = MlpParams::zeros_like(t.params());
    quantlab::Backprop bp;
    bp.run(t.params(), x.data(), y.data(), 64, &grad, nullptr, k::scalar_kernels());
    const MlpParams before = t.params();
    t.step();
    std::size_t moved = 0, nonzero = 0;
    for (std::size_t i = 0; i < before.weight[0].size(); ++i) {
      const float g = grad.weight[0][i], p = before.weight[0][i], now = t.params().weight[0][i];
      if (kind == quantlab::OptimizerKind::kSgdMomentum) {
        REQUIRE(now == p - 0.01f * g);  // p -= lr * buf, and the momentum buffer starts at g
      } else if (std::fabs(g) > 1e-5) {
        REQUIRE(now - p == Approx(-0.01 * (g > 0 ? 1 : -1)).epsilon(1e-3));  // m^ / sqrt(v^) = sign(g) at step 1
      }
      moved += now != p;
      nonzero += g != 0.0f;
    }
    CHECK(nonzero > 16);
    CHECK(moved == nonzero);  // exactly the weights with a gradient move (dead ReLU units have none)
  }
}

TEST_CASE("trainer: the loss falls and the toy problem is learned, with either optimizer", "[train]") {
  const Dataset data = quantlab::test::toy_dataset(600, 8, 1);
  for (auto kind : {quantlab::OptimizerKind::kAdam, quantlab::OptimizerKind::kSgdMomentum}) {
    quantlab::TrainOptions o;
    o.optimizer = kind;
    o.batch_size = 32;
    o.learning_rate = kind == quantlab::OptimizerKind::kAdam ? 0.01 : 0.1;
    quantlab::Trainer t(data, quantlab::Mlp::create({16, 32, 8}, 2), o);
    CHECK(t.steps_per_epoch() == 19);  // 18 batches of 32 and one of 24
    const quantlab::StepStats first = t.run(t.steps_per_epoch());
    CHECK(t.epochs_done() == 1);
    CHECK(t.step_in_epoch() == 0);
    CHECK(first.examples == 600);
    quantlab::StepStats last;
    for (int e = 0; e < 9; ++e) last = t.run(t.steps_per_epoch());
    INFO(quantlab::optimizer_name(kind) << ": epoch 1 loss " << first.mean_loss() << ", epoch 10 loss " << last.mean_loss());
    CHECK(last.mean_loss() < 0.3 * first.mean_loss());
    CHECK(last.accuracy() > 0.95);
    CHECK(t.steps_done() == 190);
  }
}

TEST_CASE("trainer: the same seed gives the same bits, another seed another model; shuffling is NumPy's", "[train]") {
  const Dataset data = quantlab::test::toy_dataset(200, 5, 4);
  auto train = [&](std::uint32_t seed) {
    quantlab::TrainOptions o;
    o.seed = seed;
    o.batch_size = 16;
    quantlab::Trainer t(data, quantlab::Mlp::create({16, 12, 5}, 3), o);
    t.run(30);  // two epochs and a bit: the second epoch's order comes from the same generator
    return t.model().serialize();
  };
  CHECK(train(7) == train(7));
  CHECK(train(7) != train(8));
  quantlab::NumpyRandom rng(7);
  const auto p = rng.permutation(10);
  const auto p2 = rng.permutation(5);
  for (std::size_t i = 0; i < 10; ++i) CHECK(p[i] == numpy_cal::permutation_seed7[i]);
  for (std::size_t i = 0; i < 5; ++i) CHECK(p2[i] == numpy_cal::permutation_seed7_next[i]);
  const auto calibration = quantlab::NumpyRandom(12).permutation(60000);
  for (std::size_t i = 0; i < 16; ++i) CHECK(calibration[i] == numpy_cal::permutation_seed12_60000[i]);
}

TEST_CASE("trainer: a weight transform feeds the forward pass, the master weights take the update (QAT hook)", "[train]") {
  const Dataset data = quantlab::test::toy_dataset(64, 4, 6);
  const quantlab::Mlp init = quantlab::Mlp::create({16, 8, 4}, 5);
  quantlab::TrainOptions o;
  o.batch_size = 64;
  // Identity: the same bits as no transform.
  quantlab::Trainer plain(data, init, o), identity(data, init, o);
  identity.set_weight_transform([](std::size_t, std::size_t out, std::size_t in, const float* m, float* used) {
    std::copy(m, m + out * in, used);
  });
  CHECK(plain.step().loss_sum == identity.step().loss_sum);
  CHECK(plain.model().serialize() == identity.model().serialize());
  // 3-bit symmetric fake quantization per tensor: the step's loss is the loss of the quantized weights, while
  // the master weights move off the grid.
  quantlab::Trainer qat(data, init, o);
  MlpParams used_seen = MlpParams::zeros_like(qat.params());
  qat.set_weight_transform([&](std::size_t l, std::size_t out, std::size_t in, const float* m, float* used) {
    const std::vector<float> w(m, m + out * in);
    const auto a = std::fabs(*std::max_element(w.begin(), w.end(), [](float x, float y) { return std::fabs(x) < std::fabs(y); }));
    const auto q = quantlab::fake_quantize(w, {3, -a, a, quantlab::QuantScheme::kSymmetric});
    for (std::size_t i = 0; i < w.size(); ++i) used[i] = static_cast<float>(q[i]);
    used_seen.weight[l].assign(used, used + out * in);
  });
  const MlpParams master_before = qat.params();
  const double loss = qat.step().loss_sum / 64;
  used_seen.bias = master_before.bias;
  std::vector<float> x(64 * 16);
  std::vector<std::uint8_t> y(64);
  const auto order = quantlab::NumpyRandom(0).permutation(64);
  for (std::size_t i = 0; i < 64; ++i) {
    quantlab::dataset_inputs(data, order[i], 1, x.data() + i * 16);
    y[i] = data.labels[order[i]];
  }
  CHECK(loss == loss_of(used_seen, x, y, k::best_kernels()));
  CHECK(loss != loss_of(master_before, x, y, k::best_kernels()));
  std::size_t distinct = 0;
  std::vector<float> w = qat.params().weight[0];
  std::sort(w.begin(), w.end());
  distinct = static_cast<std::size_t>(std::unique(w.begin(), w.end()) - w.begin());
  CHECK(distinct > 7);  // more values than the 7 levels of 3 bits: the masters stay in float
}

TEST_CASE("trainer: bad options and data that do not fit the model are refused", "[train][errors]") {
  const Dataset data = quantlab::test::toy_dataset(20, 3, 1);
  const quantlab::Mlp m = quantlab::Mlp::create({16, 4, 3}, 1);
  quantlab::TrainOptions o;
  o.batch_size = 0;
  CHECK_THROWS_WITH(quantlab::Trainer(data, m, o), "batch size must be a whole number from 1 to 65536, got 0");
  o = {};
  o.learning_rate = -1;
  CHECK_THROWS_WITH(quantlab::Trainer(data, m, o), "learning rate must be above 0 and below 10, got -1");
  o = {};
  o.beta2 = 1;
  CHECK_THROWS_WITH(quantlab::Trainer(data, m, o), "beta2 must be in [0, 1), got 1");
  CHECK_THROWS_WITH(quantlab::Trainer(data, quantlab::Mlp::create({9, 4, 3}, 1), {}), "the images have 16 pixels but the model takes 9 inputs");
  CHECK_THROWS_WITH(quantlab::Trainer(data, quantlab::Mlp::create({16, 4, 2}, 1), {}), Contains("is not a class of this model (0 to 1)"));
  CHECK_THROWS_WITH(quantlab::Trainer(data, m.quantize_dynamic(true), {}), "only an fp32 model can be trained: this one has int8 weights");
  CHECK_THROWS_WITH(quantlab::optimizer_from_name("rmsprop"), "optimizer must be 'adam' or 'sgd', got 'rmsprop'");
  quantlab::Trainer t(data, m, {});
  CHECK_THROWS_WITH(t.run(0), "run at least one step");
}
