// Embind bindings of datasets, evaluation and calibration (dataset.hpp, evaluate.hpp, calibration.hpp); the
// activation grid itself (fakeQuantize, activationQuantParams) is bound with the core: activation_bindings.cpp.
// Errors are returned as JS Error values, arrays copied in and out (js_interop.hpp).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <string>
#include <vector>

#include "activation_interop.hpp"
#include "dataset_handle.hpp"
#include "js_interop.hpp"
#include "model_handle.hpp"
#include "quantlab/bench.hpp"
#include "quantlab/calibration.hpp"
#include "quantlab/dataset.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/evaluate.hpp"

namespace {

using namespace quantlab::js;

val evaluation_to_js(const quantlab::Evaluation& e) {
  val o = val::object();
  o.set("count", e.count);
  o.set("correct", e.correct);
  o.set("accuracy", e.accuracy());
  val per_class = val::array(), class_counts = val::array(), confusion = val::array();
  for (std::size_t c = 0; c < e.classes; ++c) {
    const std::uint32_t n = e.class_count(c);
    per_class.call<void>("push", n ? val(static_cast<double>(e.class_correct(c)) / n) : val::null());
    class_counts.call<void>("push", n);
    val row = val::array();
    for (std::size_t p = 0; p < e.classes; ++p) row.call<void>("push", e.confusion[c * e.classes + p]);
    confusion.call<void>("push", row);
  }
  o.set("perClass", per_class);
  o.set("classCounts", class_counts);
  o.set("confusion", confusion);
  o.set("predictions", to_js(e.predictions, "Uint8Array"));
  return o;
}

// [{bits, lo, hi, scheme}, ...]: one per hidden layer (the facade has checked the types).
std::vector<quantlab::ActivationQuant> specs_from(const val& specs) {
  std::vector<quantlab::ActivationQuant> out;
  const auto n = quantlab::count_from_number(specs["length"].as<double>(), "the number of activation ranges", 0, 64);
  for (std::size_t i = 0; i < n; ++i) {
    const val s = specs[i];
    out.push_back(spec_from(s["bits"].as<double>(), s["lo"].as<double>(), s["hi"].as<double>(), s["scheme"].as<std::string>()));
  }
  return out;
}

val load_dataset(val images, val labels, std::string name, double expected_count) {
  return guarded([&] {
    const std::vector<std::uint8_t> im = from_js<std::uint8_t>(images), lb = from_js<std::uint8_t>(labels);
    const std::size_t expected = quantlab::count_from_number(expected_count, "expectedCount", 0, 4294967295.0);
    return val(DatasetHandle(quantlab::parse_idx_dataset(im.data(), im.size(), lb.data(), lb.size(), name, expected)));
  });
}

val evaluate_model(const ModelHandle& model, const DatasetHandle& data, std::string kernels) {
  return guarded([&] {
    return evaluation_to_js(quantlab::evaluate(model.model(), data.data(), quantlab::kernels::kernels_named(kernels)));
  });
}

val hidden_activations(const ModelHandle& model, const DatasetHandle& data, double layer, double count, std::string kernels) {
  return guarded([&] {
    const std::size_t l = quantlab::count_from_number(layer, "layer", 0, 64);
    const std::size_t n = quantlab::count_from_number(count, "count", 0, static_cast<double>(data.data().count));
    const std::vector<float> values =
        quantlab::hidden_activations(model.model(), data.data(), l, n, quantlab::kernels::kernels_named(kernels));
    val o = val::object();
    const std::size_t width = model.model().layers()[l].out;
    o.set("values", to_js(values, "Float32Array"));
    o.set("rows", values.size() / width);
    o.set("cols", width);
    return o;
  });
}

val calibrate(val values, std::string method, double bits, std::string scheme, double percentile, double steps,
              double bins) {
  return guarded([&] {
    quantlab::CalibrationOptions o;
    o.method = quantlab::calibration_method_from_name(method);
    o.bits = quantlab::bits_from_number(bits);
    o.scheme = quantlab::quant_scheme_from_name(scheme);
    o.percentile = percentile;
    o.mse_steps = quantlab::count_from_number(steps, "steps", 1, 100000);
    o.bins = quantlab::count_from_number(bins, "bins", 2, 65536);
    const quantlab::Calibration c = quantlab::calibrate(from_js<float>(values), o);
    val r = quant_params_to_js(quantlab::activation_quant_params({o.bits, c.lo, c.hi, o.scheme}));
    r.set("lo", c.lo);
    r.set("hi", c.hi);
    r.set("method", method);
    if (!c.scores.empty()) {
      r.set("candidates", to_js(c.candidates, "Float64Array"));
      r.set("scores", to_js(c.scores, "Float64Array"));
      r.set("best", c.best);
    }
    return r;
  });
}

val evaluate_fake_quant(const ModelHandle& model, const DatasetHandle& data, val specs, std::string kernels) {
  return guarded([&] {
    return evaluation_to_js(quantlab::evaluate_fake_quant(model.model(), data.data(), specs_from(specs),
                                                          quantlab::kernels::kernels_named(kernels)));
  });
}

val evaluate_static(const ModelHandle& model, const DatasetHandle& data, val specs, std::string kernels) {
  return guarded([&] {
    return evaluation_to_js(quantlab::evaluate_static(model.model(), data.data(), specs_from(specs),
                                                      quantlab::kernels::kernels_named(kernels)));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(data) {
  using emscripten::function;
  emscripten::class_<DatasetHandle>("DatasetHandle")
      .function("info", &DatasetHandle::info)
      .function("labels", &DatasetHandle::labels)
      .function("images", &DatasetHandle::images)
      .function("slice", &DatasetHandle::slice);
  function("loadDataset", &load_dataset);
  function("evaluateModel", &evaluate_model);
  function("hiddenActivations", &hidden_activations);
  // activationQuantParams and fakeQuantize: activation_bindings.cpp (in every module).
  function("calibrate", &calibrate);
  function("evaluateFakeQuant", &evaluate_fake_quant);
  function("evaluateStatic", &evaluate_static);
}
