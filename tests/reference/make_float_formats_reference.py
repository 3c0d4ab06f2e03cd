#!/usr/bin/env python3
"""Writes tests/cpp/float_formats_reference.hpp: float16, bfloat16 and fp8 conversions as NumPy computes them.

Run once with Debian's NumPy (`apt install python3-numpy`; /usr/bin/python3) and commit the output; the tests
never need NumPy. Sources of truth, all independent of the C++ core:
- float16: NumPy's own np.float16 (float64 -> float16 and float32 -> float16 conversions, float16 -> float64).
- bfloat16: the float32 bit trick (add 0x7FFF plus the lowest kept bit, keep the top 16 bits; NaN: keep the top
  16 bits and set the quiet bit), on uint32 arrays.
- fp8 E4M3 and E5M2 (OCP 8-bit floating point specification): values of every code from their bit fields, and
  encoding by integer shifts with round-to-nearest-even on the float32 bits, checked here against a second
  method (search for the nearest value in the table of every code, ties to the even code) before anything is
  written.
Large sets (every float16/bfloat16 code, every midpoint between neighbours) are written as one 64-bit FNV-1a-style
hash of the results, which the C++ test recomputes over the same inputs built the same way; smaller sets are
written out value by value (inputs as float32 bits, doubles as C hex literals).
"""
import os
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "cpp", "float_formats_reference.hpp")
MASK64 = (1 << 64) - 1


def fnv(words):
    """Over 64-bit words from h = 0xcbf29ce484222325: h = (h ^ w) * 0x100000001b3 mod 2^64, then h ^= h >> 29
    (the shift carries high bits down: float16 and bfloat16 values as float64 have 29 low bits of 0)."""
    h = 0xCBF29CE484222325
    for w in words:
        h = ((h ^ int(w)) * 0x100000001B3) & MASK64
        h ^= h >> 29
    return h


def f64_words(values):
    """float64 bits; every NaN as the canonical quiet NaN with its sign (payloads are not compared)."""
    v = np.asarray(values, dtype=np.float64)
    bits = v.view(np.uint64).copy()
    nan = np.isnan(v)
    bits[nan] = (bits[nan] & np.uint64(1 << 63)) | np.uint64(0x7FF8000000000000)
    return bits


def f32_bits(values):
    return np.asarray(values, dtype=np.float32).view(np.uint32)


def wrap(items, per_line):
    rows = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "\n    " + ",\n    ".join(rows) + "\n"


def hex_doubles(values):
    out = []
    for v in np.ravel(np.asarray(values, dtype=np.float64)):
        if np.isnan(v):
            out.append("-kNaN" if np.signbit(v) else "kNaN")
        elif np.isinf(v):
            out.append("-kInf" if v < 0 else "kInf")
        else:
            out.append(float(v).hex())
    return wrap(out, 4)


def hex_ints(values, digits, per_line):
    return wrap(["0x%0*x" % (digits, int(v)) for v in np.ravel(values)], per_line)


# --- fp8 from the bit fields -------------------------------------------------------------------------------
FP8 = {
    # name: (exponent bits, mantissa bits, IEEE specials (infinity, NaNs) or E4M3's single NaN per sign)
    "e4m3": (4, 3, False),
    "e5m2": (5, 2, True),
}


def fp8_values(ebits, mbits, ieee):
    codes = np.arange(256, dtype=np.int64)
    bias = 2 ** (ebits - 1) - 1
    s = codes >> 7
    e = (codes >> mbits) & (2 ** ebits - 1)
    m = codes & (2 ** mbits - 1)
    frac = m / float(2 ** mbits)
    v = np.where(e == 0, frac * 2.0 ** (1 - bias), (1.0 + frac) * 2.0 ** (e - bias).astype(np.float64))
    all_ones = e == 2 ** ebits - 1
    if ieee:
        v = np.where(all_ones & (m == 0), np.inf, v)
        v = np.where(all_ones & (m != 0), np.nan, v)
    else:
        v = np.where(all_ones & (m == 2 ** mbits - 1), np.nan, v)
    return np.where(s == 1, -v, v)


