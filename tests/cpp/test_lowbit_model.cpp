// Whole low-bit models (lowbit_model.hpp, issue 13 phase 2): round-to-nearest and NF4 per layer with mixed
// precision, the forward pass on the int4 kernels against a float64 reference built from the codes, format
// version 2 round trips, and GPTQ and AWQ over a whole model against the one-layer functions they chain.
#include <catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "model_files.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/gptq.hpp"
#include "quantlab/lowbit.hpp"
#include "quantlab/lowbit_model.hpp"
#include "quantlab/model.hpp"
#include "quantlab/numpy_random.hpp"

using namespace quantlab;
namespace k = quantlab::kernels;
using Catch::Contains;

namespace {

std::vector<float> uniform_inputs(std::uint32_t seed, std::size_t n) {
  const std::vector<double> d = NumpyRandom(seed).rand(n);
  return std::vector<float>(d.begin(), d.end());
}

std::vector<float> run(const Mlp& m, const std::vector<float>& x, const k::KernelSet& ks = k::best_kernels()) {
  std::vector<float> y(x.size() / m.input_size() * m.output_size());
  m.forward(x.data(), x.size() / m.input_size(), y.data(), ks);
  return y;
}

LayerScheme rtn(int bits, Granularity g) {
  LayerScheme s;
  s.bits = bits;
  s.granularity = g;
  return s;
}

LayerScheme nf4(std::size_t block) {
  LayerScheme s;
  s.method = LayerScheme::Method::kNf4;
  s.block = block;
  return s;
}

// The activations of one row as the int8 kernels quantize them: scale = max|x| / 127, q = rint(x x 127 / max|x|).
std::vector<double> quantized_row(const float* x, std::size_t n, double& scale) {
  float m = 0;
  for (std::size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(x[i]));
  std::vector<double> q(n, 0.0);
  scale = 0;
  if (m < k::kQs8MinRowMax) return q;
  const float inv = 127.0f / m;
  scale = static_cast<double>(m / 127.0f);
  for (std::size_t i = 0; i < n; ++i) q[i] = std::nearbyint(static_cast<double>(x[i] * inv));
  return q;
}

// Float64 forward from each layer's definition: codes x their group's scale against the row's int8 activations
// (low-bit and int8 layers), codebook x absmax (NF4), plain weights (fp32); inputs divided by input scales first.
std::vector<double> reference_forward(const Mlp& m, const std::vector<float>& x0) {
  std::vector<float> x = x0;
  std::vector<double> out;
  for (std::size_t li = 0; li < m.layers().size(); ++li) {
    const LinearLayer& l = m.layers()[li];
    std::vector<float> in = x;
    if (!l.input_scales.empty())
      for (std::size_t c = 0; c < l.in; ++c) in[c] = in[c] / l.input_scales[c];
    out.assign(l.out, 0.0);
    double xs = 1.0;
    std::vector<double> a(in.begin(), in.end());
    if (l.type == WeightType::kLowBit || l.type == WeightType::kInt8) a = quantized_row(in.data(), l.in, xs);
    for (std::size_t o = 0; o < l.out; ++o) {
      double acc = 0;
      for (std::size_t c = 0; c < l.in; ++c) {
        double w = 0;
        if (l.type == WeightType::kFloat32 || l.type == WeightType::kNf4) {
          w = l.weight[o * l.in + c];
        } else {
          const std::size_t s = l.group == 0 ? 0 : o * l.groups_per_row() + c / l.kernel_group();
          w = l.qweight[o * l.in + c] * static_cast<double>(l.scales[s]);
        }
        acc += w * a[c];
      }
      out[o] = acc * xs + l.bias[o];
      if (li + 1 < m.layers().size()) out[o] = std::max(out[o], 0.0);
    }
    x.assign(out.begin(), out.end());
  }
  return out;
}

void check_close_to_reference(const Mlp& m, const std::vector<float>& x) {
  const std::size_t in = m.input_size(), outs = m.output_size();
  for (const k::KernelSet* ks : k::all_kernel_sets()) {
    const std::vector<float> y = run(m, x, *ks);
    for (std::size_t r = 0; r < x.size() / in; ++r) {
      const std::vector<float> row(x.begin() + static_cast<std::ptrdiff_t>(r * in), x.begin() + static_cast<std::ptrdiff_t>((r + 1) * in));
      const std::vector<double> want = reference_forward(m, row);
      for (std::size_t o = 0; o < outs; ++o) {
        INFO(ks->name << " row " << r << " output " << o);
        CHECK(y[r * outs + o] == Approx(want[o]).epsilon(1e-4).margin(1e-5));
      }
    }
  }
}

}  // namespace

