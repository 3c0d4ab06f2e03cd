// Number formats bit by bit: float32, float16 (IEEE binary16), bfloat16, and the two 8-bit formats of the OCP
// 8-bit floating point specification, fp8 E4M3 and E5M2; plus int8 and int4 as storage sizes (format_info only).
//
// A value is encoded from float64 (or float32) to its bits with one round to nearest, ties to even, and decoded
// exactly (every format here is a subset of float32). Subnormals exist in every format and are never flushed.
// Special values:
// - float32, float16, bfloat16, fp8 E5M2 are IEEE-like: exponent all ones is infinity (mantissa 0) or NaN.
// - fp8 E4M3 has no infinity; S.1111.111 is its only NaN (one per sign), which frees S.1111.000..110 for normal
//   values up to 448.
// - NaN stays NaN: the result is a quiet NaN with the input's sign and the top bits of its payload.
// - Overflow (a finite value that rounds beyond the largest finite value, as if the exponent were unbounded):
//   saturating mode stores +-max, and also maps +-infinity to +-max (the OCP specification's saturating mode);
//   non-saturating mode stores +-infinity, or NaN in E4M3, which has no infinity. fp8 formats saturate by
//   default (what scaled fp8 casts do), the IEEE formats do not (IEEE 754 overflows to infinity).
// docs/float-formats.md explains the formats and how the tests prove this.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "quantlab/metrics.hpp"
#include "quantlab/span.hpp"

