// Seed inputs of the model-loader fuzzers: small valid model files of every kind the format allows (fp32, int8
// per tensor and per channel; version 2: 2-4-bit, NF4, mixed layers, AWQ's input scales; one to three layers,
// sizes around the kernels' tiles), written by the core itself;
// and the findings so far (crafted_seeds), which a random mutator does not reach by itself: a file whose declared
// sizes wrap in 32 bits must also hold exactly the bytes the wrapped sizes leave (262 KB of biases).
#pragma once

#include <cstdint>
#include <vector>

#include "../cpp/model_files.hpp"
#include "quantlab/lowbit_model.hpp"
#include "quantlab/model.hpp"
#include "quantlab/numpy_random.hpp"

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
    // Format version 2 (issue 13): 4-bit per channel, 3-bit in groups of 8, NF4 in blocks of 5, and mixed layers.
    const std::size_t n = sizes.size() - 1;
    const auto scheme = [](int bits, Granularity g) {
      LayerScheme s;
      s.bits = bits;
      s.granularity = g;
      return s;
    };
    LayerScheme nf4;
    nf4.method = LayerScheme::Method::kNf4;
    nf4.block = 5;
    std::vector<LayerScheme> mixed;
    for (std::size_t i = 0; i < n; ++i)
      mixed.push_back(i % 3 == 0 ? scheme(2, Granularity::per_tensor()) : i % 3 == 1 ? scheme(8, Granularity::per_channel()) : nf4);
    for (const auto& schemes : {std::vector<LayerScheme>(n, scheme(4, Granularity::per_channel())),
                                std::vector<LayerScheme>(n, scheme(3, Granularity::groups(8))), std::vector<LayerScheme>(n, nf4), mixed}) {
      seeds.push_back(quantize_weights(f, schemes).serialize());
    }
  }
  // AWQ: layers with input scales.
  const Mlp f = Mlp::create({9, 17, 8}, 99);
  const std::vector<double> x = NumpyRandom(5).rand(32 * 9);
  const std::vector<float> xf(x.begin(), x.end());
  LayerScheme s4;
  CalibratedOptions awq;
  awq.method = CalibratedOptions::Method::kAwq;
  awq.alphas = {0.5};
  CalibratedQuantizer q(f, xf.data(), 32, {s4, s4}, awq);
  while (q.step()) {
  }
  seeds.push_back(q.result().serialize());
  return seeds;
}

// Issue 10's files: one layer declaring 65536 x 65536 (or 65536 x 16384, 32768 x 32768) weights with no weight
// bytes, only the biases. In 32-bit WebAssembly in x out (x 4) wrapped to 0 and packing wrote from address 0.
// Found by libFuzzer (2026-11-29): a valid version-2 file (its CRC fixed by the target) holding a layer in a form
// serialize() writes differently (group 8 for a layer of one output, written as group 0); the fuzz target took the
// canonical form for a broken round trip.
inline std::vector<std::uint8_t> v2_written_as_v1_seed() {
  return {
      0x51, 0x4c, 0x41, 0x42, 0x4d, 0x4f, 0x44, 0x4c, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x10, 0x00,
      0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc2, 0x28, 0x7f, 0x3e, 0x77, 0x10, 0x3c, 0x1c, 0x00, 0x00,
      0x7c, 0xfd, 0x38, 0x43, 0x54, 0x13, 0x11, 0x3f, 0x11, 0x54, 0xcd, 0xf4, 0x1c, 0x40, 0x1d, 0x43, 0xdc, 0x04,
      0x51, 0x4c, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x7f, 0xac, 0x8b, 0xbd, 0x82, 0xe1, 0x1e, 0x3e, 0x13, 0x3b,
      0x61, 0xbe, 0xb3, 0xd9, 0xcd, 0xbc, 0xe3, 0x57, 0x20, 0x3e, 0x7f, 0x6b, 0xf1, 0xbd, 0xe8, 0x7e, 0x5f, 0xbe,
      0x77, 0x0a, 0x04, 0xbe, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00,
      0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x44, 0x67, 0x17, 0x3b,
      0x81, 0x5e, 0x9b, 0xa3, 0x60, 0x5f, 0x00, 0x00, 0x61, 0x30, 0x00, 0x01, 0x10, 0x51, 0xd5, 0xe9};
}

inline std::vector<std::vector<std::uint8_t>> crafted_seeds() {
  return {test::crafted_file(65536, 65536), test::crafted_file(65536, 16384), test::crafted_file(32768, 32768),
          test::crafted_file(65536, 65536, 1), v2_written_as_v1_seed()};
}

}  // namespace quantlab::fuzz