def fp8_limits(ebits, mbits, ieee):
    bias = 2 ** (ebits - 1) - 1
    all_ones = 2 ** ebits - 1
    max_code = (all_ones << mbits) - 1 if ieee else (1 << (ebits + mbits)) - 2
    return bias, 1 - bias, max_code


def fp8_encode_shift(u32, ebits, mbits, ieee, saturate):
    """float32 bits -> fp8 code by integer shifting and round-to-nearest-even."""
    u = np.asarray(u32, dtype=np.uint32).astype(np.int64)
    bias, emin, max_code = fp8_limits(ebits, mbits, ieee)
    all_ones = 2 ** ebits - 1
    sign = (u >> 31) & 1
    exp = (u >> 23) & 0xFF
    man = u & 0x7FFFFF
    e = np.where(exp > 0, exp - 127, -126)
    sig = np.where(exp > 0, man | 0x800000, man)  # value = sig * 2^(e - 23)
    shift = np.minimum(23 - mbits + np.maximum(emin - e, 0), 40)
    kept = sig >> shift
    rest = sig & ((np.int64(1) << shift) - 1)
    half = np.int64(1) << (shift - 1)
    kept = kept + ((rest > half) | ((rest == half) & ((kept & 1) == 1)))
    big_e = np.minimum(e, 64)  # keeps the shift below in range; such values overflow anyway
    mag = np.where(e >= emin, ((big_e + bias) << mbits) + kept - (1 << mbits), kept)
    nan_code = ((all_ones << mbits) | (1 << (mbits - 1))) if ieee else max_code + 1
    over_code = max_code if saturate else ((all_ones << mbits) if ieee else max_code + 1)
    is_nan = (exp == 255) & (man != 0)
    is_inf = (exp == 255) & (man == 0)
    mag = np.where(mag > max_code, over_code, mag)
    mag = np.where(is_inf, over_code, mag)
    payload = (man >> (23 - mbits)) if ieee else 0
    mag = np.where(is_nan, nan_code | payload, mag)
    return (sign << 7) | mag


def fp8_encode_search(x, ebits, mbits, ieee, saturate):
    """The same by search: the nearest of all finite values (plus the first value past the largest, as if the
    exponent went on), ties to the even code, for inputs given as float64."""
    bias, emin, max_code = fp8_limits(ebits, mbits, ieee)
    table = fp8_values(ebits, mbits, ieee)[:max_code + 1]  # 0 .. +max, ascending
    beyond = (2.0 ** mbits + (max_code & (2 ** mbits - 1)) + 1) * 2.0 ** ((max_code >> mbits) - bias - mbits)
    grid = np.append(table, beyond)
    codes = np.arange(max_code + 2)
    all_ones = 2 ** ebits - 1
    over_code = max_code if saturate else ((all_ones << mbits) if ieee else max_code + 1)
    out = []
    for v in np.asarray(x, dtype=np.float64):
        sign = 128 if np.signbit(v) else 0
        a = abs(v)
        if np.isnan(v):
            out.append(None)
            continue
        if np.isinf(a) or a > grid[-1]:
            out.append(sign | over_code)
            continue
        i = int(np.searchsorted(grid, a, side="right")) - 1  # grid[i] <= a
        if grid[i] == a:
            c = codes[i]
        else:
            lo, hi = grid[i], grid[i + 1]
            d_lo, d_hi = a - lo, hi - a  # exact: lo <= a <= hi <= 2 lo (or lo = 0)
            c = codes[i] if d_lo < d_hi or (d_lo == d_hi and codes[i] % 2 == 0) else codes[i + 1]
        out.append(sign | (over_code if c > max_code else int(c)))
    return out


