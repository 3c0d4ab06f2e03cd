// SimpleNet (784 -> 256 -> ReLU -> 10): fp32 and dynamically quantized int8 forward passes, agreement,
// batches, every kernel variant, and the binary format with its failure modes.
#include <catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "model_files.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/model.hpp"
#include "quantlab/numpy_random.hpp"

using quantlab::Mlp;
namespace k = quantlab::kernels;
using Catch::Contains;

namespace {

std::vector<float> random_input(std::uint32_t seed, std::size_t n) {
  quantlab::NumpyRandom rng(seed);
  std::vector<float> x(n);
  for (float& v : x) v = static_cast<float>(rng.randn());
  return x;
}

// Double-precision forward straight from the layer definitions (dequantized weights for int8 layers).
std::vector<double> reference_forward(const Mlp& model, const std::vector<float>& x) {
  std::vector<double> a(x.begin(), x.end());
  const auto& layers = model.layers();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const auto& l = layers[i];
    std::vector<double> out(l.out);
    for (std::size_t o = 0; o < l.out; ++o) {
      double acc = l.bias[o];
      for (std::size_t p = 0; p < l.in; ++p) {
        const double w = l.type == quantlab::WeightType::kFloat32
                             ? l.weight[o * l.in + p]
                             : static_cast<double>(l.qweight[o * l.in + p]) * l.scales[l.scales.size() == 1 ? 0 : o];
        acc += w * a[p];
      }
      out[o] = (i + 1 < layers.size()) ? std::max(acc, 0.0) : acc;
    }
    a = out;
  }
  return a;
}

std::vector<float> run(const Mlp& m, const std::vector<float>& x, const k::KernelSet& ks) {
  std::vector<float> y(x.size() / m.input_size() * m.output_size());
  m.forward(x.data(), x.size() / m.input_size(), y.data(), ks);
  return y;
}

std::size_t argmax(const float* v, std::size_t n) { return static_cast<std::size_t>(std::max_element(v, v + n) - v); }

}  // namespace

TEST_CASE("SimpleNet is 784 -> 256 -> 10 with nn.Linear's default uniform init", "[model]") {
  const Mlp m = Mlp::simple_net(0);
  REQUIRE(m.layers().size() == 2);
  CHECK(m.input_size() == 784);
  CHECK(m.output_size() == 10);
  CHECK_FALSE(m.quantized());
  const float b1 = static_cast<float>(1 / std::sqrt(784.0)), b2 = static_cast<float>(1 / std::sqrt(256.0));
  for (float w : m.layers()[0].weight) REQUIRE(std::fabs(w) <= b1);
  for (float w : m.layers()[1].bias) REQUIRE(std::fabs(w) <= b2);
  // Drawn in order from NumPy's generator: the first weight is np.random.seed(0); np.random.uniform(-1/28, 1/28).
  CHECK(m.layers()[0].weight[0] == static_cast<float>(quantlab::NumpyRandom(0).uniform(-1.0 / 28, 1.0 / 28)));
  // Same seed, same model; other seed, other model.
  CHECK(Mlp::simple_net(0).layers()[1].weight == m.layers()[1].weight);
  CHECK(Mlp::simple_net(1).layers()[1].weight != m.layers()[1].weight);
}

TEST_CASE("fp32 forward matches a double-precision reference with every kernel set", "[model]") {
  const Mlp m = Mlp::simple_net(3);
  const auto x = random_input(1, 784);
  const auto expected = reference_forward(m, x);
  for (const k::KernelSet* ks : k::all_kernel_sets()) {
    INFO(ks->name);
    const auto y = run(m, x, *ks);
    for (std::size_t i = 0; i < 10; ++i) CHECK(y[i] == Approx(expected[i]).margin(1e-5));
  }
}

TEST_CASE("int8 forward: bit-identical across kernel sets, close to its own dequantized reference", "[model]") {
  const Mlp f = Mlp::simple_net(3);
  for (bool per_channel : {false, true}) {
    const Mlp q = f.quantize_dynamic(per_channel);
    CHECK(q.quantized());
    CHECK(q.per_channel() == per_channel);
    CHECK(q.layers()[0].scales.size() == (per_channel ? 256u : 1u));
    const auto x = random_input(2, 784);
    const auto ref = run(q, x, k::scalar_kernels());
    for (const k::KernelSet* ks : k::all_kernel_sets()) CHECK(run(q, x, *ks) == ref);
    // The only difference from a float forward with the int8 weights is the activations' rounding.
    const auto expected = reference_forward(q, x);
    for (std::size_t i = 0; i < 10; ++i) CHECK(ref[i] == Approx(expected[i]).margin(0.02));
  }
}

