// idx files (dataset.hpp): parsing with named errors, subsets, and the network's float inputs.
#include "quantlab/dataset.hpp"

#include <cstdio>

#include "quantlab/errors.hpp"

namespace quantlab {
namespace {

std::uint32_t be32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | std::uint32_t{p[3]};
}

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", static_cast<unsigned>(v));
  return buf;
}

// The most pixel bytes a file may declare: WebAssembly's memory stops at 2 GiB, and the product of three u32
// header fields is computed in 64 bits, so a hostile header can neither overflow a 32-bit size_t nor make
// us allocate.
constexpr std::uint64_t kMaxPayload = (std::uint64_t{1} << 31) - 1;

const char* kind_of(std::uint32_t magic) {
  if (magic == kIdxImagesMagic) return ", an idx image file";
  if (magic == kIdxLabelsMagic) return ", an idx label file";
  return "";
}

// Checks the magic and reads `dims` dimensions; returns the offset of the data.
std::size_t read_header(const std::uint8_t* data, std::size_t size, const std::string& what, std::uint32_t magic,
                        std::size_t* dims, std::size_t ndims) {
  const char* kind = magic == kIdxImagesMagic ? "image" : "label";
  const std::size_t header = 4 + 4 * ndims;
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
    throw Error(what + " is still gzip-compressed: decompress it before reading it as an idx file");
  }
  if (size < 4) {
    throw Error(what + " is truncated: " + std::to_string(size) + " bytes, less than the " + std::to_string(header) +
                "-byte header of an idx " + kind + " file");
  }
  const std::uint32_t found = be32(data);
  if (found != magic) {
    throw Error(what + " is not an idx " + kind + " file: its magic number is " + hex32(found) + kind_of(found) +
                ", expected " + hex32(magic));
  }
  if (size < header) {
    throw Error(what + " is truncated: " + std::to_string(size) + " bytes, less than the " + std::to_string(header) +
                "-byte header of an idx " + kind + " file");
  }
  for (std::size_t i = 0; i < ndims; ++i) dims[i] = be32(data + 4 + 4 * i);
  return header;
}

void check_count(std::size_t count, std::size_t expected, const std::string& what, const char* things) {
  if (count == 0) throw Error(what + " holds no " + things);
  if (expected != 0 && count != expected) {
    throw Error(what + " holds " + std::to_string(count) + " " + things + ", expected " + std::to_string(expected));
  }
}

// The data after the header must be exactly `needed` bytes.
void check_payload(std::size_t size, std::size_t header, std::size_t needed, const std::string& what,
                   const std::string& content) {
  const std::size_t have = size - header;
  if (have < needed) {
    throw Error(what + " is truncated: " + content + " need " + std::to_string(needed) + " bytes after the header, the file has " +
                std::to_string(have));
  }
  if (have > needed) {
    throw Error(what + " has " + std::to_string(have - needed) + " unexpected bytes after its " + content);
  }
}

void put_be32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

}  // namespace

IdxImages parse_idx_images(const std::uint8_t* data, std::size_t size, const std::string& what,
                           std::size_t expected_count) {
  std::size_t dims[3];
  const std::size_t header = read_header(data, size, what, kIdxImagesMagic, dims, 3);
  IdxImages r;
  r.count = dims[0];
  r.rows = dims[1];
  r.cols = dims[2];
  if (r.rows == 0 || r.cols == 0 || r.rows > kIdxMaxSide || r.cols > kIdxMaxSide) {
    throw Error(what + " declares images of " + std::to_string(r.rows) + " x " + std::to_string(r.cols) +
                " pixels: each side must be 1 to " + std::to_string(kIdxMaxSide));
  }
  check_count(r.count, expected_count, what, "images");
  const std::string content = std::to_string(r.count) + " images of " + std::to_string(r.rows) + " x " +
                              std::to_string(r.cols) + " pixels";
  const std::uint64_t bytes = std::uint64_t{r.count} * r.rows * r.cols;  // < 2^32 * 2^24: no overflow
  if (bytes > kMaxPayload) throw Error(what + " declares " + content + ": more than the 2 GiB QuantLab can hold");
  const auto pixels = static_cast<std::size_t>(bytes);
  check_payload(size, header, pixels, what, content);
  r.pixels.assign(data + header, data + header + pixels);
  return r;
}