def fp8_inputs(ebits, mbits, ieee, rng):
    """float32 bits: every code's value, every midpoint between neighbours and the float32 values on either side
    of it, both signs, special values, and random float32 values in and around the format's range."""
    bias, emin, max_code = fp8_limits(ebits, mbits, ieee)
    values = fp8_values(ebits, mbits, ieee)
    finite = values[:max_code + 1]
    beyond = (2.0 ** mbits + (max_code & (2 ** mbits - 1)) + 1) * 2.0 ** ((max_code >> mbits) - bias - mbits)
    grid = np.append(finite, beyond)
    mids = ((grid[:-1] + grid[1:]) / 2).astype(np.float32)
    assert np.all(mids.astype(np.float64) == (grid[:-1] + grid[1:]) / 2), "midpoints are float32 values"
    below = np.nextafter(mids, np.float32(0))
    above = np.nextafter(mids, np.float32(np.inf))
    pos = np.concatenate([values[~np.isnan(values) & (values >= 0)].astype(np.float32), mids, below, above])
    special = np.array([0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7F800001,
                        0x7FA00000, 0xFFFFFFFF, 0x00000001, 0x80000001, 0x7F7FFFFF, 0xFF7FFFFF, 0x00800000],
                       dtype=np.uint32)
    e = rng.integers(emin - mbits - 4, (max_code >> mbits) - bias + 3, size=200)
    m = rng.integers(0, 1 << 23, size=200)
    s = rng.integers(0, 2, size=200)
    rand = ((s << 31) | ((e + 127) << 23) | m).astype(np.uint32)
    return np.concatenate([f32_bits(pos), f32_bits(-pos), special, rand])


# --- float16 with NumPy -------------------------------------------------------------------------------------
def f16_pair_inputs():
    """For every pair of neighbouring non-negative float16 values (and +max with 65536, where the exponent would
    go on): below the midpoint by one float64 step, the midpoint, above it by one float64 step, then below and
    above by one float32 step. The C++ test builds the same list in the same order."""
    codes = np.arange(0x7C00, dtype=np.uint16)
    lo = codes.view(np.float16).astype(np.float64)
    hi = np.append(lo[1:], 65536.0)
    mid = (lo + hi) / 2
    mid32 = mid.astype(np.float32)
    assert np.all(mid32.astype(np.float64) == mid)
    cols = [np.nextafter(mid, 0), mid, np.nextafter(mid, np.inf),
            np.nextafter(mid32, np.float32(0)).astype(np.float64), np.nextafter(mid32, np.float32(np.inf)).astype(np.float64)]
    x = np.stack(cols, axis=1).ravel()
    return np.stack([x, -x], axis=1).ravel()  # v, -v, next v, ...


def f16_codes_of(x):
    with np.errstate(over="ignore"):
        return np.asarray(x, dtype=np.float64).astype(np.float16).view(np.uint16)


def f16_codes_of_f32(x):
    with np.errstate(over="ignore"):
        return np.asarray(x, dtype=np.float32).astype(np.float16).view(np.uint16)


# --- bfloat16 by the float32 bit trick ----------------------------------------------------------------------
def bf16_encode(u32):
    u = np.asarray(u32, dtype=np.uint32).astype(np.uint64)
    nan = ((u & 0x7F800000) == 0x7F800000) & ((u & 0x7FFFFF) != 0)
    rounded = (u + np.uint64(0x7FFF) + ((u >> np.uint64(16)) & np.uint64(1))) >> np.uint64(16)
    quiet = (u >> np.uint64(16)) | np.uint64(0x40)
    return (np.where(nan, quiet, rounded) & np.uint64(0xFFFF)).astype(np.uint16)


def bf16_values(codes):
    return (np.asarray(codes, dtype=np.uint32) << np.uint32(16)).view(np.float32).astype(np.float64)


def bf16_pair_inputs():
    """float32 bits: below the midpoint of every pair of neighbouring non-negative bfloat16 values (and +max with
    2^128) by one float32 step, the midpoint, above it by one step; then the same negated."""
    lo = bf16_values(np.arange(0x7F80, dtype=np.uint32))
    hi = np.append(lo[1:], 2.0 ** 128)
    mid = ((lo + hi) / 2).astype(np.float32)
    assert np.all(mid.astype(np.float64) == (lo + hi) / 2)
    x = np.stack([np.nextafter(mid, np.float32(0)), mid, np.nextafter(mid, np.float32(np.inf))], axis=1).ravel()
    bits = f32_bits(x)
    return np.stack([bits, bits | np.uint32(0x80000000)], axis=1).ravel()


