// The Embind handle of a model (model.hpp), shared by the binding files that take or return models
// (model_bindings.cpp registers it; data_bindings.cpp and train_bindings.cpp use it).
//
// A ModelHandle is a JS object that owns C++ memory: JavaScript must call delete() (web/quantlab/quantlab.js
// wraps it).
#pragma once

#include <emscripten/val.h>

#include <string>
#include <utility>
#include <vector>

#include "js_interop.hpp"
#include "quantlab/bench.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/model.hpp"

namespace quantlab::js {

inline std::size_t iteration_count(double n) { return quantlab::count_from_number(n, "iterations", 1, 1e9); }

class ModelHandle {
 public:
  explicit ModelHandle(quantlab::Mlp model) : model_(std::move(model)), size_bytes_(model_.serialize().size()) {}

  const quantlab::Mlp& model() const { return model_; }

  val info() const {
    val o = val::object();
    o.set("kind", std::string(!model_.quantized() ? "fp32" : model_.all_int8() ? "int8" : "lowbit"));
    o.set("perChannel", model_.per_channel());
    val sizes = val::array();
    sizes.call<void>("push", model_.input_size());
    for (const auto& l : model_.layers()) sizes.call<void>("push", l.out);
    o.set("layerSizes", sizes);
    o.set("sizeBytes", size_bytes_);
    // Each layer's scheme (issue 13): {kind: 'fp32'|'int8'|'int2'|'int3'|'int4'|'nf4', bits, groupSize: 'tensor' |
    // 'channel' | G (NF4: its block), inputScales: true for AWQ's}.
    val layers = val::array();
    for (const auto& l : model_.layers()) {
      val s = val::object();
      s.set("kind", quantlab::layer_kind(l));
      s.set("bits", l.bits);
      if (l.type == quantlab::WeightType::kFloat32) s.set("groupSize", val::null());
      else if (l.group == 0) s.set("groupSize", std::string("tensor"));
      else if (l.group >= l.in && l.type != quantlab::WeightType::kNf4) s.set("groupSize", std::string("channel"));
      else s.set("groupSize", l.group);
      s.set("inputScales", !l.input_scales.empty());
      layers.call<void>("push", s);
    }
    o.set("layers", layers);
    return o;
  }

  val forward(val x, std::string kernels) const {
    return guarded([&] {
      const auto& ks = quantlab::kernels::kernels_named(kernels);
      const std::vector<float> input = checked_input(x);
      const std::size_t batch = input.size() / model_.input_size();
      const double outputs = static_cast<double>(batch) * static_cast<double>(model_.output_size());
      if (outputs > kMaxElements) {
        throw quantlab::Error("the output would have " + quantlab::format_number(outputs) + " values: at most " +
                              quantlab::format_number(kMaxElements) + " fit in one call; give fewer examples");
      }
      std::vector<float> y(batch * model_.output_size());
      model_.forward(input.data(), batch, y.data(), ks);
      return to_js(y, "Float32Array");
    });
  }

  val serialize() const {
    return guarded([&] { return to_js(model_.serialize(), "Uint8Array"); });
  }

  val quantize_dynamic(bool per_channel) const {
    return guarded([&] { return val(ModelHandle(model_.quantize_dynamic(per_channel))); });
  }

  // Elapsed microseconds for `iterations` forward passes on x (checked once, before the clock starts).
  val time_forward(val x, std::string kernels, double iterations) const {
    return guarded([&] {
      const auto& ks = quantlab::kernels::kernels_named(kernels);
      return val(quantlab::bench::time_forward_us(model_, checked_input(x), ks, iteration_count(iterations)));
    });
  }

 private:
  // x as floats, a whole number of examples, every value finite (throws quantlab::Error otherwise).
  std::vector<float> checked_input(const val& x) const {
    std::vector<float> input = from_js<float>(x, "x");
    quantlab::check_model_input(input.data(), input.size(), model_.input_size());
    return input;
  }

  quantlab::Mlp model_;
  std::size_t size_bytes_;
};

}  // namespace quantlab::js
