// Embind bindings of the trainer (train.hpp): a TrainerHandle owns a Trainer (and its copy of the training
// set); run(steps) trains and reports, model() returns the current weights as a new fp32 model.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>
#include <string>

#include "dataset_handle.hpp"
#include "js_interop.hpp"
#include "model_handle.hpp"
#include "quantlab/bench.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/numpy_random.hpp"
#include "quantlab/train.hpp"

namespace {

using namespace quantlab::js;

class TrainerHandle {
 public:
  explicit TrainerHandle(std::shared_ptr<quantlab::Trainer> t) : trainer_(std::move(t)) {}

  val info() const {
    const quantlab::Trainer& t = *trainer_;
    val o = val::object();
    o.set("examples", t.examples());
    o.set("stepsPerEpoch", t.steps_per_epoch());
    o.set("epoch", t.epochs_done());
    o.set("stepInEpoch", t.step_in_epoch());
    o.set("stepsDone", t.steps_done());
    o.set("batchSize", t.options().batch_size);
    o.set("optimizer", std::string(quantlab::optimizer_name(t.options().optimizer)));
    o.set("learningRate", t.options().learning_rate);
    o.set("seed", t.options().seed);
    return o;
  }

  // `steps` training steps; the mean loss and the accuracy over the examples they saw.
  val run(double steps) {
    return guarded([&] {
      const quantlab::StepStats s = trainer_->run(quantlab::count_from_number(steps, "steps", 1, 1e7));
      val o = info();
      o.set("steps", s.steps);
      o.set("examplesSeen", s.examples);
      o.set("loss", s.mean_loss());
      o.set("accuracy", s.accuracy());
      return o;
    });
  }

  val model() const {
    return guarded([&] { return val(ModelHandle(trainer_->model())); });
  }

 private:
  std::shared_ptr<quantlab::Trainer> trainer_;  // shared: Embind copies handles, never the trainer
};

val create_trainer(const DatasetHandle& data, const ModelHandle& initial, double seed, double batch_size,
                   std::string optimizer, double learning_rate, double momentum, std::string kernels) {
  return guarded([&] {
    quantlab::TrainOptions o;
    o.seed = quantlab::seed_from_number(seed);
    o.batch_size = quantlab::count_from_number(batch_size, "batchSize", 1, 65536);
    o.optimizer = quantlab::optimizer_from_name(optimizer);
    o.learning_rate = learning_rate;
    o.momentum = momentum;
    auto t = std::make_shared<quantlab::Trainer>(data.data(), initial.model(), o, quantlab::kernels::kernels_named(kernels));
    return val(TrainerHandle(std::move(t)));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(train) {
  emscripten::class_<TrainerHandle>("TrainerHandle")
      .function("info", &TrainerHandle::info)
      .function("run", &TrainerHandle::run)
      .function("model", &TrainerHandle::model);
  emscripten::function("createTrainer", &create_trainer);
}
