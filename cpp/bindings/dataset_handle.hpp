// The Embind handle of a dataset held in WebAssembly memory (dataset.hpp), shared by data_bindings.cpp (which
// registers it) and train_bindings.cpp. JavaScript must call delete() (web/quantlab/quantlab.js wraps it).
#pragma once

#include <emscripten/val.h>

#include <memory>
#include <utility>
#include <vector>

#include "js_interop.hpp"
#include "quantlab/dataset.hpp"
#include "quantlab/errors.hpp"

namespace quantlab::js {

class DatasetHandle {
 public:
  explicit DatasetHandle(quantlab::Dataset data) : data_(std::make_shared<const quantlab::Dataset>(std::move(data))) {}

  const quantlab::Dataset& data() const { return *data_; }

  val info() const {
    val o = val::object();
    o.set("count", data_->count);
    o.set("rows", data_->rows);
    o.set("cols", data_->cols);
    return o;
  }

  val labels() const { return to_js(data_->labels, "Uint8Array"); }

  // The pixels of examples first .. first + count - 1 (count x rows x cols bytes).
  val images(double first, double count) const {
    return guarded([&] {
      const std::size_t f = quantlab::count_from_number(first, "first", 0, static_cast<double>(data_->count));
      const std::size_t n = quantlab::count_from_number(count, "count", 0, static_cast<double>(data_->count - f));
      const std::size_t size = data_->image_size();
      return val::global("Uint8Array").new_(typed_memory_view(n * size, data_->pixels.data() + f * size));
    });
  }

  val slice(double first, double count) const {
    return guarded([&] {
      const std::size_t f = quantlab::count_from_number(first, "first", 0, static_cast<double>(data_->count));
      const std::size_t n = quantlab::count_from_number(count, "count", 1, static_cast<double>(data_->count - f));
      if (n == 0) throw quantlab::Error("a slice needs at least one example");
      return val(DatasetHandle(quantlab::slice_examples(*data_, f, n)));
    });
  }

 private:
  std::shared_ptr<const quantlab::Dataset> data_;  // shared: Embind copies handles, never the pixels
};

}  // namespace quantlab::js
