// One encoder and one decoder for every float format, driven by its FormatInfo (exponent and mantissa widths,
// and whether the all-ones exponent holds infinities and NaNs, IEEE style, or E4M3's single NaN).
//
// Encoding rounds once, from float64: with E = floor(log2|x|) (frexp), |x| / 2^(max(E, min_exponent) -
// mantissa_bits) is exact in float64 (a power-of-two scaling of a value that stays normal) and lies below
// 2^(mantissa_bits + 1); std::nearbyint rounds it to an integer with ties to even (the default rounding mode,
// WebAssembly's f64.nearest). That integer is the significand, implicit bit included for normal values, and a
// carry out of the mantissa moves into the exponent field by plain addition, from the largest subnormal to the
// smallest normal and from one binade to the next alike.
#include "quantlab/float_formats.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "quantlab/errors.hpp"

namespace quantlab::fp {
namespace {

constexpr std::uint64_t kF64ExponentMask = 0x7FF;
constexpr std::uint64_t kF64MantissaMask = (std::uint64_t{1} << 52) - 1;

std::uint64_t bits_of(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

double double_of(std::uint64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

float float_of(std::uint32_t b) {
  float x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

FormatInfo make_float(Format format, const char* name, int exponent_bits, int mantissa_bits, bool ieee,
                      bool saturates) {
  FormatInfo f;
  f.format = format;
  f.name = name;
  f.is_float = true;
  f.bits = 1 + exponent_bits + mantissa_bits;
  f.exponent_bits = exponent_bits;
  f.mantissa_bits = mantissa_bits;
  f.bias = (1 << (exponent_bits - 1)) - 1;
  f.min_exponent = 1 - f.bias;
  const std::uint32_t all_ones = (std::uint32_t{1} << exponent_bits) - 1;
  // IEEE: the largest code below the all-ones exponent. E4M3: every code but S.1111.111.
  f.max_code = ieee ? (all_ones << mantissa_bits) - 1 : (std::uint32_t{1} << (exponent_bits + mantissa_bits)) - 2;
  f.max_exponent = static_cast<int>(f.max_code >> mantissa_bits) - f.bias;
  f.has_infinity = ieee;
  f.has_nan = true;
  f.saturates_by_default = saturates;
  const std::uint32_t max_mantissa = f.max_code & ((std::uint32_t{1} << mantissa_bits) - 1);
  f.max = std::ldexp(static_cast<double>((std::uint32_t{1} << mantissa_bits) + max_mantissa),
                     f.max_exponent - mantissa_bits);
  f.min = -f.max;
  f.min_normal = std::ldexp(1.0, f.min_exponent);
  f.min_subnormal = std::ldexp(1.0, f.min_exponent - mantissa_bits);
  f.epsilon = std::ldexp(1.0, -mantissa_bits);
  return f;
}

FormatInfo make_int(Format format, const char* name, int bits) {
  FormatInfo f;
  f.format = format;
  f.name = name;
  f.is_float = false;
  f.bits = bits;
  f.max = std::ldexp(1.0, bits - 1) - 1;
  f.min = -std::ldexp(1.0, bits - 1);
  f.max_code = (std::uint32_t{1} << bits) - 1;
  return f;
}

// Indexed by Format.
const FormatInfo kFormats[] = {
    make_float(Format::kFloat32, "float32", 8, 23, true, false),
    make_float(Format::kFloat16, "float16", 5, 10, true, false),
    make_float(Format::kBFloat16, "bfloat16", 8, 7, true, false),
    make_float(Format::kFp8E4M3, "fp8-e4m3", 4, 3, false, true),
    make_float(Format::kFp8E5M2, "fp8-e5m2", 5, 2, true, true),
    make_int(Format::kInt8, "int8", 8),
    make_int(Format::kInt4, "int4", 4),
};

std::string accepted_names(bool floats_only) {
  std::string s;
  for (const FormatInfo& f : kFormats) {
    if (floats_only && !f.is_float) continue;
    s += std::string(s.empty() ? "'" : ", '") + f.name + "'";
  }
  return s;
}

const FormatInfo& float_info(Format format) {
  const FormatInfo& f = format_info(format);
  if (!f.is_float) {
    throw Error(std::string(f.name) + " is an integer format: it has no float encoding (quantize to it with a scale instead)");
  }
  return f;
}

bool saturating(const FormatInfo& f, Overflow overflow) {
  return overflow == Overflow::kDefault ? f.saturates_by_default : overflow == Overflow::kSaturate;
}

std::uint32_t mantissa_mask(const FormatInfo& f) { return (std::uint32_t{1} << f.mantissa_bits) - 1; }
std::uint32_t exponent_all_ones(const FormatInfo& f) { return (std::uint32_t{1} << f.exponent_bits) - 1; }
std::uint32_t sign_bit(const FormatInfo& f) { return std::uint32_t{1} << (f.bits - 1); }

// A quiet NaN keeping the top bits of a float64 payload (E4M3 has a single NaN, S.1111.111).
std::uint32_t nan_code(const FormatInfo& f, std::uint64_t f64_mantissa) {
  if (!f.has_infinity) return f.max_code + 1;
  const int m = f.mantissa_bits;
  const auto payload = static_cast<std::uint32_t>(f64_mantissa >> (52 - m));
  return (exponent_all_ones(f) << m) | (std::uint32_t{1} << (m - 1)) | payload;
}

// What a non-saturating overflow stores: infinity, or NaN where there is no infinity.
std::uint32_t overflow_code(const FormatInfo& f) {
  return f.has_infinity ? exponent_all_ones(f) << f.mantissa_bits : f.max_code + 1;
}

bool is_nan_code(const FormatInfo& f, std::uint32_t magnitude) {
  return f.has_infinity ? magnitude > (exponent_all_ones(f) << f.mantissa_bits) : magnitude == f.max_code + 1;
}

// The code of a float64 given by its bits.
std::uint32_t encode_bits(std::uint64_t bits, const FormatInfo& f, bool saturate) {
  const std::uint32_t sign = (bits >> 63) != 0 ? sign_bit(f) : 0;
  const std::uint64_t exponent = (bits >> 52) & kF64ExponentMask;
  const std::uint64_t mantissa = bits & kF64MantissaMask;
  const std::uint32_t overflowed = sign | (saturate ? f.max_code : overflow_code(f));
  if (exponent == kF64ExponentMask) return mantissa != 0 ? sign | nan_code(f, mantissa) : overflowed;

  const double a = double_of(bits & ~(std::uint64_t{1} << 63));
  if (a == 0.0) return sign;
  int e2 = 0;
  std::frexp(a, &e2);  // a = f * 2^e2 with f in [0.5, 1)
  const int e = e2 - 1;
  if (e > f.max_exponent) return overflowed;
  const int m = f.mantissa_bits;
  const double scaled = std::ldexp(a, m - std::max(e, f.min_exponent));  // exact, < 2^(m + 1)
  const auto significand = static_cast<std::uint64_t>(std::nearbyint(scaled));
  const std::uint64_t magnitude =
      e < f.min_exponent ? significand
                         : (static_cast<std::uint64_t>(e + f.bias) << m) + significand - (std::uint64_t{1} << m);
  if (magnitude > f.max_code) return overflowed;
  return sign | static_cast<std::uint32_t>(magnitude);
}

void check_code(std::uint32_t code, const FormatInfo& f) {
  if (f.bits < 32 && code >> f.bits != 0) {
    throw Error("code " + std::to_string(code) + " does not fit " + f.name + "'s " + std::to_string(f.bits) +
                " bits: a code is a whole number from 0 to " + std::to_string((std::uint64_t{1} << f.bits) - 1));
  }
}

std::int64_t ordinal(std::uint32_t code, const FormatInfo& f) {
  const auto magnitude = static_cast<std::int64_t>(code & ~sign_bit(f));
  return (code & sign_bit(f)) != 0 ? -magnitude : magnitude;
}

std::uint32_t code_of_ordinal(std::int64_t ord, const FormatInfo& f) {
  return ord < 0 ? sign_bit(f) | static_cast<std::uint32_t>(-ord) : static_cast<std::uint32_t>(ord);
}

}  // namespace

const std::vector<Format>& all_formats() {
  static const std::vector<Format> formats = {Format::kFloat32, Format::kFloat16, Format::kBFloat16,
                                              Format::kFp8E4M3, Format::kFp8E5M2, Format::kInt8, Format::kInt4};
  return formats;
}

const FormatInfo& format_info(Format format) { return kFormats[static_cast<int>(format)]; }

Format format_from_name(const std::string& name) {
  for (const FormatInfo& f : kFormats) {
    if (name == f.name) return f.format;
  }
  throw Error("format must be one of " + accepted_names(false) + ", got '" + name + "'");
}

Format float_format_from_name(const std::string& name) {
  for (const FormatInfo& f : kFormats) {
    if (name == f.name && f.is_float) return f.format;
  }
  for (const FormatInfo& f : kFormats) {
    if (name == f.name) {
      throw Error("format '" + name + "' is an integer format: give a float format, one of " + accepted_names(true));
    }
  }
  throw Error("format must be one of " + accepted_names(true) + ", got '" + name + "'");
}

std::uint32_t encode(double x, Format format, Overflow overflow) {
  const FormatInfo& f = float_info(format);
  return encode_bits(bits_of(x), f, saturating(f, overflow));
}

std::uint32_t encode(float x, Format format, Overflow overflow) {
  std::uint32_t b;
  std::memcpy(&b, &x, sizeof b);
  if ((b & 0x7F800000u) == 0x7F800000u && (b & 0x007FFFFFu) != 0) {
    // A float32 NaN as the float64 NaN with the same sign and payload, built from the bits: a float -> double
    // conversion may replace the payload (WebAssembly's f64.promote_f32 does not promise to keep it).
    const std::uint64_t f64 = (static_cast<std::uint64_t>(b >> 31) << 63) | (kF64ExponentMask << 52) |
                              (static_cast<std::uint64_t>(b & 0x007FFFFFu) << 29);
    const FormatInfo& f = float_info(format);
    return encode_bits(f64, f, saturating(f, overflow));
  }
  return encode(static_cast<double>(x), format, overflow);
}

double decode(std::uint32_t code, Format format) {
  const FormatInfo& f = float_info(format);
  check_code(code, f);
  const int m = f.mantissa_bits;
  const bool negative = (code & sign_bit(f)) != 0;
  const std::uint32_t magnitude = code & ~sign_bit(f);
  const std::uint32_t exponent_field = magnitude >> m;
  const std::uint32_t mantissa_field = magnitude & mantissa_mask(f);
  if (is_nan_code(f, magnitude)) {
    return double_of((static_cast<std::uint64_t>(negative) << 63) | (kF64ExponentMask << 52) |
                     (std::uint64_t{1} << 51) | (static_cast<std::uint64_t>(mantissa_field) << (52 - m)));
  }
  double v;
  if (magnitude > f.max_code) {
    v = std::numeric_limits<double>::infinity();
  } else if (exponent_field == 0) {
    v = std::ldexp(static_cast<double>(mantissa_field), f.min_exponent - m);
  } else {
    v = std::ldexp(static_cast<double>((std::uint32_t{1} << m) + mantissa_field),
                   static_cast<int>(exponent_field) - f.bias - m);
  }
  return negative ? -v : v;
}

float decode_f32(std::uint32_t code, Format format) {
  const FormatInfo& f = float_info(format);
  const double v = decode(code, format);
  if (!std::isnan(v)) return static_cast<float>(v);  // exact: every format here is a subset of float32
  const std::uint32_t mantissa_field = code & mantissa_mask(f);
  return float_of(((code & sign_bit(f)) != 0 ? 0x80000000u : 0u) | 0x7FC00000u |
                  (mantissa_field << (23 - f.mantissa_bits)));
}

const char* value_class_name(ValueClass c) {
  switch (c) {
    case ValueClass::kZero: return "zero";
    case ValueClass::kSubnormal: return "subnormal";
    case ValueClass::kNormal: return "normal";
    case ValueClass::kInfinity: return "infinity";
    case ValueClass::kNaN: return "nan";
  }
  return "?";
}

CodeParts describe_code(std::uint32_t code, Format format) {
  const FormatInfo& f = float_info(format);
  CodeParts p;
  p.stored = decode(code, format);  // checks the code
  p.code = code;
  const std::uint32_t magnitude = code & ~sign_bit(f);
  p.sign = (code & sign_bit(f)) != 0 ? 1 : 0;
  p.exponent_field = magnitude >> f.mantissa_bits;
  p.mantissa_field = magnitude & mantissa_mask(f);
  const double fraction = std::ldexp(static_cast<double>(p.mantissa_field), -f.mantissa_bits);
  if (std::isnan(p.stored)) {
    p.value_class = ValueClass::kNaN;
  } else if (std::isinf(p.stored)) {
    p.value_class = ValueClass::kInfinity;
  } else if (p.exponent_field == 0) {
    p.value_class = p.mantissa_field == 0 ? ValueClass::kZero : ValueClass::kSubnormal;
    p.exponent = f.min_exponent;
    p.significand = fraction;
  } else {
    p.value_class = ValueClass::kNormal;
    p.exponent = static_cast<int>(p.exponent_field) - f.bias;
    p.significand = 1.0 + fraction;
  }
  return p;
}

Decomposition decompose(double x, Format format, Overflow overflow) {
  const FormatInfo& f = float_info(format);
  const bool saturate = saturating(f, overflow);
  Decomposition d;
  static_cast<CodeParts&>(d) = describe_code(encode_bits(bits_of(x), f, saturate), format);
  d.input = x;
  const bool same = (std::isnan(x) && std::isnan(d.stored)) || d.stored == x;
  d.error = same ? 0.0 : d.stored - x;
  d.inexact = !same;
  if (std::isfinite(x)) {
    d.overflow = (encode_bits(bits_of(x), f, false) & ~sign_bit(f)) > f.max_code;
    const bool tiny = x != 0.0 && std::fabs(x) < f.min_normal;
    d.underflow = tiny && d.inexact;
    d.underflow_to_zero = x != 0.0 && d.stored == 0.0;
  }
  d.saturated = saturate && (d.overflow || std::isinf(x));
  return d;
}

Neighbours neighbours(double x, Format format, std::size_t n) {
  const FormatInfo& f = float_info(format);
  if (std::isnan(x)) throw Error("value is NaN: NaN has no place on the number line");
  if (n > kMaxNeighbours) {
    throw Error("n must be a whole number from 0 to " + std::to_string(kMaxNeighbours) + ", got " + std::to_string(n));
  }
  const std::int64_t centre = ordinal(encode_bits(bits_of(x), f, true), f);
  const auto limit = static_cast<std::int64_t>(f.max_code);
  const auto count = static_cast<std::int64_t>(n);
  const std::int64_t lo = std::max(centre - count, -limit), hi = std::min(centre + count, limit);
  Neighbours out;
  for (std::int64_t o = lo; o <= hi; ++o) {
    out.codes.push_back(code_of_ordinal(o, f));
    out.values.push_back(decode(out.codes.back(), format));
  }
  out.index = static_cast<std::size_t>(centre - lo);
  return out;
}

std::vector<std::uint32_t> encode_array(Span<double> x, Format format, Overflow overflow) {
  const FormatInfo& f = float_info(format);
  const bool saturate = saturating(f, overflow);
  std::vector<std::uint32_t> codes(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) codes[i] = encode_bits(bits_of(x[i]), f, saturate);
  return codes;
}

std::vector<std::uint32_t> encode_array(Span<float> x, Format format, Overflow overflow) {
  float_info(format);
  std::vector<std::uint32_t> codes(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) codes[i] = encode(x[i], format, overflow);
  return codes;
}

std::vector<double> decode_array(Span<std::uint32_t> codes, Format format) {
  const FormatInfo& f = float_info(format);
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (f.bits < 32 && codes[i] >> f.bits != 0) {
      throw Error("codes[" + std::to_string(i) + "] is " + std::to_string(codes[i]) + ": a " + f.name +
                  " code is a whole number from 0 to " + std::to_string((std::uint64_t{1} << f.bits) - 1));
    }
  }
  std::vector<double> values(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) values[i] = decode(codes[i], format);
  return values;
}

namespace {

TensorInFormat scaled_tensor(Span<double> x, const FormatInfo& f, double scale, Overflow overflow) {
  const bool saturate = saturating(f, overflow);
  TensorInFormat t;
  t.scale = scale;
  t.codes.resize(x.size());
  t.values.resize(x.size());
  bool all_finite = true;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double scaled = scale == 0.0 ? 0.0 : x[i] / scale;
    const std::uint32_t code = encode_bits(bits_of(scaled), f, saturate);
    const double stored = decode(code, f.format);
    t.codes[i] = code;
    t.values[i] = stored * scale;
    if ((encode_bits(bits_of(scaled), f, false) & ~sign_bit(f)) > f.max_code) ++t.overflows;
    if (x[i] != 0.0 && stored == 0.0) ++t.underflows_to_zero;
    all_finite = all_finite && std::isfinite(t.values[i]);
  }
  if (all_finite) {
    t.stats = error_stats(x, t.values);
  } else {  // an overflow to infinity or NaN (non-saturating mode): the error is unbounded, say so
    t.stats = error_stats(x, std::vector<double>(x.size(), 0.0));
    t.stats.mse = t.stats.max_abs = std::numeric_limits<double>::infinity();
    t.stats.sqnr_db = -std::numeric_limits<double>::infinity();
  }
  return t;
}

}  // namespace

TensorInFormat to_format(Span<double> x, Format format, double scale, Overflow overflow) {
  const FormatInfo& f = float_info(format);
  check_finite_values(x, "x");
  if (!(std::isfinite(scale) && scale > 0.0)) {
    throw Error("scale must be a finite number > 0 (or 'amax'), got " + format_number(scale));
  }
  return scaled_tensor(x, f, scale, overflow);
}

TensorInFormat to_format_amax(Span<double> x, Format format, Overflow overflow) {
  const FormatInfo& f = float_info(format);
  check_finite_values(x, "x");
  double amax = 0.0;
  for (double v : x) amax = std::fmax(amax, std::fabs(v));
  return scaled_tensor(x, f, amax / f.max, overflow);
}

}  // namespace quantlab::fp
