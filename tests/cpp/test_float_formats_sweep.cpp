// A seeded sweep of random float32 and float64 bit patterns through every float format, against a slow reference
// written apart from the core: the sorted table of every non-negative finite value of the format (plus the next
// value the exponent would give past the largest), a binary search for the two values around |x|, and the nearer
// one, ties to the even code. float32 itself is checked against the compiler's own double -> float conversion.
#include <catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "quantlab/float_formats.hpp"

using quantlab::fp::Format;
using quantlab::fp::Overflow;

namespace {

// ASan and UBSan run the same sweep on fewer values: the native and WebAssembly runs cover the full count.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kSweep = 100000;
#else
constexpr int kSweep = 1000000;
#endif

struct SlowReference {
  int exponent_bits, mantissa_bits;
  bool ieee;  // IEEE-like specials; false: E4M3 (no infinity, NaN = S.1111.111)
  std::vector<double> grid;  // every non-negative finite value by code, then the value past the largest
  std::uint32_t max_code = 0;

  SlowReference(int e, int m, bool ieee_specials) : exponent_bits(e), mantissa_bits(m), ieee(ieee_specials) {
    const int bias = (1 << (e - 1)) - 1;
    const std::uint32_t codes = std::uint32_t{1} << (e + m);
    max_code = ieee ? codes - (std::uint32_t{1} << m) - 1 : codes - 2;
    for (std::uint32_t c = 0; c <= max_code + 1; ++c) {  // max_code + 1: as if the exponent went on
      const std::uint32_t ef = c >> m, mf = c & ((1u << m) - 1);
      grid.push_back(ef == 0 ? std::ldexp(mf, 1 - bias - m) : std::ldexp((1u << m) + mf, static_cast<int>(ef) - bias - m));
    }
  }

  std::uint32_t sign_bit() const { return std::uint32_t{1} << (exponent_bits + mantissa_bits); }
  std::uint32_t overflow_code(bool saturate) const {
    if (saturate) return max_code;
    return ieee ? ((1u << exponent_bits) - 1) << mantissa_bits : max_code + 1;
  }

