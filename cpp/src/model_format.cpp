// The QuantLab model file (docs/model-format.md): little-endian, CRC-32 at the end.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "quantlab/errors.hpp"
#include "quantlab/model.hpp"

namespace quantlab {
namespace {

constexpr char kMagic[8] = {'Q', 'L', 'A', 'B', 'M', 'O', 'D', 'L'};
constexpr std::uint32_t kVersion = 1;   // fp32 or int8 models, one weight type
constexpr std::uint32_t kVersion2 = 2;  // any layer types (2-4-bit codes, NF4, mixed precision), input scales
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
  // Fails with "truncated" when fewer than n bytes remain. n is 64-bit: sizes declared in a file can exceed
  // WebAssembly's 32-bit size_t, and must be compared with the bytes present before anything is allocated.
  const std::uint8_t* take(std::uint64_t n, const std::string& what) {
    if (n > size_ - pos_) {
      throw Error("model file is truncated: " + what + " needs " + std::to_string(n) + " bytes at offset " +
                  std::to_string(pos_) + ", but the file has only " + std::to_string(size_ - pos_) + " left");
    }
    const std::uint8_t* p = data_ + pos_;
    pos_ += static_cast<std::size_t>(n);
    return p;
  }
  std::uint32_t u32(const std::string& what) {
    const std::uint8_t* p = take(4, what);
    return le32(p);
  }
  // n floats; the bytes are taken (and so checked to be present) before the vector is allocated.
  std::vector<float> floats(std::uint64_t n, const std::string& what) {
    const std::uint8_t* p = take(n * 4, what);
    std::vector<float> v(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < v.size(); ++i) {
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

// What a layer's header declares, with its sizes in bytes computed in 64 bits (in, out <= 2^16, so no product
// can overflow).
struct LayerHeader {
  std::uint32_t in = 0, out = 0, type = 0, scale_count = 0;
  std::uint32_t bits = 32, group = 0, input_scale_count = 0;  // version 2
  std::uint64_t weights() const { return std::uint64_t{in} * out; }
  // Version 2 packs 2-4-bit values and NF4 codes bit by bit, each row rounded up to whole bytes.
  std::uint64_t row_bytes() const { return (std::uint64_t{in} * bits + 7) / 8; }
  std::uint64_t weight_bytes() const {
    return type == 0 ? weights() * 4 : type == 1 ? weights() : row_bytes() * out;
  }
  std::uint64_t padding_bytes() const { return type == 0 ? 0 : (4 - weight_bytes() % 4) % 4; }
};

const char* type_name(std::uint32_t type) {
  static const char* const names[] = {"fp32", "int8", "low-bit", "NF4"};
  return names[type];
}

// Reads and checks one layer's header (shape, weight type, scale count; version 2: bits, group, input scales);
// `name` is "layer 3".
LayerHeader read_layer_header(Reader& r, const std::string& name, std::uint32_t version) {
  LayerHeader h;
  h.in = r.u32(name + " shape");
  h.out = r.u32(name + " shape");
  if (h.in == 0 || h.out == 0 || h.in > kMaxDim || h.out > kMaxDim) {
    throw Error("model file is invalid: " + name + " is " + std::to_string(h.in) + " -> " + std::to_string(h.out) +
                " (sizes from 1 to " + std::to_string(kMaxDim) + ")");
  }
  h.type = r.u32(name + " weight type");
  if (h.type > (version == 1 ? 1u : 3u)) throw Error("model file is invalid: " + name + " has unknown weight type " + std::to_string(h.type));
  if (version == 1) {
    h.scale_count = r.u32(name + " scale count");
    h.bits = h.type == 0 ? 32 : 8;
    const bool scales_ok = h.type == 0 ? h.scale_count == 0 : (h.scale_count == 1 || h.scale_count == h.out);
    if (!scales_ok) {
      throw Error("model file is invalid: " + name + " has " + std::to_string(h.scale_count) + " scales for " +
                  std::to_string(h.out) + " outputs");
    }
    return h;
  }
  const std::string what = "model file is invalid: " + name + " (" + type_name(h.type) + ")";
  h.bits = r.u32(name + " bits");
  const bool bits_ok = h.type == 0 ? h.bits == 32 : h.type == 1 ? h.bits == 8 : h.type == 2 ? h.bits >= 2 && h.bits <= 4 : h.bits == 4;
  if (!bits_ok) {
    throw Error(what + " has " + std::to_string(h.bits) + " bits (fp32: 32, int8: 8, low-bit: 2 to 4, NF4: 4)");
  }
  h.group = r.u32(name + " group size");
  bool group_ok = false;
  std::uint64_t scales = 0;
  const std::uint64_t groups_per_row = h.group == 0 ? 1 : (std::uint64_t{h.in} + h.group - 1) / h.group;
  switch (h.type) {
    case 0: group_ok = h.group == 0; scales = 0; break;
    case 1: group_ok = h.group == 0 || h.group == h.in; scales = h.group == 0 ? 1 : h.out; break;
    case 2:
      group_ok = h.group == 0 || h.group == h.in || (h.group < h.in && h.group % 8 == 0);
      scales = h.group == 0 ? 1 : std::uint64_t{h.out} * groups_per_row;
      break;
    default: group_ok = h.group >= 1 && h.group <= h.in; scales = std::uint64_t{h.out} * groups_per_row; break;
  }
  if (!group_ok) {
    throw Error(what + " has groups of " + std::to_string(h.group) + " weights in rows of " + std::to_string(h.in) +
                " (0: per tensor; " + std::to_string(h.in) + ": per channel; low-bit: a multiple of 8 below; NF4: 1 to " +
                std::to_string(h.in) + ")");
  }
  if (h.type == 2 && h.in > kernels::kQs4MaxK) {
    throw Error(what + " has " + std::to_string(h.in) + " inputs: the 4-bit kernels take at most " + std::to_string(kernels::kQs4MaxK));
  }
  h.scale_count = r.u32(name + " scale count");
  if (h.scale_count != scales) {
    throw Error(what + " has " + std::to_string(h.scale_count) + " scales, its groups need " + std::to_string(scales));
  }
  h.input_scale_count = r.u32(name + " input scale count");
  if (h.input_scale_count != 0 && h.input_scale_count != h.in) {
    throw Error(what + " has " + std::to_string(h.input_scale_count) + " input scales for " + std::to_string(h.in) +
                " inputs (0 or " + std::to_string(h.in) + ")");
  }
  return h;
}

// Value c of a row at bits c x bits .. (c + 1) x bits - 1 of the row's bytes, little-endian.
void put_bits(std::uint8_t* row, std::size_t c, int bits, unsigned v) {
  const std::size_t bit = c * static_cast<std::size_t>(bits);
  const unsigned field = (v & ((1u << bits) - 1)) << (bit % 8);
  row[bit / 8] = static_cast<std::uint8_t>(row[bit / 8] | (field & 0xFF));
  if (field >> 8) row[bit / 8 + 1] = static_cast<std::uint8_t>(row[bit / 8 + 1] | (field >> 8));
}

unsigned get_bits(const std::uint8_t* row, std::size_t c, int bits) {
  const std::size_t bit = c * static_cast<std::size_t>(bits);
  unsigned word = row[bit / 8];
  if (bit % 8 + static_cast<std::size_t>(bits) > 8) word |= unsigned{row[bit / 8 + 1]} << 8;
  return (word >> (bit % 8)) & ((1u << bits) - 1);
}

void check_values(const std::vector<float>& v, const std::string& what) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) {
      throw Error("model file is invalid: " + what + "[" + std::to_string(i) + "] is " + format_number(v[i]));
    }
  }
}

// A weight scale is 0 (an all-zero tensor or row) or a normal float32: a negative, subnormal or infinite scale
// cannot come from quantize_dynamic.
void check_scales(const std::vector<float>& v, const std::string& what) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i]) || v[i] < 0 || (v[i] != 0 && v[i] < std::numeric_limits<float>::min())) {
      throw Error("model file is invalid: " + what + "[" + std::to_string(i) + "] is " + format_number(v[i]) +
                  " (a scale is 0 or a normal float32 from 1.1754944e-38 to 3.4028235e+38)");
    }
  }
}


