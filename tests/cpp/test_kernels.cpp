// One table of edge cases run against every kernel variant of this build (scalar, and simd128 compiled to
// WASM SIMD128 or SSE4.1): sizes below, at and above the register tiles and weight blocks, odd tails, K not
// a multiple of the unroll, values at -128 and 127. int8 results must equal the plain reference bit for bit; fp32 results must stay
// within the summation error bound |error| <= k * FLT_EPSILON * sum|a * b|.
#include <catch.hpp>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "quantlab/kernels.hpp"
#include "quantlab/numpy_random.hpp"

using quantlab::kernels::KernelSet;
namespace k = quantlab::kernels;

namespace {

enum class Fill { kRandom, kAllMin, kAllMax, kMinTimesMax, kAlternating };

struct Shape {
  std::size_t m, n, kk;
};

// m x n x k shapes around the tiles (GEMM 2 x 4, weight blocks of 8 rows, 8 k per int8 step, 4 k per fp32 step).
const std::vector<Shape> kShapes = {
    {1, 1, 1},   {1, 1, 7},   {1, 3, 8},    {1, 4, 9},    {1, 5, 15},  {1, 7, 16},  {1, 8, 17},  {1, 9, 31},
    {1, 12, 33}, {1, 16, 63}, {1, 17, 64},  {1, 33, 65},  {2, 1, 3},   {2, 4, 8},   {2, 5, 12},  {3, 4, 9},
    {3, 9, 17},  {4, 8, 24},  {5, 3, 1},    {5, 13, 47},  {7, 17, 100}, {1, 256, 784}, {2, 10, 256}, {9, 31, 130},
};

std::int8_t value(Fill fill, std::size_t i, bool second, quantlab::NumpyRandom& rng) {
  switch (fill) {
    case Fill::kAllMin: return -128;
    case Fill::kAllMax: return 127;
    case Fill::kMinTimesMax: return second ? 127 : -128;
    case Fill::kAlternating: return (i % 2) ? 127 : -128;
    case Fill::kRandom: break;
  }
  return static_cast<std::int8_t>(static_cast<int>(rng.rand() * 256) - 128);
}

const char* fill_name(Fill f) {
  switch (f) {
    case Fill::kRandom: return "random";
    case Fill::kAllMin: return "all -128";
    case Fill::kAllMax: return "all 127";
    case Fill::kMinTimesMax: return "-128 x 127";
    case Fill::kAlternating: return "alternating -128/127";
  }
  return "?";
}

// The plain reference: int8 row-major operands, no packing, int64 accumulation.
std::vector<std::int32_t> reference_qs8(const Shape& s, const std::vector<std::int8_t>& a, const std::vector<std::int8_t>& b) {
  std::vector<std::int32_t> c(s.m * s.n);
  for (std::size_t i = 0; i < s.m; ++i)
    for (std::size_t j = 0; j < s.n; ++j) {
      std::int64_t acc = 0;
      for (std::size_t p = 0; p < s.kk; ++p) acc += std::int64_t{a[i * s.kk + p]} * b[j * s.kk + p];
      c[i * s.n + j] = static_cast<std::int32_t>(acc);
    }
  return c;
}

}  // namespace

TEST_CASE("int8 GEMM and GEMV: every variant equals the reference on the edge-case table", "[kernels][int8]") {
  quantlab::NumpyRandom rng(8);
  for (const KernelSet* ks : k::all_kernel_sets()) {
    for (Fill fill : {Fill::kRandom, Fill::kAllMin, Fill::kAllMax, Fill::kMinTimesMax, Fill::kAlternating}) {
      for (const Shape& s : kShapes) {
        INFO(ks->name << ", " << fill_name(fill) << ", m=" << s.m << " n=" << s.n << " k=" << s.kk);
        std::vector<std::int8_t> a(s.m * s.kk), b(s.n * s.kk);
        for (std::size_t i = 0; i < a.size(); ++i) a[i] = value(fill, i, false, rng);
        for (std::size_t i = 0; i < b.size(); ++i) b[i] = value(fill, i, true, rng);
        const auto expected = reference_qs8(s, a, b);
        const std::size_t kp = k::qs8_padded_k(s.kk);
        const auto pa = k::qs8_pack_rows(a.data(), s.m, s.kk);
        const auto pb = k::qs8_pack_weights(b.data(), s.n, s.kk);
        std::vector<std::int32_t> c(s.m * s.n, -1);
        ks->qs8_gemm(s.m, s.n, kp, pa.data(), pb.data(), c.data());
        REQUIRE(c == expected);
        for (std::size_t i = 0; i < s.m; ++i) {  // GEMV on each row of A
          std::vector<std::int32_t> y(s.n, -1);
          ks->qs8_gemv(s.n, kp, pa.data() + i * kp, pb.data(), y.data());
          REQUIRE(y == std::vector<std::int32_t>(expected.begin() + static_cast<std::ptrdiff_t>(i * s.n),
                                                 expected.begin() + static_cast<std::ptrdiff_t>((i + 1) * s.n)));
        }
      }
    }
  }
}

