// Seed inputs of the model-loader fuzzers: small valid model files of every kind the format allows (fp32, int8
// per tensor and per channel, one to three layers, sizes around the kernels' tiles), written by the core itself.
#pragma once

#include <cstdint>
#include <vector>

#include "quantlab/model.hpp"

namespace quantlab::fuzz {

inline std::vector<std::vector<std::uint8_t>> model_seeds() {
  const std::vector<std::vector<std::size_t>> shapes = {{1, 1}, {3, 2}, {5, 4, 3}, {9, 17, 8}, {16, 8, 1}, {2, 33}};
  std::vector<std::vector<std::uint8_t>> seeds;
  std::uint32_t seed = 1;
  for (const auto& sizes : shapes) {
    const Mlp f = Mlp::create(sizes, seed++);
    seeds.push_back(f.serialize());
    seeds.push_back(f.quantize_dynamic(false).serialize());
    seeds.push_back(f.quantize_dynamic(true).serialize());
  }
  return seeds;
}

}  // namespace quantlab::fuzz
