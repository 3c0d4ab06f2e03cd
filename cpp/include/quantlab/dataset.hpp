// Image datasets in the idx format of MNIST and Fashion-MNIST: a big-endian header (two zero bytes, the type
// 0x08 = unsigned byte, the number of dimensions, then each dimension as a u32) followed by the bytes.
// Images are idx3 (magic 0x00000803: count, rows, cols), labels idx1 (magic 0x00000801: count).
//
// The readers take the decompressed bytes: gzip is the caller's business (zlib in the native tools,
// DecompressionStream in browsers). Every failure throws quantlab::Error naming the file and the problem:
// wrong magic (including "still gzip-compressed" and "a label file where images were expected"), wrong count,
// truncated data, bytes left over, and sizes whose product does not fit in size_t (32 bits in WebAssembly).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace quantlab {

constexpr std::uint32_t kIdxImagesMagic = 0x00000803;
constexpr std::uint32_t kIdxLabelsMagic = 0x00000801;
constexpr std::size_t kIdxMaxSide = 4096;  // rows and cols of one image

struct IdxImages {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // count x rows x cols, row-major
};

// `what` names the file in messages ("test images"); `expected_count` 0 accepts any count.
IdxImages parse_idx_images(const std::uint8_t* data, std::size_t size, const std::string& what,
                           std::size_t expected_count = 0);
std::vector<std::uint8_t> parse_idx_labels(const std::uint8_t* data, std::size_t size, const std::string& what,
                                           std::size_t expected_count = 0);

struct Dataset {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // count x rows x cols
  std::vector<std::uint8_t> labels;  // count
  std::size_t image_size() const { return rows * cols; }
};

// Images and their labels; the counts must agree.
Dataset make_dataset(IdxImages images, std::vector<std::uint8_t> labels);
// Both idx files of a dataset (`name` e.g. "test": messages name the "test image file", the "test label file").
Dataset parse_idx_dataset(const std::uint8_t* images, std::size_t images_size, const std::uint8_t* labels,
                          std::size_t labels_size, const std::string& name, std::size_t expected_count = 0);
// The examples at `indices`, in that order.
Dataset select_examples(const Dataset& data, const std::vector<std::size_t>& indices);
// Examples first .. first + count - 1.
Dataset slice_examples(const Dataset& data, std::size_t first, std::size_t count);

// The network's inputs for examples first .. first + n - 1: pixel / 255 in float32 (PyTorch's ToTensor),
// n x image_size values.
void dataset_inputs(const Dataset& data, std::size_t first, std::size_t n, float* out);
// Every label must name one of `classes` outputs: throws "label 12 of example 5 is not a class of this model
// (0 to 9)" otherwise.
void check_labels(const Dataset& data, std::size_t classes);

// The idx files of a dataset (uncompressed): what the training tool writes for the calibration subset.
std::vector<std::uint8_t> idx_images_bytes(const Dataset& data);
std::vector<std::uint8_t> idx_labels_bytes(const Dataset& data);

}  // namespace quantlab
