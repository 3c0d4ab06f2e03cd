// idx files: a valid pair round-trips; every broken file gets an error naming the file and the problem.
#include <catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "quantlab/dataset.hpp"
#include "quantlab/errors.hpp"

using Catch::Contains;
using quantlab::Dataset;

namespace {

std::vector<std::uint8_t> idx(std::uint32_t magic, const std::vector<std::uint32_t>& dims, std::size_t payload,
                              std::uint8_t fill = 7) {
  std::vector<std::uint8_t> out;
  auto put = [&](std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
  };
  put(magic);
  for (std::uint32_t d : dims) put(d);
  for (std::size_t i = 0; i < payload; ++i) out.push_back(static_cast<std::uint8_t>(fill + i));
  return out;
}

std::vector<std::uint8_t> images(std::uint32_t count, std::uint32_t rows, std::uint32_t cols) {
  return idx(quantlab::kIdxImagesMagic, {count, rows, cols}, std::size_t{count} * rows * cols);
}

std::vector<std::uint8_t> labels(std::uint32_t count) {
  auto l = idx(quantlab::kIdxLabelsMagic, {count}, count);
  for (std::uint32_t i = 0; i < count; ++i) l[8 + i] = static_cast<std::uint8_t>(i % 10);
  return l;
}

Dataset parse(const std::vector<std::uint8_t>& im, const std::vector<std::uint8_t>& lb, std::size_t expected = 0) {
  return quantlab::parse_idx_dataset(im.data(), im.size(), lb.data(), lb.size(), "test", expected);
}

}  // namespace

TEST_CASE("idx: a valid image and label file pair", "[dataset]") {
  const Dataset d = parse(images(12, 3, 2), labels(12), 12);
  CHECK(d.count == 12);
  CHECK(d.rows == 3);
  CHECK(d.cols == 2);
  CHECK(d.image_size() == 6);
  CHECK(d.pixels.size() == 72);
  CHECK(d.pixels[0] == 7);
  CHECK(d.pixels[71] == static_cast<std::uint8_t>(7 + 71));
  CHECK(d.labels[11] == 1);
  // The writer is the reader's inverse.
  const Dataset again = parse(quantlab::idx_images_bytes(d), quantlab::idx_labels_bytes(d));
  CHECK(again.pixels == d.pixels);
  CHECK(again.labels == d.labels);
  // Inputs are pixel / 255 in float32.
  std::vector<float> x(2 * 6);
  quantlab::dataset_inputs(d, 10, 2, x.data());
  CHECK(x[0] == static_cast<float>(d.pixels[60]) / 255.0f);
  CHECK(x[11] == static_cast<float>(d.pixels[71]) / 255.0f);
}

TEST_CASE("idx: wrong magic numbers are named", "[dataset][errors]") {
  const auto lb = labels(4);
  CHECK_THROWS_WITH(parse(lb, lb),
                    "test image file is not an idx image file: its magic number is 0x00000801, an idx label file, expected 0x00000803");
  const auto im = images(4, 2, 2);
  CHECK_THROWS_WITH(parse(im, im),
                    "test label file is not an idx label file: its magic number is 0x00000803, an idx image file, expected 0x00000801");
  const std::vector<std::uint8_t> gz = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0};
  CHECK_THROWS_WITH(parse(gz, lb), "test image file is still gzip-compressed: decompress it before reading it as an idx file");
  const std::vector<std::uint8_t> text = {'{', '"', 'a', '"', ':', '1', '}', '\n', 0, 0, 0, 0, 0, 0, 0, 0};
  CHECK_THROWS_WITH(parse(text, lb), Contains("test image file is not an idx image file: its magic number is 0x7B226122, expected"));
}

TEST_CASE("idx: wrong counts, truncated data and extra bytes are named", "[dataset][errors]") {
  CHECK_THROWS_WITH(parse(images(12, 3, 2), labels(12), 10000), "test image file holds 12 images, expected 10000");
  CHECK_THROWS_WITH(parse(images(12, 3, 2), labels(11)),
                    "the images file holds 12 images but the labels file 11 labels: they must describe the same examples");
  CHECK_THROWS_WITH(parse(images(0, 3, 2), labels(0)), "test image file holds no images");
  auto im = images(12, 3, 2);
  im.resize(im.size() - 1);
  CHECK_THROWS_WITH(parse(im, labels(12)),
                    "test image file is truncated: 12 images of 3 x 2 pixels need 72 bytes after the header, the file has 71");
  im = images(12, 3, 2);
  im.resize(10);
  CHECK_THROWS_WITH(parse(im, labels(12)), "test image file is truncated: 10 bytes, less than the 16-byte header of an idx image file");
  auto lb = labels(12);
  lb.push_back(0);
  lb.push_back(0);
  CHECK_THROWS_WITH(parse(images(12, 3, 2), lb), "test label file has 2 unexpected bytes after its 12 labels");
  CHECK_THROWS_WITH(parse(images(12, 0, 2), labels(12)), "test image file declares images of 0 x 2 pixels: each side must be 1 to 4096");
  const std::vector<std::uint8_t> empty;
  CHECK_THROWS_WITH(parse(empty, labels(1)), "test image file is truncated: 0 bytes, less than the 16-byte header of an idx image file");
}

TEST_CASE("idx: sizes whose product overflows are refused before anything is allocated", "[dataset][errors]") {
  // 4294967295 images of 4096 x 4096 = 2^56 bytes: does not fit a 32-bit size_t (WebAssembly), nor any memory.
  const auto huge = idx(quantlab::kIdxImagesMagic, {0xFFFFFFFFu, 4096, 4096}, 16);
  CHECK_THROWS_WITH(quantlab::parse_idx_images(huge.data(), huge.size(), "test image file"),
                    "test image file declares 4294967295 images of 4096 x 4096 pixels: more than the 2 GiB QuantLab can hold");
  const auto big = idx(quantlab::kIdxImagesMagic, {3000000, 28, 28}, 16);  // 2.35e9 bytes
  CHECK_THROWS_WITH(quantlab::parse_idx_images(big.data(), big.size(), "test image file"), Contains("more than the 2 GiB"));
}

TEST_CASE("datasets: labels outside the model's classes, subsets", "[dataset]") {
  Dataset d = parse(images(12, 3, 2), labels(12));
  CHECK_NOTHROW(quantlab::check_labels(d, 10));
  d.labels[5] = 12;
  CHECK_THROWS_WITH(quantlab::check_labels(d, 10), "label 12 of example 5 is not a class of this model (0 to 9)");
  const Dataset s = quantlab::select_examples(d, {5, 0, 5});
  CHECK(s.count == 3);
  CHECK(s.labels == std::vector<std::uint8_t>{12, 0, 12});
  CHECK(std::vector<std::uint8_t>(s.pixels.begin(), s.pixels.begin() + 6) ==
        std::vector<std::uint8_t>(d.pixels.begin() + 30, d.pixels.begin() + 36));
  const Dataset sl = quantlab::slice_examples(d, 10, 2);
  CHECK(sl.labels == std::vector<std::uint8_t>{0, 1});
  CHECK_THROWS_WITH(quantlab::slice_examples(d, 10, 3), "examples 10 to 12 do not exist: the dataset holds 12");
  CHECK_THROWS_WITH(quantlab::select_examples(d, {12}), "example 12 does not exist: the dataset holds 12");
}
