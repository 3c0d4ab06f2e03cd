// NF4, QLoRA's 4-bit NormalFloat (lowbit.hpp, docs/lowbit.md): the codebook derived from normal quantiles,
// blockwise absmax quantization to its nearest level, and back.
#include <algorithm>
#include <cmath>
#include <string>

#include "quantlab/errors.hpp"
#include "quantlab/lowbit.hpp"

namespace quantlab {

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) throw Error("a normal quantile needs a probability strictly between 0 and 1, got " + format_number(p));
  if (p == 0.5) return 0.0;
  // Work on the tail below 0.5, where q = min(p, 1 - p) is exact (Sterbenz) and erfc keeps its precision:
  // find t > 0 with P(Z > t) = erfc(t / sqrt 2) / 2 = q by bisection down to adjacent doubles.
  const double q = p < 0.5 ? p : 1.0 - p;
  double lo = 0.0, hi = 40.0;  // P(Z > 40) is far below the smallest double
  for (;;) {
    const double mid = lo + (hi - lo) / 2;
    if (mid == lo || mid == hi) break;
    if (0.5 * std::erfc(mid / std::sqrt(2.0)) > q) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  const double t = lo + (hi - lo) / 2;
  return p < 0.5 ? -t : t;
}

namespace {

// QLoRA (Dettmers et al. 2023, appendix E): 2^k levels for the quantiles of N(0, 1), made asymmetric so that 0 is
// a level: 8 positive levels at the quantiles of 8 probabilities evenly spaced from `offset` down to 0.5 (0.5
// excluded), 7 negative levels mirrored from 7 such probabilities, and 0; divided by the largest so they span
// [-1, 1]. offset = (1 - 1/(2*15) + 1 - 1/(2*16)) / 2 keeps the extreme quantile finite: the middle of the
// offsets a 15- and a 16-level grid would use.
template <typename ToFloat, typename Linspace>
std::array<double, 16> derive(double offset, ToFloat to_float, Linspace linspace) {
  std::array<double, 16> v{};
  std::size_t n = 0;
  for (int i = 0; i < 8; ++i) v[n++] = to_float(normal_quantile(linspace(offset, 0.5, 9, i)));
  v[n++] = 0.0;
  for (int i = 0; i < 7; ++i) v[n++] = to_float(-normal_quantile(linspace(offset, 0.5, 8, i)));
  std::sort(v.begin(), v.end());
  const double top = v[15];
  for (double& x : v) x = to_float(x / top);
  return v;
}

}  // namespace

std::array<double, 16> nf4_codebook_f64() {
  const double offset = (1.0 - 1.0 / 30 + 1.0 - 1.0 / 32) / 2;
  return derive(offset, [](double x) { return x; },
                [](double a, double b, int steps, int i) { return a + i * (b - a) / (steps - 1); });
}

const std::array<float, 16>& nf4_codebook() {
  // The published table is bitsandbytes' create_normal_map(): offset 0.9677083 and the probabilities from
  // torch.linspace in float32, quantiles in float64, levels rounded to float32 and divided by the largest in
  // float32. Repeating those float32 steps gives its 16 values bit for bit (tests/cpp/test_lowbit.cpp checks
  // them, and that the float64 derivation stays within 2e-7 of them).
  static const std::array<float, 16> table = [] {
    const auto f32 = [](double x) { return static_cast<double>(static_cast<float>(x)); };
    const auto linspace32 = [&](double a, double b, int steps, int i) {
      // torch's CPU linspace: start + step * i for the first half, end - step * (steps - 1 - i) for the rest.
      const float fa = static_cast<float>(a), fb = static_cast<float>(b);
      const float step = (fb - fa) / static_cast<float>(steps - 1);
      return static_cast<double>(i < steps / 2 ? fa + step * static_cast<float>(i)
                                               : fb - step * static_cast<float>(steps - 1 - i));
    };
    const std::array<double, 16> v = derive(0.9677083, f32, linspace32);
    std::array<float, 16> out{};
    for (std::size_t i = 0; i < 16; ++i) out[i] = static_cast<float>(v[i]);
    return out;
  }();
  return table;
}

namespace {

void check_block(std::size_t block) {
  if (block == 0) throw Error("NF4 block size must be at least 1");
}

}  // namespace

Nf4Quantized nf4_quantize(Span<double> w, std::size_t rows, std::size_t cols, std::size_t block) {
  check_finite_values(w, "weights");
  check_matrix_shape(w.size(), rows, cols, "weights");
  check_block(block);
  const std::array<float, 16>& levels = nf4_codebook();
  double mid[15];  // a value above mid[i] is nearer level i + 1 than level i
  for (int i = 0; i < 15; ++i) mid[i] = (static_cast<double>(levels[i]) + levels[i + 1]) / 2;
  Nf4Quantized t;
  t.rows = rows;
  t.cols = cols;
  t.block = block;
  const Granularity g = Granularity::groups(block);
  t.blocks_per_row = g.groups_per_row(cols);
  t.absmax.assign(rows * t.blocks_per_row, 0.0);
  t.codes.resize(w.size());
  const std::size_t len = g.length(cols);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c0 = 0; c0 < cols; c0 += len) {
      const std::size_t c1 = std::min(c0 + len, cols);
      double& amax = t.absmax[r * t.blocks_per_row + c0 / len];
      for (std::size_t c = c0; c < c1; ++c) amax = std::max(amax, std::fabs(w[r * cols + c]));
      for (std::size_t c = c0; c < c1; ++c) {
        const double v = amax == 0.0 ? 0.0 : w[r * cols + c] / amax;
        // The count of midpoints strictly below v: ties go to the lower level.
        t.codes[r * cols + c] = static_cast<std::uint8_t>(std::upper_bound(mid, mid + 15, v, [](double x, double m) { return x <= m; }) - mid);
      }
    }
  }
  return t;
}

std::vector<double> nf4_dequantize(const Nf4Quantized& t) {
  const std::array<float, 16>& levels = nf4_codebook();
  const std::size_t len = Granularity::groups(t.block).length(t.cols);
  std::vector<double> out(t.codes.size());
  for (std::size_t r = 0; r < t.rows; ++r)
    for (std::size_t c = 0; c < t.cols; ++c)
      out[r * t.cols + c] = static_cast<double>(levels[t.codes[r * t.cols + c]]) * t.absmax[r * t.blocks_per_row + c / len];
  return out;
}

std::vector<double> nf4_dequantize(Span<std::uint8_t> codes, Span<double> absmax, std::size_t rows, std::size_t cols,
                                   std::size_t block) {
  check_matrix_shape(codes.size(), rows, cols, "codes");
  check_block(block);
  Nf4Quantized t;
  t.rows = rows;
  t.cols = cols;
  t.block = block;
  t.blocks_per_row = Granularity::groups(block).groups_per_row(cols);
  check_count(absmax.size(), rows * t.blocks_per_row, "absmax",
              std::to_string(rows) + " x " + std::to_string(cols) + " weights in blocks of " + std::to_string(block) + " need");
  for (double a : absmax) check_scale(a, "every absmax");
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (codes[i] > 15) throw Error("codes[" + std::to_string(i) + "] is " + std::to_string(codes[i]) + ": an NF4 code lies in [0, 15]");
  }
  t.codes.assign(codes.begin(), codes.end());
  t.absmax.assign(absmax.begin(), absmax.end());
  return nf4_dequantize(t);
}

}  // namespace quantlab