TEST_CASE("int8 agrees with fp32: small output error, same argmax on nearly every input", "[model]") {
  const Mlp f = Mlp::simple_net(7);
  const Mlp q = f.quantize_dynamic(false);
  const Mlp qc = f.quantize_dynamic(true);
  std::size_t agree = 0, agree_c = 0;
  double max_err = 0, max_err_c = 0;
  const std::size_t n = 200;
  for (std::size_t t = 0; t < n; ++t) {
    const auto x = random_input(100 + static_cast<std::uint32_t>(t), 784);
    const auto yf = run(f, x, k::best_kernels());
    const auto yq = run(q, x, k::best_kernels());
    const auto yc = run(qc, x, k::best_kernels());
    for (std::size_t i = 0; i < 10; ++i) {
      max_err = std::max(max_err, double{std::fabs(yf[i] - yq[i])});
      max_err_c = std::max(max_err_c, double{std::fabs(yf[i] - yc[i])});
    }
    agree += argmax(yf.data(), 10) == argmax(yq.data(), 10);
    agree_c += argmax(yf.data(), 10) == argmax(yc.data(), 10);
  }
  INFO("max |fp32 - int8| = " << max_err << " (per channel " << max_err_c << "), argmax agreement " << agree << "/" << n
                              << " (per channel " << agree_c << "/" << n << ")");
  CHECK(max_err < 0.05);
  CHECK(max_err_c < 0.05);
  CHECK(agree >= n * 95 / 100);
  CHECK(agree_c >= n * 95 / 100);
}

TEST_CASE("a batch equals its rows run one at a time (GEMM vs GEMV), bit for bit", "[model]") {
  const Mlp f = Mlp::simple_net(4);
  const Mlp q = f.quantize_dynamic(true);
  const std::size_t batch = 5;
  const auto x = random_input(9, batch * 784);
  for (const Mlp* m : {&f, &q}) {
    for (const k::KernelSet* ks : k::all_kernel_sets()) {
      INFO(ks->name << (m->quantized() ? " int8" : " fp32"));
      const auto yb = run(*m, x, *ks);
      for (std::size_t r = 0; r < batch; ++r) {
        const std::vector<float> row(x.begin() + static_cast<std::ptrdiff_t>(r * 784), x.begin() + static_cast<std::ptrdiff_t>((r + 1) * 784));
        const auto y1 = run(*m, row, *ks);
        for (std::size_t i = 0; i < 10; ++i) REQUIRE(y1[i] == yb[r * 10 + i]);
      }
    }
  }
}

TEST_CASE("serialized sizes: fp32 / int8 >= 3.9", "[model][format]") {
  const Mlp f = Mlp::simple_net(0);
  const auto fb = f.serialize();
  const auto qb = f.quantize_dynamic(false).serialize();
  const auto cb = f.quantize_dynamic(true).serialize();
  // header 16 + per layer 16 + data + 4-byte CRC (docs/model-format.md)
  CHECK(fb.size() == 16 + 2 * 16 + (784 * 256 + 256 + 256 * 10 + 10) * 4 + 4);
  CHECK(qb.size() == 16 + 2 * 16 + 2 * 4 + 784 * 256 + 256 * 10 + (256 + 10) * 4 + 4);
  CHECK(cb.size() == qb.size() + (256 + 10 - 2) * 4);
  CHECK(static_cast<double>(fb.size()) / static_cast<double>(qb.size()) >= 3.9);
  CHECK(static_cast<double>(fb.size()) / static_cast<double>(cb.size()) >= 3.9);
}

TEST_CASE("save and load round-trips exactly", "[model][format]") {
  const Mlp f = Mlp::simple_net(5);
  const auto x = random_input(3, 784);
  for (const Mlp& m : {f, f.quantize_dynamic(false), f.quantize_dynamic(true)}) {
    const auto bytes = m.serialize();
    const Mlp loaded = Mlp::deserialize(bytes.data(), bytes.size());
    CHECK(loaded.serialize() == bytes);
    CHECK(loaded.quantized() == m.quantized());
    CHECK(run(loaded, x, k::best_kernels()) == run(m, x, k::best_kernels()));
  }
}

TEST_CASE("a hand-written file loads; inputs of whole examples pass", "[model][format]") {
  // Every bad file and bad input, with its message, is in test_bad_inputs.cpp.
  const auto file = quantlab::test::model_file({{2, 3}, {3, 1}});
  CHECK(Mlp::deserialize(file.data(), file.size()).output_size() == 1);
  std::vector<float> x(784 * 2, 0.0f);
  CHECK(quantlab::check_model_input(x.data(), x.size(), 784) == 2);
}
