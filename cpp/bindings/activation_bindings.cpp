// Embind bindings of one activation grid (calibration.hpp's ActivationQuant): its parameters and fake quantization
// of an array. They need no model or data set, so every module has them (cpp/bindings/CMakeLists.txt): exercise 6's
// page draws its first chart with the smallest module.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>
#include <vector>

#include "activation_interop.hpp"
#include "js_interop.hpp"
#include "quantlab/calibration.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/metrics.hpp"

namespace {

using namespace quantlab::js;

val activation_quant_params(double bits, double lo, double hi, std::string scheme) {
  return guarded([&] { return quant_params_to_js(quantlab::activation_quant_params(spec_from(bits, lo, hi, scheme))); });
}

val fake_quantize(val values, double bits, double lo, double hi, std::string scheme) {
  return guarded([&] {
    const std::vector<float> x = from_js<float>(values);
    const quantlab::ActivationQuant spec = spec_from(bits, lo, hi, scheme);
    const std::vector<double> recovered = quantlab::fake_quantize(x, spec);
    const quantlab::ErrorStats s = quantlab::error_stats(std::vector<double>(x.begin(), x.end()), recovered);
    val o = quant_params_to_js(quantlab::activation_quant_params(spec));
    o.set("recovered", to_js(recovered, "Float64Array"));
    set_stats(o, s);
    return o;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(activation) {
  using emscripten::function;
  function("activationQuantParams", &activation_quant_params);
  function("fakeQuantize", &fake_quantize);
}