std::vector<std::uint8_t> parse_idx_labels(const std::uint8_t* data, std::size_t size, const std::string& what,
                                           std::size_t expected_count) {
  std::size_t count = 0;
  const std::size_t header = read_header(data, size, what, kIdxLabelsMagic, &count, 1);
  check_count(count, expected_count, what, "labels");
  check_payload(size, header, count, what, std::to_string(count) + " labels");
  return std::vector<std::uint8_t>(data + header, data + header + count);
}

Dataset make_dataset(IdxImages images, std::vector<std::uint8_t> labels) {
  if (images.count != labels.size()) {
    throw Error("the images file holds " + std::to_string(images.count) + " images but the labels file " +
                std::to_string(labels.size()) + " labels: they must describe the same examples");
  }
  Dataset d;
  d.count = images.count;
  d.rows = images.rows;
  d.cols = images.cols;
  d.pixels = std::move(images.pixels);
  d.labels = std::move(labels);
  return d;
}

Dataset parse_idx_dataset(const std::uint8_t* images, std::size_t images_size, const std::uint8_t* labels,
                          std::size_t labels_size, const std::string& name, std::size_t expected_count) {
  IdxImages im = parse_idx_images(images, images_size, name + " image file", expected_count);
  std::vector<std::uint8_t> lb = parse_idx_labels(labels, labels_size, name + " label file", expected_count);
  return make_dataset(std::move(im), std::move(lb));
}

Dataset select_examples(const Dataset& data, const std::vector<std::size_t>& indices) {
  Dataset d;
  d.count = indices.size();
  d.rows = data.rows;
  d.cols = data.cols;
  const std::size_t n = data.image_size();
  d.pixels.resize(indices.size() * n);
  d.labels.resize(indices.size());
  for (std::size_t i = 0; i < indices.size(); ++i) {
    const std::size_t src = indices[i];
    if (src >= data.count) {
      throw Error("example " + std::to_string(src) + " does not exist: the dataset holds " + std::to_string(data.count));
    }
    std::copy(data.pixels.begin() + static_cast<std::ptrdiff_t>(src * n),
              data.pixels.begin() + static_cast<std::ptrdiff_t>((src + 1) * n),
              d.pixels.begin() + static_cast<std::ptrdiff_t>(i * n));
    d.labels[i] = data.labels[src];
  }
  return d;
}

Dataset slice_examples(const Dataset& data, std::size_t first, std::size_t count) {
  if (first > data.count || count > data.count - first) {
    throw Error("examples " + std::to_string(first) + " to " + std::to_string(std::uint64_t{first} + count - 1) +
                " do not exist: the dataset holds " + std::to_string(data.count));
  }
  std::vector<std::size_t> indices(count);
  for (std::size_t i = 0; i < count; ++i) indices[i] = first + i;
  return select_examples(data, indices);
}

void dataset_inputs(const Dataset& data, std::size_t first, std::size_t n, float* out) {
  static const auto table = [] {  // the 256 quotients, so 10,000 images cost no division
    struct Table { float v[256]; } t{};
    for (int i = 0; i < 256; ++i) t.v[i] = static_cast<float>(i) / 255.0f;
    return t;
  }();
  const std::size_t size = data.image_size();
  const std::uint8_t* p = data.pixels.data() + first * size;
  for (std::size_t i = 0; i < n * size; ++i) out[i] = table.v[p[i]];
}

void check_labels(const Dataset& data, std::size_t classes) {
  for (std::size_t i = 0; i < data.count; ++i) {
    if (data.labels[i] >= classes) {
      throw Error("label " + std::to_string(data.labels[i]) + " of example " + std::to_string(i) +
                  " is not a class of this model (0 to " + std::to_string(classes - 1) + ")");
    }
  }
}

std::vector<std::uint8_t> idx_images_bytes(const Dataset& data) {
  std::vector<std::uint8_t> out;
  put_be32(out, kIdxImagesMagic);
  put_be32(out, static_cast<std::uint32_t>(data.count));
  put_be32(out, static_cast<std::uint32_t>(data.rows));
  put_be32(out, static_cast<std::uint32_t>(data.cols));
  out.insert(out.end(), data.pixels.begin(), data.pixels.end());
  return out;
}

std::vector<std::uint8_t> idx_labels_bytes(const Dataset& data) {
  std::vector<std::uint8_t> out;
  put_be32(out, kIdxLabelsMagic);
  put_be32(out, static_cast<std::uint32_t>(data.count));
  out.insert(out.end(), data.labels.begin(), data.labels.end());
  return out;
}

}  // namespace quantlab
