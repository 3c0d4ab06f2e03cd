// Embind bindings of the low-bit core (lowbit.hpp, gptq.hpp, awq.hpp): group-wise quantization, the int4 byte
// format, NF4, byte costs, the layer Hessian, GPTQ (a handle stepped from JavaScript, so that the facade can
// report progress) and AWQ. Errors come back as JS Error objects (js_interop.hpp).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "js_interop.hpp"
#include "quantlab/awq.hpp"
#include "quantlab/bench.hpp"
#include "quantlab/bench_lowbit.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/gptq.hpp"
#include "quantlab/lowbit.hpp"

namespace {

using namespace quantlab::js;
using quantlab::Granularity;

std::size_t dimension(double value, const char* what) { return quantlab::count_from_number(value, what, 1, kMaxElements); }

// Inputs of a layer for the Hessian, GPTQ and AWQ: H and the matrices derived from it take cols x cols doubles
// each (32 MiB at 2048), and WebAssembly memory ends at 2 GiB: a wider layer gets a message, not an abort.
constexpr double kMaxLayerInputs = 2048;

// kind: "tensor", "channel" or "group" (then size: a whole number >= 1).
Granularity granularity(const std::string& kind, double size) {
  if (kind == "tensor") return Granularity::per_tensor();
  if (kind == "channel") return Granularity::per_channel();
  if (kind == "group") return Granularity::groups(quantlab::count_from_number(size, "groupSize", 1, kMaxElements));
  throw quantlab::Error("groupSize must be 'tensor', 'channel' or a whole number of weights, got '" + kind + "'");
}

std::string granularity_name(const Granularity& g) {
  return g.kind == Granularity::Kind::kTensor ? "tensor" : g.kind == Granularity::Kind::kChannel ? "channel" : "group";
}

val group_fields(const quantlab::GroupQuantized& t) {
  val o = val::object();
  o.set("q", narrow_to_js<std::int8_t>(t.q, "Int8Array"));
  o.set("scales", to_js(t.scales, "Float64Array"));
  o.set("rows", t.rows);
  o.set("cols", t.cols);
  o.set("bits", t.bits);
  o.set("qmax", t.qmax);
  o.set("groupKind", granularity_name(t.granularity));
  o.set("group", t.granularity.group);
  o.set("groupLength", t.granularity.kind == Granularity::Kind::kTensor ? t.rows * t.cols : t.granularity.length(t.cols));
  o.set("zeroGroups", t.zero_groups);
  return o;
}

// A matrix given from JS: data length checked against rows x cols.
std::vector<double> matrix(const val& data, double rows, double cols, const char* what) {
  std::vector<double> m = from_js<double>(data);
  quantlab::check_matrix_shape(m.size(), dimension(rows, "rows"), dimension(cols, "cols"), what);
  return m;
}

// Calibration inputs: a whole number of rows of `cols` values.
std::vector<float> inputs(const val& data, std::size_t cols) {
  std::vector<float> x = from_js<float>(data);
  if (x.empty() || x.size() % cols != 0) {
    throw quantlab::Error("inputs has " + std::to_string(x.size()) + " values: give " + std::to_string(cols) +
                          " per calibration example (a multiple of " + std::to_string(cols) + ")");
  }
  return x;
}

val group_quantize(val w, double rows, double cols, double bits, std::string kind, double size) {
  return guarded([&] {
    const auto m = matrix(w, rows, cols, "weights");
    return group_fields(quantlab::group_quantize(m, static_cast<std::size_t>(rows), static_cast<std::size_t>(cols),
                                                 quantlab::low_bits_from_number(bits), granularity(kind, size)));
  });
}

val group_dequantize(val q, val scales, double rows, double cols, std::string kind, double size) {
  return guarded([&] {
    return to_js(quantlab::group_dequantize(from_js<std::int32_t>(q), from_js<double>(scales), dimension(rows, "rows"),
                                            dimension(cols, "cols"), granularity(kind, size)),
                 "Float64Array");
  });
}

val pack_int4(val q) {
  return guarded([&] { return to_js(quantlab::pack_int4(from_js<std::int32_t>(q)), "Uint8Array"); });
}

val unpack_int4(val bytes, double count) {
  return guarded([&] {
    const auto values = quantlab::unpack_int4(from_js<std::uint8_t>(bytes), quantlab::count_from_number(count, "count", 0, kMaxElements));
    return narrow_to_js<std::int8_t>(values, "Int8Array");
  });
}

val nf4_quantize(val w, double rows, double cols, double block) {
  return guarded([&] {
    const auto m = matrix(w, rows, cols, "weights");
    const auto t = quantlab::nf4_quantize(m, static_cast<std::size_t>(rows), static_cast<std::size_t>(cols),
                                          quantlab::count_from_number(block, "blockSize", 1, kMaxElements));
    val o = val::object();
    o.set("codes", to_js(t.codes, "Uint8Array"));
    o.set("absmax", to_js(t.absmax, "Float64Array"));
    o.set("rows", t.rows);
    o.set("cols", t.cols);
    o.set("blockSize", t.block);
    o.set("blocksPerRow", t.blocks_per_row);
    return o;
  });
}

val nf4_dequantize(val codes, val absmax, double rows, double cols, double block) {
  return guarded([&] {
    return to_js(quantlab::nf4_dequantize(from_js<std::uint8_t>(codes), from_js<double>(absmax), dimension(rows, "rows"),
                                          dimension(cols, "cols"), quantlab::count_from_number(block, "blockSize", 1, kMaxElements)),
                 "Float64Array");
  });
}

val cost_to_js(const quantlab::ByteCost& c) {
  val o = val::object();
  o.set("weightBytes", c.weight_bytes);
  o.set("scaleBytes", c.scale_bytes);
  o.set("totalBytes", c.total_bytes);
  o.set("bitsPerWeight", c.bits_per_weight);
  return o;
}

val group_byte_cost(double rows, double cols, double bits, std::string kind, double size) {
  return guarded([&] {
    return cost_to_js(quantlab::group_byte_cost(dimension(rows, "rows"), dimension(cols, "cols"),
                                                quantlab::low_bits_from_number(bits), granularity(kind, size)));
  });
}

val nf4_byte_cost(double rows, double cols, double block) {
  return guarded([&] {
    return cost_to_js(quantlab::nf4_byte_cost(dimension(rows, "rows"), dimension(cols, "cols"),
                                              quantlab::count_from_number(block, "blockSize", 1, kMaxElements)));
  });
}

// H = 2 X^T X accumulated from JavaScript in chunks (the facade reports progress between them).
class HessianHandle {
 public:
  explicit HessianHandle(std::size_t cols) : acc_(cols) {}
  val add(val x) {
    return guarded([&] {
      const auto in = inputs(x, acc_.cols());
      acc_.add(in.data(), in.size() / acc_.cols());
      return val::undefined();
    });
  }
  double samples() const { return static_cast<double>(acc_.samples()); }
  val hessian() const {
    return guarded([&] { return to_js(acc_.hessian(), "Float64Array"); });
  }

