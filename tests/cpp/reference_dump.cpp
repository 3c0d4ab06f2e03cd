// Prints the native core's results for a fixed list of inputs as JSON (doubles with 17 significant digits,
// which round-trip exactly). tests/node/native-vs-wasm.test.mjs rebuilds each input through the JS API from
// the same description, runs the WASM build and requires identical q, scales and errors.
#include <cstdio>
#include <string>
#include <vector>

#include "quantlab/kernels.hpp"
#include "quantlab/metrics.hpp"
#include "quantlab/model.hpp"
#include "quantlab/numpy_random.hpp"
#include "quantlab/quantize.hpp"

namespace {

struct Input {
  std::string name;
  std::vector<double> x;
  std::size_t rows, cols;
  unsigned seed;      // 0 with explicit values
  double multiplier;  // x = randn(seed, rows * cols) * multiplier when seed != 0
};

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

template <typename T>
std::string array(const std::vector<T>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + num(static_cast<double>(v[i]));
  return s + "]";
}

Input random_input(const std::string& name, unsigned seed, std::size_t rows, std::size_t cols, double multiplier) {
  quantlab::NumpyRandom rng(seed);
  std::vector<double> x = rng.randn(rows * cols);
  for (double& v : x) v *= multiplier;
  return {name, x, rows, cols, seed, multiplier};
}

}  // namespace

int main() {
  std::vector<Input> inputs = {
      {"notebook-ex1", {0.247, -0.103, 0.089, -0.156, 0.312, -0.278}, 2, 3, 0, 1.0},
      random_input("gaussian-4x64", 42, 4, 64, 1.0),
      random_input("tiny-7x33", 123, 7, 33, 1e-3),
      random_input("large-16x250", 9, 16, 250, 250.0),
  };
  std::printf("{\"randn\":{\"seed\":9,\"values\":%s},", array(quantlab::NumpyRandom(9).randn(10)).c_str());
  std::printf("\"rand\":{\"seed\":9,\"values\":%s},", array(quantlab::NumpyRandom(9).rand(10)).c_str());
  std::printf("\"randnLarge\":{\"seed\":1,\"values\":%s},", array(quantlab::NumpyRandom(1).randn(200000)).c_str());
  {
    // SimpleNet(seed 3) on randn(seed 1, 784) as float32: outputs per kernel set, and the files' checksums.
    const quantlab::Mlp f = quantlab::Mlp::simple_net(3);
    const quantlab::Mlp q = f.quantize_dynamic(false), qc = f.quantize_dynamic(true);
    const std::vector<double> xd = quantlab::NumpyRandom(1).randn(784);
    const std::vector<float> x(xd.begin(), xd.end());
    auto out = [&](const quantlab::Mlp& m, const quantlab::kernels::KernelSet& ks) {
      std::vector<float> y(10);
      m.forward(x.data(), 1, y.data(), ks);
      return array(y);
    };
    auto crc = [](const quantlab::Mlp& m) {
      const auto b = m.serialize();
      return quantlab::model_crc32(b.data(), b.size());
    };
    const auto& simd = quantlab::kernels::best_kernels();
    const auto& scalar = quantlab::kernels::scalar_kernels();
    std::printf("\"model\":{\"seed\":3,\"inputSeed\":1,\"simdKernels\":\"%s\",", simd.name);
    std::printf("\"fp32\":{\"simd\":%s,\"scalar\":%s,\"crc\":%u},", out(f, simd).c_str(), out(f, scalar).c_str(), crc(f));
    std::printf("\"int8\":{\"simd\":%s,\"scalar\":%s,\"crc\":%u},", out(q, simd).c_str(), out(q, scalar).c_str(), crc(q));
    std::printf("\"int8PerChannel\":{\"simd\":%s,\"scalar\":%s,\"crc\":%u}},", out(qc, simd).c_str(),
                out(qc, scalar).c_str(), crc(qc));
  }
  std::printf("\"cases\":[");
  bool first = true;
  for (const Input& in : inputs) {
    for (int bits : {2, 3, 4, 8, 12, 16}) {
      const auto sym = quantlab::symmetric_quantize(in.x, bits);
      const auto rec = quantlab::symmetric_dequantize_f32(sym.q, sym.scale);
      const auto stats = quantlab::error_stats(in.x, rec);
      const auto pc = quantlab::per_channel_quantize(in.x, in.rows, in.cols, bits);
      const auto aff = quantlab::affine_quantize(in.x, bits);
      const auto apc = quantlab::affine_per_channel_quantize(in.x, in.rows, in.cols, bits);
      std::printf("%s{\"input\":\"%s\",\"seed\":%u,\"multiplier\":%s,\"x\":%s,\"rows\":%zu,\"cols\":%zu,\"bits\":%d,",
                  first ? "" : ",", in.name.c_str(), in.seed, num(in.multiplier).c_str(),
                  in.seed ? "null" : array(in.x).c_str(), in.rows, in.cols, bits);
      std::printf("\"symmetric\":{\"q\":%s,\"scale\":%s,\"recovered\":%s,\"mse\":%s,\"maxAbs\":%s},", array(sym.q).c_str(),
                  num(sym.scale).c_str(), array(rec).c_str(), num(stats.mse).c_str(), num(stats.max_abs).c_str());
      std::printf("\"perChannel\":{\"q\":%s,\"scales\":%s},", array(pc.q).c_str(), array(pc.scales).c_str());
      std::printf("\"affine\":{\"q\":%s,\"scale\":%s,\"zeroPoint\":%d},", array(aff.q).c_str(), num(aff.scale).c_str(),
                  aff.zero_point);
      std::printf("\"affinePerChannel\":{\"q\":%s,\"scales\":%s,\"zeroPoints\":%s},", array(apc.q).c_str(),
                  array(apc.scales).c_str(), array(apc.zero_points).c_str());
      std::printf("\"quantizationMse\":%s}", num(quantlab::quantization_mse(in.x, bits)).c_str());
      first = false;
    }
  }
  std::printf("]}\n");
  return 0;
}
