// The QuantLab model file (docs/model-format.md): little-endian, CRC-32 at the end.
#include <cmath>
#include <cstring>
#include <string>

#include "quantlab/errors.hpp"
#include "quantlab/model.hpp"

namespace quantlab {
namespace {

constexpr char kMagic[8] = {'Q', 'L', 'A', 'B', 'M', 'O', 'D', 'L'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 16;  // magic, version, layer count
constexpr std::uint32_t kMaxLayers = 64;
constexpr std::uint32_t kMaxDim = 1 << 16;

}  // namespace

std::uint32_t model_crc32(const std::uint8_t* data, std::size_t size) {
  static const auto table = [] {
    struct Table { std::uint32_t v[256]; } t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int b = 0; b < 8; ++b) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t.v[i] = c;
    }
    return t;
  }();
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) crc = table.v[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

namespace {

std::size_t pad4(std::size_t n) { return kernels::round_up(n, 4); }

// A little-endian uint32 from 4 bytes.
std::uint32_t le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

class Writer {
 public:
  void bytes(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void floats(const std::vector<float>& v) {
    for (float f : v) {
      std::uint32_t bits;
      std::memcpy(&bits, &f, 4);
      u32(bits);
    }
  }
  void zeros(std::size_t n) { out_.insert(out_.end(), n, 0); }
  std::vector<std::uint8_t>& data() { return out_; }

 private:
  std::vector<std::uint8_t> out_;
};

class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  // Fails with "truncated" when fewer than n bytes remain.
  const std::uint8_t* take(std::size_t n, const std::string& what) {
    if (n > size_ - pos_) {
      throw Error("model file is truncated: " + what + " needs " + std::to_string(n) + " bytes at offset " +
                  std::to_string(pos_) + ", but the file has only " + std::to_string(size_ - pos_) + " left");
    }
    const std::uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  std::uint32_t u32(const std::string& what) {
    const std::uint8_t* p = take(4, what);
    return le32(p);
  }
  std::vector<float> floats(std::size_t n, const std::string& what) {
    const std::uint8_t* p = take(n * 4, what);
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t bits = le32(p + 4 * i);
      std::memcpy(&v[i], &bits, 4);
    }
    return v;
  }
  std::size_t pos() const { return pos_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

void check_values(const std::vector<float>& v, const std::string& what, bool non_negative) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i]) || (non_negative && v[i] < 0)) {
      throw Error("model file is invalid: " + what + "[" + std::to_string(i) + "] is " + format_number(v[i]));
    }
  }
}

}  // namespace

std::vector<std::uint8_t> Mlp::serialize() const {
  Writer w;
  w.bytes(kMagic, sizeof kMagic);
  w.u32(kVersion);
  w.u32(static_cast<std::uint32_t>(layers_.size()));
  for (const LinearLayer& l : layers_) {
    w.u32(static_cast<std::uint32_t>(l.in));
    w.u32(static_cast<std::uint32_t>(l.out));
    w.u32(static_cast<std::uint32_t>(l.type));
    w.u32(static_cast<std::uint32_t>(l.scales.size()));
    w.floats(l.scales);
    if (l.type == WeightType::kFloat32) {
      w.floats(l.weight);
    } else {
      w.bytes(l.qweight.data(), l.qweight.size());
      w.zeros(pad4(l.qweight.size()) - l.qweight.size());
    }
    w.floats(l.bias);
  }
  w.u32(model_crc32(w.data().data(), w.data().size()));
  return std::move(w.data());
}

Mlp Mlp::deserialize(const std::uint8_t* data, std::size_t size) {
  if (size < kHeaderBytes) {
    throw Error("model file is truncated: " + std::to_string(size) + " bytes is less than the 16-byte header");
  }
  if (std::memcmp(data, kMagic, sizeof kMagic) != 0) throw Error("not a QuantLab model file (the first 8 bytes are not QLABMODL)");
  Reader r(data, size);
  r.take(sizeof kMagic, "the magic bytes");
  const std::uint32_t version = r.u32("the version");
  if (version != kVersion) {
    throw Error("model format version " + std::to_string(version) + " is not supported: this QuantLab reads version " +
                std::to_string(kVersion));
  }
  const std::uint32_t count = r.u32("the layer count");
  if (count == 0 || count > kMaxLayers) {
    throw Error("model file is invalid: " + std::to_string(count) + " layers (1 to " + std::to_string(kMaxLayers) + " allowed)");
  }
  std::vector<LinearLayer> layers(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    LinearLayer& l = layers[i];
    const std::string name = "layer " + std::to_string(i + 1);
    l.in = r.u32(name + " shape");
    l.out = r.u32(name + " shape");
    if (l.in == 0 || l.out == 0 || l.in > kMaxDim || l.out > kMaxDim) {
      throw Error("model file is invalid: " + name + " is " + std::to_string(l.in) + " -> " + std::to_string(l.out) +
                  " (sizes from 1 to " + std::to_string(kMaxDim) + ")");
    }
    const std::uint32_t type = r.u32(name + " weight type");
    if (type > 1) throw Error("model file is invalid: " + name + " has unknown weight type " + std::to_string(type));
    l.type = static_cast<WeightType>(type);
    const std::uint32_t scale_count = r.u32(name + " scale count");
    const bool scales_ok = l.type == WeightType::kFloat32 ? scale_count == 0 : (scale_count == 1 || scale_count == l.out);
    if (!scales_ok) {
      throw Error("model file is invalid: " + name + " has " + std::to_string(scale_count) + " scales for " +
                  std::to_string(l.out) + " outputs");
    }
    l.scales = r.floats(scale_count, name + " scales");
    if (l.type == WeightType::kFloat32) {
      l.weight = r.floats(l.in * l.out, name + " weights");
    } else {
      const std::uint8_t* p = r.take(l.in * l.out, name + " weights");
      l.qweight.assign(reinterpret_cast<const std::int8_t*>(p), reinterpret_cast<const std::int8_t*>(p) + l.in * l.out);
      r.take(pad4(l.in * l.out) - l.in * l.out, name + " padding");
    }
    l.bias = r.floats(l.out, name + " bias");
  }
  const std::size_t payload = r.pos();
  const std::uint32_t stored_crc = r.u32("the checksum");
  if (r.pos() != size) {
    throw Error("model file is invalid: " + std::to_string(size - r.pos()) + " unexpected bytes after the checksum");
  }
  if (model_crc32(data, payload) != stored_crc) throw Error("model file is corrupt: its CRC-32 checksum does not match");

  for (std::uint32_t i = 0; i < count; ++i) {
    const LinearLayer& l = layers[i];
    const std::string name = "layer " + std::to_string(i + 1);
    if (i > 0 && l.in != layers[i - 1].out) {
      throw Error("model file is invalid: " + name + " takes " + std::to_string(l.in) + " inputs but the layer before gives " +
                  std::to_string(layers[i - 1].out));
    }
    if (l.type != layers[0].type) throw Error("model file is invalid: layers mix fp32 and int8 weights");
    check_values(l.scales, name + " scale", true);
    check_values(l.weight, name + " weight", false);
    check_values(l.bias, name + " bias", false);
  }
  return Mlp(std::move(layers));
}

}  // namespace quantlab
