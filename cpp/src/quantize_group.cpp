// Group-wise symmetric quantization (2 to 8 bits) and the byte cost of a scheme (lowbit.hpp).
#include <algorithm>
#include <cmath>
#include <string>

#include "quantlab/errors.hpp"
#include "quantlab/lowbit.hpp"
#include "quantlab/quantize.hpp"

namespace quantlab {

Granularity Granularity::groups(std::size_t g) {
  if (g == 0) throw Error("group size must be at least 1");
  return {Kind::kGroup, g};
}

void check_count(std::size_t got, std::size_t want, const std::string& what, const std::string& needs) {
  if (got != want) throw Error(what + " has " + std::to_string(got) + " values: " + needs + " " + std::to_string(want));
}

std::string describe_scheme(std::size_t rows, std::size_t cols, Granularity g) {
  const std::string shape = std::to_string(rows) + " x " + std::to_string(cols) + " weights ";
  if (g.kind == Granularity::Kind::kTensor) return shape + "per tensor";
  if (g.kind == Granularity::Kind::kChannel) return shape + "per channel";
  return shape + "in groups of " + std::to_string(g.group);
}

int low_bits_from_number(double bits) {
  if (is_whole_in(bits, kLowBitMinBits, kLowBitMaxBits)) return static_cast<int>(bits);
  throw Error("bits must be an integer from " + std::to_string(kLowBitMinBits) + " to " +
              std::to_string(kLowBitMaxBits) + " for weights below 8 bits, got " + format_number(bits));
}

namespace {

// Calls f(row, col_begin, col_end, scale_index) for every scale group; per tensor: one call per row, index 0.
template <typename F>
void for_each_group(std::size_t rows, std::size_t cols, Granularity g, F&& f) {
  const std::size_t len = g.length(cols);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; c += len) f(r, c, std::min(c + len, cols), g.scale_index(r, c, cols));
}

}  // namespace

GroupQuantized group_quantize(Span<double> w, std::size_t rows, std::size_t cols, int bits, Granularity g) {
  check_finite_values(w, "weights");
  check_matrix_shape(w.size(), rows, cols, "weights");
  low_bits_from_number(bits);
  if (g.kind == Granularity::Kind::kGroup && g.group == 0) throw Error("group size must be at least 1");
  GroupQuantized t;
  t.rows = rows;
  t.cols = cols;
  t.bits = bits;
  t.qmax = symmetric_qmax(bits);
  t.granularity = g;
  t.scales.assign(g.scale_count(rows, cols), 0.0);
  t.q.resize(w.size());
  for_each_group(rows, cols, g, [&](std::size_t r, std::size_t c0, std::size_t c1, std::size_t s) {
    for (std::size_t c = c0; c < c1; ++c) t.scales[s] = std::max(t.scales[s], std::fabs(w[r * cols + c]));
  });
  for (double& s : t.scales) {
    s /= t.qmax;
    if (s == 0.0) ++t.zero_groups;
  }
  const double lo = -static_cast<double>(t.qmax), hi = static_cast<double>(t.qmax);
  for_each_group(rows, cols, g, [&](std::size_t r, std::size_t c0, std::size_t c1, std::size_t s) {
    const double scale = t.scales[s];
    for (std::size_t c = c0; c < c1; ++c) {
      const std::size_t i = r * cols + c;
      t.q[i] = scale == 0.0 ? 0 : static_cast<std::int32_t>(std::clamp(std::nearbyint(w[i] / scale), lo, hi));
    }
  });
  return t;
}

std::vector<double> group_dequantize(const GroupQuantized& t) {
  std::vector<double> out(t.q.size());
  for_each_group(t.rows, t.cols, t.granularity, [&](std::size_t r, std::size_t c0, std::size_t c1, std::size_t s) {
    for (std::size_t c = c0; c < c1; ++c) out[r * t.cols + c] = static_cast<double>(t.q[r * t.cols + c]) * t.scales[s];
  });
  return out;
}

std::vector<double> group_dequantize(Span<std::int32_t> q, Span<double> scales, std::size_t rows, std::size_t cols,
                                     Granularity g) {
  check_matrix_shape(q.size(), rows, cols, "q");
  if (g.kind == Granularity::Kind::kGroup && g.group == 0) throw Error("group size must be at least 1");
  check_count(scales.size(), g.scale_count(rows, cols), "scales", describe_scheme(rows, cols, g) + " need");
  for (double s : scales) check_scale(s, "every scale");
  GroupQuantized t;
  t.q.assign(q.begin(), q.end());
  t.scales.assign(scales.begin(), scales.end());
  t.rows = rows;
  t.cols = cols;
  t.granularity = g;
  return group_dequantize(t);
}

namespace {

ByteCost cost(std::size_t rows, std::size_t cols, std::size_t bits, std::size_t scale_count) {
  ByteCost c;
  c.weight_bytes = rows * ((cols * bits + 7) / 8);
  c.scale_bytes = 4 * scale_count;
  c.total_bytes = c.weight_bytes + c.scale_bytes;
  c.bits_per_weight = 8.0 * static_cast<double>(c.total_bytes) / static_cast<double>(rows * cols);
  return c;
}

}  // namespace

ByteCost group_byte_cost(std::size_t rows, std::size_t cols, int bits, Granularity g) {
  check_matrix_shape(rows * cols, rows, cols, "weights");
  low_bits_from_number(bits);
  if (g.kind == Granularity::Kind::kGroup && g.group == 0) throw Error("group size must be at least 1");
  return cost(rows, cols, static_cast<std::size_t>(bits), g.scale_count(rows, cols));
}

ByteCost nf4_byte_cost(std::size_t rows, std::size_t cols, std::size_t block) {
  check_matrix_shape(rows * cols, rows, cols, "weights");
  if (block == 0) throw Error("NF4 block size must be at least 1");
  return cost(rows, cols, 4, rows * Granularity::groups(block).groups_per_row(cols));
}

}  // namespace quantlab
