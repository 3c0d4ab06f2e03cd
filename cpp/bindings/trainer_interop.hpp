// What the trainer's and the QAT trainer's bindings share (train_bindings.cpp, qat_bindings.cpp): the training
// options from JavaScript's numbers and names, a Trainer's state as a JS object, and run(steps)'s report.
#pragma once

#include <emscripten/val.h>

#include <string>

#include "js_interop.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/numpy_random.hpp"
#include "quantlab/train.hpp"

namespace quantlab::js {

inline TrainOptions train_options(double seed, double batch_size, const std::string& optimizer, double learning_rate,
                                  double momentum) {
  TrainOptions o;
  o.seed = seed_from_number(seed);
  o.batch_size = count_from_number(batch_size, "batchSize", 1, 65536);
  o.optimizer = optimizer_from_name(optimizer);
  o.learning_rate = learning_rate;
  o.momentum = momentum;
  return o;
}

// {examples, stepsPerEpoch, epoch, stepInEpoch, stepsDone, batchSize, optimizer, learningRate, seed}.
inline emscripten::val trainer_info(const Trainer& t) {
  emscripten::val o = emscripten::val::object();
  o.set("examples", t.examples());
  o.set("stepsPerEpoch", t.steps_per_epoch());
  o.set("epoch", t.epochs_done());
  o.set("stepInEpoch", t.step_in_epoch());
  o.set("stepsDone", t.steps_done());
  o.set("batchSize", t.options().batch_size);
  o.set("optimizer", std::string(optimizer_name(t.options().optimizer)));
  o.set("learningRate", t.options().learning_rate);
  o.set("seed", t.options().seed);
  return o;
}

// Runs `steps` steps of `t`, then returns info() (the state after them) with {steps, examplesSeen, loss, accuracy}
// (over the examples they saw) added.
template <typename Info>
emscripten::val run_steps(Trainer& t, double steps, const Info& info) {
  const StepStats s = t.run(count_from_number(steps, "steps", 1, 1e7));
  emscripten::val o = info();
  o.set("steps", s.steps);
  o.set("examplesSeen", s.examples);
  o.set("loss", s.mean_loss());
  o.set("accuracy", s.accuracy());
  return o;
}

}  // namespace quantlab::js
