// model_in_format.hpp: a model's weights through a number format, read back into a new fp32 model.
#include <catch.hpp>

#include <cmath>
#include <vector>

#include "quantlab/errors.hpp"
#include "quantlab/float_formats.hpp"
#include "quantlab/metrics.hpp"
#include "quantlab/model_in_format.hpp"
#include "quantlab/quantize.hpp"

using quantlab::Mlp;
using quantlab::model_in_format;
using quantlab::WeightScaling;
using quantlab::fp::Format;

namespace {

std::vector<double> weights_of(const Mlp& m, std::size_t layer) {
  const auto& w = m.layers()[layer].weight;
  return {w.begin(), w.end()};
}

double amax(const std::vector<double>& w, std::size_t begin = 0, std::size_t end = 0) {
  double a = 0;
  for (std::size_t i = begin; i < (end ? end : w.size()); ++i) a = std::fmax(a, std::fabs(w[i]));
  return a;
}

}  // namespace

TEST_CASE("model_in_format: float32 without a scale is the model itself") {
  const Mlp m = Mlp::create({12, 6, 3}, 7);
  const auto r = model_in_format(m, Format::kFloat32, WeightScaling::kNone);
  REQUIRE(r.stats.mse == 0.0);
  REQUIRE(r.weights == 12 * 6 + 6 * 3);
  for (std::size_t l = 0; l < 2; ++l) {
    REQUIRE(r.model.layers()[l].weight == m.layers()[l].weight);
    REQUIRE(r.model.layers()[l].bias == m.layers()[l].bias);
  }
}

TEST_CASE("model_in_format: float16 and bfloat16 casts keep each weight's stored value, biases unchanged") {
  const Mlp m = Mlp::create({20, 8, 4}, 3);
  for (Format f : {Format::kFloat16, Format::kBFloat16}) {
    const auto r = model_in_format(m, f, WeightScaling::kNone);
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t l = 0; l < 2; ++l) {
      const auto& w = m.layers()[l].weight;
      const auto& got = r.model.layers()[l].weight;
      REQUIRE(r.model.layers()[l].bias == m.layers()[l].bias);
      REQUIRE(r.layers[l].scales == std::vector<double>{1.0});
      for (std::size_t i = 0; i < w.size(); ++i) {
        const double want = quantlab::fp::decode(quantlab::fp::encode(w[i], f), f);
        REQUIRE(static_cast<double>(got[i]) == want);
        sum += (want - w[i]) * (want - w[i]);
        ++n;
      }
    }
    REQUIRE(r.stats.mse > 0.0);
    REQUIRE(r.stats.mse == Approx(sum / static_cast<double>(n)).epsilon(1e-12));
  }
}

TEST_CASE("model_in_format: fp8 per tensor uses amax / max, per channel one scale per output") {
  const Mlp m = Mlp::create({16, 5, 3}, 11);
  const std::vector<double> w0 = weights_of(m, 0);
  const auto t = model_in_format(m, Format::kFp8E4M3, WeightScaling::kTensor);
  REQUIRE(t.layers[0].scales == std::vector<double>{amax(w0) / 448.0});
  const auto want = quantlab::fp::to_format_amax(w0, Format::kFp8E4M3);
  for (std::size_t i = 0; i < w0.size(); ++i) REQUIRE(t.model.layers()[0].weight[i] == static_cast<float>(want.values[i]));
  REQUIRE(t.overflows == 0);

  const auto c = model_in_format(m, Format::kFp8E5M2, WeightScaling::kChannel);
  REQUIRE(c.layers[0].scales.size() == 5);
  REQUIRE(c.layers[0].scales[2] == amax(w0, 2 * 16, 3 * 16) / 57344.0);
  REQUIRE(c.layers[1].scales.size() == 3);
}

TEST_CASE("model_in_format: int8 per tensor and per channel are symmetric quantization; per channel errs less") {
  const Mlp m = Mlp::create({64, 32, 10}, 5);
  const std::vector<double> w0 = weights_of(m, 0);
  const auto t = model_in_format(m, Format::kInt8, WeightScaling::kTensor);
  const quantlab::SymmetricTensor q = quantlab::symmetric_quantize(w0, 8);
  const auto deq = quantlab::symmetric_dequantize_f64(q.q, q.scale);
  REQUIRE(t.layers[0].scales == std::vector<double>{q.scale});
  for (std::size_t i = 0; i < w0.size(); ++i) REQUIRE(t.model.layers()[0].weight[i] == static_cast<float>(deq[i]));
  const auto c = model_in_format(m, Format::kInt8, WeightScaling::kChannel);
  REQUIRE(c.layers[0].scales.size() == 32);
  REQUIRE(c.stats.mse < t.stats.mse);
}

TEST_CASE("model_in_format: float16 without a scale saturates at 65504") {
  quantlab::LinearLayer l;
  l.in = 2;
  l.out = 1;
  l.weight = {1e5f, -0.5f};
  l.bias = {0.0f};
  const Mlp m = Mlp::from_layers({l});
  const auto r = model_in_format(m, Format::kFloat16, WeightScaling::kNone);
  REQUIRE(r.overflows == 1);
  REQUIRE(r.model.layers()[0].weight[0] == 65504.0f);
  REQUIRE(r.model.layers()[0].weight[1] == -0.5f);
}

TEST_CASE("model_in_format: bad requests are named") {
  const Mlp m = Mlp::create({4, 3, 2}, 1);
  REQUIRE_THROWS_WITH(model_in_format(m, Format::kInt8, WeightScaling::kNone),
                      "int8 weights need a scale: per tensor or per channel");
  REQUIRE_THROWS_WITH(model_in_format(m, Format::kInt4, WeightScaling::kTensor),
                      "weights can be stored in a float format or int8, not int4");
  REQUIRE_THROWS_WITH(model_in_format(m.quantize_dynamic(false), Format::kFloat16, WeightScaling::kNone),
                      "this model is already quantized: give its fp32 original");
}