TEST_CASE("quantize_weights: each layer's codes are group_quantize's, and the forward matches the codes", "[lowbit_model]") {
  const Mlp f = Mlp::create({40, 24, 5}, 3);
  const std::vector<float> x = uniform_inputs(7, 3 * 40);
  for (int bits : {2, 3, 4}) {
    for (const Granularity& g : {Granularity::per_tensor(), Granularity::per_channel(), Granularity::groups(8), Granularity::groups(16)}) {
      INFO(bits << " bits, " << describe_scheme(24, 40, g));
      const Mlp q = quantize_weights(f, {rtn(bits, g), rtn(bits, g)});
      for (std::size_t l = 0; l < 2; ++l) {
        const LinearLayer& fl = f.layers()[l];
        const LinearLayer& ql = q.layers()[l];
        REQUIRE(ql.type == WeightType::kLowBit);
        CHECK(ql.bits == bits);
        const GroupQuantized t = group_quantize(std::vector<double>(fl.weight.begin(), fl.weight.end()), fl.out, fl.in, bits, g);
        CHECK(std::equal(ql.qweight.begin(), ql.qweight.end(), t.q.begin()));
        for (std::size_t i = 0; i < t.scales.size(); ++i) CHECK(ql.scales[i] == static_cast<float>(t.scales[i]));
      }
      check_close_to_reference(q, x);
      // A batch's rows equal each example alone (the GEMM and the GEMV agree), bit for bit.
      const std::vector<float> y = run(q, x);
      const std::vector<float> y1 = run(q, std::vector<float>(x.begin() + 40, x.begin() + 80));
      CHECK(std::memcmp(y1.data(), y.data() + 5, 5 * sizeof(float)) == 0);
    }
  }
}

TEST_CASE("quantize_weights: NF4 layers, int8 layers and mixed precision", "[lowbit_model]") {
  const Mlp f = Mlp::create({40, 24, 5}, 4);
  const std::vector<float> x = uniform_inputs(8, 2 * 40);
  SECTION("NF4: weights are codebook x absmax, blocks never straddle rows") {
    const Mlp q = quantize_weights(f, {nf4(16), nf4(64)});
    const LinearLayer& l1 = q.layers()[0];
    REQUIRE(l1.type == WeightType::kNf4);
    CHECK(l1.group == 16);
    CHECK(q.layers()[1].group == 24);  // a block longer than the row is the row
    const auto& fl = f.layers()[0];
    const Nf4Quantized t = nf4_quantize(std::vector<double>(fl.weight.begin(), fl.weight.end()), 24, 40, 16);
    CHECK(l1.codes == t.codes);
    const std::vector<double> deq = nf4_dequantize(t);
    for (std::size_t i = 0; i < deq.size(); ++i) REQUIRE(l1.weight[i] == Approx(deq[i]).epsilon(1e-6));
    check_close_to_reference(q, x);
  }
  SECTION("mixed: 4 bits in groups of 8, then int8 per channel; 3 bits then fp32") {
    const Mlp q = quantize_weights(f, {rtn(4, Granularity::groups(8)), rtn(8, Granularity::per_channel())});
    CHECK(q.layers()[0].type == WeightType::kLowBit);
    CHECK(q.layers()[1].type == WeightType::kInt8);
    check_close_to_reference(q, x);
    LayerScheme keep;
    keep.method = LayerScheme::Method::kFloat32;
    const Mlp m = quantize_weights(f, {rtn(3, Granularity::per_channel()), keep});
    CHECK(m.layers()[1].type == WeightType::kFloat32);
    CHECK(m.layers()[1].weight == f.layers()[1].weight);
    check_close_to_reference(m, x);
  }
  SECTION("8 bits per channel everywhere is quantize_dynamic's model, byte for byte") {
    const Mlp q = quantize_weights(f, {rtn(8, Granularity::per_channel()), rtn(8, Granularity::per_channel())});
    CHECK(q.serialize() == f.quantize_dynamic(true).serialize());
  }
}

TEST_CASE("format version 2: every low-bit model loads back to the same bytes and outputs", "[lowbit_model][format]") {
  const Mlp f = Mlp::create({37, 19, 3}, 5);  // odd sizes: rows end inside a byte
  const std::vector<float> x = uniform_inputs(9, 2 * 37);
  LayerScheme keep;
  keep.method = LayerScheme::Method::kFloat32;
  const std::vector<std::vector<LayerScheme>> cases = {
      {rtn(4, Granularity::per_channel()), rtn(4, Granularity::groups(8))},
      {rtn(3, Granularity::groups(16)), rtn(2, Granularity::per_tensor())},
      {rtn(2, Granularity::per_channel()), nf4(5)},
      {nf4(64), rtn(8, Granularity::per_tensor())},
      {keep, rtn(3, Granularity::per_channel())},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO("case " << i);
    const Mlp q = quantize_weights(f, cases[i]);
    const std::vector<std::uint8_t> bytes = q.serialize();
    CHECK(bytes[8] == 2);
    const Mlp back = Mlp::deserialize(bytes.data(), bytes.size());
    CHECK(back.serialize() == bytes);
    CHECK(run(back, x) == run(q, x));
    for (std::size_t l = 0; l < 2; ++l) {
      CHECK(back.layers()[l].qweight == q.layers()[l].qweight);
      CHECK(back.layers()[l].codes == q.layers()[l].codes);
      CHECK(back.layers()[l].group == q.layers()[l].group);
    }
  }
  SECTION("fp32 and int8 models are still written as version 1") {
    CHECK(f.serialize()[8] == 1);
    CHECK(f.quantize_dynamic(false).serialize()[8] == 1);
  }
}