TEST_CASE("fp32 GEMM and GEMV: every variant within the summation error bound", "[kernels][fp32]") {
  quantlab::NumpyRandom rng(32);
  for (const KernelSet* ks : k::all_kernel_sets()) {
    for (const Shape& s : kShapes) {
      INFO(ks->name << ", m=" << s.m << " n=" << s.n << " k=" << s.kk);
      std::vector<float> a(s.m * s.kk), b(s.n * s.kk);
      for (float& v : a) v = static_cast<float>(rng.randn());
      for (float& v : b) v = static_cast<float>(rng.uniform(-1, 1));
      const auto pb = k::f32_pack_weights(b.data(), s.n, s.kk);
      std::vector<float> c(s.m * s.n), y(s.n);
      ks->f32_gemm(s.m, s.n, s.kk, a.data(), pb.data(), c.data());
      for (std::size_t i = 0; i < s.m; ++i) {
        ks->f32_gemv(s.n, s.kk, a.data() + i * s.kk, pb.data(), y.data());
        for (std::size_t j = 0; j < s.n; ++j) {
          double exact = 0, magnitude = 0;
          for (std::size_t p = 0; p < s.kk; ++p) {
            exact += double{a[i * s.kk + p]} * b[j * s.kk + p];
            magnitude += std::fabs(double{a[i * s.kk + p]} * b[j * s.kk + p]);
          }
          const double bound = static_cast<double>(s.kk) * FLT_EPSILON * magnitude + 1e-30;
          REQUIRE(std::fabs(c[i * s.n + j] - exact) <= bound);
          // GEMV and GEMM of one ISA sum in the same order: a batch of one equals a row of the batch.
          REQUIRE(y[j] == c[i * s.n + j]);
        }
      }
    }
  }
}

TEST_CASE("dynamic activation quantization: identical in every variant, NumPy-style rounding", "[kernels][quantize]") {
  // Row 0: max 127 makes the scale exactly 1, so the ties 2.5, -2.5, 0.5, 1.5 must round half to even.
  // Row 1: all zero (scale 0, q 0). Rows 2+: random, with k not a multiple of 8.
  for (std::size_t kk : {1u, 5u, 8u, 13u, 16u, 31u, 784u}) {
    quantlab::NumpyRandom rng(static_cast<std::uint32_t>(kk));
    const std::size_t m = 4, kp = k::qs8_padded_k(kk);
    std::vector<float> x(m * kk, 0.0f);
    const float ties[] = {127.0f, 2.5f, -2.5f, 0.5f, 1.5f, -0.5f, 126.5f, -127.0f};
    for (std::size_t i = 0; i < kk; ++i) x[i] = ties[i % 8];
    for (std::size_t i = 2 * kk; i < m * kk; ++i) x[i] = static_cast<float>(rng.randn() * 3);
    std::vector<std::int16_t> ref(m * kp, 99);
    std::vector<float> ref_scales(m);
    k::scalar_kernels().qs8_quantize_rows(m, kk, kp, x.data(), ref.data(), ref_scales.data());
    INFO("k = " << kk);
    CHECK(ref_scales[0] == 1.0f);
    const std::int16_t expected_ties[] = {127, 2, -2, 0, 2, 0, 126, -127};
    for (std::size_t i = 0; i < kk; ++i) CHECK(ref[i] == expected_ties[i % 8]);
    CHECK(ref_scales[1] == 0.0f);
    for (std::size_t i = kp; i < 2 * kp; ++i) CHECK(ref[i] == 0);
    for (std::size_t r = 0; r < m; ++r)
      for (std::size_t i = kk; i < kp; ++i) CHECK(ref[r * kp + i] == 0);  // padding
    for (std::size_t i = 2 * kk; i < 3 * kk; ++i) {
      const float q = std::nearbyint(x[i] / ref_scales[2]);
      CHECK(ref[2 * kp + (i - 2 * kk)] == static_cast<std::int16_t>(q));
    }
    for (const KernelSet* ks : k::all_kernel_sets()) {
      INFO(ks->name);
      std::vector<std::int16_t> q(m * kp, 99);
      std::vector<float> scales(m);
      ks->qs8_quantize_rows(m, kk, kp, x.data(), q.data(), scales.data());
      CHECK(q == ref);
      CHECK(scales == ref_scales);
    }
  }
}

