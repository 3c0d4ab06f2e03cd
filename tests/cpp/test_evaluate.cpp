// Batched evaluation: predictions equal one-by-one forwards, the confusion matrix adds up, hidden activations,
// fake-quantized activations against the same steps done by hand, and the static int8 path against a plain
// integer reference.
#include <catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "quantlab/calibration.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/evaluate.hpp"
#include "quantlab/numpy_random.hpp"

using Catch::Contains;
using quantlab::Dataset;
using quantlab::Mlp;
namespace k = quantlab::kernels;

namespace {

// Random 5 x 5 images with random labels 0..3: 1001 examples, so the last batch has one example (GEMV path).
Dataset random_dataset(std::size_t count, std::uint32_t seed) {
  quantlab::NumpyRandom rng(seed);
  Dataset d;
  d.count = count;
  d.rows = d.cols = 5;
  d.pixels.resize(count * 25);
  d.labels.resize(count);
  for (auto& p : d.pixels) p = static_cast<std::uint8_t>(rng.rand() * 256);
  for (auto& l : d.labels) l = static_cast<std::uint8_t>(rng.rand() * 4);
  return d;
}

std::size_t argmax(const float* z, std::size_t n) {
  std::size_t arg = 0;
  for (std::size_t c = 1; c < n; ++c) arg = z[c] > z[arg] ? c : arg;
  return arg;
}

// A one-layer model (no ReLU) holding layer `l` of `m`.
Mlp single_layer(const Mlp& m, std::size_t l) { return Mlp::from_layers({m.layers()[l]}); }

}  // namespace

TEST_CASE("evaluate: batched predictions equal one forward per image; the confusion matrix adds up", "[evaluate]") {
  const Dataset data = random_dataset(1001, 1);
  const Mlp fp32 = Mlp::create({25, 16, 4}, 3);
  for (const Mlp* m : {&fp32}) {
    for (bool quantize : {false, true}) {
      const Mlp model = quantize ? m->quantize_dynamic(true) : *m;
      for (const k::KernelSet* ks : k::all_kernel_sets()) {
        INFO(ks->name << (quantize ? " int8" : " fp32"));
        const quantlab::Evaluation e = quantlab::evaluate(model, data, *ks);
        REQUIRE(e.count == 1001);
        REQUIRE(e.classes == 4);
        std::size_t correct = 0, total = 0, diagonal = 0;
        std::vector<float> x(25), y(4);
        for (std::size_t i = 0; i < data.count; ++i) {
          quantlab::dataset_inputs(data, i, 1, x.data());
          model.forward(x.data(), 1, y.data(), *ks);
          REQUIRE(e.predictions[i] == argmax(y.data(), 4));
          correct += e.predictions[i] == data.labels[i];
        }
        CHECK(e.correct == correct);
        CHECK(e.accuracy() == static_cast<double>(correct) / 1001);
        for (std::size_t t = 0; t < 4; ++t) {
          std::uint32_t labelled = 0;
          for (std::size_t i = 0; i < data.count; ++i) labelled += data.labels[i] == t;
          CHECK(e.class_count(t) == labelled);
          diagonal += e.class_correct(t);
          for (std::size_t p = 0; p < 4; ++p) total += e.confusion[t * 4 + p];
        }
        CHECK(total == 1001);
        CHECK(diagonal == correct);
      }
    }
  }
}

TEST_CASE("hidden activations: ReLU outputs of the first layer, as the layer alone computes them", "[evaluate]") {
  const Dataset data = random_dataset(700, 2);
  const Mlp model = Mlp::create({25, 16, 4}, 4);
  const std::vector<float> h = quantlab::hidden_activations(model, data);
  REQUIRE(h.size() == 700 * 16);
  CHECK(*std::min_element(h.begin(), h.end()) == 0.0f);
  CHECK(*std::max_element(h.begin(), h.end()) > 0.0f);
  // The first layer alone, without ReLU, then ReLU by hand: the same bits.
  const Mlp first = single_layer(model, 0);
  std::vector<float> x(700 * 25), y(700 * 16);
  quantlab::dataset_inputs(data, 0, 700, x.data());
  first.forward(x.data(), 700, y.data(), k::best_kernels());
  for (std::size_t i = 0; i < y.size(); ++i) REQUIRE(h[i] == (y[i] > 0.0f ? y[i] : 0.0f));
  CHECK(quantlab::hidden_activations(model, data, 0, 3).size() == 48);
  CHECK_THROWS_WITH(quantlab::hidden_activations(model, data, 1), "layer 1 is not a hidden layer: this model has 1 (numbered from 0)");
  CHECK_THROWS_WITH(quantlab::hidden_activations(model, data, 0, 701), "asked for the activations of 701 examples, the dataset holds 700");
}

