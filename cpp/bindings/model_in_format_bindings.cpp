// Embind binding of model_in_format.hpp: a model's weights through a number format, returned as a new fp32 model
// (a ModelHandle the caller deletes) with the weight error. web/quantlab/quantlab.js checks the arguments first.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>

#include "js_interop.hpp"
#include "model_handle.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/float_formats.hpp"
#include "quantlab/model_in_format.hpp"

namespace {

using namespace quantlab::js;

quantlab::WeightScaling scaling_named(const std::string& name) {
  if (name == "none") return quantlab::WeightScaling::kNone;
  if (name == "tensor") return quantlab::WeightScaling::kTensor;
  if (name == "channel") return quantlab::WeightScaling::kChannel;
  throw quantlab::Error("scale must be 'none', 'tensor' or 'channel', got '" + name + "'");
}

val model_in_format(const ModelHandle& model, std::string format, std::string scaling) {
  return guarded([&] {
    const quantlab::ModelInFormat r = quantlab::model_in_format(model.model(), quantlab::fp::format_from_name(format),
                                                                scaling_named(scaling));
    val o = val::object();
    set_stats(o, r.stats);
    o.set("weights", r.weights);
    o.set("overflows", r.overflows);
    o.set("underflowsToZero", r.underflows_to_zero);
    val layers = val::array();
    for (const quantlab::LayerInFormat& l : r.layers) {
      val layer = val::object();
      set_stats(layer, l.stats);
      layer.set("scales", to_js(l.scales, "Float64Array"));
      layer.set("overflows", l.overflows);
      layer.set("underflowsToZero", l.underflows_to_zero);
      layers.call<void>("push", layer);
    }
    o.set("layers", layers);
    o.set("model", val(ModelHandle(r.model)));
    return o;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(model_in_format) { emscripten::function("modelInFormat", &model_in_format); }