  // The code of a non-NaN x.
  std::uint32_t encode(double x, bool saturate) const {
    const std::uint32_t sign = std::signbit(x) ? sign_bit() : 0;
    const double a = std::fabs(x);
    if (a > grid.back()) return sign | overflow_code(saturate);
    // grid[i] <= a < grid[i + 1]
    const auto i = static_cast<std::uint32_t>(std::upper_bound(grid.begin(), grid.end(), a) - grid.begin() - 1);
    std::uint32_t c = i;
    if (grid[i] != a) {
      // Exact differences: grid[i] <= a <= grid[i + 1] <= 2 grid[i] (Sterbenz), or grid[i] = 0 and a - 0 = a;
      // where grid[i + 1] - a may round (a far below grid[i + 1] / 2) it is far from a tie.
      const double below = a - grid[i], above = grid[i + 1] - a;
      c = (below < above || (below == above && i % 2 == 0)) ? i : i + 1;
    }
    return sign | (c > max_code ? overflow_code(saturate) : c);
  }
};

float f32(std::uint32_t b) {
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
}

double f64(std::uint64_t b) {
  double d;
  std::memcpy(&d, &b, sizeof d);
  return d;
}

std::uint32_t bits32(float f) {
  std::uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

// Half of the patterns uniform over all bits (mostly far out of an 8- or 16-bit format's range), half with the
// exponent drawn around the format's range so that subnormals, every binade and overflow all get hit.
struct Patterns {
  std::mt19937_64 rng;
  int lo, hi;  // unbiased exponent range for the second half
  Patterns(std::uint64_t seed, int lo_exp, int hi_exp) : rng(seed), lo(lo_exp), hi(hi_exp) {}

  float next_f32(int i) {
    const std::uint64_t r = rng();
    if (i % 2 == 0) return f32(static_cast<std::uint32_t>(r));
    const int e = std::max(-127, std::min(128, lo + static_cast<int>((r >> 32) % static_cast<std::uint64_t>(hi - lo + 1))));
    return f32((static_cast<std::uint32_t>(r >> 63) << 31) | (static_cast<std::uint32_t>(e + 127) << 23) |
               static_cast<std::uint32_t>(r & 0x7FFFFF));
  }
  double next_f64(int i) {
    const std::uint64_t r = rng();
    if (i % 2 == 0) return f64(r);
    const int e = lo + static_cast<int>((r >> 53) % static_cast<std::uint64_t>(hi - lo + 1));
    return f64((r & (std::uint64_t{1} << 63)) | (static_cast<std::uint64_t>(e + 1023) << 52) | (r & ((std::uint64_t{1} << 52) - 1)));
  }
};

}  // namespace

TEST_CASE("random float32 and float64 values round like the slow reference in float16, bfloat16 and fp8", "[formats][sweep]") {
  struct Case { Format f; SlowReference ref; };
  const Case cases[] = {
      {Format::kFloat16, SlowReference(5, 10, true)},
      {Format::kBFloat16, SlowReference(8, 7, true)},
      {Format::kFp8E4M3, SlowReference(4, 3, false)},
      {Format::kFp8E5M2, SlowReference(5, 2, true)},
  };
  for (const Case& c : cases) {
    const auto& info = quantlab::fp::format_info(c.f);
    INFO(info.name);
    REQUIRE(c.ref.max_code == info.max_code);
    REQUIRE(c.ref.grid[info.max_code] == info.max);
    Patterns p(20240615u + static_cast<unsigned>(c.f), info.min_exponent - info.mantissa_bits - 3, info.max_exponent + 2);
    std::size_t checked = 0, failures = 0;
    for (int i = 0; i < kSweep; ++i) {
      const float x = p.next_f32(i);
      const double d = p.next_f64(i);
      for (bool saturate : {true, false}) {
        const Overflow o = saturate ? Overflow::kSaturate : Overflow::kNonSaturating;
        if (!std::isnan(x)) {
          const std::uint32_t got = quantlab::fp::encode(x, c.f, o), want = c.ref.encode(static_cast<double>(x), saturate);
          if (got != want && ++failures <= 5) {
            FAIL_CHECK("float32 0x" << std::hex << bits32(x) << (saturate ? " saturating" : "") << ": 0x" << got
                                    << ", reference 0x" << want);
          }
          ++checked;
        }
        if (!std::isnan(d)) {
          const std::uint32_t got = quantlab::fp::encode(d, c.f, o), want = c.ref.encode(d, saturate);
          if (got != want && ++failures <= 5) {
            FAIL_CHECK("float64 " << d << (saturate ? " saturating" : "") << ": 0x" << std::hex << got << ", reference 0x" << want);
          }
          ++checked;
        }
      }
    }
    CHECK(failures == 0);
    CHECK(checked > static_cast<std::size_t>(kSweep) * 3);
  }
}

TEST_CASE("random float64 values round to float32 as the compiler's conversion does", "[formats][sweep][float32]") {
  Patterns p(7, -160, 130);
  std::size_t failures = 0;
  for (int i = 0; i < kSweep; ++i) {
    const double d = p.next_f64(i);
    if (std::isnan(d)) continue;
    const std::uint32_t got = quantlab::fp::encode(d, Format::kFloat32);
    const std::uint32_t want = bits32(static_cast<float>(d));  // IEEE round to nearest even, overflow to infinity
    if (got != want && ++failures <= 5) FAIL_CHECK("float64 " << d << ": 0x" << std::hex << got << ", cast 0x" << want);
    if (quantlab::fp::decode(got, Format::kFloat32) != static_cast<double>(static_cast<float>(d))) ++failures;
  }
  CHECK(failures == 0);
}
