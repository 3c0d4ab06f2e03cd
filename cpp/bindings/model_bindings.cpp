// Embind bindings of the MLP (model.hpp) and the timed loops (bench.hpp).
//
// A Model is a JS object that owns C++ memory (ModelHandle, model_handle.hpp): JavaScript must call delete()
// (web/quantlab/quantlab.js wraps it). Factories return either a Model or a JS Error (see js_interop.hpp).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>
#include <utility>
#include <vector>

#include "js_interop.hpp"
#include "model_handle.hpp"
#include "quantlab/bench.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/model.hpp"
#include "quantlab/numpy_random.hpp"

namespace {

using namespace quantlab::js;

val create_simple_net(double seed) {
  return guarded([&] { return val(ModelHandle(quantlab::Mlp::simple_net(quantlab::seed_from_number(seed)))); });
}

val load_model(val bytes) {
  return guarded([&] {
    const std::vector<std::uint8_t> data = from_js<std::uint8_t>(bytes, "data");
    return val(ModelHandle(quantlab::Mlp::deserialize(data.data(), data.size())));
  });
}

val time_gemm(std::string dtype, double m, double n, double k, std::string kernels, double iterations) {
  return guarded([&] {
    const auto& ks = quantlab::kernels::kernels_named(kernels);
    quantlab::bench::check_gemm_shape(m, n, k);
    return val(quantlab::bench::time_gemm_us(dtype, static_cast<std::size_t>(m), static_cast<std::size_t>(n),
                                             static_cast<std::size_t>(k), ks, iteration_count(iterations)));
  });
}

// undefined, or the Error of a GEMM shape outside the timed GEMM's limits (bench.hpp).
val check_gemm_shape(double m, double n, double k) {
  return guarded([&] {
    quantlab::bench::check_gemm_shape(m, n, k);
    return val::undefined();
  });
}

void release_gemm_operands() { quantlab::bench::release_gemm_operands(); }

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
  function("checkGemmShape", &check_gemm_shape);
  function("releaseGemmOperands", &release_gemm_operands);
  function("timeDotPeak", &time_dot_peak);
  function("buildInfo", &build_info);
}