// The values of a version-2 layer, after its header: input scales, scales, weights (unpacked), padding, bias.
// from_quantized_layers checks what depends on the values (scales, code ranges, finite numbers) afterwards.
void read_layer_v2(Reader& values, const LayerHeader& h, const std::string& name, LinearLayer& l) {
  l.bits = static_cast<int>(h.bits);
  l.group = h.group;
  l.input_scales = values.floats(h.input_scale_count, name + " input scales");
  l.scales = values.floats(h.scale_count, name + " scales");
  if (h.type == 0) {
    l.weight = values.floats(h.weights(), name + " weights");
    check_values(l.weight, name + " weight");
  } else if (h.type == 1) {
    const auto* p = reinterpret_cast<const std::int8_t*>(values.take(h.weight_bytes(), name + " weights"));
    l.qweight.assign(p, p + h.weights());
  } else {
    const std::uint8_t* p = values.take(h.weight_bytes(), name + " weights");
    const std::size_t row = static_cast<std::size_t>(h.row_bytes());
    const int bits = l.bits;
    if (h.type == 2) l.qweight.resize(static_cast<std::size_t>(h.weights()));
    else l.codes.resize(static_cast<std::size_t>(h.weights()));
    for (std::size_t r = 0; r < h.out; ++r) {
      const std::uint8_t* bytes = p + r * row;
      for (std::size_t c = 0; c < h.in; ++c) {
        const unsigned v = get_bits(bytes, c, bits);
        if (h.type == 3) {
          l.codes[r * h.in + c] = static_cast<std::uint8_t>(v);
        } else {
          // two's complement in `bits` bits
          l.qweight[r * h.in + c] = static_cast<std::int8_t>(v >= (1u << (bits - 1)) ? static_cast<int>(v) - (1 << bits) : static_cast<int>(v));
        }
      }
      const std::size_t used = h.in * static_cast<std::size_t>(bits);
      if (used % 8 != 0 && (bytes[row - 1] >> (used % 8)) != 0) {
        throw Error("model file is invalid: " + name + " row " + std::to_string(r) + " has bits set after its last value");
      }
    }
  }
  const std::uint8_t* pad = values.take(h.padding_bytes(), name + " padding");
  for (std::uint64_t b = 0; b < h.padding_bytes(); ++b)
    if (pad[b] != 0) throw Error("model file is invalid: " + name + " padding is not zero");
  l.bias = values.floats(h.out, name + " bias");
  check_values(l.bias, name + " bias");
}

}  // namespace

