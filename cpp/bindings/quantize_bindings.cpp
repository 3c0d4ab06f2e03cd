// Embind bindings of the quantization core (quantize.hpp, metrics.hpp, numpy_random.hpp), NF4's 16 levels
// (lowbit.hpp: a table, which exercise 7's page draws before it needs the rest of the low-bit core), and the
// allocator's count, which every WebAssembly module links (this file is in each of them: cpp/bindings/CMakeLists.txt).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <malloc.h>

#include <cstdint>
#include <vector>

#include "js_interop.hpp"

#include "quantlab/errors.hpp"
#include "quantlab/lowbit.hpp"
#include "quantlab/metrics.hpp"
#include "quantlab/numpy_random.hpp"
#include "quantlab/quantize.hpp"

namespace {

using namespace quantlab::js;

std::size_t dimension(double value, const char* what) { return quantlab::count_from_number(value, what, 1, kMaxElements); }

val stats_to_js(const quantlab::ErrorStats& s) {
  val o = val::object();
  set_stats(o, s);
  return o;
}

val random_array(double seed, double n, bool gaussian) {
  return guarded([&] {
    quantlab::NumpyRandom rng(quantlab::seed_from_number(seed));
    const std::size_t count = quantlab::count_from_number(n, "n", 0, kMaxElements);
    return to_js(gaussian ? rng.randn(count) : rng.rand(count), "Float64Array");
  });
}

val random_normal(double seed, double n) { return random_array(seed, n, true); }
val random_uniform(double seed, double n) { return random_array(seed, n, false); }

val symmetric_quantize(val x, double bits) {
  return guarded([&] {
    const quantlab::SymmetricTensor t = quantlab::symmetric_quantize(from_js<double>(x, "x"), quantlab::bits_from_number(bits));
    val o = val::object();
    o.set("q", signed_q_to_js(t.q, t.bits));
    o.set("scale", t.scale);
    o.set("bits", t.bits);
    o.set("qmax", t.qmax);
    o.set("allZero", t.all_zero());
    return o;
  });
}

val symmetric_dequantize(val q, double scale) {
  return guarded([&] { return to_js(quantlab::symmetric_dequantize_f32(from_js<std::int32_t>(q, "q"), scale), "Float32Array"); });
}

val symmetric_dequantize_f64(val q, double scale) {
  return guarded([&] { return to_js(quantlab::symmetric_dequantize_f64(from_js<std::int32_t>(q, "q"), scale), "Float64Array"); });
}

// The fields every per-channel result shares (symmetric and affine).
template <typename PerChannel>
val per_channel_fields(const PerChannel& t) {
  val o = val::object();
  o.set("scales", to_js(t.scales, "Float64Array"));
  o.set("rows", t.rows);
  o.set("cols", t.cols);
  o.set("bits", t.bits);
  o.set("qmax", t.qmax);
  o.set("zeroRows", t.zero_rows);
  return o;
}

val per_channel_quantize(val w, double rows, double cols, double bits) {
  return guarded([&] {
    const quantlab::SymmetricPerChannel t = quantlab::per_channel_quantize(
        from_js<double>(w, "w"), dimension(rows, "rows"), dimension(cols, "cols"), quantlab::bits_from_number(bits));
    val o = per_channel_fields(t);
    o.set("q", signed_q_to_js(t.q, t.bits));
    return o;
  });
}

val per_channel_dequantize(val q, val scales, double rows, double cols) {
  return guarded([&] {
    return to_js(quantlab::per_channel_dequantize(from_js<std::int32_t>(q, "q"), from_js<double>(scales, "scales"),
                                                  dimension(rows, "rows"), dimension(cols, "cols")),
                 "Float64Array");
  });
}

val affine_quantize(val x, double bits) {
  return guarded([&] {
    const quantlab::AffineTensor t = quantlab::affine_quantize(from_js<double>(x, "x"), quantlab::bits_from_number(bits));
    val o = val::object();
    o.set("q", unsigned_q_to_js(t.q, t.bits));
    o.set("scale", t.scale);
    o.set("zeroPoint", t.zero_point);
    o.set("bits", t.bits);
    o.set("qmax", t.qmax);
    o.set("allZero", t.all_zero());
    return o;
  });
}

val affine_dequantize(val q, double scale, double zero_point) {
  return guarded([&] {
    quantlab::check_zero_point(zero_point, "zeroPoint");
    const auto zp = static_cast<std::int32_t>(zero_point);
    return to_js(quantlab::affine_dequantize(from_js<std::int32_t>(q, "q"), scale, zp), "Float64Array");
  });
}

val affine_per_channel_quantize(val w, double rows, double cols, double bits) {
  return guarded([&] {
    const quantlab::AffinePerChannel t = quantlab::affine_per_channel_quantize(
        from_js<double>(w, "w"), dimension(rows, "rows"), dimension(cols, "cols"), quantlab::bits_from_number(bits));
    val o = per_channel_fields(t);
    o.set("q", unsigned_q_to_js(t.q, t.bits));
    o.set("zeroPoints", to_js(t.zero_points, "Int32Array"));
    return o;
  });
}

val affine_per_channel_dequantize(val q, val scales, val zero_points, double rows, double cols) {
  return guarded([&] {
    return to_js(quantlab::affine_per_channel_dequantize(from_js<std::int32_t>(q, "q"), from_js<double>(scales, "scales"),
                                                         from_js<std::int32_t>(zero_points, "zeroPoints"), dimension(rows, "rows"),
                                                         dimension(cols, "cols")),
                 "Float64Array");
  });
}

val error_stats(val x, val recovered) {
  return guarded([&] { return stats_to_js(quantlab::error_stats(from_js<double>(x, "x"), from_js<double>(recovered, "recovered"))); });
}

val per_channel_error_stats(val x, val recovered, double rows, double cols) {
  return guarded([&] {
    const auto stats = quantlab::per_channel_error_stats(from_js<double>(x, "x"), from_js<double>(recovered, "recovered"),
                                                         dimension(rows, "rows"), dimension(cols, "cols"));
    val out = val::array();
    for (const auto& s : stats) out.call<void>("push", stats_to_js(s));
    return out;
  });
}

val quantization_mse(val x, double bits) {
  return guarded([&] { return val(quantlab::quantization_mse(from_js<double>(x, "x"), quantlab::bits_from_number(bits))); });
}

val error_vs_bits(val x, double min_bits, double max_bits) {
  return guarded([&] {
    const auto sweep = quantlab::error_vs_bits(from_js<double>(x, "x"), quantlab::bits_from_number(min_bits),
                                               quantlab::bits_from_number(max_bits));
    val out = val::array();
    for (const auto& p : sweep) {
      val o = stats_to_js(p.stats);
      o.set("bits", p.bits);
      o.set("scale", p.scale);
      out.call<void>("push", o);
    }
    return out;
  });
}

// Bytes malloc has handed out and not taken back: what create/delete loops must return to.
double allocated_bytes() { return static_cast<double>(mallinfo().uordblks); }

val nf4_codebook() {
  const auto& c = quantlab::nf4_codebook();
  return to_js(std::vector<float>(c.begin(), c.end()), "Float32Array");
}

}  // namespace

EMSCRIPTEN_BINDINGS(quantize) {
  using emscripten::function;
  function("randn", &random_normal);
  function("nf4Codebook", &nf4_codebook);
  function("rand", &random_uniform);
  function("symmetricQuantize", &symmetric_quantize);
  function("symmetricDequantize", &symmetric_dequantize);
  function("symmetricDequantizeF64", &symmetric_dequantize_f64);
  function("perChannelQuantize", &per_channel_quantize);
  function("perChannelDequantize", &per_channel_dequantize);
  function("affineQuantize", &affine_quantize);
  function("affineDequantize", &affine_dequantize);
  function("affinePerChannelQuantize", &affine_per_channel_quantize);
  function("affinePerChannelDequantize", &affine_per_channel_dequantize);
  function("errorStats", &error_stats);
  function("perChannelErrorStats", &per_channel_error_stats);
  function("quantizationMse", &quantization_mse);
  function("errorVsBits", &error_vs_bits);
  function("allocatedBytes", &allocated_bytes);
}
