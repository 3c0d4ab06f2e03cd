#include "quantlab/bench_lowbit.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <tuple>

#include "quantlab/errors.hpp"
#include "quantlab/gptq.hpp"
#include "quantlab/lowbit.hpp"
#include "quantlab/lowbit_model.hpp"
#include "quantlab/model.hpp"
#include "quantlab/numpy_random.hpp"

namespace quantlab::bench {
namespace {

volatile float g_sink;

template <typename F>
double time_us(F&& body) {
  const auto start = std::chrono::steady_clock::now();
  body();
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
}

const Mlp& fp32_net() {
  static const Mlp m = Mlp::simple_net(0);
  return m;
}

const Mlp& int8_net() {
  static const Mlp m = fp32_net().quantize_dynamic(true);
  return m;
}

// SimpleNet with int4 weights (lowbit_model.hpp): `group` weights per scale, per channel for group >= 784.
const Mlp& int4_net(std::size_t group) {
  static std::map<std::size_t, std::unique_ptr<Mlp>> cache;
  auto& slot = cache[group];
  if (!slot) {
    LayerScheme s;
    s.bits = 4;
    s.granularity = group >= 784 ? Granularity::per_channel() : Granularity::groups(group);
    slot = std::make_unique<Mlp>(quantize_weights(fp32_net(), {s, s}));
  }
  return *slot;
}

const std::vector<float>& inputs(std::size_t batch) {
  static std::map<std::size_t, std::vector<float>> cache;
  auto& x = cache[batch];
  if (x.empty()) {
    const std::vector<double> d = NumpyRandom(0).randn(batch * 784);
    x.assign(d.begin(), d.end());
  }
  return x;
}

void check_group(std::size_t group) {
  if (!kernels::qs4_group_ok(group, 256) || !kernels::qs4_group_ok(group, 784)) {
    throw Error("group must be a multiple of 8 (or >= 784 for per channel), got " + std::to_string(group));
  }
}

}  // namespace

double time_simplenet_us(const std::string& weights, std::size_t group, std::size_t batch,
                         const kernels::KernelSet& ks, std::size_t iterations) {
  const std::vector<float>& x = inputs(batch);
  std::vector<float> y(batch * 10);
  double us = 0;
  if (weights == "int4") {
    check_group(group);
    const Mlp& net = int4_net(group);
    us = time_us([&] {
      for (std::size_t i = 0; i < iterations; ++i) net.forward(x.data(), batch, y.data(), ks);
    });
  } else if (weights == "int8" || weights == "fp32") {
    const Mlp& net = weights == "int8" ? int8_net() : fp32_net();
    us = time_us([&] {
      for (std::size_t i = 0; i < iterations; ++i) net.forward(x.data(), batch, y.data(), ks);
    });
  } else {
    throw Error("weights must be 'int8', 'int4' or 'fp32', got '" + weights + "'");
  }
  g_sink = y[0];
  return us;
}

double time_layer_kernel_us(const std::string& weights, int layer, std::size_t group, std::size_t batch,
                            const kernels::KernelSet& ks, std::size_t iterations) {
  if (layer != 1 && layer != 2) throw Error("layer must be 1 or 2");
  const LinearLayer& q8 = int8_net().layers()[static_cast<std::size_t>(layer - 1)];
  const std::size_t in = q8.in, out = q8.out;
  // Activations: seeded Gaussian values (batch x 784 of them cover both layers' inputs), quantized once.
  const std::vector<float>& x = inputs(batch);
  std::vector<float> scales(batch), y(batch * out);
  double us = 0;
  if (weights == "int8") {
    const std::size_t kp = kernels::qs8_padded_k(in);
    std::vector<std::int16_t> a(batch * kp);
    ks.qs8_quantize_rows(batch, in, kp, x.data(), a.data(), scales.data());
    std::vector<std::int32_t> acc(batch * out);
    us = time_us([&] {
      for (std::size_t i = 0; i < iterations; ++i) {
        if (batch == 1) {
          ks.qs8_gemv(out, kp, a.data(), q8.packed_q.data(), acc.data());
        } else {
          ks.qs8_gemm(batch, out, kp, a.data(), q8.packed_q.data(), acc.data());
        }
      }
    });
    g_sink = static_cast<float>(acc[0]);
    return us;
  }
  if (weights != "int4") throw Error("weights must be 'int8' or 'int4', got '" + weights + "'");
  check_group(group);
  const LinearLayer& l = int4_net(group).layers()[static_cast<std::size_t>(layer - 1)];
  const std::size_t kp = kernels::qs4_padded_k(in);
  std::vector<std::int16_t> a(batch * kp);
  ks.qs8_quantize_rows(batch, in, kp, x.data(), a.data(), scales.data());
  us = time_us([&] {
    for (std::size_t i = 0; i < iterations; ++i) {
      if (batch == 1) {
        ks.qs4_gemv(out, in, l.kernel_group(), a.data(), scales[0], l.packed_q4.data(), l.packed_scales4.data(), y.data());
      } else {
        ks.qs4_gemm(batch, out, in, l.kernel_group(), a.data(), scales.data(), l.packed_q4.data(), l.packed_scales4.data(),
                    y.data());
      }
    }
  });
  g_sink = y[0];
  return us;
}

namespace {

// Calibration inputs of layer 1 (NumPy's rand: pixels in [0, 1)) or layer 2 (layer 1's fp32 ReLU outputs),
// computed once per sample count.
const std::vector<float>& calibration_inputs(int layer, std::size_t samples) {
  static std::map<std::pair<int, std::size_t>, std::vector<float>> cache;
  std::vector<float>& x = cache[{layer, samples}];
  if (!x.empty()) return x;
  const std::vector<double> pixels = NumpyRandom(0).rand(samples * 784);
  if (layer == 1) {
    x.assign(pixels.begin(), pixels.end());
    return x;
  }
  const LinearLayer& l1 = fp32_net().layers()[0];
  x.resize(samples * 256);
  for (std::size_t n = 0; n < samples; ++n)
    for (std::size_t j = 0; j < 256; ++j) {
      float s = l1.bias[j];
      for (std::size_t p = 0; p < 784; ++p) s += l1.weight[j * 784 + p] * static_cast<float>(pixels[n * 784 + p]);
      x[n * 256 + j] = std::max(s, 0.0f);
    }
  return x;
}

}  // namespace

GptqTiming time_gptq_ms(int layer, std::size_t samples, std::size_t group, const kernels::KernelSet& ks) {
  if (layer != 1 && layer != 2) throw Error("layer must be 1 or 2");
  const Mlp& net = fp32_net();
  const std::vector<float>& x = calibration_inputs(layer, samples);
  const LinearLayer& l = net.layers()[static_cast<std::size_t>(layer - 1)];
  const std::vector<double> w(l.weight.begin(), l.weight.end());
  GptqOptions o;
  o.bits = 4;
  o.granularity = group == 0 ? Granularity::per_channel() : Granularity::groups(group);
  GptqTiming t;
  std::vector<double> h;
  t.hessian_ms = time_us([&] { h = layer_hessian(x.data(), samples, l.in, ks); }) / 1000;
  Gptq g(w, l.out, l.in, h, o, ks);
  t.factor_ms = time_us([&] { g.step(); }) / 1000;
  t.columns_ms = time_us([&] {
    while (g.step()) {
    }
  }) / 1000;
  g_sink = static_cast<float>(g.result().dequantized[0]);
  return t;
}

}  // namespace quantlab::bench
