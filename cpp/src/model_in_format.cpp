// model_in_format.hpp: a model's weights stored in a number format and read back into a new fp32 model, built
// through Mlp's public API (layers(), from_layers).
#include "quantlab/model_in_format.hpp"

#include <cmath>
#include <string>
#include <utility>

#include "quantlab/errors.hpp"
#include "quantlab/quantize.hpp"

namespace quantlab {
namespace {

struct Stored {
  std::vector<double> values;
  std::vector<double> scales;
  std::size_t overflows = 0;
  std::size_t underflows_to_zero = 0;
};

void add_float(Stored& out, const fp::TensorInFormat& t) {
  out.values.insert(out.values.end(), t.values.begin(), t.values.end());
  out.scales.push_back(t.scale);
  out.overflows += t.overflows;
  out.underflows_to_zero += t.underflows_to_zero;
}

Stored store_float(const std::vector<double>& w, std::size_t rows, std::size_t cols, fp::Format format,
                   WeightScaling scaling) {
  Stored out;
  out.values.reserve(w.size());
  if (scaling == WeightScaling::kNone) {
    add_float(out, fp::to_format(w, format, 1.0, fp::Overflow::kSaturate));
  } else if (scaling == WeightScaling::kTensor) {
    add_float(out, fp::to_format_amax(w, format, fp::Overflow::kSaturate));
  } else {
    for (std::size_t r = 0; r < rows; ++r) {
      add_float(out, fp::to_format_amax(Span<double>(w.data() + r * cols, cols), format, fp::Overflow::kSaturate));
    }
  }
  return out;
}

Stored store_int8(const std::vector<double>& w, std::size_t rows, std::size_t cols, WeightScaling scaling) {
  Stored out;
  if (scaling == WeightScaling::kTensor) {
    const SymmetricTensor t = symmetric_quantize(w, 8);
    out.values = symmetric_dequantize_f64(t.q, t.scale);
    out.scales = {t.scale};
  } else {
    const SymmetricPerChannel t = per_channel_quantize(w, rows, cols, 8);
    out.values = per_channel_dequantize(t.q, t.scales, rows, cols);
    out.scales = t.scales;
  }
  for (std::size_t i = 0; i < w.size(); ++i)
    if (w[i] != 0.0 && out.values[i] == 0.0) ++out.underflows_to_zero;
  return out;
}

}  // namespace

ModelInFormat model_in_format(const Mlp& model, fp::Format format, WeightScaling scaling) {
  if (model.quantized()) throw Error("this model is already quantized: give its fp32 original");
  const bool is_int8 = format == fp::Format::kInt8;
  if (!is_int8 && !fp::format_info(format).is_float) {
    throw Error(std::string("weights can be stored in a float format or int8, not ") + fp::format_info(format).name);
  }
  if (is_int8 && scaling == WeightScaling::kNone) {
    throw Error("int8 weights need a scale: per tensor or per channel");
  }
  std::vector<LinearLayer> layers;
  std::vector<LayerInFormat> layer_results;
  std::vector<double> all_original;
  std::vector<float> all_stored;
  std::size_t overflows = 0, underflows = 0;
  for (const LinearLayer& l : model.layers()) {
    const std::vector<double> w(l.weight.begin(), l.weight.end());
    const Stored s = is_int8 ? store_int8(w, l.out, l.in, scaling) : store_float(w, l.out, l.in, format, scaling);
    LinearLayer next;
    next.in = l.in;
    next.out = l.out;
    next.bias = l.bias;
    next.weight.resize(w.size());
    // The model computes in float32: the stored value times its scale, rounded to the nearest float32 once. (Every
    // value a float format stores is a float32; with a scale of 1 nothing is rounded here.)
    for (std::size_t i = 0; i < w.size(); ++i) next.weight[i] = static_cast<float>(s.values[i]);
    LayerInFormat r;
    r.scales = s.scales;
    r.stats = error_stats(w, next.weight);
    r.overflows = s.overflows;
    r.underflows_to_zero = s.underflows_to_zero;
    overflows += s.overflows;
    underflows += s.underflows_to_zero;
    all_original.insert(all_original.end(), w.begin(), w.end());
    all_stored.insert(all_stored.end(), next.weight.begin(), next.weight.end());
    layer_results.push_back(std::move(r));
    layers.push_back(std::move(next));
  }
  ModelInFormat result{Mlp::from_layers(std::move(layers)), error_stats(all_original, all_stored), all_original.size(),
                       overflows, underflows, std::move(layer_results)};
  return result;
}

}  // namespace quantlab