TEST_CASE("format version 2: SimpleNet's int4 file is the bytes lowbit.md counts", "[lowbit_model][format]") {
  const Mlp f = Mlp::simple_net(0);
  const auto size_of = [&](const Granularity& g) {
    const Mlp q = quantize_weights(f, {rtn(4, g), rtn(4, g)});
    return q.serialize().size();
  };
  // header 16 + per layer (28 header + cost + bias) + CRC 4
  const auto expected = [](const Granularity& g) {
    const ByteCost a = group_byte_cost(256, 784, 4, g), b = group_byte_cost(10, 256, 4, g);
    return 16 + 28 + a.total_bytes + 256 * 4 + 28 + b.total_bytes + 10 * 4 + 4;
  };
  CHECK(size_of(Granularity::per_channel()) == expected(Granularity::per_channel()));
  CHECK(size_of(Granularity::per_channel()) == 103'836);
  CHECK(size_of(Granularity::groups(64)) == expected(Granularity::groups(64)));
  CHECK(size_of(Granularity::groups(16)) == expected(Granularity::groups(16)));
  const Mlp n = quantize_weights(f, {nf4(64), nf4(64)});
  CHECK(n.serialize().size() == 16 + 28 + nf4_byte_cost(256, 784).total_bytes + 1024 + 28 + nf4_byte_cost(10, 256).total_bytes + 40 + 4);
}

TEST_CASE("GPTQ and AWQ of a whole model chain the one-layer functions on the quantized model's activations", "[lowbit_model][gptq]") {
  const Mlp f = Mlp::create({48, 32, 6}, 6);
  const std::size_t samples = 300;  // two Hessian chunks
  const std::vector<float> x = uniform_inputs(10, samples * 48);
  const std::vector<LayerScheme> schemes = {rtn(3, Granularity::groups(16)), rtn(4, Granularity::per_channel())};
  SECTION("GPTQ") {
    CalibratedOptions o;
    o.block_size = 16;
    CalibratedQuantizer g(f, x.data(), samples, schemes, o);
    // Layer 1: 2 Hessian chunks, the factorization, 3 blocks of 16; layer 2 the same with 2 blocks.
    CHECK(g.steps_total() == (2 + 1 + 3) + (2 + 1 + 2));
    std::vector<std::string> stages;
    while (g.step()) stages.emplace_back(g.stage());
    stages.emplace_back(g.stage());
    CHECK(stages.front() == "hessian");
    CHECK(stages[2] == "factor");
    CHECK(stages.back() == "columns");
    const Mlp q = g.result();
    // Layer 1 is gptq_quantize with H from the inputs.
    const auto& fl = f.layers()[0];
    GptqOptions go;
    go.bits = 3;
    go.granularity = Granularity::groups(16);
    go.block_size = 16;
    const std::vector<double> w(fl.weight.begin(), fl.weight.end());
    const GptqResult one = gptq_quantize(w, 32, 48, layer_hessian(x.data(), samples, 48), go);
    CHECK(std::equal(q.layers()[0].qweight.begin(), q.layers()[0].qweight.end(), one.quantized.q.begin()));
    // Layer 2 from the quantized layer 1's outputs.
    const Mlp first = Mlp::from_quantized_layers({q.layers()[0]});
    std::vector<float> h = run(first, x);
    for (float& v : h) v = std::max(v, 0.0f);
    const auto& f2 = f.layers()[1];
    go.bits = 4;
    go.granularity = Granularity::per_channel();
    const GptqResult two = gptq_quantize(std::vector<double>(f2.weight.begin(), f2.weight.end()), 6, 32, layer_hessian(h.data(), samples, 32), go);
    CHECK(std::equal(q.layers()[1].qweight.begin(), q.layers()[1].qweight.end(), two.quantized.q.begin()));
    for (std::size_t l = 0; l < 2; ++l) {
      INFO("layer " << l + 1);
      CHECK(g.layer_errors()[l] > 0);
      CHECK(g.layer_errors()[l] <= g.rtn_errors()[l]);
    }
  }
  SECTION("AWQ") {
    CalibratedOptions o;
    o.method = CalibratedOptions::Method::kAwq;
    o.alphas = {0, 0.5, 1};
    CalibratedQuantizer a(f, x.data(), samples, schemes, o);
    CHECK(a.steps_total() == 2 * (2 + 3));
    while (a.step()) {
    }
    const Mlp q = a.result();
    for (std::size_t l = 0; l < 2; ++l) {
      INFO("layer " << l + 1);
      CHECK(q.layers()[l].input_scales.size() == f.layers()[l].in);
      CHECK(a.layer_errors()[l] <= a.rtn_errors()[l]);
    }
    check_close_to_reference(q, std::vector<float>(x.begin(), x.begin() + 2 * 48));
    const std::vector<std::uint8_t> bytes = q.serialize();
    const Mlp back = Mlp::deserialize(bytes.data(), bytes.size());
    CHECK(back.serialize() == bytes);
    CHECK(back.layers()[0].input_scales == q.layers()[0].input_scales);
  }
  SECTION("an fp32 layer is kept and takes no step") {
    LayerScheme keep;
    keep.method = LayerScheme::Method::kFloat32;
    CalibratedOptions o;
    CalibratedQuantizer g(f, x.data(), samples, {keep, rtn(4, Granularity::per_channel())}, o);
    CHECK(g.steps_total() == 2 + 1 + 1);
    while (g.step()) {
    }
    const Mlp q = g.result();
    CHECK(q.layers()[0].type == WeightType::kFloat32);
    CHECK(q.layers()[1].type == WeightType::kLowBit);
    CHECK(g.stage_layer() == 2);
  }
}

TEST_CASE("low-bit models: bad schemes and models give named errors", "[lowbit_model][errors]") {
  const Mlp f = Mlp::create({40, 24, 5}, 3);
  const auto quantize = [&](LayerScheme a, LayerScheme b) { quantize_weights(f, {a, b}); };
  CHECK_THROWS_WITH(quantize(rtn(5, Granularity::per_channel()), rtn(4, Granularity::per_channel())),
                    "layer 1: a model layer has 2, 3, 4 or 8 bits, got 5 (5 to 7 bits have no kernel; groupQuantize computes them for one matrix)");
  CHECK_THROWS_WITH(quantize(rtn(4, Granularity::per_channel()), rtn(4, Granularity::groups(12))),
                    "layer 2: groups of 12 weights: the int4 kernels take groups of a multiple of 8 weights (8, 16, 32, 64, 128...)");
  CHECK_THROWS_WITH(quantize(rtn(8, Granularity::groups(8)), rtn(4, Granularity::per_channel())),
                    "layer 1: an 8-bit layer has one scale per tensor or per channel, not groups of 8");
  CHECK_THROWS_WITH(quantize(nf4(0), rtn(4, Granularity::per_channel())), "layer 1: an NF4 block has at least 1 weight");
  CHECK_THROWS_WITH(quantize_weights(f, {nf4(64)}), "give one scheme per layer: this model has 2 layers, got 1");
  const Mlp q = quantize_weights(f, {nf4(64), nf4(64)});
  CHECK_THROWS_WITH(quantize_weights(q, {nf4(64), nf4(64)}), "this model already has quantized layers: quantize its fp32 original instead");
  CHECK_THROWS_WITH(q.quantize_dynamic(true), "this model has quantized layers: quantize its fp32 original instead");
  const std::vector<float> x = uniform_inputs(1, 40);
  CHECK_THROWS_WITH(CalibratedQuantizer(f, x.data(), 1, {nf4(64), nf4(64)}, CalibratedOptions()),
                    "layer 1: NF4 has no calibrated variant here: use quantizeWeights for NF4 layers");
  CalibratedOptions bad;
  bad.damp = -1;
  CHECK_THROWS_WITH(CalibratedQuantizer(f, x.data(), 1, {rtn(4, Granularity::per_channel()), rtn(4, Granularity::per_channel())}, bad),
                    "damping must be a finite number >= 0 (a fraction of the mean diagonal, e.g. 0.01), got -1");
  CHECK_THROWS_WITH(CalibratedQuantizer(f, x.data(), 0, {rtn(4, Granularity::per_channel()), rtn(4, Granularity::per_channel())}, CalibratedOptions()),
                    "give at least one calibration example");
  // Weights too small for a normal float32 scale at 4 bits.
  LinearLayer tiny = f.layers()[0];
  for (float& w : tiny.weight) w = 1e-39f;
  const Mlp t = Mlp::from_layers({tiny});
  CHECK_THROWS_WITH(quantize_weights(t, {rtn(4, Granularity::per_channel())}),
                    Contains("layer 1: scale 0 = ") && Contains("its weights are too small for 4 bits with a float32 scale"));
}
