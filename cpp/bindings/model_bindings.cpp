// Embind bindings of the MLP (model.hpp) and the timed loops (bench.hpp).
//
// A Model is a JS object that owns C++ memory: JavaScript must call delete() (web/quantlab/quantlab.js
// wraps it). Factories return either a Model or a JS Error (see js_interop.hpp).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <malloc.h>

#include <string>
#include <utility>
#include <vector>

#include "js_interop.hpp"
#include "quantlab/bench.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/model.hpp"
#include "quantlab/numpy_random.hpp"

namespace {

using namespace quantlab::js;

std::size_t iteration_count(double n) { return quantlab::count_from_number(n, "iterations", 1, 1e9); }

class ModelHandle {
 public:
  explicit ModelHandle(quantlab::Mlp model) : model_(std::move(model)), size_bytes_(model_.serialize().size()) {}

  val info() const {
    val o = val::object();
    o.set("kind", std::string(model_.quantized() ? "int8" : "fp32"));
    o.set("perChannel", model_.per_channel());
    val sizes = val::array();
    sizes.call<void>("push", model_.input_size());
    for (const auto& l : model_.layers()) sizes.call<void>("push", l.out);
    o.set("layerSizes", sizes);
    o.set("sizeBytes", size_bytes_);
    return o;
  }

  val forward(val x, std::string kernels) const {
    return guarded([&] {
      const auto& ks = quantlab::kernels::kernels_named(kernels);
      const std::vector<float> input = checked_input(x);
      const std::size_t batch = input.size() / model_.input_size();
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
    std::vector<float> input = from_js<float>(x);
    quantlab::check_model_input(input.data(), input.size(), model_.input_size());
    return input;
  }

  quantlab::Mlp model_;
  std::size_t size_bytes_;
};

val create_simple_net(double seed) {
  return guarded([&] { return val(ModelHandle(quantlab::Mlp::simple_net(quantlab::seed_from_number(seed)))); });
}

val load_model(val bytes) {
  return guarded([&] {
    const std::vector<std::uint8_t> data = from_js<std::uint8_t>(bytes);
    return val(ModelHandle(quantlab::Mlp::deserialize(data.data(), data.size())));
  });
}

val time_gemm(std::string dtype, double m, double n, double k, std::string kernels, double iterations) {
  return guarded([&] {
    const auto& ks = quantlab::kernels::kernels_named(kernels);
    const std::size_t kk = quantlab::count_from_number(k, "k", 1, quantlab::kernels::kQs8MaxK);
    return val(quantlab::bench::time_gemm_us(dtype, quantlab::count_from_number(m, "m", 1, 4096),
                                             quantlab::count_from_number(n, "n", 1, 4096), kk, ks,
                                             iteration_count(iterations)));
  });
}

val time_dot_peak(double iterations) {
  return guarded([&] {
    return val(quantlab::bench::time_dot_peak_us(quantlab::kernels::kernels_named("simd"), iteration_count(iterations)));
  });
}

val build_info() {
  val o = val::object();
  o.set("kernels", std::string(quantlab::kernels::best_kernels().name));
  o.set("dotPeakMacsPerIteration", quantlab::bench::kDotPeakMacsPerIteration);
  return o;
}

// Bytes malloc has handed out and not taken back: what create/delete loops must return to.
double allocated_bytes() { return static_cast<double>(mallinfo().uordblks); }

}  // namespace

EMSCRIPTEN_BINDINGS(model) {
  using emscripten::function;
  emscripten::class_<ModelHandle>("ModelHandle")
      .function("info", &ModelHandle::info)
      .function("forward", &ModelHandle::forward)
      .function("serialize", &ModelHandle::serialize)
      .function("quantizeDynamic", &ModelHandle::quantize_dynamic)
      .function("timeForward", &ModelHandle::time_forward);
  function("createSimpleNet", &create_simple_net);
  function("loadModel", &load_model);
  function("timeGemm", &time_gemm);
  function("timeDotPeak", &time_dot_peak);
  function("buildInfo", &build_info);
  function("allocatedBytes", &allocated_bytes);
}
