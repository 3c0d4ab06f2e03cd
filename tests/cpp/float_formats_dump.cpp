// Prints the native core's number-format results for a fixed table of inputs as JSON (doubles with 17 significant
// digits; NaN and infinities as the strings "NaN", "Infinity", "-Infinity"). tests/node/float-formats.test.mjs
// runs the same table through both WebAssembly builds and requires identical results.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "quantlab/float_formats.hpp"
#include "quantlab/numpy_random.hpp"

namespace fp = quantlab::fp;

namespace {

std::string num(double v) {
  if (std::isnan(v)) return "\"NaN\"";
  if (std::isinf(v)) return v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
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

std::string flag(bool b) { return b ? "true" : "false"; }

}  // namespace

int main() {
  const std::vector<double> values = {0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3.0, 448.0, 464.0, 465.0, 500.0, 57344.0,
                                      61440.0, 65504.0, 65520.0, 1e5, 3.4e38, 1e39, 1e-3, 0x1p-9, 0x1p-10, 1e-6, 1e-8,
                                      1e-40, 1e-46, 5e-324, 3.14159, -2.5e-5, 0x1p-10 * 3, INFINITY, -INFINITY, NAN};
  const fp::Format formats[] = {fp::Format::kFloat32, fp::Format::kFloat16, fp::Format::kBFloat16,
                                fp::Format::kFp8E4M3, fp::Format::kFp8E5M2};
  std::printf("{\"values\":%s,\"formats\":[", array(values).c_str());
  bool first = true;
  for (fp::Format f : formats) {
    const char* name = fp::format_info(f).name;
    std::printf("%s{\"name\":\"%s\",\"cases\":[", first ? "" : ",", name);
    first = false;
    bool first_case = true;
    for (double v : values) {
      for (int mode = 0; mode < 3; ++mode) {  // default, saturating, non-saturating
        const auto o = mode == 0 ? fp::Overflow::kDefault : mode == 1 ? fp::Overflow::kSaturate : fp::Overflow::kNonSaturating;
        const fp::Decomposition d = fp::decompose(v, f, o);
        std::printf("%s{\"code\":%u,\"stored\":%s,\"error\":%s,\"exponent\":%d,\"significand\":%s,\"class\":\"%s\","
                    "\"inexact\":%s,\"overflow\":%s,\"saturated\":%s,\"underflow\":%s,\"underflowToZero\":%s}",
                    first_case ? "" : ",", d.code, num(d.stored).c_str(), num(d.error).c_str(), d.exponent,
                    num(d.significand).c_str(), fp::value_class_name(d.value_class), flag(d.inexact).c_str(),
                    flag(d.overflow).c_str(), flag(d.saturated).c_str(), flag(d.underflow).c_str(),
                    flag(d.underflow_to_zero).c_str());
        first_case = false;
      }
    }
    // The weights of a layer: randn(seed 5, 2000) * 0.05, with the amax scale and without.
    std::vector<double> w = quantlab::NumpyRandom(5).randn(2000);
    for (double& x : w) x *= 0.05;
    const fp::TensorInFormat scaled = fp::to_format_amax(w, f);
    const fp::TensorInFormat plain = fp::to_format(w, f);
    std::printf("],\"tensor\":{\"seed\":5,\"n\":2000,\"multiplier\":0.05,\"amax\":{\"codes\":%s,\"scale\":%s,\"mse\":%s,"
                "\"underflowsToZero\":%zu},\"plain\":{\"codes\":%s,\"mse\":%s}},",
                array(scaled.codes).c_str(), num(scaled.scale).c_str(), num(scaled.stats.mse).c_str(),
                scaled.underflows_to_zero, array(plain.codes).c_str(), num(plain.stats.mse).c_str());
    const fp::Neighbours nb = fp::neighbours(0.3, f, 5);
    std::printf("\"neighbours\":{\"value\":0.3,\"n\":5,\"values\":%s,\"index\":%zu}}", array(nb.values).c_str(), nb.index);
  }
  std::printf("]}\n");
  return 0;
}
