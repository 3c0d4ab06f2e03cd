// A learnable toy problem shared by the trainer's and QAT's tests: 4 x 4 images of `classes` classes (at most 16),
// each class a bright row and column at its own place, plus uniform noise from NumPy's generator.
#pragma once

#include <algorithm>
#include <cstdint>

#include "quantlab/dataset.hpp"
#include "quantlab/numpy_random.hpp"

namespace quantlab::test {

inline Dataset toy_dataset(std::size_t count, std::size_t classes, std::uint32_t seed) {
  NumpyRandom rng(seed);
  Dataset d;
  d.count = count;
  d.rows = d.cols = 4;
  d.pixels.resize(count * 16);
  d.labels.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto label = static_cast<std::size_t>(rng.rand() * static_cast<double>(classes));
    d.labels[i] = static_cast<std::uint8_t>(label);
    for (std::size_t p = 0; p < 16; ++p) {
      const bool lit = p / 4 == label % 4 || p % 4 == label / 4 % 4;
      d.pixels[i * 16 + p] = static_cast<std::uint8_t>(std::min(255.0, (lit ? 150.0 : 20.0) + rng.rand() * 100.0));
    }
  }
  return d;
}

}  // namespace quantlab::test
