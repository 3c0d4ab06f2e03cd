// Shared by the bindings that take an activation grid from JS ({bits, lo, hi, scheme}) or return its parameters:
// activation_bindings.cpp (in every module) and data_bindings.cpp (calibration, evaluation).
#pragma once

#include <emscripten/val.h>

#include <string>

#include "quantlab/calibration.hpp"
#include "quantlab/errors.hpp"

namespace quantlab::js {

inline quantlab::ActivationQuant spec_from(double bits, double lo, double hi, const std::string& scheme) {
  return {quantlab::bits_from_number(bits), lo, hi, quantlab::quant_scheme_from_name(scheme)};
}

inline emscripten::val quant_params_to_js(const quantlab::QuantParams& p) {
  emscripten::val o = emscripten::val::object();
  o.set("scale", p.scale);
  o.set("zeroPoint", p.zero_point);
  o.set("qmin", p.qmin);
  o.set("qmax", p.qmax);
  return o;
}

}  // namespace quantlab::js
