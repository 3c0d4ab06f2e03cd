// Quantization-aware training (qat.hpp): the fake-quantized forward against group-wise RTN (itself checked against
// NumPy in test_lowbit.cpp), the STE's mask against its definition at the boundaries, the STE gradients against
// finite differences and through the trainer's update, a QAT run that lowers the quantized model's loss, and bad
// options.
#include <catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "toy_data.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/numpy_random.hpp"
#include "quantlab/qat.hpp"

using Catch::Contains;
using quantlab::Dataset;
using quantlab::Granularity;
using quantlab::MlpParams;
using quantlab::QatOptions;
using quantlab::QatScale;
namespace k = quantlab::kernels;

namespace {

double loss_of(const MlpParams& p, const std::vector<float>& x, const std::vector<std::uint8_t>& y) {
  quantlab::Backprop bp;
  return bp.run(p, x.data(), y.data(), y.size(), nullptr, nullptr, k::scalar_kernels());
}

// Every example of `d` as inputs and labels, in the given order.
void inputs_in_order(const Dataset& d, const std::vector<std::size_t>& order, std::vector<float>& x,
                     std::vector<std::uint8_t>& y) {
  const std::size_t size = d.image_size();
  x.resize(order.size() * size);
  y.resize(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    quantlab::dataset_inputs(d, order[i], 1, x.data() + i * size);
    y[i] = d.labels[order[i]];
  }
}

}  // namespace

TEST_CASE("qat: the fake-quantized forward with max scales is group-wise RTN rounded to float32; nothing is clipped", "[qat]") {
  const std::size_t rows = 5, cols = 7;
  quantlab::NumpyRandom rng(4);
  std::vector<float> w(rows * cols);
  for (float& v : w) v = static_cast<float>(rng.uniform(-0.8, 0.8));
  for (std::size_t c = 0; c < cols; ++c) w[2 * cols + c] = 0.0f;  // an all-zero row: scale 0
  for (int bits = 2; bits <= 8; ++bits) {
    for (const Granularity g : {Granularity::per_tensor(), Granularity::per_channel(), Granularity::groups(3)}) {
      INFO(bits << " bits, " << quantlab::describe_scheme(rows, cols, g));
      std::vector<double> scales;
      std::vector<float> used(w.size());
      std::vector<std::uint8_t> mask(w.size(), 7);
      const std::size_t stopped = quantlab::fake_quantize_weights(w.data(), rows, cols, bits, g, true, scales, used.data(), mask.data());
      const quantlab::GroupQuantized t = quantlab::group_quantize(std::vector<double>(w.begin(), w.end()), rows, cols, bits, g);
      const std::vector<double> dq = quantlab::group_dequantize(t);
      CHECK(stopped == 0);
      CHECK(scales == t.scales);
      for (std::size_t i = 0; i < w.size(); ++i) {
        REQUIRE(used[i] == static_cast<float>(dq[i]));
        REQUIRE(int(mask[i]) == 1);
      }
      // One scale for row 0 (per tensor and per channel), or for its first group: at most 2 qmax + 1 values.
      std::set<float> levels(used.begin(), used.begin() + static_cast<std::ptrdiff_t>(g.length(cols)));
      CHECK(levels.size() <= static_cast<std::size_t>(2 * t.qmax + 1));
    }
  }
}

