// Embind bindings of quantization-aware training (qat.hpp): a QatTrainerHandle owns a QatTrainer (its copy of the
// training set, the fp32 masters, the fake quantizer); run(steps) trains and reports, quantizedModel() is the
// network the forward pass trains, masterModel() the fp32 masters.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>
#include <string>

#include "dataset_handle.hpp"
#include "js_interop.hpp"
#include "model_handle.hpp"
#include "trainer_interop.hpp"
#include "quantlab/bench.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/numpy_random.hpp"
#include "quantlab/qat.hpp"

namespace {

using namespace quantlab::js;
using quantlab::Granularity;

Granularity qat_granularity(const std::string& kind, double size) {
  if (kind == "tensor") return Granularity::per_tensor();
  if (kind == "channel") return Granularity::per_channel();
  if (kind == "group") return Granularity::groups(quantlab::count_from_number(size, "groupSize", 1, 65536));
  throw quantlab::Error("groupSize must be 'tensor', 'channel' or a whole number >= 1, got '" + kind + "'");
}

class QatTrainerHandle {
 public:
  explicit QatTrainerHandle(std::shared_ptr<quantlab::QatTrainer> t) : qat_(std::move(t)) {}

  val info() const {
    const quantlab::Trainer& t = qat_->trainer();
    const quantlab::WeightFakeQuant& fq = qat_->fake_quant();
    const Granularity g = fq.options().granularity;
    val o = trainer_info(t);
    o.set("bits", fq.options().bits);
    o.set("groupKind", std::string(g.kind == Granularity::Kind::kTensor ? "tensor"
                                   : g.kind == Granularity::Kind::kChannel ? "channel" : "group"));
    o.set("group", g.group);
    o.set("scale", std::string(quantlab::qat_scale_name(fq.options().scale)));
    o.set("mask", fq.options().mask);
    o.set("clippedWeights", fq.clipped_weights());
    o.set("weightCount", fq.weight_count());
    return o;
  }

  // `steps` training steps; the mean loss and the accuracy (of the fake-quantized network) over their examples.
  val run(double steps) {
    return guarded([&] { return run_steps(qat_->trainer(), steps, [this] { return info(); }); });
  }

  val quantized_model() const {
    return guarded([&] { return val(ModelHandle(qat_->quantized_model())); });
  }

  val master_model() const {
    return guarded([&] { return val(ModelHandle(qat_->master_model())); });
  }

  // The quantization of one layer's current masters: {q: Int8Array, scales: Float64Array, rows, cols, bits, qmax}.
  val layer_quantization(double layer) const {
    return guarded([&] {
      const quantlab::WeightFakeQuant& fq = qat_->fake_quant();
      const std::size_t l = quantlab::count_from_number(layer, "layer", 0, 1e6);
      if (l >= fq.layers()) {
        throw quantlab::Error("layer " + std::to_string(l) + " does not exist: this model has " +
                              std::to_string(fq.layers()) + " layers (numbered from 0)");
      }
      const quantlab::GroupQuantized t = fq.quantize_layer(l, qat_->trainer().params().weight[l]);
      std::vector<std::int8_t> q(t.q.begin(), t.q.end());
      val o = val::object();
      o.set("q", val(typed_memory_view(q.size(), q.data())).call<val>("slice"));
      o.set("scales", val(typed_memory_view(t.scales.size(), t.scales.data())).call<val>("slice"));
      o.set("rows", t.rows);
      o.set("cols", t.cols);
      o.set("bits", t.bits);
      o.set("qmax", t.qmax);
      return o;
    });
  }

 private:
  std::shared_ptr<quantlab::QatTrainer> qat_;  // shared: Embind copies handles, never the trainer
};

val create_qat_trainer(const DatasetHandle& data, const ModelHandle& initial, double seed, double batch_size,
                       std::string optimizer, double learning_rate, double momentum, std::string kernels, double bits,
                       std::string group_kind, double group, std::string scale, bool mask) {
  return guarded([&] {
    const quantlab::TrainOptions o = train_options(seed, batch_size, optimizer, learning_rate, momentum);
    quantlab::QatOptions q;
    q.bits = quantlab::low_bits_from_number(bits);
    q.granularity = qat_granularity(group_kind, group);
    q.scale = quantlab::qat_scale_from_name(scale);
    q.mask = mask;
    auto t = std::make_shared<quantlab::QatTrainer>(data.data(), initial.model(), o, q,
                                                    quantlab::kernels::kernels_named(kernels));
    return val(QatTrainerHandle(std::move(t)));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(qat) {
  emscripten::class_<QatTrainerHandle>("QatTrainerHandle")
      .function("info", &QatTrainerHandle::info)
      .function("run", &QatTrainerHandle::run)
      .function("quantizedModel", &QatTrainerHandle::quantized_model)
      .function("masterModel", &QatTrainerHandle::master_model)
      .function("layerQuantization", &QatTrainerHandle::layer_quantization);
  emscripten::function("createQatTrainer", &create_qat_trainer);
}