def main():
    np.seterr(invalid="ignore")  # NaN bit patterns viewed as floats and widened
    rng = np.random.default_rng(15)
    lines = []
    emit = lines.append
    emit("// Generated by tests/reference/make_float_formats_reference.py with NumPy %s; do not edit." % np.__version__)
    emit("// float16: NumPy's np.float16; bfloat16: the float32 bit trick; fp8 E4M3/E5M2 (OCP): bit fields and")
    emit("// integer round-to-nearest-even, cross-checked against a nearest-value search. See the generator.")
    emit("#pragma once")
    emit("#include <cstdint>")
    emit("#include <limits>")
    emit("namespace float_ref {")
    emit("inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();")
    emit("inline constexpr double kInf = std::numeric_limits<double>::infinity();")
    emit("// The hash of the large sets, from h = 0xcbf29ce484222325, per word: h = (h ^ word) * 0x100000001b3 (mod 2^64);")
    emit("// h ^= h >> 29.")

    # fp8
    for name, (ebits, mbits, ieee) in FP8.items():
        values = fp8_values(ebits, mbits, ieee)
        inputs = fp8_inputs(ebits, mbits, ieee, rng)
        x64 = inputs.view(np.float32).astype(np.float64)
        results = {}
        for saturate in (True, False):
            by_shift = fp8_encode_shift(inputs, ebits, mbits, ieee, saturate)
            by_search = fp8_encode_search(x64, ebits, mbits, ieee, saturate)
            for i, (a, b) in enumerate(zip(by_shift, by_search)):
                if b is None:
                    assert np.isnan(values[a]) and (a >> 7) == (inputs[i] >> 31), (name, hex(inputs[i]), a)
                else:
                    assert a == b, (name, saturate, hex(int(inputs[i])), a, b)
            results[saturate] = by_shift
        emit("// fp8 %s: the value of every code 0x00..0xff" % name.upper())
        emit("inline constexpr double %s_values[256] = {%s};" % (name, hex_doubles(values)))
        emit("// fp8 %s encoding of float32 inputs (bits): every code's value, every midpoint between neighbours" % name.upper())
        emit("// and one float32 step either side, both signs, specials, random values; saturating and not.")
        emit("inline constexpr std::uint32_t %s_inputs[] = {%s};" % (name, hex_ints(inputs, 8, 6)))
        emit("inline constexpr std::uint8_t %s_saturating[] = {%s};" % (name, hex_ints(results[True], 2, 12)))
        emit("inline constexpr std::uint8_t %s_nonsaturating[] = {%s};" % (name, hex_ints(results[False], 2, 12)))

    # float16
    all16 = np.arange(65536, dtype=np.uint32).astype(np.uint16)
    f16_values = all16.view(np.float16).astype(np.float64)
    emit("// float16: hash of np.float16 -> float64 for every code 0x0000..0xffff (word: the float64 bits, NaN as")
    emit("// the canonical quiet NaN with its sign)")
    emit("inline constexpr std::uint64_t f16_decode_hash = 0x%016x;" % fnv(f64_words(f16_values)))
    pairs = f16_pair_inputs()
    emit("// float16: hash of np.float16(x) (word: the code) for x in f16_pair_inputs order (see the generator),")
    emit("// %d inputs" % len(pairs))
    emit("inline constexpr std::uint64_t f16_pair_hash = 0x%016x;" % fnv(f16_codes_of(pairs)))
    emit("inline constexpr std::uint32_t f16_pair_count = %d;" % len(pairs))
    sample = np.array([0.0, -0.0, 1.0, -2.0, 0.1, 1 / 3, 65504.0, 65519.99, 65520.0, 65536.0, 1e5, -1e5, np.inf,
                       -np.inf, 2.0 ** -24, 2.0 ** -25, np.nextafter(2.0 ** -25, 1), 2.0 ** -26, 3 * 2.0 ** -26,
                       2.0 ** -14, 2.0 ** -14 - 2.0 ** -25, 1.0 + 2.0 ** -11, 1.0 + 3 * 2.0 ** -11,
                       np.nextafter(1.0 + 2.0 ** -11, 2), 2049.0, 2051.0, 1e-8, -6e-8, 3.14159, 1e-300, 1e300])
    emit("// float16: np.float16(x) for a few float64 values")
    emit("inline constexpr double f16_sample_inputs[] = {%s};" % hex_doubles(sample))
    emit("inline constexpr std::uint16_t f16_sample_codes[] = {%s};" % hex_ints(f16_codes_of(sample), 4, 8))
    e = rng.integers(-30, 18, size=200)
    m = rng.integers(0, 1 << 23, size=200)
    s = rng.integers(0, 2, size=200)
    rand32 = ((s << 31) | ((e + 127) << 23) | m).astype(np.uint32)
    emit("// float16: np.float16(np.float32) for random float32 values in and around float16's range (bits)")
    emit("inline constexpr std::uint32_t f16_f32_inputs[] = {%s};" % hex_ints(rand32, 8, 6))
    emit("inline constexpr std::uint16_t f16_f32_codes[] = {%s};" % hex_ints(f16_codes_of_f32(rand32.view(np.float32)), 4, 8))

    # bfloat16
    emit("// bfloat16: hash of every code's value (code << 16 as float32, then float64; NaN canonical)")
    emit("inline constexpr std::uint64_t bf16_decode_hash = 0x%016x;" % fnv(f64_words(bf16_values(np.arange(65536)))))
    bpairs = bf16_pair_inputs()
    emit("// bfloat16: hash of the codes of bf16_pair_inputs (see the generator), %d float32 inputs" % len(bpairs))
    emit("inline constexpr std::uint64_t bf16_pair_hash = 0x%016x;" % fnv(bf16_encode(bpairs)))
    emit("inline constexpr std::uint32_t bf16_pair_count = %d;" % len(bpairs))
    bspecial = np.array([0x00000000, 0x80000000, 0x3F800000, 0x3F808000, 0x3F818000, 0x3F808001, 0x3F807FFF,
                         0x7F7FFFFF, 0x7F7F7FFF, 0x7F7F8000, 0xFF7F8000, 0x7F800000, 0xFF800000, 0x7FC00000,
                         0xFFC00000, 0x7F800001, 0x7FBFFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 0xFF800001, 0x00000001,
                         0x00008000, 0x00018000, 0x007FFFFF, 0x00800000, 0x3DCCCCCD], dtype=np.uint32)
    brand = rng.integers(0, 1 << 32, size=200, dtype=np.uint64).astype(np.uint32)
    binputs = np.concatenate([bspecial, brand])
    emit("// bfloat16: codes of float32 inputs (bits): edge cases (ties, overflow, NaN payloads), random patterns")
    emit("inline constexpr std::uint32_t bf16_inputs[] = {%s};" % hex_ints(binputs, 8, 6))
    emit("inline constexpr std::uint16_t bf16_codes[] = {%s};" % hex_ints(bf16_encode(binputs), 4, 8))

    # float32 from float64
    r = rng.integers(0, 1 << 32, size=300, dtype=np.uint64).astype(np.uint32).view(np.float32)
    r = r[np.isfinite(r)].astype(np.float64)
    nxt = np.nextafter(r.astype(np.float32), np.float32(np.inf)).astype(np.float64)
    mid = r + (nxt - r) / 2
    x = np.concatenate([mid, np.nextafter(mid, -np.inf), np.nextafter(mid, np.inf), [3.4028235677973366e38, 1e39, 1e-46, 7e-46]])
    x = x[np.isfinite(x)]
    with np.errstate(over="ignore"):
        codes = x.astype(np.float32).view(np.uint32)
    emit("// float32: np.float32(x) for float64 midpoints between random neighbouring float32 values, one float64")
    emit("// step either side, and a few edges")
    emit("inline constexpr double f32_inputs[] = {%s};" % hex_doubles(x))
    emit("inline constexpr std::uint32_t f32_codes[] = {%s};" % hex_ints(codes, 8, 6))

    emit("}  // namespace float_ref")
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", os.path.normpath(OUT), file=sys.stderr)


main()