namespace quantlab::fp {

enum class Format { kFloat32, kFloat16, kBFloat16, kFp8E4M3, kFp8E5M2, kInt8, kInt4 };

// Every format by its name: "float32", "float16", "bfloat16", "fp8-e4m3", "fp8-e5m2", "int8", "int4".
const std::vector<Format>& all_formats();
// Throws quantlab::Error naming the accepted names for anything else.
Format format_from_name(const std::string& name);
// Like format_from_name, but an integer format is an error too: for the conversions.
Format float_format_from_name(const std::string& name);

struct FormatInfo {
  Format format = Format::kFloat32;
  const char* name = "";
  bool is_float = true;     // false for int8 and int4
  int bits = 0;             // storage bits: 32, 16, 8, 4
  int exponent_bits = 0;    // floats only
  int mantissa_bits = 0;    // stored (trailing) mantissa bits, without the implicit leading 1
  int bias = 0;
  int min_exponent = 0;     // unbiased exponent of the smallest normal value: 1 - bias
  int max_exponent = 0;     // unbiased exponent of the largest finite value
  bool has_infinity = false;
  bool has_nan = false;
  bool saturates_by_default = false;
  double max = 0;            // largest finite value (integers: 2^(bits-1) - 1)
  double min = 0;            // most negative finite value (integers: -2^(bits-1))
  double min_normal = 0;     // smallest positive normal value (floats)
  double min_subnormal = 0;  // smallest positive value (floats)
  double epsilon = 0;        // 2^-mantissa_bits: the gap between 1 and the next value (floats)
  std::uint32_t max_code = 0;  // bits of +max: every code above it (sign aside) is infinity or NaN
};

const FormatInfo& format_info(Format format);

enum class Overflow { kDefault, kSaturate, kNonSaturating };

// The bits of x in `format` (floats only; the code sits in the low `bits` bits, sign bit highest).
std::uint32_t encode(double x, Format format, Overflow overflow = Overflow::kDefault);
// float32 input, NaN payloads included (read from the bits, never through a float64 conversion).
std::uint32_t encode(float x, Format format, Overflow overflow = Overflow::kDefault);
// The exact value of a code (bits above the format's width must be 0).
double decode(std::uint32_t code, Format format);
// The same value as float32; a NaN keeps its sign and payload bits, quieted.
float decode_f32(std::uint32_t code, Format format);

enum class ValueClass { kZero, kSubnormal, kNormal, kInfinity, kNaN };
const char* value_class_name(ValueClass c);  // "zero", "subnormal", "normal", "infinity", "nan"

// A code taken apart, for showing a value bit by bit.
struct CodeParts {
  std::uint32_t code = 0;
  int sign = 0;                     // 0 or 1
  std::uint32_t exponent_field = 0;
  std::uint32_t mantissa_field = 0;
  ValueClass value_class = ValueClass::kZero;
  // Zero and subnormals: 1 - bias (the value is 0.mantissa x 2^exponent); normal: field - bias (1.mantissa x
  // 2^exponent); infinity and NaN: 0 (no exponent).
  int exponent = 0;
  double significand = 0;  // 1.mantissa or 0.mantissa as a number; 0 for infinity and NaN
  double stored = 0;       // the exact value (decode)
};

CodeParts describe_code(std::uint32_t code, Format format);

// What storing x in `format` does to it.
struct Decomposition : CodeParts {
  double input = 0;
  // stored - input in float64, exact whenever both are finite and no overflow happened; 0 when they are the
  // same (NaN and NaN, infinity and the same infinity); +-infinity when a finite input overflowed to infinity;
  // NaN when a number became NaN (E4M3, non-saturating).
  double error = 0;
  bool inexact = false;            // stored != input (NaN to NaN is exact)
  bool overflow = false;           // finite input rounded beyond the largest finite value
  bool saturated = false;          // stored is +-max in place of a larger magnitude (overflow or infinity)
  bool underflow = false;          // nonzero finite input below the smallest normal, stored inexactly
  bool underflow_to_zero = false;  // nonzero finite input stored as (signed) zero
};

Decomposition decompose(double x, Format format, Overflow overflow = Overflow::kDefault);

// The representable values nearest x on a number line: the value x is stored as (rounded with saturation,
// so +-infinity and overflow give +-max) and up to `n` finite values on each side, ascending, zero once.
struct Neighbours {
  std::vector<double> values;
  std::vector<std::uint32_t> codes;
  std::size_t index = 0;  // position of x's stored value in `values`
};
constexpr std::size_t kMaxNeighbours = 1000;
Neighbours neighbours(double x, Format format, std::size_t n);  // x NaN or n > kMaxNeighbours: Error

// Bulk conversion: codes of every value (any input, NaN and infinities included) and values of every code.
std::vector<std::uint32_t> encode_array(Span<double> x, Format format, Overflow overflow = Overflow::kDefault);
std::vector<std::uint32_t> encode_array(Span<float> x, Format format, Overflow overflow = Overflow::kDefault);
// Each code must fit the format's bits: Error names the first that does not.
std::vector<double> decode_array(Span<std::uint32_t> codes, Format format);

// A tensor (a model's weights) stored in `format` with one per-tensor scale:
//   scaled = x / scale (float64), code = encode(scaled), values = decode(code) * scale (float64).
// to_format takes the scale from the caller (a finite number > 0); to_format_amax uses max|x| / format max
// (E4M3: amax / 448, E5M2: amax / 57344, as fp8 recipes scale a tensor onto the format's whole range), and gives
// an all-zero tensor scale 0 and every code 0. Every input must be finite.
struct TensorInFormat {
  std::vector<std::uint32_t> codes;
  std::vector<double> values;
  double scale = 1.0;
  // x against values (weight MSE, max |error|, SQNR); mse and max_abs are +infinity (SQNR -infinity) when a value
  // overflowed to infinity or NaN (non-saturating mode).
  ErrorStats stats;
  std::size_t overflows = 0;           // values beyond the format's range (saturated or infinity)
  std::size_t underflows_to_zero = 0;  // nonzero values stored as zero
};
TensorInFormat to_format(Span<double> x, Format format, double scale = 1.0, Overflow overflow = Overflow::kDefault);
TensorInFormat to_format_amax(Span<double> x, Format format, Overflow overflow = Overflow::kDefault);

}  // namespace quantlab::fp
