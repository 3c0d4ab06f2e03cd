// float32, float16, bfloat16, fp8 E4M3 and E5M2 (float_formats.hpp) against NumPy and the OCP FP8 specification:
// every fp8 code, every float16 and bfloat16 code, every midpoint between neighbouring values (ties to even),
// NaN, infinity, saturation, subnormals and underflow. References: tests/cpp/float_formats_reference.hpp,
// written by tests/reference/make_float_formats_reference.py.
#include <catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "float_formats_reference.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/float_formats.hpp"

using quantlab::fp::decode;
using quantlab::fp::encode;
using quantlab::fp::Format;
using quantlab::fp::Overflow;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const Format kFloats[] = {Format::kFloat32, Format::kFloat16, Format::kBFloat16, Format::kFp8E4M3, Format::kFp8E5M2};

float f32(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

std::uint64_t f64_bits(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// The reference's hash (see the generator): one 64-bit word at a time.
struct Hash {
  std::uint64_t h = 0xcbf29ce484222325ull;
  void add(std::uint64_t w) {
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 29;
  }
  // A value as the generator hashes it: float64 bits, every NaN as the canonical quiet NaN with its sign.
  void add_value(double v) {
    add(std::isnan(v) ? (f64_bits(v) & (1ull << 63)) | 0x7FF8000000000000ull : f64_bits(v));
  }
};

bool same_value(double a, double b) {
  return (std::isnan(a) && std::isnan(b) && std::signbit(a) == std::signbit(b)) ||
         (a == b && std::signbit(a) == std::signbit(b));
}

const char* name(Format f) { return quantlab::fp::format_info(f).name; }

std::uint32_t sign_bit(Format f) { return std::uint32_t{1} << (quantlab::fp::format_info(f).bits - 1); }

std::string message_of(void (*fn)()) {
  try {
    fn();
  } catch (const quantlab::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("format info: widths, bias, range and special values of every format", "[formats]") {
  using quantlab::fp::format_info;
  const auto& f32i = format_info(Format::kFloat32);
  CHECK(f32i.bits == 32);
  CHECK(f32i.max == static_cast<double>(std::numeric_limits<float>::max()));
  CHECK(f32i.min_normal == static_cast<double>(std::numeric_limits<float>::min()));
  CHECK(f32i.min_subnormal == static_cast<double>(std::numeric_limits<float>::denorm_min()));
  CHECK(f32i.epsilon == static_cast<double>(std::numeric_limits<float>::epsilon()));
  CHECK(f32i.bias == 127);

  const auto& h = format_info(Format::kFloat16);
  CHECK((h.bits == 16 && h.exponent_bits == 5 && h.mantissa_bits == 10 && h.bias == 15));
  CHECK(h.max == 65504.0);
  CHECK(h.min_normal == std::ldexp(1.0, -14));
  CHECK(h.min_subnormal == std::ldexp(1.0, -24));
  CHECK((h.has_infinity && h.has_nan && !h.saturates_by_default));
  CHECK(h.max_code == 0x7BFF);

  const auto& b = format_info(Format::kBFloat16);
  CHECK((b.bits == 16 && b.exponent_bits == 8 && b.mantissa_bits == 7 && b.bias == 127));
  CHECK(b.max == 0x1.fep127);
  CHECK(b.min_normal == f32i.min_normal);  // float32's range, 8 bits of precision
  CHECK(b.min_subnormal == std::ldexp(1.0, -133));
  CHECK(b.epsilon == 0x1p-7);

  const auto& e4 = format_info(Format::kFp8E4M3);
  CHECK((e4.bits == 8 && e4.exponent_bits == 4 && e4.mantissa_bits == 3 && e4.bias == 7));
  CHECK(e4.max == 448.0);
  CHECK(e4.max_exponent == 8);  // the all-ones exponent holds normal values
  CHECK(e4.min_normal == std::ldexp(1.0, -6));
  CHECK(e4.min_subnormal == std::ldexp(1.0, -9));
  CHECK((!e4.has_infinity && e4.has_nan && e4.saturates_by_default));
  CHECK(e4.max_code == 0x7E);

  const auto& e5 = format_info(Format::kFp8E5M2);
  CHECK((e5.bits == 8 && e5.exponent_bits == 5 && e5.mantissa_bits == 2 && e5.bias == 15));
  CHECK(e5.max == 57344.0);
  CHECK(e5.min_normal == std::ldexp(1.0, -14));
  CHECK(e5.min_subnormal == std::ldexp(1.0, -16));
  CHECK((e5.has_infinity && e5.saturates_by_default));

  const auto& i8 = format_info(Format::kInt8);
  CHECK((!i8.is_float && i8.bits == 8 && i8.max == 127 && i8.min == -128));
  const auto& i4 = format_info(Format::kInt4);
  CHECK((!i4.is_float && i4.bits == 4 && i4.max == 7 && i4.min == -8));

  for (Format f : quantlab::fp::all_formats()) CHECK(quantlab::fp::format_from_name(name(f)) == f);
}

TEST_CASE("every fp8 code decodes to the reference value and round-trips", "[formats][fp8]") {
  struct Case { Format f; const double* values; };
  for (const Case c : {Case{Format::kFp8E4M3, float_ref::e4m3_values}, Case{Format::kFp8E5M2, float_ref::e5m2_values}}) {
    INFO(name(c.f));
    int nans = 0, infinities = 0;
    for (std::uint32_t code = 0; code < 256; ++code) {
      INFO("code 0x" << std::hex << code);
      const double v = decode(code, c.f);
      CHECK(same_value(v, c.values[code]));
      CHECK(same_value(static_cast<double>(quantlab::fp::decode_f32(code, c.f)), v));
      nans += std::isnan(v);
      infinities += std::isinf(v);
      for (Overflow o : {Overflow::kSaturate, Overflow::kNonSaturating}) {
        const std::uint32_t back = encode(v, c.f, o);
        if (std::isnan(v)) {
          CHECK(std::isnan(decode(back, c.f)));
          CHECK((back & 0x80u) == (code & 0x80u));
        } else if (std::isinf(v) && o == Overflow::kSaturate) {
          CHECK(back == ((code & 0x80u) | 0x7Bu));  // saturating mode maps infinity to +-max
        } else {
          CHECK(back == code);
          CHECK(encode(static_cast<float>(v), c.f, o) == code);
        }
      }
    }
    // E4M3: S.1111.111 only; E5M2: S.11111.01, .10, .11 and two infinities.
    CHECK(nans == (c.f == Format::kFp8E4M3 ? 2 : 6));
    CHECK(infinities == (c.f == Format::kFp8E4M3 ? 0 : 2));
  }
}

TEST_CASE("fp8 encoding equals the reference's bit arithmetic, saturating and not", "[formats][fp8]") {
  struct Case { Format f; const std::uint32_t* in; const std::uint8_t* sat; const std::uint8_t* nonsat; std::size_t n; };
  const Case cases[] = {
      {Format::kFp8E4M3, float_ref::e4m3_inputs, float_ref::e4m3_saturating, float_ref::e4m3_nonsaturating,
       std::size(float_ref::e4m3_inputs)},
      {Format::kFp8E5M2, float_ref::e5m2_inputs, float_ref::e5m2_saturating, float_ref::e5m2_nonsaturating,
       std::size(float_ref::e5m2_inputs)},
  };
  for (const Case& c : cases) {
    REQUIRE(c.n > 1000);
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < c.n; ++i) {
      const float x = f32(c.in[i]);
      const std::uint32_t sat = encode(x, c.f, Overflow::kSaturate), nonsat = encode(x, c.f, Overflow::kNonSaturating);
      if (sat != c.sat[i] || nonsat != c.nonsat[i] || encode(x, c.f) != c.sat[i]) {
        if (++mismatches <= 10) {
          FAIL_CHECK(name(c.f) << " input 0x" << std::hex << c.in[i] << ": saturating 0x" << sat << " (reference 0x"
                               << +c.sat[i] << "), non-saturating 0x" << nonsat << " (reference 0x" << +c.nonsat[i] << ")");
        }
      }
      // Every float32 input is exact in float64: the float64 path must agree (NaN payloads aside).
      if (!std::isnan(x)) CHECK(encode(static_cast<double>(x), c.f, Overflow::kSaturate) == c.sat[i]);
    }
    CHECK(mismatches == 0);
  }
}

TEST_CASE("every float16 code decodes as np.float16 does and round-trips", "[formats][float16]") {
  Hash hash;
  for (std::uint32_t code = 0; code < 65536; ++code) {
    const double v = decode(code, Format::kFloat16);
    hash.add_value(v);
    const std::uint32_t back = encode(v, Format::kFloat16);
    const float v32 = quantlab::fp::decode_f32(code, Format::kFloat16);
    if (std::isnan(v)) {
      // A NaN comes back as the quiet NaN with the same sign and payload.
      if (back != (code | 0x0200u)) FAIL_CHECK("NaN code 0x" << std::hex << code << " came back as 0x" << back);
      if (encode(v32, Format::kFloat16) != (code | 0x0200u)) FAIL_CHECK("NaN code 0x" << std::hex << code << " via float32");
    } else {
      if (back != code) FAIL_CHECK("code 0x" << std::hex << code << " -> " << v << " -> 0x" << back);
      if (encode(v32, Format::kFloat16) != code) FAIL_CHECK("code 0x" << std::hex << code << " via float32");
      if (static_cast<double>(v32) != v) FAIL_CHECK("decode_f32(0x" << std::hex << code << ")");
    }
  }
  CHECK(hash.h == float_ref::f16_decode_hash);
}

TEST_CASE("float16 rounding of every midpoint and its neighbours equals np.float16", "[formats][float16][ties]") {
  // The generator's f16_pair_inputs, in the same order.
  Hash hash;
  std::uint32_t count = 0;
  auto add = [&](double x, bool from_float) {
    for (double v : {x, -x}) {
      const std::uint32_t code = from_float ? encode(static_cast<float>(v), Format::kFloat16) : encode(v, Format::kFloat16);
      hash.add(code);
      ++count;
    }
  };
  for (std::uint32_t k = 0; k < 0x7C00; ++k) {
    const double lo = decode(k, Format::kFloat16), hi = k < 0x7BFF ? decode(k + 1, Format::kFloat16) : 65536.0;
    const double mid = (lo + hi) / 2;
    const auto mid32 = static_cast<float>(mid);
    REQUIRE(static_cast<double>(mid32) == mid);
    add(std::nextafter(mid, 0.0), false);
    add(mid, false);
    add(std::nextafter(mid, kInf), false);
    add(static_cast<double>(std::nextafter(mid32, 0.0f)), true);
    add(static_cast<double>(std::nextafter(mid32, std::numeric_limits<float>::infinity())), true);
  }
  CHECK(count == float_ref::f16_pair_count);
  CHECK(hash.h == float_ref::f16_pair_hash);

  for (std::size_t i = 0; i < std::size(float_ref::f16_sample_inputs); ++i) {
    INFO("np.float16(" << float_ref::f16_sample_inputs[i] << ")");
    CHECK(encode(float_ref::f16_sample_inputs[i], Format::kFloat16) == float_ref::f16_sample_codes[i]);
  }
  for (std::size_t i = 0; i < std::size(float_ref::f16_f32_inputs); ++i) {
    INFO("np.float16(np.float32 0x" << std::hex << float_ref::f16_f32_inputs[i] << ")");
    CHECK(encode(f32(float_ref::f16_f32_inputs[i]), Format::kFloat16) == float_ref::f16_f32_codes[i]);
  }
}

TEST_CASE("bfloat16 equals the float32 bit trick: every code, every midpoint, NaN payloads", "[formats][bfloat16]") {
  Hash decoded;
  for (std::uint32_t code = 0; code < 65536; ++code) {
    const double v = decode(code, Format::kBFloat16);
    decoded.add_value(v);
    if (!std::isnan(v) && encode(v, Format::kBFloat16) != code) FAIL_CHECK("code 0x" << std::hex << code);
    if (std::isnan(v) && encode(v, Format::kBFloat16) != (code | 0x40u)) FAIL_CHECK("NaN code 0x" << std::hex << code);
  }
  CHECK(decoded.h == float_ref::bf16_decode_hash);

  Hash pairs;
  std::uint32_t count = 0;
  for (std::uint32_t k = 0; k < 0x7F80; ++k) {
    const double lo = decode(k, Format::kBFloat16), hi = k < 0x7F7F ? decode(k + 1, Format::kBFloat16) : 0x1p128;
    const auto mid = static_cast<float>((lo + hi) / 2);
    for (float x : {std::nextafter(mid, 0.0f), mid, std::nextafter(mid, std::numeric_limits<float>::infinity())}) {
      pairs.add(encode(x, Format::kBFloat16));
      pairs.add(encode(-x, Format::kBFloat16));
      count += 2;
    }
  }
  CHECK(count == float_ref::bf16_pair_count);
  CHECK(pairs.h == float_ref::bf16_pair_hash);

  for (std::size_t i = 0; i < std::size(float_ref::bf16_inputs); ++i) {
    INFO("float32 0x" << std::hex << float_ref::bf16_inputs[i]);
    CHECK(encode(f32(float_ref::bf16_inputs[i]), Format::kBFloat16) == float_ref::bf16_codes[i]);
  }
}

TEST_CASE("float32 from float64 equals np.float32", "[formats][float32]") {
  for (std::size_t i = 0; i < std::size(float_ref::f32_inputs); ++i) {
    INFO("np.float32(" << float_ref::f32_inputs[i] << ")");
    CHECK(encode(float_ref::f32_inputs[i], Format::kFloat32) == float_ref::f32_codes[i]);
  }
}

TEST_CASE("ties go to even: every midpoint between neighbouring values, both signs, every format", "[formats][ties]") {
  for (Format f : kFloats) {
    INFO(name(f));
    const auto& info = quantlab::fp::format_info(f);
    // float32 has 2^31 neighbours: every 9973rd pair and the ends; the others, every pair.
    const std::uint32_t step = f == Format::kFloat32 ? 9973 : 1;
    std::size_t failures = 0;
    auto check = [&](std::uint32_t k) {
      const double lo = decode(k, f), hi = decode(k + 1, f), mid = (lo + hi) / 2;
      const std::uint32_t even = (k % 2 == 0) ? k : k + 1;
      for (std::uint32_t sign : {0u, sign_bit(f)}) {
        const double s = sign ? -1.0 : 1.0;
        const bool ok = encode(s * mid, f) == (sign | even) && encode(s * std::nextafter(mid, 0.0), f) == (sign | k) &&
                        encode(s * std::nextafter(mid, kInf), f) == (sign | (k + 1));
        if (!ok && ++failures <= 5) FAIL_CHECK("between codes 0x" << std::hex << k << " and 0x" << k + 1);
      }
    };
    for (std::uint32_t k = 0; k < info.max_code; k += step) check(k);
    check(info.max_code - 1);
    CHECK(failures == 0);
  }
}

TEST_CASE("overflow: infinity in IEEE formats, saturation to 448 in E4M3 by default, NaN when not saturating", "[formats][overflow]") {
  // float16: max 65504; halfway to 65536 is a tie that goes to the even code, which is infinity.
  CHECK(encode(65504.0, Format::kFloat16) == 0x7BFF);
  CHECK(encode(65519.99, Format::kFloat16) == 0x7BFF);
  CHECK(encode(65520.0, Format::kFloat16) == 0x7C00);
  CHECK(encode(1e5, Format::kFloat16) == 0x7C00);
  CHECK(encode(-1e5, Format::kFloat16) == 0xFC00);
  CHECK(encode(1e5, Format::kFloat16, Overflow::kSaturate) == 0x7BFF);
  CHECK(encode(kInf, Format::kFloat16) == 0x7C00);
  CHECK(encode(kInf, Format::kFloat16, Overflow::kSaturate) == 0x7BFF);
  CHECK(encode(3.5e38, Format::kBFloat16) == 0x7F80);
  CHECK(encode(3.5e38, Format::kFloat32) == 0x7F800000u);
  CHECK(encode(1e300, Format::kFloat32, Overflow::kSaturate) == 0x7F7FFFFFu);

  // E4M3: max 448 = S.1111.110. The next step would be 480 (S.1111.111 is NaN): 464 is a tie to 448 (even).
  const Format e4 = Format::kFp8E4M3;
  CHECK(encode(448.0, e4) == 0x7E);
  CHECK(encode(500.0, e4) == 0x7E);  // saturating by default
  CHECK(encode(-1e9, e4) == 0xFE);
  CHECK(encode(kInf, e4) == 0x7E);
  CHECK(encode(-kInf, e4) == 0xFE);
  CHECK(encode(464.0, e4, Overflow::kNonSaturating) == 0x7E);
  CHECK(encode(464.0001, e4, Overflow::kNonSaturating) == 0x7F);
  CHECK(encode(500.0, e4, Overflow::kNonSaturating) == 0x7F);
  CHECK(encode(-500.0, e4, Overflow::kNonSaturating) == 0xFF);
  CHECK(encode(kInf, e4, Overflow::kNonSaturating) == 0x7F);  // no infinity: NaN

  // E5M2: max 57344 = S.11110.11; 61440 is the tie with 65536 (infinity's code, even).
  const Format e5 = Format::kFp8E5M2;
  CHECK(encode(57344.0, e5) == 0x7B);
  CHECK(encode(61439.0, e5, Overflow::kNonSaturating) == 0x7B);
  CHECK(encode(61440.0, e5, Overflow::kNonSaturating) == 0x7C);
  CHECK(encode(61440.0, e5) == 0x7B);
  CHECK(encode(1e6, e5) == 0x7B);
  CHECK(encode(-kInf, e5) == 0xFB);
  CHECK(encode(-kInf, e5, Overflow::kNonSaturating) == 0xFC);
}

TEST_CASE("NaN stays a quiet NaN with its sign in every format", "[formats][nan]") {
  struct Case { Format f; std::uint32_t positive; };
  for (const Case c : {Case{Format::kFloat32, 0x7FC00000u}, Case{Format::kFloat16, 0x7E00u}, Case{Format::kBFloat16, 0x7FC0u},
                       Case{Format::kFp8E4M3, 0x7Fu}, Case{Format::kFp8E5M2, 0x7Eu}}) {
    INFO(name(c.f));
    for (Overflow o : {Overflow::kDefault, Overflow::kSaturate, Overflow::kNonSaturating}) {
      CHECK(encode(kNaN, c.f, o) == c.positive);
      CHECK(encode(-kNaN, c.f, o) == (sign_bit(c.f) | c.positive));
      CHECK(encode(std::numeric_limits<float>::quiet_NaN(), c.f, o) == c.positive);
    }
    // A signalling NaN (0x7f800001) must not become infinity, which truncating its bits would give.
    const std::uint32_t from_snan = encode(f32(0x7F800001u), c.f);
    CHECK(std::isnan(decode(from_snan, c.f)));
    CHECK(std::isnan(quantlab::fp::decode_f32(from_snan, c.f)));
  }
  // bfloat16 keeps the top payload bits: 0x7fffffff is 0x7fff, not 0x8000 (-0) as rounding its bits would give.
  CHECK(encode(f32(0x7FFFFFFFu), Format::kBFloat16) == 0x7FFFu);
  CHECK(encode(f32(0xFF800001u), Format::kBFloat16) == 0xFFC0u);
  CHECK(encode(f32(0x7FA00000u), Format::kFp8E5M2) == 0x7Fu);  // payload 01 -> quiet 11
}

TEST_CASE("subnormals are kept, and values below half the smallest one round to zero", "[formats][subnormal]") {
  const Format e4 = Format::kFp8E4M3;
  CHECK(encode(0x1p-9, e4) == 0x01);   // smallest subnormal
  CHECK(encode(0x1p-10, e4) == 0x00);  // the tie between 0 and 2^-9 goes to 0 (even)
  CHECK(encode(-0x1p-10, e4) == 0x80);
  CHECK(encode(std::nextafter(0x1p-10, 1.0), e4) == 0x01);
  CHECK(encode(3 * 0x1p-10, e4) == 0x02);  // tie between 1 and 2 (x 2^-9): even
  CHECK(encode(7 * 0x1p-9, e4) == 0x07);   // largest subnormal
  CHECK(encode(7.5 * 0x1p-9, e4) == 0x08);  // tie between 0x07 and 0x08: the smallest normal, 2^-6
  CHECK(decode(0x08, e4) == 0x1p-6);
  CHECK(encode(0x1p-16, Format::kFp8E5M2) == 0x01);
  CHECK(encode(0x1p-24, Format::kFloat16) == 0x0001);
  CHECK(encode(0x1p-25, Format::kFloat16) == 0x0000);
  CHECK(encode(0x1.8p-24, Format::kFloat16) == 0x0002);
  CHECK(encode(0x1p-133, Format::kBFloat16) == 0x0001);
  CHECK(encode(0x1p-149, Format::kFloat32) == 0x00000001u);
  CHECK(encode(1e-300, Format::kFloat32) == 0u);
  CHECK(encode(-1e-300, Format::kFloat32) == 0x80000000u);
  CHECK(encode(std::numeric_limits<double>::denorm_min(), Format::kFloat16) == 0);
  CHECK(encode(-0.0, Format::kFloat16) == 0x8000);
  CHECK(encode(0.0, Format::kFp8E5M2) == 0x00);
}

TEST_CASE("decompose: fields, class, stored value, error and flags", "[formats][decompose]") {
  using quantlab::fp::decompose;
  using quantlab::fp::ValueClass;
  const auto tenth = decompose(0.1, Format::kFloat16);
  CHECK(tenth.code == 0x2E66);
  CHECK((tenth.sign == 0 && tenth.exponent_field == 11 && tenth.mantissa_field == 0x266 && tenth.exponent == -4));
  CHECK(tenth.value_class == ValueClass::kNormal);
  CHECK(tenth.significand == 1.0 + 0x266 / 1024.0);
  CHECK(tenth.stored == 0.0999755859375);
  CHECK(tenth.error == 0.0999755859375 - 0.1);
  CHECK(tenth.input == 0.1);
  CHECK((tenth.inexact && !tenth.overflow && !tenth.saturated && !tenth.underflow && !tenth.underflow_to_zero));
  CHECK(tenth.stored == tenth.significand * std::ldexp(1.0, tenth.exponent));

  const auto tiny = decompose(1e-6, Format::kFloat16);
  CHECK(tiny.value_class == ValueClass::kSubnormal);
  CHECK((tiny.exponent_field == 0 && tiny.exponent == -14 && tiny.mantissa_field == 17));
  CHECK((tiny.underflow && !tiny.underflow_to_zero));
  CHECK(tiny.stored == tiny.significand * 0x1p-14);

  const auto gone = decompose(-1e-9, Format::kFloat16);
  CHECK(gone.value_class == ValueClass::kZero);
  CHECK((gone.sign == 1 && gone.code == 0x8000 && gone.underflow && gone.underflow_to_zero));
  CHECK(gone.error == 1e-9);

  const auto sat = decompose(500.0, Format::kFp8E4M3);
  CHECK((sat.stored == 448.0 && sat.overflow && sat.saturated && sat.inexact && sat.error == -52.0));
  const auto nan = decompose(500.0, Format::kFp8E4M3, Overflow::kNonSaturating);
  CHECK((nan.value_class == ValueClass::kNaN && nan.overflow && !nan.saturated && std::isnan(nan.error)));
  CHECK(nan.code == 0x7F);
  const auto inf = decompose(1e5, Format::kFloat16);
  CHECK((inf.value_class == ValueClass::kInfinity && inf.overflow && !inf.saturated && inf.error == kInf));
  const auto inf_in = decompose(-kInf, Format::kFp8E4M3);
  CHECK((inf_in.stored == -448.0 && inf_in.saturated && !inf_in.overflow));
  const auto nan_in = decompose(kNaN, Format::kBFloat16);
  CHECK((nan_in.value_class == ValueClass::kNaN && nan_in.error == 0.0 && !nan_in.inexact));
  CHECK((nan_in.exponent == 0 && nan_in.significand == 0.0));
  const auto exact = decompose(-2.0, Format::kFp8E5M2);
  CHECK((exact.code == 0xC0 && exact.exponent == 1 && exact.error == 0.0 && !exact.inexact));
  const auto zero = decompose(-0.0, Format::kFloat32);
  CHECK((zero.value_class == ValueClass::kZero && zero.sign == 1 && !zero.inexact && !zero.underflow));

  // Every fp8 code: the fields put back together give the value.
  for (Format f : {Format::kFp8E4M3, Format::kFp8E5M2}) {
    const int m = quantlab::fp::format_info(f).mantissa_bits;
    for (std::uint32_t code = 0; code < 256; ++code) {
      const auto p = quantlab::fp::describe_code(code, f);
      CHECK(p.code == code);
      CHECK(((p.sign << 7) | (p.exponent_field << m) | p.mantissa_field) == code);
      if (std::isfinite(p.stored)) {
        CHECK(p.stored == (p.sign ? -1 : 1) * p.significand * std::ldexp(1.0, p.exponent));
      }
    }
  }
  CHECK(std::string(quantlab::fp::value_class_name(ValueClass::kSubnormal)) == "subnormal");
}

TEST_CASE("neighbours: the values of a format around a number, ascending, zero once", "[formats][neighbours]") {
  using quantlab::fp::neighbours;
  const auto one = neighbours(1.0, Format::kFp8E4M3, 2);
  CHECK(one.values == std::vector<double>{0.875, 0.9375, 1.0, 1.125, 1.25});
  CHECK(one.codes == std::vector<std::uint32_t>{0x36, 0x37, 0x38, 0x39, 0x3A});
  CHECK(one.index == 2);
  const auto zero = neighbours(-0.0, Format::kFp8E4M3, 2);
  CHECK(zero.values == std::vector<double>{-0x1p-8, -0x1p-9, 0.0, 0x1p-9, 0x1p-8});
  CHECK(zero.index == 2);
  const auto top = neighbours(448.0, Format::kFp8E4M3, 2);
  CHECK(top.values == std::vector<double>{384.0, 416.0, 448.0});
  CHECK(top.index == 2);
  const auto beyond = neighbours(1e6, Format::kFp8E4M3, 1);
  CHECK(beyond.values == std::vector<double>{416.0, 448.0});
  const auto low = neighbours(-kInf, Format::kFloat16, 1);
  CHECK(low.values == std::vector<double>{-65504.0, -65472.0});
  CHECK(low.index == 0);
  const auto rounded = neighbours(1.01, Format::kFp8E5M2, 0);
  CHECK(rounded.values == std::vector<double>{1.0});
  // 2n + 1 values across every fp8 value, strictly ascending.
  const auto all = neighbours(0.0, Format::kFp8E5M2, 1000);
  CHECK(all.values.size() == 2 * 123 + 1);
  for (std::size_t i = 1; i < all.values.size(); ++i) CHECK(all.values[i - 1] < all.values[i]);
  CHECK(message_of([] { neighbours(kNaN, Format::kFloat16, 3); }) == "value is NaN: NaN has no place on the number line");
  CHECK(message_of([] { neighbours(1.0, Format::kFloat16, 1001); }) == "n must be a whole number from 0 to 1000, got 1001");
}

TEST_CASE("to_format: per-tensor amax scale, stored values, weight MSE, overflow and underflow counts", "[formats][tensor]") {
  using quantlab::fp::to_format;
  const std::vector<double> x = {1.0, -2.0, 0.3, 4.0, 0.0};
  const auto t = quantlab::fp::to_format_amax(x, Format::kFp8E4M3);
  CHECK(t.scale == 4.0 / 448.0);
  REQUIRE(t.codes.size() == 5);
  for (std::size_t i = 0; i < x.size(); ++i) {
    CHECK(t.codes[i] == encode(x[i] / t.scale, Format::kFp8E4M3));
    CHECK(t.values[i] == decode(t.codes[i], Format::kFp8E4M3) * t.scale);
  }
  CHECK(t.codes[3] == 0x7E);  // the largest magnitude lands on 448
  CHECK(t.stats.mse == quantlab::error_stats(x, t.values).mse);
  CHECK(t.stats.mse > 0.0);
  CHECK((t.overflows == 0 && t.underflows_to_zero == 0));
  CHECK(quantlab::fp::to_format_amax(x, Format::kFp8E5M2).scale == 4.0 / 57344.0);

  const auto plain = to_format(x, Format::kFloat16);
  CHECK(plain.scale == 1.0);
  CHECK(plain.codes == quantlab::fp::encode_array(x, Format::kFloat16));
  const std::vector<float> xf(x.begin(), x.end());
  CHECK(plain.codes == quantlab::fp::encode_array(xf, Format::kFloat16));

  const auto zeros = quantlab::fp::to_format_amax(std::vector<double>(3, 0.0), Format::kFp8E4M3);
  CHECK(zeros.scale == 0.0);
  CHECK(zeros.values == std::vector<double>(3, 0.0));
  CHECK(zeros.stats.mse == 0.0);

  const auto over = to_format(std::vector<double>{1e5, 1e-9, 1.0}, Format::kFloat16);
  CHECK((over.overflows == 1 && over.underflows_to_zero == 1));
  CHECK((over.stats.mse == kInf && over.stats.max_abs == kInf && over.stats.sqnr_db == -kInf));
  const auto over_sat = to_format(std::vector<double>{1e5, 1.0}, Format::kFloat16, 1.0, Overflow::kSaturate);
  CHECK((over_sat.overflows == 1 && over_sat.values[0] == 65504.0 && std::isfinite(over_sat.stats.mse)));
  const auto e4_nan = to_format(std::vector<double>{500.0}, Format::kFp8E4M3, 1.0, Overflow::kNonSaturating);
  CHECK((std::isnan(e4_nan.values[0]) && e4_nan.stats.mse == kInf));
  const auto scaled = to_format(std::vector<double>{3.0, 6.0}, Format::kFp8E5M2, 0.5);
  CHECK(scaled.values == std::vector<double>{3.0, 6.0});
  CHECK(scaled.codes == std::vector<std::uint32_t>{encode(6.0, Format::kFp8E5M2), encode(12.0, Format::kFp8E5M2)});
}

TEST_CASE("format errors name the problem", "[formats][errors]") {
  using namespace quantlab::fp;
  CHECK(message_of([] { format_from_name("fp8"); }) ==
        "format must be one of 'float32', 'float16', 'bfloat16', 'fp8-e4m3', 'fp8-e5m2', 'int8', 'int4', got 'fp8'");
  CHECK(message_of([] { float_format_from_name("E4M3"); }) ==
        "format must be one of 'float32', 'float16', 'bfloat16', 'fp8-e4m3', 'fp8-e5m2', got 'E4M3'");
  CHECK(message_of([] { float_format_from_name("int4"); }) ==
        "format 'int4' is an integer format: give a float format, one of 'float32', 'float16', 'bfloat16', "
        "'fp8-e4m3', 'fp8-e5m2'");
  CHECK(message_of([] { encode(1.0, Format::kInt8); }) ==
        "int8 is an integer format: it has no float encoding (quantize to it with a scale instead)");
  CHECK(message_of([] { decode(256, Format::kFp8E4M3); }) ==
        "code 256 does not fit fp8-e4m3's 8 bits: a code is a whole number from 0 to 255");
  CHECK(message_of([] { decode_array(std::vector<std::uint32_t>{1, 70000}, Format::kFloat16); }) ==
        "codes[1] is 70000: a float16 code is a whole number from 0 to 65535");
  CHECK(message_of([] { to_format(std::vector<double>{1.0, kNaN}, Format::kFloat16); }) ==
        "x[1] is NaN: every value must be a finite number");
  CHECK(message_of([] { to_format(std::vector<double>{}, Format::kFloat16); }) == "x is empty: give at least one value");
  CHECK(message_of([] { to_format(std::vector<double>{1.0}, Format::kFloat16, 0.0); }) ==
        "scale must be a finite number > 0 (or 'amax'), got 0");
  CHECK(message_of([] { to_format(std::vector<double>{1.0}, Format::kFloat16, -1.0); }) ==
        "scale must be a finite number > 0 (or 'amax'), got -1");
  CHECK(message_of([] { to_format_amax(std::vector<double>{kInf}, Format::kFp8E4M3); }) ==
        "x[0] is Infinity: every value must be a finite number");
  CHECK(message_of([] { to_format(std::vector<double>{1.0}, Format::kFloat16, kInf); }) ==
        "scale must be a finite number > 0 (or 'amax'), got Infinity");
  CHECK(decode_array(std::vector<std::uint32_t>{0x3C00, 0xFC00}, Format::kFloat16) == std::vector<double>{1.0, -kInf});
}