 private:
  quantlab::HessianAccumulator acc_;
};

val create_hessian(double cols) {
  return guarded([&] {
    const std::size_t c = quantlab::count_from_number(cols, "cols", 1, kMaxLayerInputs);
    return val(HessianHandle(c));
  });
}

std::vector<double> hessian_of(const val& h, std::size_t cols) {
  std::vector<double> m = from_js<double>(h);
  quantlab::check_hessian_size(m.size(), cols);
  return m;
}

val inverse_cholesky(val h, double cols, double damp) {
  return guarded([&] {
    const std::size_t c = quantlab::count_from_number(cols, "cols", 1, kMaxLayerInputs);
    const auto r = quantlab::inverse_cholesky(hessian_of(h, c), c, damp);
    val o = val::object();
    o.set("factor", to_js(r.factor, "Float64Array"));
    o.set("dead", to_js(std::vector<std::uint8_t>(r.dead.begin(), r.dead.end()), "Uint8Array"));
    o.set("deadInputs", r.dead_inputs);
    o.set("damping", r.damping);
    return o;
  });
}

class GptqHandle {
 public:
  explicit GptqHandle(std::shared_ptr<quantlab::Gptq> g) : gptq_(std::move(g)) {}
  val step() {
    return guarded([&] { return val(gptq_->step()); });
  }
  double steps_done() const { return static_cast<double>(gptq_->steps_done()); }
  double steps_total() const { return static_cast<double>(gptq_->steps_total()); }
  val result() const {
    return guarded([&] {
      const quantlab::GptqResult r = gptq_->result();
      val o = group_fields(r.quantized);
      o.set("dequantized", to_js(r.dequantized, "Float64Array"));
      o.set("deadInputs", r.dead_inputs);
      o.set("damping", r.damping);
      o.set("blockSize", gptq_->block_size());
      return o;
    });
  }

