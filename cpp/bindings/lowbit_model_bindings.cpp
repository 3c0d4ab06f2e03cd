// Embind bindings of whole low-bit models (lowbit_model.hpp): round-to-nearest and NF4 per layer, and GPTQ or AWQ
// of a whole model as a handle stepped from JavaScript (the facade reports progress between steps).
// A scheme arrives as {method: 'fp32'|'rtn'|'nf4', bits, kind: 'tensor'|'channel'|'group', size, block}, already
// checked for types by web/quantlab/quantlab.js; the core checks the values.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dataset_handle.hpp"
#include "js_interop.hpp"
#include "model_handle.hpp"
#include "quantlab/dataset.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/lowbit_model.hpp"

namespace {

using namespace quantlab::js;
using quantlab::Granularity;
using quantlab::LayerScheme;

LayerScheme scheme_from(const val& o, std::size_t layer) {
  const std::string where = "layers[" + std::to_string(layer) + "]";
  LayerScheme s;
  const std::string method = o["method"].as<std::string>();
  if (method == "fp32") {
    s.method = LayerScheme::Method::kFloat32;
  } else if (method == "nf4") {
    s.method = LayerScheme::Method::kNf4;
    s.block = quantlab::count_from_number(o["block"].as<double>(), (where + ".blockSize").c_str(), 1, 65536);
  } else if (method == "rtn") {
    s.bits = static_cast<int>(quantlab::count_from_number(o["bits"].as<double>(), (where + ".bits").c_str(), 2, 8));
    const std::string kind = o["kind"].as<std::string>();
    if (kind == "tensor") {
      s.granularity = Granularity::per_tensor();
    } else if (kind == "channel") {
      s.granularity = Granularity::per_channel();
    } else {
      s.granularity = Granularity::groups(quantlab::count_from_number(o["size"].as<double>(), (where + ".groupSize").c_str(), 1, 65536));
    }
  } else {
    throw quantlab::Error(where + ".method must be 'rtn', 'nf4' or 'fp32', got '" + method + "'");
  }
  return s;
}

std::vector<LayerScheme> schemes_from(const val& list) {
  const std::size_t n = quantlab::count_from_number(list["length"].as<double>(), "layers", 1, 64);
  std::vector<LayerScheme> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(scheme_from(list[i], i));
  return out;
}

val quantize_weights(const ModelHandle& model, val schemes) {
  return guarded([&] { return val(ModelHandle(quantlab::quantize_weights(model.model(), schemes_from(schemes)))); });
}

class CalibratedHandle {
 public:
  explicit CalibratedHandle(std::shared_ptr<quantlab::CalibratedQuantizer> q) : q_(std::move(q)) {}
  val step() {
    return guarded([&] { return val(q_->step()); });
  }
  double steps_done() const { return static_cast<double>(q_->steps_done()); }
  double steps_total() const { return static_cast<double>(q_->steps_total()); }
  std::string stage() const { return q_->stage(); }
  double stage_layer() const { return static_cast<double>(q_->stage_layer()); }
  val result() const {
    return guarded([&] {
      val o = val::object();
      o.set("model", val(ModelHandle(q_->result())));
      o.set("layerErrors", to_js(q_->layer_errors(), "Float64Array"));
      o.set("rtnErrors", to_js(q_->rtn_errors(), "Float64Array"));
      o.set("alphas", to_js(q_->alphas(), "Float64Array"));
      return o;
    });
  }

 private:
  std::shared_ptr<quantlab::CalibratedQuantizer> q_;  // shared: Embind copies the handle into JavaScript
};

quantlab::CalibratedOptions options_from(const std::string& method, double damp, double block, const val& alphas) {
  quantlab::CalibratedOptions o;
  if (method == "gptq") {
    o.method = quantlab::CalibratedOptions::Method::kGptq;
  } else if (method == "awq") {
    o.method = quantlab::CalibratedOptions::Method::kAwq;
  } else {
    throw quantlab::Error("method must be 'gptq' or 'awq', got '" + method + "'");
  }
  o.damp = damp;
  o.block_size = quantlab::count_from_number(block, "blockSize", 1, 8192);
  o.alphas = from_js<double>(alphas, "alphas");
  return o;
}

// The first layer's inputs: at most 2048 of them (its Hessian takes inputs x inputs doubles).
void check_inputs(const quantlab::Mlp& m) {
  for (const auto& l : m.layers())
    if (l.in > 2048) throw quantlab::Error("GPTQ and AWQ take layers of at most 2048 inputs, this one has " + std::to_string(l.in));
}

val create_calibrated(const ModelHandle& model, const DatasetHandle& data, double count, val schemes,
                      std::string method, double damp, double block, val alphas) {
  return guarded([&] {
    const quantlab::Dataset& d = data.data();
    const std::size_t n = quantlab::count_from_number(count, "count", 1, static_cast<double>(d.count));
    if (d.image_size() != model.model().input_size()) {
      throw quantlab::Error("the images have " + std::to_string(d.image_size()) + " pixels but the model takes " +
                            std::to_string(model.model().input_size()) + " inputs");
    }
    check_inputs(model.model());
    std::vector<float> x(quantlab::checked_mul(n, d.image_size(), "the calibration inputs"));
    quantlab::dataset_inputs(d, 0, n, x.data());
    return val(CalibratedHandle(std::make_shared<quantlab::CalibratedQuantizer>(
        model.model(), x.data(), n, schemes_from(schemes), options_from(method, damp, block, alphas))));
  });
}

val create_calibrated_from_inputs(const ModelHandle& model, val inputs, val schemes, std::string method, double damp,
                                  double block, val alphas) {
  return guarded([&] {
    const std::vector<float> x = from_js<float>(inputs, "inputs");
    const std::size_t in = model.model().input_size();
    if (x.empty() || x.size() % in != 0) {
      throw quantlab::Error("inputs has " + std::to_string(x.size()) + " values: give " + std::to_string(in) +
                            " per calibration example (a multiple of " + std::to_string(in) + ")");
    }
    check_inputs(model.model());
    return val(CalibratedHandle(std::make_shared<quantlab::CalibratedQuantizer>(
        model.model(), x.data(), x.size() / in, schemes_from(schemes), options_from(method, damp, block, alphas))));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(lowbit_model) {
  using emscripten::function;
  emscripten::class_<CalibratedHandle>("CalibratedHandle")
      .function("step", &CalibratedHandle::step)
      .function("stepsDone", &CalibratedHandle::steps_done)
      .function("stepsTotal", &CalibratedHandle::steps_total)
      .function("stage", &CalibratedHandle::stage)
      .function("stageLayer", &CalibratedHandle::stage_layer)
      .function("result", &CalibratedHandle::result);
  function("quantizeWeights", &quantize_weights);
  function("createCalibratedQuantizer", &create_calibrated);
  function("createCalibratedQuantizerFromInputs", &create_calibrated_from_inputs);
}