TEST_CASE("epilogue and bias+ReLU: identical in every variant", "[kernels][epilogue]") {
  quantlab::NumpyRandom rng(5);
  for (std::size_t n : {1u, 3u, 4u, 7u, 10u, 256u}) {
    const std::size_t m = 3;
    std::vector<std::int32_t> acc(m * n);
    std::vector<float> row_scales = {0.01f, 0.0f, 3.5e-3f}, col_scales(n), bias(n), yf(m * n);
    for (auto& v : acc) v = static_cast<std::int32_t>(rng.uniform(-2e6, 2e6));
    for (auto& v : col_scales) v = static_cast<float>(rng.uniform(0, 0.02));
    for (auto& v : bias) v = static_cast<float>(rng.uniform(-1, 1));
    for (auto& v : yf) v = static_cast<float>(rng.randn());
    for (bool relu : {false, true}) {
      std::vector<float> ref(m * n), ref_b = yf;
      k::scalar_kernels().qs8_dequantize(m, n, acc.data(), row_scales.data(), col_scales.data(), bias.data(), relu, ref.data());
      k::scalar_kernels().f32_bias_act(m, n, ref_b.data(), bias.data(), relu);
      const float first = static_cast<float>(acc[0]) * (row_scales[0] * col_scales[0]) + bias[0];
      CHECK(ref[0] == (relu ? std::fmax(first, 0.0f) : first));
      for (std::size_t c = 0; c < n; ++c) CHECK(ref[n + c] == (relu ? std::fmax(bias[c], 0.0f) : bias[c]));  // scale 0 row
      for (const KernelSet* ks : k::all_kernel_sets()) {
        INFO(ks->name << " n=" << n << " relu=" << relu);
        std::vector<float> y(m * n), yb = yf;
        ks->qs8_dequantize(m, n, acc.data(), row_scales.data(), col_scales.data(), bias.data(), relu, y.data());
        ks->f32_bias_act(m, n, yb.data(), bias.data(), relu);
        CHECK(y == ref);
        CHECK(yb == ref_b);
        if (relu) {
          for (float v : y) CHECK_FALSE(std::signbit(v));  // ReLU gives +0, never -0
        }
      }
    }
  }
}

TEST_CASE("the dot-product peak probe runs and depends on its iteration count", "[kernels][probe]") {
  const KernelSet* simd = k::simd_kernels();
  if (!simd) {
    SUCCEED("no SIMD in this build");
    return;
  }
  REQUIRE(simd->dot_peak != nullptr);
  CHECK(simd->dot_peak(0) == 0);
  CHECK(simd->dot_peak(1) != simd->dot_peak(2));
}

TEST_CASE("fp32 backward GEMMs (A.B and A^T.B): every variant equals the reference bit for bit", "[kernels][fp32][train]") {
  // The same m x n x k table: C[m x n] = A[m x k] . B[k x n] and C = A^T . B with A stored k x m. Each C element
  // is one in-order sum over k in every variant, so SIMD equals scalar exactly; the scalar reference stays
  // within the summation bound of the float64 value.
  quantlab::NumpyRandom rng(64);
  for (const Shape& s : kShapes) {
    std::vector<float> a(s.m * s.kk), b(s.kk * s.n);
    for (float& v : a) v = static_cast<float>(rng.randn());
    for (float& v : b) v = static_cast<float>(rng.uniform(-1, 1));
    for (bool trans : {false, true}) {
      INFO((trans ? "A^T.B" : "A.B") << ", m=" << s.m << " n=" << s.n << " k=" << s.kk);
      // op(A)(i, p): A is m x k for A.B, k x m (the same values read transposed) for A^T.B.
      auto op_a = [&](std::size_t i, std::size_t p) { return trans ? a[p * s.m + i] : a[i * s.kk + p]; };
      std::vector<float> ref(s.m * s.n, -1.0f);
      (trans ? k::scalar_kernels().f32_gemm_tn : k::scalar_kernels().f32_gemm_nn)(s.m, s.n, s.kk, a.data(), b.data(), ref.data());
      for (std::size_t i = 0; i < s.m; ++i)
        for (std::size_t j = 0; j < s.n; ++j) {
          double exact = 0, magnitude = 0;
          for (std::size_t p = 0; p < s.kk; ++p) {
            exact += double{op_a(i, p)} * b[p * s.n + j];
            magnitude += std::fabs(double{op_a(i, p)} * b[p * s.n + j]);
          }
          REQUIRE(std::fabs(ref[i * s.n + j] - exact) <= static_cast<double>(s.kk) * FLT_EPSILON * magnitude + 1e-30);
        }
      for (const KernelSet* ks : k::all_kernel_sets()) {
        INFO(ks->name);
        std::vector<float> c(s.m * s.n, -1.0f);
        (trans ? ks->f32_gemm_tn : ks->f32_gemm_nn)(s.m, s.n, s.kk, a.data(), b.data(), c.data());
        REQUIRE(c == ref);
      }
    }
  }
}