 private:
  std::shared_ptr<quantlab::Gptq> gptq_;  // shared: Embind copies the handle into JavaScript
};

val create_gptq(val w, double rows, double cols, val h, double bits, std::string kind, double size, double damp,
                double block) {
  return guarded([&] {
    const auto m = matrix(w, rows, cols, "weights");
    const std::size_t c = quantlab::count_from_number(cols, "cols", 1, kMaxLayerInputs);
    quantlab::GptqOptions o;
    o.bits = quantlab::low_bits_from_number(bits);
    o.granularity = granularity(kind, size);
    o.damp = damp;
    o.block_size = quantlab::count_from_number(block, "blockSize", 1, 8192);
    return val(GptqHandle(std::make_shared<quantlab::Gptq>(m, static_cast<std::size_t>(rows), c, hessian_of(h, c), o)));
  });
}

class AwqHandle {
 public:
  explicit AwqHandle(std::shared_ptr<quantlab::Awq> a) : awq_(std::move(a)) {}
  val step() {
    return guarded([&] { return val(awq_->step()); });
  }
  double steps_done() const { return static_cast<double>(awq_->steps_done()); }
  double steps_total() const { return static_cast<double>(awq_->steps_total()); }
  val result() const {
    return guarded([&] {
      const quantlab::AwqResult& r = awq_->result();
      val out = group_fields(r.quantized);
      out.set("alpha", r.alpha);
      out.set("inputScales", to_js(r.input_scales, "Float64Array"));
      out.set("dequantized", to_js(r.dequantized, "Float64Array"));
      out.set("alphas", to_js(r.alphas, "Float64Array"));
      out.set("errors", to_js(r.errors, "Float64Array"));
      return out;
    });
  }

