// Seed inputs of the model-loader fuzzers: small valid model files of every kind the format allows (fp32, int8
// per tensor and per channel, one to three layers, sizes around the kernels' tiles), written by the core itself;
// and the findings so far (crafted_seeds), which a random mutator does not reach by itself: a file whose declared
// sizes wrap in 32 bits must also hold exactly the bytes the wrapped sizes leave (262 KB of biases).
#pragma once

#include <cstdint>
#include <vector>

#include "../cpp/model_files.hpp"
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

// Issue 10's files: one layer declaring 65536 x 65536 (or 65536 x 16384, 32768 x 32768) weights with no weight
// bytes, only the biases. In 32-bit WebAssembly in x out (x 4) wrapped to 0 and packing wrote from address 0.
inline std::vector<std::vector<std::uint8_t>> crafted_seeds() {
  return {test::crafted_file(65536, 65536), test::crafted_file(65536, 16384), test::crafted_file(32768, 32768),
          test::crafted_file(65536, 65536, 1)};
}

}  // namespace quantlab::fuzz