TEST_CASE("kernels_named: the kernel set a caller names, or an error that says which names exist", "[kernels][names]") {
  CHECK(&k::kernels_named("scalar") == &k::scalar_kernels());
  CHECK(&k::kernels_named("auto") == &k::best_kernels());
  if (k::simd_kernels()) {
    CHECK(&k::kernels_named("simd") == k::simd_kernels());
  } else {
    CHECK_THROWS_WITH(k::kernels_named("simd"), "this build has no SIMD kernels: use kernels 'scalar' or 'auto'");
  }
  CHECK_THROWS_WITH(k::kernels_named("gpu"), "kernels must be 'auto', 'simd' or 'scalar', got 'gpu'");
  CHECK_THROWS_WITH(k::kernels_named(""), "kernels must be 'auto', 'simd' or 'scalar', got ''");
}

// ---- Packed int4 (qs4) and float64 GEMM: the same table, every variant ----

namespace {

std::int8_t int4_value(Fill fill, std::size_t i, quantlab::NumpyRandom& rng) {
  switch (fill) {
    case Fill::kAllMin: return -8;
    case Fill::kAllMax: return 7;
    case Fill::kMinTimesMax: return -8;  // against activations of 127
    case Fill::kAlternating: return (i % 2) ? 7 : -8;
    case Fill::kRandom: break;
  }
  return static_cast<std::int8_t>(static_cast<int>(rng.rand() * 16) - 8);
}

// The plain reference: row-major int4 values and group scales; per group an exact int64 sum, then the float32
// steps the kernels document: sum += float(group sum) * scale, y = sum * activation scale.
std::vector<float> reference_qs4(const Shape& s, std::size_t group, const std::vector<std::int8_t>& a,
                                 const std::vector<float>& a_scales, const std::vector<std::int8_t>& b,
                                 const std::vector<float>& scales) {
  const std::size_t groups = k::qs4_groups(group, s.kk), len = std::min(group, s.kk);
  std::vector<float> c(s.m * s.n);
  for (std::size_t i = 0; i < s.m; ++i)
    for (std::size_t j = 0; j < s.n; ++j) {
      float sum = 0.0f;
      for (std::size_t g = 0; g < groups; ++g) {
        std::int64_t acc = 0;
        for (std::size_t p = g * len; p < std::min((g + 1) * len, s.kk); ++p) acc += std::int64_t{a[i * s.kk + p]} * b[j * s.kk + p];
        sum += static_cast<float>(acc) * scales[j * groups + g];
      }
      c[i * s.n + j] = sum * a_scales[i];
    }
  return c;
}

}  // namespace