 private:
  std::shared_ptr<quantlab::Awq> awq_;  // shared: Embind copies the handle into JavaScript
};

val create_awq(val w, double rows, double cols, val x, double bits, std::string kind, double size, val alphas, val h) {
  return guarded([&] {
    const auto m = matrix(w, rows, cols, "weights");
    const std::size_t c = quantlab::count_from_number(cols, "cols", 1, kMaxLayerInputs);
    const auto in = inputs(x, c);
    quantlab::AwqOptions o;
    o.bits = quantlab::low_bits_from_number(bits);
    o.granularity = granularity(kind, size);
    o.alphas = from_js<double>(alphas);
    const std::vector<double> hess = h.isNull() || h.isUndefined() ? std::vector<double>() : hessian_of(h, c);
    return val(AwqHandle(std::make_shared<quantlab::Awq>(m, static_cast<std::size_t>(rows), c, in.data(), in.size() / c, o, hess)));
  });
}

val reconstruction_error(val w, val w_hat, double rows, double cols, val x) {
  return guarded([&] {
    const auto m = matrix(w, rows, cols, "weights");
    const std::size_t c = static_cast<std::size_t>(cols);
    const auto in = inputs(x, c);
    return val(quantlab::reconstruction_error(m, from_js<double>(w_hat), static_cast<std::size_t>(rows), c, in.data(),
                                              in.size() / c));
  });
}

val reconstruction_error_hessian(val w, val w_hat, double rows, double cols, val h) {
  return guarded([&] {
    const auto m = matrix(w, rows, cols, "weights");
    const std::size_t c = static_cast<std::size_t>(cols);
    quantlab::count_from_number(cols, "cols", 1, kMaxLayerInputs);
    return val(quantlab::reconstruction_error_hessian(m, from_js<double>(w_hat), static_cast<std::size_t>(rows), c,
                                                      hessian_of(h, c)));
  });
}

// Benchmark loops (bench_lowbit.hpp), for tests/bench/lowbit-bench.mjs: elapsed microseconds.
val time_simplenet(std::string weights, double group, double batch, std::string kernels, double iterations) {
  return guarded([&] {
    return val(quantlab::bench::time_simplenet_us(weights, quantlab::count_from_number(group, "group", 0, 1 << 20),
                                                   quantlab::count_from_number(batch, "batch", 1, 100000),
                                                   quantlab::kernels::kernels_named(kernels),
                                                   quantlab::count_from_number(iterations, "iterations", 1, 1e9)));
  });
}

val time_layer_kernel(std::string weights, double layer, double group, double batch, std::string kernels,
                      double iterations) {
  return guarded([&] {
    return val(quantlab::bench::time_layer_kernel_us(
        weights, static_cast<int>(quantlab::count_from_number(layer, "layer", 1, 2)),
        quantlab::count_from_number(group, "group", 0, 1 << 20), quantlab::count_from_number(batch, "batch", 1, 100000),
        quantlab::kernels::kernels_named(kernels), quantlab::count_from_number(iterations, "iterations", 1, 1e9)));
  });
}

val time_gptq(double layer, double samples, double group, std::string kernels) {
  return guarded([&] {
    const auto t = quantlab::bench::time_gptq_ms(static_cast<int>(quantlab::count_from_number(layer, "layer", 1, 2)),
                                                 quantlab::count_from_number(samples, "samples", 1, 100000),
                                                 quantlab::count_from_number(group, "group", 0, 1 << 20),
                                                 quantlab::kernels::kernels_named(kernels));
    val o = val::object();
    o.set("hessianMs", t.hessian_ms);
    o.set("factorMs", t.factor_ms);
    o.set("columnsMs", t.columns_ms);
    return o;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(lowbit) {
  using emscripten::function;
  emscripten::class_<HessianHandle>("HessianHandle")
      .function("add", &HessianHandle::add)
      .function("samples", &HessianHandle::samples)
      .function("hessian", &HessianHandle::hessian);
  emscripten::class_<AwqHandle>("AwqHandle")
      .function("step", &AwqHandle::step)
      .function("stepsDone", &AwqHandle::steps_done)
      .function("stepsTotal", &AwqHandle::steps_total)
      .function("result", &AwqHandle::result);
  emscripten::class_<GptqHandle>("GptqHandle")
      .function("step", &GptqHandle::step)
      .function("stepsDone", &GptqHandle::steps_done)
      .function("stepsTotal", &GptqHandle::steps_total)
      .function("result", &GptqHandle::result);
  function("groupQuantize", &group_quantize);
  function("groupDequantize", &group_dequantize);
  function("packInt4", &pack_int4);
  function("unpackInt4", &unpack_int4);
  // nf4Codebook is bound with the quantization core (quantize_bindings.cpp): exercise 7's page draws its levels
  // with the smallest module.
  function("nf4Quantize", &nf4_quantize);
  function("nf4Dequantize", &nf4_dequantize);
  function("groupByteCost", &group_byte_cost);
  function("nf4ByteCost", &nf4_byte_cost);
  function("createHessian", &create_hessian);
  function("inverseCholesky", &inverse_cholesky);
  function("createGptq", &create_gptq);
  function("createAwq", &create_awq);
  function("reconstructionError", &reconstruction_error);
  function("reconstructionErrorHessian", &reconstruction_error_hessian);
  function("timeLowBitSimpleNet", &time_simplenet);
  function("timeLowBitLayerKernel", &time_layer_kernel);
  function("timeGptq", &time_gptq);
}
