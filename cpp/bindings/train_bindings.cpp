// Embind bindings of the trainer (train.hpp): a TrainerHandle owns a Trainer (and its copy of the training
// set); run(steps) trains and reports, model() returns the current weights as a new fp32 model.
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
#include "quantlab/train.hpp"

namespace {

using namespace quantlab::js;

class TrainerHandle {
 public:
  explicit TrainerHandle(std::shared_ptr<quantlab::Trainer> t) : trainer_(std::move(t)) {}

  val info() const { return trainer_info(*trainer_); }

  // `steps` training steps; the mean loss and the accuracy over the examples they saw.
  val run(double steps) {
    return guarded([&] { return run_steps(*trainer_, steps, [this] { return info(); }); });
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
    const quantlab::TrainOptions o = train_options(seed, batch_size, optimizer, learning_rate, momentum);
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
