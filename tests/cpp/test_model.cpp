// SimpleNet (784 -> 256 -> ReLU -> 10): fp32 and dynamically quantized int8 forward passes, agreement,
// batches, every kernel variant, and the binary format with its failure modes.
#include <catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

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

// A two-layer fp32 file written by hand from docs/model-format.md: 2 -> 3 -> 1, with layer 2 claiming
// `second_in` inputs. The checksum is left 0 (with_crc signs it).
std::vector<std::uint8_t> handmade_file(std::uint32_t second_in) {
  std::vector<std::uint8_t> b;
  auto u32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  auto f32 = [&](float f, std::size_t count) {
    std::uint32_t bits;
    std::memcpy(&bits, &f, 4);
    for (std::size_t i = 0; i < count; ++i) u32(bits);
  };
  for (char c : std::string("QLABMODL")) b.push_back(static_cast<std::uint8_t>(c));
  u32(1);  // version
  u32(2);  // layers
  u32(2), u32(3), u32(0), u32(0), f32(0.5f, 6), f32(0.1f, 3);                            // 2 -> 3, fp32
  u32(second_in), u32(1), u32(0), u32(0), f32(0.25f, second_in), f32(-1.0f, 1);         // ? -> 1, fp32
  u32(0);  // checksum
  return b;
}

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

TEST_CASE("loading a bad file fails with a message naming the problem", "[model][format][errors]") {
  const auto good = Mlp::simple_net(1).quantize_dynamic(false).serialize();
  auto load = [](const std::vector<std::uint8_t>& b) { return Mlp::deserialize(b.data(), b.size()); };
  auto with_crc = [](std::vector<std::uint8_t> b) {  // re-sign a file edited on purpose
    const std::uint32_t crc = quantlab::model_crc32(b.data(), b.size() - 4);
    for (int i = 0; i < 4; ++i) b[b.size() - 4 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
    return b;
  };

  CHECK_THROWS_WITH(load({}), "model file is truncated: 0 bytes is less than the 16-byte header");
  for (std::size_t cut : {std::size_t{16}, std::size_t{40}, good.size() / 2, good.size() - 1}) {
    INFO("cut at " << cut);
    CHECK_THROWS_WITH(load(std::vector<std::uint8_t>(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut))),
                      Contains("model file is truncated"));
  }
  auto bad_magic = good;
  bad_magic[0] = 'X';
  CHECK_THROWS_WITH(load(bad_magic), "not a QuantLab model file (the first 8 bytes are not QLABMODL)");
  auto v2 = good;
  v2[8] = 2;
  CHECK_THROWS_WITH(load(v2), "model format version 2 is not supported: this QuantLab reads version 1");
  auto flipped = good;
  flipped[1000] ^= 0x40;
  CHECK_THROWS_WITH(load(flipped), "model file is corrupt: its CRC-32 checksum does not match");
  auto longer = good;
  longer.push_back(0);
  CHECK_THROWS_WITH(load(longer), Contains("unexpected bytes after the checksum"));
  CHECK_THROWS_WITH(load(with_crc(handmade_file(4))), "model file is invalid: layer 2 takes 4 inputs but the layer before gives 3");
  CHECK(load(with_crc(handmade_file(3))).output_size() == 1);
  auto nan_bias = good;
  const float nan = std::nanf("");
  std::memcpy(&nan_bias[16 + 16 + 4 + 784 * 256], &nan, 4);
  CHECK_THROWS_WITH(load(with_crc(nan_bias)), "model file is invalid: layer 1 bias[0] is NaN");
  auto zero_layers = good;
  zero_layers[12] = 0;
  CHECK_THROWS_WITH(load(with_crc(zero_layers)), "model file is invalid: 0 layers (1 to 64 allowed)");
}

TEST_CASE("model errors: double quantization and bad inputs", "[model][errors]") {
  const Mlp q = Mlp::simple_net(0).quantize_dynamic(false);
  CHECK_THROWS_WITH(q.quantize_dynamic(true), "this model is already quantized to int8: quantize its fp32 original instead");
  std::vector<float> x(783, 0.0f);
  CHECK_THROWS_WITH(quantlab::check_model_input(x.data(), x.size(), 784),
                    "the input has 783 values: give 784 per example (a multiple of 784)");
  x.resize(784 * 2, 0.0f);
  CHECK(quantlab::check_model_input(x.data(), x.size(), 784) == 2);
  x[5] = std::numeric_limits<float>::infinity();
  CHECK_THROWS_WITH(quantlab::check_model_input(x.data(), x.size(), 784), "input[5] is Infinity: every value must be a finite number");
}