TEST_CASE("fake-quantized hidden activations: the same as quantizing them by hand between the layers", "[evaluate]") {
  const Dataset data = random_dataset(600, 3);
  const Mlp model = Mlp::create({25, 16, 4}, 5);
  const std::vector<float> h = quantlab::hidden_activations(model, data);
  const double hmax = *std::max_element(h.begin(), h.end());
  const Mlp second = single_layer(model, 1);
  for (auto scheme : {quantlab::QuantScheme::kSymmetric, quantlab::QuantScheme::kAffine}) {
    for (int bits : {2, 4, 8}) {
      const quantlab::ActivationQuant spec{bits, 0.0, hmax * 0.7, scheme};
      const quantlab::Evaluation e = quantlab::evaluate_fake_quant(model, data, {spec});
      const std::vector<double> hq = quantlab::fake_quantize(h, spec);
      const std::vector<float> hq32(hq.begin(), hq.end());
      std::vector<float> y(600 * 4);
      second.forward(hq32.data(), 600, y.data(), k::best_kernels());
      for (std::size_t i = 0; i < 600; ++i) REQUIRE(e.predictions[i] == argmax(y.data() + i * 4, 4));
    }
  }
  // 16 bits over the full range changes almost nothing; an all-zero range leaves only the bias.
  const quantlab::Evaluation plain = quantlab::evaluate(model, data);
  const quantlab::Evaluation fine = quantlab::evaluate_fake_quant(model, data, {{16, 0.0, hmax, quantlab::QuantScheme::kAffine}});
  std::size_t same = 0;
  for (std::size_t i = 0; i < 600; ++i) same += fine.predictions[i] == plain.predictions[i];
  CHECK(same >= 597);
  const quantlab::Evaluation none = quantlab::evaluate_fake_quant(model, data, {{8, 0.0, 0.0, quantlab::QuantScheme::kAffine}});
  const std::size_t bias_class = argmax(model.layers()[1].bias.data(), 4);
  for (std::uint8_t p : none.predictions) REQUIRE(p == bias_class);
  CHECK_THROWS_WITH(quantlab::evaluate_fake_quant(model, data, {}), "give one activation range per hidden layer: this model has 1, got 0");
}

TEST_CASE("static int8: integer GEMMs with a fixed activation scale and zero point equal a plain integer reference", "[evaluate]") {
  const Dataset data = random_dataset(501, 4);
  const Mlp fp32 = Mlp::create({25, 16, 4}, 6);
  const std::vector<float> h = quantlab::hidden_activations(fp32, data);
  const double hmax = *std::max_element(h.begin(), h.end());
  for (bool per_channel : {false, true}) {
    const Mlp model = fp32.quantize_dynamic(per_channel);
    const auto& l1 = model.layers()[0];
    const auto& l2 = model.layers()[1];
    for (auto scheme : {quantlab::QuantScheme::kSymmetric, quantlab::QuantScheme::kAffine}) {
      for (int bits : {4, 8}) {
        // An affine range with a negative end gives a non-zero zero point, which the GEMM must subtract.
        const quantlab::ActivationQuant spec{bits, scheme == quantlab::QuantScheme::kAffine ? -0.2 * hmax : 0.0, 0.8 * hmax, scheme};
        const quantlab::QuantParams p = quantlab::activation_quant_params(spec);
        if (scheme == quantlab::QuantScheme::kAffine) REQUIRE(p.zero_point > 0);
        for (const k::KernelSet* ks : k::all_kernel_sets()) {
          INFO(ks->name << " per channel " << per_channel << " bits " << bits);
          const quantlab::Evaluation e = quantlab::evaluate_static(model, data, {spec}, *ks);
          for (std::size_t i = 0; i < data.count; ++i) {
            std::vector<std::int32_t> q1(16);
            for (std::size_t o = 0; o < 16; ++o) {
              std::int64_t acc = 0;
              for (std::size_t j = 0; j < 25; ++j) acc += std::int64_t{data.pixels[i * 25 + j]} * l1.qweight[o * 25 + j];
              float y = static_cast<float>(acc) * ((1.0f / 255.0f) * l1.col_scales[o]) + l1.bias[o];
              y = y > 0.0f ? y : 0.0f;
              q1[o] = quantlab::quantize_value(y, p);
            }
            float z[4];
            for (std::size_t o = 0; o < 4; ++o) {
              std::int64_t acc = 0;
              for (std::size_t j = 0; j < 16; ++j) acc += std::int64_t{q1[j] - p.zero_point} * l2.qweight[o * 16 + j];
              z[o] = static_cast<float>(acc) * (static_cast<float>(p.scale) * l2.col_scales[o]) + l2.bias[o];
            }
            REQUIRE(e.predictions[i] == argmax(z, 4));
          }
        }
      }
    }
  }
  CHECK_THROWS_WITH(quantlab::evaluate_static(fp32, data, {{8, 0, 1, quantlab::QuantScheme::kAffine}}),
                    Contains("static quantization runs an int8 model"));
  CHECK_THROWS_WITH(quantlab::evaluate_static(fp32.quantize_dynamic(true), data, {{9, 0, 1, quantlab::QuantScheme::kAffine}}),
                    "static quantization stores activations in 8 bits or fewer, got 9");
}