std::vector<std::uint8_t> Mlp::serialize() const {
  // Version 1 whenever it can hold the model (all fp32, or all int8, no input scales), so that such files stay
  // readable by every QuantLab; version 2 otherwise.
  bool v1 = !quantized() || all_int8();
  for (const LinearLayer& l : layers_) v1 = v1 && l.input_scales.empty();
  if (!v1) return serialize_v2();
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

std::vector<std::uint8_t> Mlp::serialize_v2() const {
  Writer w;
  w.bytes(kMagic, sizeof kMagic);
  w.u32(kVersion2);
  w.u32(static_cast<std::uint32_t>(layers_.size()));
  for (const LinearLayer& l : layers_) {
    w.u32(static_cast<std::uint32_t>(l.in));
    w.u32(static_cast<std::uint32_t>(l.out));
    w.u32(static_cast<std::uint32_t>(l.type));
    w.u32(static_cast<std::uint32_t>(l.bits));
    w.u32(static_cast<std::uint32_t>(l.type == WeightType::kFloat32 ? 0 : l.group));
    w.u32(static_cast<std::uint32_t>(l.scales.size()));
    w.u32(static_cast<std::uint32_t>(l.input_scales.size()));
    w.floats(l.input_scales);
    w.floats(l.scales);
    std::size_t bytes = 0;
    if (l.type == WeightType::kFloat32) {
      w.floats(l.weight);
    } else if (l.type == WeightType::kInt8) {
      w.bytes(l.qweight.data(), l.qweight.size());
      bytes = l.qweight.size();
    } else {
      const std::size_t row = (l.in * static_cast<std::size_t>(l.bits) + 7) / 8;
      std::vector<std::uint8_t> packed(row * l.out, 0);
      for (std::size_t r = 0; r < l.out; ++r)
        for (std::size_t c = 0; c < l.in; ++c) {
          const std::size_t i = r * l.in + c;
          const unsigned v = l.type == WeightType::kNf4 ? l.codes[i] : static_cast<unsigned>(l.qweight[i]);
          put_bits(packed.data() + r * row, c, l.bits, v);
        }
      w.bytes(packed.data(), packed.size());
      bytes = packed.size();
    }
    w.zeros(pad4(bytes) - bytes);
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
  if (version != kVersion && version != kVersion2) {
    throw Error("model format version " + std::to_string(version) + " is not supported: this QuantLab reads versions 1 and 2");
  }
  const std::uint32_t count = r.u32("the layer count");
  if (count == 0 || count > kMaxLayers) {
    throw Error("model file is invalid: " + std::to_string(count) + " layers (1 to " + std::to_string(kMaxLayers) + " allowed)");
  }
  const std::size_t layers_start = r.pos();

  // Pass 1, nothing allocated but the headers: every size the file declares must be present in it (64-bit
  // arithmetic, so nothing wraps in 32-bit WebAssembly), nothing may follow the checksum, and the checksum must match.
  std::vector<LayerHeader> headers(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::string name = "layer " + std::to_string(i + 1);
    const LayerHeader& h = headers[i] = read_layer_header(r, name, version);
    r.take(std::uint64_t{h.input_scale_count} * 4, name + " input scales");
    r.take(std::uint64_t{h.scale_count} * 4, name + " scales");
    r.take(h.weight_bytes(), name + " weights");
    r.take(h.padding_bytes(), name + " padding");
    r.take(std::uint64_t{h.out} * 4, name + " bias");
  }
  const std::size_t payload = r.pos();
  const std::uint32_t stored_crc = r.u32("the checksum");
  if (r.pos() != size) {
    throw Error("model file is invalid: " + std::to_string(size - r.pos()) + " unexpected bytes after the checksum");
  }
  if (model_crc32(data, payload) != stored_crc) throw Error("model file is corrupt: its CRC-32 checksum does not match");

  for (std::uint32_t i = 1; i < count; ++i) {
    if (headers[i].in != headers[i - 1].out) {
      throw Error("model file is invalid: layer " + std::to_string(i + 1) + " takes " + std::to_string(headers[i].in) +
                  " inputs but the layer before gives " + std::to_string(headers[i - 1].out));
    }
    if (version == 1 && headers[i].type != headers[0].type) throw Error("model file is invalid: layers mix fp32 and int8 weights");
  }

  // Pass 2: the values, every size now known to be backed by bytes of the file.
  Reader values(data, size);
  values.take(layers_start, "the file header");
  std::vector<LinearLayer> layers(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const LayerHeader& h = headers[i];
    LinearLayer& l = layers[i];
    const std::string name = "layer " + std::to_string(i + 1);
    read_layer_header(values, name, version);
    l.in = h.in;
    l.out = h.out;
    l.type = static_cast<WeightType>(h.type);
    if (version == 2) {
      read_layer_v2(values, h, name, l);
      continue;
    }
    l.scales = values.floats(h.scale_count, name + " scales");
    check_scales(l.scales, name + " scale");
    if (l.type == WeightType::kFloat32) {
      l.weight = values.floats(h.weights(), name + " weights");
      check_values(l.weight, name + " weight");
    } else {
      const auto* p = reinterpret_cast<const std::int8_t*>(values.take(h.weight_bytes(), name + " weights"));
      l.qweight.assign(p, p + h.weights());
      const std::uint8_t* pad = values.take(h.padding_bytes(), name + " padding");
      for (std::uint64_t b = 0; b < h.padding_bytes(); ++b)
        if (pad[b] != 0) throw Error("model file is invalid: " + name + " padding is not zero");
    }
    l.bias = values.floats(h.out, name + " bias");
    check_values(l.bias, name + " bias");
  }
  if (version == 1) return Mlp(std::move(layers));
  try {
    return from_quantized_layers(std::move(layers));
  } catch (const Error& e) {
    throw Error(std::string("model file is invalid: ") + e.what());
  }
}

}  // namespace quantlab
