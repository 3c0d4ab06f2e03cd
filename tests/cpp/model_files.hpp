// Model files written by hand from docs/model-format.md, for the loader's tests: any header values, with or without
// the data they declare (a crafted file declares sizes its bytes do not back), signed with the right CRC-32.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "quantlab/model.hpp"

namespace quantlab::test {

struct FileLayer {
  std::uint32_t in = 2, out = 3;
  std::uint32_t type = 0;         // 0 fp32, 1 int8
  std::uint32_t scale_count = 0;  // int8: 1 or out
  bool weights = true;            // write the in x out weights (and an int8 layer's padding)
  bool bias = true;               // write the out biases
  float weight = 0.5f, scale = 0.01f, bias_value = 0.1f;
  std::int8_t qweight = 3;
};

inline void put_u32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

inline void put_f32(std::vector<std::uint8_t>& b, float f, std::uint64_t count) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, 4);
  for (std::uint64_t i = 0; i < count; ++i) put_u32(b, bits);
}

// Replaces the last 4 bytes by the CRC-32 of the bytes before them.
inline std::vector<std::uint8_t> with_crc(std::vector<std::uint8_t> b) {
  const std::uint32_t crc = model_crc32(b.data(), b.size() - 4);
  for (int i = 0; i < 4; ++i) b[b.size() - 4 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
  return b;
}

// A whole file: magic, version, layer count, the layers as described, and a valid checksum.
inline std::vector<std::uint8_t> model_file(const std::vector<FileLayer>& layers, std::uint32_t version = 1) {
  std::vector<std::uint8_t> b;
  for (char c : std::string("QLABMODL")) b.push_back(static_cast<std::uint8_t>(c));
  put_u32(b, version);
  put_u32(b, static_cast<std::uint32_t>(layers.size()));
  for (const FileLayer& l : layers) {
    put_u32(b, l.in);
    put_u32(b, l.out);
    put_u32(b, l.type);
    put_u32(b, l.scale_count);
    put_f32(b, l.scale, l.scale_count);
    const std::uint64_t n = std::uint64_t{l.in} * l.out;
    if (l.weights && l.type == 0) put_f32(b, l.weight, n);
    if (l.weights && l.type != 0) {
      b.insert(b.end(), static_cast<std::size_t>(n), static_cast<std::uint8_t>(l.qweight));
      b.insert(b.end(), static_cast<std::size_t>((4 - n % 4) % 4), 0);
    }
    if (l.bias) put_f32(b, l.bias_value, l.out);
  }
  put_u32(b, 0);
  return with_crc(b);
}

// The file of issue 10: one fp32 layer declaring in = out (65536 x 65536 weights) with no weight bytes, only its
// biases (262,180 bytes). In 32-bit WebAssembly in x out wrapped to 0 and packing wrote from address 0.
inline std::vector<std::uint8_t> crafted_file(std::uint32_t in, std::uint32_t out, std::uint32_t type = 0) {
  FileLayer l;
  l.in = in;
  l.out = out;
  l.type = type;
  l.scale_count = type == 0 ? 0 : 1;
  l.weights = false;
  return model_file({l});
}

// A version-2 layer (docs/model-format.md): every header field given, the values repeated; `code` fills every
// bits-wide field of the packed weights (low-bit and NF4 types).
struct FileLayerV2 {
  std::uint32_t in = 16, out = 2;
  std::uint32_t type = 2;  // 0 fp32, 1 int8, 2 low-bit, 3 NF4
  std::uint32_t bits = 4, group = 8;
  std::uint32_t scale_count = 4, input_scale_count = 0;
  bool weights = true, bias = true;
  float weight = 0.5f, scale = 0.01f, input_scale = 1.0f, bias_value = 0.1f;
  std::uint8_t code = 3;
  std::uint64_t weight_bytes() const {
    if (type == 0) return std::uint64_t{in} * out * 4;
    if (type == 1) return std::uint64_t{in} * out;
    return (std::uint64_t{in} * bits + 7) / 8 * out;
  }
};

inline std::vector<std::uint8_t> model_file_v2(const std::vector<FileLayerV2>& layers) {
  std::vector<std::uint8_t> b;
  for (char c : std::string("QLABMODL")) b.push_back(static_cast<std::uint8_t>(c));
  put_u32(b, 2);
  put_u32(b, static_cast<std::uint32_t>(layers.size()));
  for (const FileLayerV2& l : layers) {
    for (std::uint32_t v : {l.in, l.out, l.type, l.bits, l.group, l.scale_count, l.input_scale_count}) put_u32(b, v);
    put_f32(b, l.input_scale, l.input_scale_count);
    put_f32(b, l.scale, l.scale_count);
    if (l.weights) {
      if (l.type == 0) {
        put_f32(b, l.weight, std::uint64_t{l.in} * l.out);
      } else if (l.type == 1) {
        b.insert(b.end(), static_cast<std::size_t>(l.weight_bytes()), l.code);
      } else {
        const std::size_t row = (std::size_t{l.in} * l.bits + 7) / 8;
        for (std::uint32_t r = 0; r < l.out; ++r) {
          std::vector<std::uint8_t> bytes(row, 0);
          for (std::size_t c = 0; c < l.in; ++c) {
            const std::size_t bit = c * l.bits;
            const unsigned field = (l.code & ((1u << l.bits) - 1)) << (bit % 8);
            bytes[bit / 8] = static_cast<std::uint8_t>(bytes[bit / 8] | (field & 0xFF));
            if (field >> 8) bytes[bit / 8 + 1] = static_cast<std::uint8_t>(bytes[bit / 8 + 1] | (field >> 8));
          }
          b.insert(b.end(), bytes.begin(), bytes.end());
        }
      }
      if (l.type != 0) b.insert(b.end(), static_cast<std::size_t>((4 - l.weight_bytes() % 4) % 4), 0);
    }
    if (l.bias) put_f32(b, l.bias_value, l.out);
  }
  put_u32(b, 0);
  return with_crc(b);
}

}  // namespace quantlab::test