TEST_CASE("evaluate: data that do not fit the model are refused with a message", "[evaluate][errors]") {
  Dataset data = random_dataset(10, 5);
  CHECK_THROWS_WITH(quantlab::evaluate(Mlp::create({24, 4, 4}, 1), data), "the images have 25 pixels but the model takes 24 inputs");
  data.labels[3] = 7;
  CHECK_THROWS_WITH(quantlab::evaluate(Mlp::create({25, 4, 4}, 1), data), "label 7 of example 3 is not a class of this model (0 to 3)");
  Dataset empty;
  empty.rows = empty.cols = 5;
  CHECK_THROWS_WITH(quantlab::evaluate(Mlp::create({25, 4, 4}, 1), empty), "the dataset is empty");
}

TEST_CASE("a model whose float32 arithmetic overflows on the data is an error in every evaluation path", "[evaluate][errors]") {
  // The int8 rows of a layer take finite values only (a NaN or an Infinity has no int8 value; converting one is
  // undefined in C++ and traps in WebAssembly): every path names the overflow instead (found by libFuzzer).
  const Dataset data = random_dataset(40, 7);
  const Mlp base = Mlp::create({25, 16, 4}, 8);
  const quantlab::ActivationQuant spec{8, 0.0, 1.0, quantlab::QuantScheme::kAffine};

  // Hidden values beyond float32: 25 pixels of about 0.5 times weights of 1e38.
  std::vector<quantlab::LinearLayer> layers = base.layers();
  std::fill(layers[0].weight.begin(), layers[0].weight.end(), 1e38f);
  const Mlp hidden_inf = Mlp::from_layers(layers);
  CHECK_THROWS_WITH(quantlab::evaluate(hidden_inf, data), Contains("overflows float32"));
  CHECK_THROWS_WITH(quantlab::hidden_activations(hidden_inf, data, 0), Contains("overflows float32"));
  CHECK_THROWS_WITH(quantlab::evaluate_fake_quant(hidden_inf, data, {spec}), Contains("overflows float32"));

  // Finite hidden values near 1e30, logits beyond float32, in fp32 and in int8.
  layers = base.layers();
  for (auto& l : layers)
    for (float& w : l.weight) w *= 1e30f;
  const Mlp huge = Mlp::from_layers(layers);
  const quantlab::ActivationQuant wide{8, 0.0, 1e30, quantlab::QuantScheme::kAffine};
  CHECK_THROWS_WITH(quantlab::evaluate_fake_quant(huge, data, {wide}), Contains("overflows float32"));
  const Mlp huge8 = huge.quantize_dynamic(true);
  CHECK_THROWS_WITH(quantlab::evaluate(huge8, data), Contains("overflows float32"));
  CHECK_THROWS_WITH(quantlab::evaluate_static(huge8, data, {wide}), Contains("overflows float32"));
  CHECK_THROWS_WITH(quantlab::evaluate_fake_quant(huge8, data, {wide}), Contains("overflows float32"));

  // An int8 layer whose input scales are tiny: a hidden value above 4 over a scale of 1.2e-38 is Infinity before
  // the layer quantizes its input rows.
  layers = base.layers();
  for (float& w : layers[0].weight) w *= 100.0f;
  std::vector<quantlab::LinearLayer> awq = Mlp::from_layers(layers).quantize_dynamic(true).layers();
  awq[1].input_scales.assign(awq[1].in, std::numeric_limits<float>::min());
  const Mlp tiny = Mlp::from_quantized_layers(awq);
  std::vector<float> x(25, 1.0f), y(4);
  for (const k::KernelSet* ks : k::all_kernel_sets()) {
    CHECK_THROWS_WITH(tiny.forward(x.data(), 1, y.data(), *ks), Contains("overflows float32 in layer 2"));
  }
  CHECK_THROWS_WITH(quantlab::evaluate(tiny, data), Contains("overflows float32"));
  CHECK_THROWS_WITH(quantlab::evaluate_fake_quant(tiny, data, {{8, 0.0, 100.0, quantlab::QuantScheme::kAffine}}), Contains("overflows float32"));
}
