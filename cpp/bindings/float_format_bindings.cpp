// Embind bindings of the number formats (float_formats.hpp): formats by name, errors returned as values, arrays
// copied in and out. `saturate` arrives as undefined (the format's default) or a boolean; web/quantlab/quantlab.js
// checks the types first.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <string>
#include <vector>

#include "js_interop.hpp"

#include "quantlab/errors.hpp"
#include "quantlab/float_formats.hpp"

namespace {

using namespace quantlab::js;
namespace fp = quantlab::fp;

fp::Format float_format(const std::string& name) { return fp::float_format_from_name(name); }

fp::Overflow overflow_mode(const val& saturate) {
  if (saturate.isUndefined()) return fp::Overflow::kDefault;
  return saturate.as<bool>() ? fp::Overflow::kSaturate : fp::Overflow::kNonSaturating;
}

// Codes as the narrowest unsigned typed array of the format: Uint8Array, Uint16Array or Uint32Array.
val codes_to_js(const std::vector<std::uint32_t>& codes, fp::Format format) {
  const int bits = fp::format_info(format).bits;
  if (bits <= 8) return narrow_to_js<std::uint8_t>(std::vector<std::int32_t>(codes.begin(), codes.end()), "Uint8Array");
  if (bits <= 16) {
    const std::vector<std::uint16_t> narrow(codes.begin(), codes.end());
    return to_js(narrow, "Uint16Array");
  }
  return to_js(codes, "Uint32Array");
}

val info_to_js(const fp::FormatInfo& f) {
  val o = val::object();
  o.set("name", std::string(f.name));
  o.set("kind", std::string(f.is_float ? "float" : "integer"));
  o.set("bits", f.bits);
  o.set("bytes", f.bits / 8.0);
  o.set("max", f.max);
  o.set("min", f.min);
  if (!f.is_float) return o;
  o.set("exponentBits", f.exponent_bits);
  o.set("mantissaBits", f.mantissa_bits);
  o.set("bias", f.bias);
  o.set("minExponent", f.min_exponent);
  o.set("maxExponent", f.max_exponent);
  o.set("minNormal", f.min_normal);
  o.set("minSubnormal", f.min_subnormal);
  o.set("epsilon", f.epsilon);
  o.set("hasInfinity", f.has_infinity);
  o.set("hasNaN", f.has_nan);
  o.set("saturatesByDefault", f.saturates_by_default);
  o.set("maxCode", f.max_code);
  return o;
}

val parts_to_js(const fp::CodeParts& p, fp::Format format) {
  val o = val::object();
  o.set("format", std::string(fp::format_info(format).name));
  o.set("code", p.code);
  o.set("sign", p.sign);
  o.set("exponentField", p.exponent_field);
  o.set("mantissaField", p.mantissa_field);
  const bool finite = p.value_class != fp::ValueClass::kInfinity && p.value_class != fp::ValueClass::kNaN;
  o.set("exponent", finite ? val(p.exponent) : val::null());
  o.set("significand", finite ? val(p.significand) : val::null());
  o.set("valueClass", std::string(fp::value_class_name(p.value_class)));
  o.set("stored", p.stored);
  return o;
}

val format_names() {
  val out = val::array();
  for (fp::Format f : fp::all_formats()) out.call<void>("push", std::string(fp::format_info(f).name));
  return out;
}

val format_info(std::string name) {
  return guarded([&] { return info_to_js(fp::format_info(fp::format_from_name(name))); });
}

val decompose(double value, std::string name, val saturate) {
  return guarded([&] {
    const fp::Format format = float_format(name);
    const fp::Decomposition d = fp::decompose(value, format, overflow_mode(saturate));
    val o = parts_to_js(d, format);
    o.set("input", d.input);
    o.set("error", d.error);
    o.set("inexact", d.inexact);
    o.set("overflow", d.overflow);
    o.set("saturated", d.saturated);
    o.set("underflow", d.underflow);
    o.set("underflowToZero", d.underflow_to_zero);
    return o;
  });
}

val describe_code(double code, std::string name) {
  return guarded([&] {
    const fp::Format format = float_format(name);
    const int bits = fp::format_info(format).bits;
    const auto c = static_cast<std::uint32_t>(
        quantlab::count_from_number(code, "code", 0, static_cast<double>((std::uint64_t{1} << bits) - 1)));
    return parts_to_js(fp::describe_code(c, format), format);
  });
}

val neighbours(double value, std::string name, double n) {
  return guarded([&] {
    const fp::Format format = float_format(name);
    const auto count = quantlab::count_from_number(n, "n", 0, static_cast<double>(fp::kMaxNeighbours));
    const fp::Neighbours nb = fp::neighbours(value, format, count);
    val o = val::object();
    o.set("values", to_js(nb.values, "Float64Array"));
    o.set("codes", codes_to_js(nb.codes, format));
    o.set("index", nb.index);
    return o;
  });
}

val encode_array(val x, std::string name, val saturate) {
  return guarded([&] {
    const fp::Format format = float_format(name);
    const fp::Overflow overflow = overflow_mode(saturate);
    // A Float32Array is copied byte for byte (same element type), so NaN payloads reach the core intact.
    if (x.instanceof(val::global("Float32Array"))) {
      return codes_to_js(fp::encode_array(from_js<float>(x), format, overflow), format);
    }
    return codes_to_js(fp::encode_array(from_js<double>(x), format, overflow), format);
  });
}

val decode_array(val codes, std::string name) {
  return guarded([&] { return to_js(fp::decode_array(from_js<std::uint32_t>(codes), float_format(name)), "Float64Array"); });
}

val to_format(val x, std::string name, val scale, val saturate) {
  return guarded([&] {
    const fp::Format format = float_format(name);
    const fp::Overflow overflow = overflow_mode(saturate);
    const std::vector<double> xs = from_js<double>(x);
    fp::TensorInFormat t;
    if (scale.isString()) {
      const std::string rule = scale.as<std::string>();
      if (rule != "amax") throw quantlab::Error("scale must be a number > 0 or 'amax', got '" + rule + "'");
      t = fp::to_format_amax(xs, format, overflow);
    } else {
      t = fp::to_format(xs, format, scale.isUndefined() ? 1.0 : scale.as<double>(), overflow);
    }
    val o = val::object();
    o.set("format", std::string(fp::format_info(format).name));
    o.set("codes", codes_to_js(t.codes, format));
    o.set("values", to_js(t.values, "Float64Array"));
    o.set("scale", t.scale);
    set_stats(o, t.stats);
    o.set("overflows", t.overflows);
    o.set("underflowsToZero", t.underflows_to_zero);
    return o;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(float_formats) {
  using emscripten::function;
  function("formatNames", &format_names);
  function("formatInfo", &format_info);
  function("floatFormat", &decompose);
  function("floatFormatCode", &describe_code);
  function("formatNeighbours", &neighbours);
  function("encodeFormat", &encode_array);
  function("decodeFormat", &decode_array);
  function("toFormat", &to_format);
}