TEST_CASE("int4 GEMM and GEMV: every variant equals the reference on the edge-case table", "[kernels][int4]") {
  quantlab::NumpyRandom rng(4);
  for (const KernelSet* ks : k::all_kernel_sets()) {
    for (Fill fill : {Fill::kRandom, Fill::kAllMin, Fill::kAllMax, Fill::kMinTimesMax, Fill::kAlternating}) {
      for (const Shape& s : kShapes) {
        // Groups of 8 (the smallest), 24 (an odd number of steps), 64, 128, and per channel (one group of K);
        // the saturation fills with the smallest group and per channel only.
        for (std::size_t group : {8u, 24u, 64u, 128u, 1u << 20}) {
          if (!k::qs4_group_ok(group, s.kk)) continue;
          if (fill != Fill::kRandom && group != 8 && group != (1u << 20)) continue;
          INFO(ks->name << ", " << fill_name(fill) << ", m=" << s.m << " n=" << s.n << " k=" << s.kk << " group=" << group);
          const std::size_t groups = k::qs4_groups(group, s.kk), kp = k::qs4_padded_k(s.kk);
          std::vector<std::int8_t> a(s.m * s.kk), b(s.n * s.kk);
          for (std::size_t i = 0; i < a.size(); ++i) a[i] = fill == Fill::kMinTimesMax ? 127 : value(fill, i, false, rng);
          for (std::size_t i = 0; i < b.size(); ++i) b[i] = int4_value(fill, i, rng);
          std::vector<float> a_scales(s.m), scales(s.n * groups);
          for (float& v : a_scales) v = static_cast<float>(rng.uniform(0.001, 0.05));
          for (std::size_t i = 0; i < scales.size(); ++i) scales[i] = i % 7 == 3 ? 0.0f : static_cast<float>(rng.uniform(0.001, 0.1));
          const auto expected = reference_qs4(s, group, a, a_scales, b, scales);
          std::vector<std::int16_t> pa(s.m * kp, 0);
          for (std::size_t i = 0; i < s.m; ++i)
            for (std::size_t p = 0; p < s.kk; ++p) pa[i * kp + p] = a[i * s.kk + p];
          const auto pb = k::qs4_pack_weights(b.data(), s.n, s.kk);
          const auto ps = k::qs4_pack_scales(scales.data(), s.n, s.kk, group);
          std::vector<std::int8_t> unpacked(b.size());
          for (std::size_t j = 0; j < s.n; ++j)
            for (std::size_t p = 0; p < s.kk; ++p) unpacked[j * s.kk + p] = static_cast<std::int8_t>(k::qs4_weight(pb.data(), j, p, kp));
          REQUIRE(unpacked == b);
          std::vector<float> c(s.m * s.n, -1.0f);
          ks->qs4_gemm(s.m, s.n, s.kk, group, pa.data(), a_scales.data(), pb.data(), ps.data(), c.data());
          REQUIRE(c == expected);
          for (std::size_t i = 0; i < s.m; ++i) {
            std::vector<float> y(s.n, -1.0f);
            ks->qs4_gemv(s.n, s.kk, group, pa.data() + i * kp, a_scales[i], pb.data(), ps.data(), y.data());
            REQUIRE(y == std::vector<float>(expected.begin() + static_cast<std::ptrdiff_t>(i * s.n),
                                            expected.begin() + static_cast<std::ptrdiff_t>((i + 1) * s.n)));
          }
        }
      }
    }
  }
}

TEST_CASE("int4 packing rejects values outside [-8, 7] and group sizes the kernels cannot take", "[kernels][int4]") {
  const std::int8_t bad[2] = {7, 8};
  CHECK_THROWS_WITH(k::qs4_pack_weights(bad, 1, 2), "int4 weight [0][1] is 8: a 4-bit value must lie in [-8, 7]");
  const float scales[4] = {1, 1, 1, 1};
  CHECK_THROWS_WITH(k::qs4_pack_scales(scales, 1, 100, 20),
                    "group size 20 does not suit the int4 kernels for 100 inputs: use a multiple of 8, or at least the input count (one group per row)");
  CHECK(k::qs4_pack_scales(scales, 1, 20, 24).size() == 8);  // 24 >= 20: one group per row, padded to a block
}

TEST_CASE("float64 GEMM C += At^T B: every variant equals the reference and leaves the rest of C alone", "[kernels][f64]") {
  quantlab::NumpyRandom rng(64);
  for (const KernelSet* ks : k::all_kernel_sets()) {
    for (std::size_t m : {1u, 3u, 4u, 5u, 9u}) {
      for (std::size_t n : {1u, 2u, 3u, 4u, 6u, 7u, 13u}) {
        for (std::size_t kk : {0u, 1u, 5u, 33u}) {
          INFO(ks->name << " m=" << m << " n=" << n << " k=" << kk);
          const std::size_t lda = m + 2, ldb = n + 1, ldc = n + 3;
          const std::vector<double> at = rng.randn(std::max<std::size_t>(kk, 1) * lda), b = rng.randn(std::max<std::size_t>(kk, 1) * ldb);
          std::vector<double> c = rng.randn(m * ldc), expected = c;
          k::f64_gemm_tn_scalar(m, n, kk, at.data(), lda, b.data(), ldb, expected.data(), ldc);
          for (std::size_t i = 0; i < m; ++i) {
            for (std::size_t j = 0; j < n; ++j) {
              double s = c[i * ldc + j];
              for (std::size_t p = 0; p < kk; ++p) s += at[p * lda + i] * b[p * ldb + j];
              REQUIRE(expected[i * ldc + j] == s);
            }
          }
          ks->f64_gemm_tn(m, n, kk, at.data(), lda, b.data(), ldb, c.data(), ldc);
          REQUIRE(c == expected);  // also the padding columns of C, untouched
        }
      }
    }
  }
}