TEST_CASE("qat: the STE's mask with held scales is rint(w / s) in [-qmax, qmax], exactly at the boundaries", "[qat]") {
  // 3 bits: qmax = 3. Row 0 has scale 1, row 1 scale 0 (the single level 0). rint rounds half to even.
  const std::vector<float> w = {0.0f, 2.9f, 3.4f, 3.5f, -3.5f, 2.5f, -2.5f, 4.5f, -100.0f, -3.4999998f,
                                0.0f, 0.1f, -0.0f, 1e-30f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, -5.0f};
  std::vector<double> scales = {1.0, 0.0};
  std::vector<float> used(w.size());
  std::vector<std::uint8_t> mask(w.size());
  const std::size_t stopped =
      quantlab::fake_quantize_weights(w.data(), 2, 10, 3, Granularity::per_channel(), false, scales, used.data(), mask.data());
  const std::vector<int> want_mask = {1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0};
  const std::vector<float> want_used = {0, 3, 3, 3, -3, 2, -2, 3, -3, -3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  for (std::size_t i = 0; i < w.size(); ++i) {
    INFO("w = " << w[i]);
    CHECK(int(mask[i]) == want_mask[i]);
    CHECK(used[i] == want_used[i]);
  }
  CHECK(stopped == 7);
  CHECK(scales == std::vector<double>{1.0, 0.0});  // held, not recomputed
  std::vector<double> wrong = {1.0};
  CHECK_THROWS_WITH(quantlab::fake_quantize_weights(w.data(), 2, 10, 3, Granularity::per_channel(), false, wrong,
                                                    used.data(), mask.data()),
                    Contains("the scales has 1 values"));
}

TEST_CASE("qat: STE gradients are the used weights' gradients (finite differences), masked outside the range", "[qat]") {
  // 6 -> 5 -> 3, a batch of 7, 4 bits per channel with the scales held from the start; then some masters are
  // pushed past the range (x 1.3 is past 7.5 / 7 of the largest weight of their row).
  const MlpParams start = MlpParams::from_model(quantlab::Mlp::create({6, 5, 3}, 21));
  QatOptions o;
  o.bits = 4;
  o.scale = QatScale::kFrozen;
  quantlab::WeightFakeQuant fq(o, start);
  MlpParams master = start;
  for (std::size_t l = 0; l < 2; ++l)
    for (std::size_t i = 0; i < master.weight[l].size(); i += 4) master.weight[l][i] *= 1.3f;
  MlpParams used = master;
  for (std::size_t l = 0; l < 2; ++l) fq.forward(l, master.weight[l].data(), used.weight[l].data());
  REQUIRE(fq.clipped_weights() > 0);
  REQUIRE(fq.clipped_weights() < fq.weight_count() / 2);
  CHECK(fq.weight_count() == 6 * 5 + 5 * 3);
  // The quantized model is the network the forward pass ran.
  const MlpParams qm = MlpParams::from_model(fq.quantized_model(master));
  for (std::size_t l = 0; l < 2; ++l) CHECK(qm.weight[l] == used.weight[l]);

  quantlab::NumpyRandom rng(3);
  std::vector<float> x(7 * 6);
  for (float& v : x) v = static_cast<float>(rng.uniform(-1, 1));
  const std::vector<std::uint8_t> y = {0, 1, 2, 2, 1, 0, 1};
  MlpParams g_used = MlpParams::zeros_like(used);
  quantlab::Backprop bp;
  bp.run(used, x.data(), y.data(), y.size(), &g_used, nullptr, k::scalar_kernels());
  // The loss is smooth in the used weights: central differences (float64, h = 1e-3).
  const double h = 1e-3;
  std::size_t masked = 0, passed = 0;
  for (std::size_t l = 0; l < 2; ++l) {
    for (std::size_t i = 0; i < used.weight[l].size(); ++i) {
      MlpParams plus = used, minus = used;
      plus.weight[l][i] += static_cast<float>(h);
      minus.weight[l][i] -= static_cast<float>(h);
      const double fd = (loss_of(plus, x, y) - loss_of(minus, x, y)) / (2 * h);
      INFO("layer " << l << " weight " << i << ": backprop " << g_used.weight[l][i] << ", finite difference " << fd);
      REQUIRE(std::fabs(fd - g_used.weight[l][i]) <= 5e-4 + 1e-2 * std::fabs(fd));
    }
    // The STE: the master's gradient is the used weight's where the mask passes, 0 where it stops.
    std::vector<float> g = g_used.weight[l];
    fq.backward(l, g.data());
    for (std::size_t i = 0; i < g.size(); ++i) {
      const double s = fq.scales(l)[i / used.sizes[l]];
      const bool inside = std::fabs(std::nearbyint(master.weight[l][i] / s)) <= 7;
      REQUIRE(int(fq.mask(l)[i]) == int(inside));
      REQUIRE(g[i] == (inside ? g_used.weight[l][i] : 0.0f));
      masked += !inside && g_used.weight[l][i] != 0.0f;
      passed += inside && g_used.weight[l][i] != 0.0f;
    }
  }
  CHECK(masked > 0);
  CHECK(passed > 10);
  // Without the mask (the classic mistake) every gradient passes.
  QatOptions no_mask = o;
  no_mask.mask = false;
  quantlab::WeightFakeQuant fq2(no_mask, start);
  std::vector<float> u(master.weight[0].size()), g = g_used.weight[0];
  fq2.forward(0, master.weight[0].data(), u.data());
  fq2.backward(0, g.data());
  CHECK(g == g_used.weight[0]);
}

TEST_CASE("qat: the trainer's step updates the masters with the masked STE gradient of the fake-quantized net", "[qat]") {
  // SGD without momentum on the whole toy set per step: p' = p - lr * g exactly. Held 4-bit scales and a large
  // learning rate push weights past the range within a few steps.
  const Dataset data = quantlab::test::toy_dataset(64, 4, 6);
  const quantlab::Mlp init = quantlab::Mlp::create({16, 8, 4}, 5);
  quantlab::TrainOptions to;
  to.optimizer = quantlab::OptimizerKind::kSgdMomentum;
  to.momentum = 0.0;
  to.learning_rate = 0.5;
  to.batch_size = 64;
  to.seed = 3;
  for (const bool use_mask : {true, false}) {
    INFO("mask " << use_mask);
    QatOptions o;
    o.bits = 4;
    o.scale = QatScale::kFrozen;
    o.mask = use_mask;
    quantlab::QatTrainer qt(data, init, to, o, k::scalar_kernels());
    quantlab::WeightFakeQuant ref(o, MlpParams::from_model(init));
    quantlab::NumpyRandom rng(to.seed);
    std::size_t clipped_seen = 0;
    for (int step = 0; step < 8; ++step) {
      const MlpParams before = qt.trainer().params();
      MlpParams used = before;
      for (std::size_t l = 0; l < 2; ++l) ref.forward(l, before.weight[l].data(), used.weight[l].data());
      std::vector<float> x;
      std::vector<std::uint8_t> y;
      inputs_in_order(data, rng.permutation(64), x, y);
      MlpParams g = MlpParams::zeros_like(used);
      quantlab::Backprop bp;
      const double loss = bp.run(used, x.data(), y.data(), 64, &g, nullptr, k::scalar_kernels());
      const quantlab::StepStats s = qt.trainer().step();
      CHECK(s.loss_sum / 64 == loss);  // the step's loss is the fake-quantized network's
      clipped_seen += ref.clipped_weights();
      for (std::size_t l = 0; l < 2; ++l) {
        ref.backward(l, g.weight[l].data());
        for (std::size_t i = 0; i < g.weight[l].size(); ++i) {
          REQUIRE(qt.trainer().params().weight[l][i] == before.weight[l][i] - 0.5f * g.weight[l][i]);
          if (use_mask && !ref.mask(l)[i]) REQUIRE(qt.trainer().params().weight[l][i] == before.weight[l][i]);
        }
      }
      CHECK(qt.fake_quant().clipped_weights() == ref.clipped_weights());
    }
    CHECK(clipped_seen > 0);
  }
}

TEST_CASE("qat: a short QAT run lowers the loss of the 2-bit model well below its round-to-nearest loss", "[qat]") {
  const Dataset data = quantlab::test::toy_dataset(600, 8, 1);
  quantlab::TrainOptions to;
  to.batch_size = 32;
  to.learning_rate = 0.01;
  quantlab::Trainer fp32(data, quantlab::Mlp::create({16, 32, 8}, 2), to);
  fp32.run(fp32.steps_per_epoch() * 10);
  std::vector<std::size_t> all(600);
  for (std::size_t i = 0; i < 600; ++i) all[i] = i;
  std::vector<float> x;
  std::vector<std::uint8_t> y;
  inputs_in_order(data, all, x, y);
  QatOptions o;
  o.bits = 2;
  quantlab::QatTrainer qt(data, fp32.model(), to, o);
  const double fp32_loss = loss_of(fp32.params(), x, y);
  const double rtn_loss = loss_of(MlpParams::from_model(qt.quantized_model()), x, y);
  qt.trainer().run(qt.trainer().steps_per_epoch() * 3);
  const MlpParams after = MlpParams::from_model(qt.quantized_model());
  const double qat_loss = loss_of(after, x, y);
  INFO("fp32 loss " << fp32_loss << ", 2-bit RTN " << rtn_loss << ", 2-bit after 3 epochs of QAT " << qat_loss);
  CHECK(rtn_loss > 2 * fp32_loss);  // the comparison means something: 2-bit RTN hurts
  CHECK(qat_loss < 0.6 * rtn_loss);
  // The quantized model really is 2-bit per channel: at most 3 values per row of each layer.
  for (std::size_t l = 0; l < 2; ++l) {
    const std::size_t in = after.sizes[l];
    for (std::size_t r = 0; r < after.sizes[l + 1]; ++r) {
      std::set<float> v(after.weight[l].begin() + static_cast<std::ptrdiff_t>(r * in),
                        after.weight[l].begin() + static_cast<std::ptrdiff_t>((r + 1) * in));
      REQUIRE(v.size() <= 3);
    }
  }
}

TEST_CASE("qat: bad options are refused with a message naming them", "[qat][errors]") {
  const Dataset data = quantlab::test::toy_dataset(16, 4, 1);
  const quantlab::Mlp init = quantlab::Mlp::create({16, 8, 4}, 5);
  QatOptions o;
  o.bits = 1;
  CHECK_THROWS_WITH(quantlab::QatTrainer(data, init, {}, o), Contains("bits must be an integer from 2 to 8"));
  o.bits = 9;
  CHECK_THROWS_WITH(quantlab::QatTrainer(data, init, {}, o), Contains("got 9"));
  o.bits = 4;
  o.granularity = {Granularity::Kind::kGroup, 0};
  CHECK_THROWS_WITH(quantlab::QatTrainer(data, init, {}, o), Contains("group size must be at least 1"));
  CHECK_THROWS_WITH(quantlab::qat_scale_from_name("minmax"), Contains("'max'"));
  CHECK(quantlab::qat_scale_from_name("frozen") == QatScale::kFrozen);
  CHECK(std::string(quantlab::qat_scale_name(QatScale::kMax)) == "max");
  quantlab::WeightFakeQuant fq(QatOptions{}, MlpParams::from_model(init));
  CHECK_THROWS_WITH(fq.quantize_layer(2, {}), Contains("layer 2 does not exist"));
}
