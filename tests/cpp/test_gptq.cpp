// GPTQ and AWQ for one layer (gptq.hpp, awq.hpp): against NumPy references on small layers (to float tolerance:
// the core's blocked float64 arithmetic sums in another order than NumPy's BLAS and LAPACK), independence of the
// block size, GPTQ never worse than round-to-nearest on the calibration error, AWQ's alpha = 0 equal to
// round-to-nearest, and the error messages.
#include <catch.hpp>

#include <cmath>
#include <vector>

#include "lowbit_data.hpp"
#include "lowbit_reference.hpp"
#include "quantlab/awq.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/gptq.hpp"
#include "quantlab/numpy_random.hpp"

using quantlab::Granularity;
namespace k = quantlab::kernels;

namespace {

template <typename T, std::size_t N>
std::vector<T> vec(const T (&a)[N]) {
  return std::vector<T>(a, a + N);
}

// |a - b| <= tol * max(1, max|b|) for every value.
void check_close(const std::vector<double>& a, const std::vector<double>& b, double tol) {
  REQUIRE(a.size() == b.size());
  double scale = 1.0;
  for (double v : b) scale = std::max(scale, std::fabs(v));
  double worst = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
  INFO("largest difference " << worst << " against a scale of " << scale);
  CHECK(worst <= tol * scale);
}

struct GptqCase {
  const char* name;
  std::uint32_t w_seed;
  std::size_t rows, cols;
  std::uint32_t x_seed;
  std::size_t samples;
  std::vector<std::size_t> dead;
  int bits;
  Granularity g;
  double damp;
  std::vector<std::int32_t> q;
  std::vector<double> scales, deq;
  double error, rtn_error;
};

std::vector<GptqCase> gptq_cases() {
  using namespace lowbit_ref;
  return {
      {"per channel, 3 bits", 31, 8, 48, 32, 96, {}, 3, Granularity::per_channel(), 0.01, vec(gptq_channel3_q),
       vec(gptq_channel3_scales), vec(gptq_channel3_deq), gptq_channel3_error, gptq_channel3_rtn_error},
      {"groups of 16, 4 bits, dead inputs", 33, 6, 40, 34, 80, {5, 17}, 4, Granularity::groups(16), 0.01,
       vec(gptq_g16_bits4_q), vec(gptq_g16_bits4_scales), vec(gptq_g16_bits4_deq), gptq_g16_bits4_error,
       gptq_g16_bits4_rtn_error},
      {"per tensor, 2 bits", 35, 4, 24, 36, 50, {}, 2, Granularity::per_tensor(), 0.1, vec(gptq_tensor2_q),
       vec(gptq_tensor2_scales), vec(gptq_tensor2_deq), gptq_tensor2_error, gptq_tensor2_rtn_error},
  };
}

}  // namespace

TEST_CASE("H = 2 X^T X and the inverse Cholesky factor against NumPy", "[gptq]") {
  const auto x = lowbit_data::inputs(36, 50, 24);
  for (const k::KernelSet* ks : k::all_kernel_sets()) {
    INFO(ks->name);
    quantlab::HessianAccumulator acc(24, *ks);
    acc.add(x.data(), 20);  // in two calls
    acc.add(x.data() + 20 * 24, 30);
    const auto h = acc.hessian();
    CHECK(acc.samples() == 50);
    std::vector<double> direct(24 * 24, 0.0);
    for (std::size_t n = 0; n < 50; ++n)
      for (std::size_t i = 0; i < 24; ++i)
        for (std::size_t j = 0; j < 24; ++j) direct[i * 24 + j] += 2.0 * x[n * 24 + i] * x[n * 24 + j];
    check_close(h, direct, 1e-14);
    const auto chol = quantlab::inverse_cholesky(h, 24, 0.1, *ks);
    check_close(chol.factor, vec(lowbit_ref::gptq_tensor2_factor), 1e-12);
    CHECK(chol.dead_inputs == 0);
  }
  const auto x40 = lowbit_data::inputs(34, 80, 40, {5, 17});
  const auto chol = quantlab::inverse_cholesky(quantlab::layer_hessian(x40.data(), 80, 40), 40, 0.01);
  CHECK(chol.dead_inputs == 2);
  CHECK(chol.dead[5]);
  CHECK(chol.dead[17]);
}

TEST_CASE("GPTQ equals the NumPy reference for every block size and kernel set", "[gptq]") {
  for (const GptqCase& c : gptq_cases()) {
    const auto w = lowbit_data::weights(c.w_seed, c.rows, c.cols);
    const auto x = lowbit_data::inputs(c.x_seed, c.samples, c.cols, c.dead);
    for (const k::KernelSet* ks : k::all_kernel_sets()) {
      const auto h = quantlab::layer_hessian(x.data(), c.samples, c.cols, *ks);
      for (std::size_t block : {1u, 7u, 16u, 128u}) {
        INFO(c.name << ", " << ks->name << ", block size " << block);
        quantlab::GptqOptions o;
        o.bits = c.bits;
        o.granularity = c.g;
        o.damp = c.damp;
        o.block_size = block;
        const auto r = quantlab::gptq_quantize(w, c.rows, c.cols, h, o, *ks);
        CHECK(r.quantized.q == c.q);
        check_close(r.quantized.scales, c.scales, 1e-12);
        check_close(r.dequantized, c.deq, 1e-12);
        CHECK(r.dead_inputs == c.dead.size());
        const double e = quantlab::reconstruction_error(w, r.dequantized, c.rows, c.cols, x.data(), c.samples, *ks);
        CHECK(e == Approx(c.error).epsilon(1e-10));
        CHECK(quantlab::reconstruction_error_hessian(w, r.dequantized, c.rows, c.cols, h, *ks) == Approx(c.error).epsilon(1e-10));
        CHECK(e < c.rtn_error);
      }
    }
  }
}

TEST_CASE("GPTQ runs step by step: factor first, then one block per step", "[gptq]") {
  const auto w = lowbit_data::weights(31, 8, 48);
  const auto x = lowbit_data::inputs(32, 96, 48);
  const auto h = quantlab::layer_hessian(x.data(), 96, 48);
  quantlab::GptqOptions o;
  o.granularity = Granularity::groups(12);
  o.block_size = 20;  // rounded up to 24, a multiple of the group size
  quantlab::Gptq g(w, 8, 48, h, o);
  CHECK(g.block_size() == 24);
  CHECK(g.steps_total() == 3);
  CHECK_THROWS_WITH(g.result(), "GPTQ has not finished: call step() until it returns false");
  CHECK(g.step());
  CHECK(g.step());
  CHECK_FALSE(g.step());
  CHECK(g.done());
  CHECK_FALSE(g.step());
  CHECK(g.result().quantized.scales.size() == 8 * 4);
}

// Not a theorem, but what GPTQ is for: on layers with correlated inputs its calibration error stays below
// round-to-nearest's. Random layers, several seeds, bits and granularities.
TEST_CASE("GPTQ is never worse than round-to-nearest on the calibration set", "[gptq][properties]") {
  quantlab::NumpyRandom rng(2718);
  for (int trial = 0; trial < 12; ++trial) {
    const std::size_t rows = 4 + static_cast<std::size_t>(rng.rand() * 12);
    const std::size_t cols = 16 + static_cast<std::size_t>(rng.rand() * 70);
    const std::size_t samples = cols + static_cast<std::size_t>(rng.rand() * 100);
    const int bits = 2 + trial % 3;
    const Granularity g = trial % 4 == 0 ? Granularity::per_tensor()
                          : trial % 4 == 1 ? Granularity::per_channel()
                                           : Granularity::groups(trial % 4 == 2 ? 16 : 32);
    const auto w = lowbit_data::weights(100 + static_cast<std::uint32_t>(trial), rows, cols);
    const auto x = lowbit_data::inputs(200 + static_cast<std::uint32_t>(trial), samples, cols);
    const auto h = quantlab::layer_hessian(x.data(), samples, cols);
    quantlab::GptqOptions o;
    o.bits = bits;
    o.granularity = g;
    o.block_size = 32;  // several blocks: the lazy updates are part of what is tested
    const auto r = quantlab::gptq_quantize(w, rows, cols, h, o);
    const auto rtn = quantlab::group_dequantize(quantlab::group_quantize(w, rows, cols, bits, g));
    const double e_gptq = quantlab::reconstruction_error(w, r.dequantized, rows, cols, x.data(), samples);
    const double e_rtn = quantlab::reconstruction_error(w, rtn, rows, cols, x.data(), samples);
    INFO("trial " << trial << ": " << rows << " x " << cols << ", " << samples << " inputs, " << bits
                  << " bits: GPTQ " << e_gptq << ", RTN " << e_rtn);
    CHECK(e_gptq <= e_rtn);
  }
}

TEST_CASE("AWQ equals NumPy; alpha = 0 is round-to-nearest; the searched alpha is never worse", "[awq]") {
  const auto w = lowbit_data::weights(41, 6, 30);
  const auto x = lowbit_data::inputs(42, 64, 30);
  struct Case {
    int bits;
    Granularity g;
    double alpha;
    std::vector<double> errors, s, deq;
    std::vector<std::int32_t> q;
  };
  using namespace lowbit_ref;
  const Case cases[] = {
      {3, Granularity::per_channel(), awq_channel3_alpha, vec(awq_channel3_errors), vec(awq_channel3_input_scales),
       vec(awq_channel3_deq), vec(awq_channel3_q)},
      {4, Granularity::groups(16), awq_g16_bits4_alpha, vec(awq_g16_bits4_errors), vec(awq_g16_bits4_input_scales),
       vec(awq_g16_bits4_deq), vec(awq_g16_bits4_q)},
  };
  for (const Case& c : cases) {
    for (const k::KernelSet* ks : k::all_kernel_sets()) {
      INFO(c.bits << " bits, " << ks->name);
      quantlab::AwqOptions o;
      o.bits = c.bits;
      o.granularity = c.g;
      const auto r = quantlab::awq_quantize(w, 6, 30, x.data(), 64, o, {}, *ks);
      CHECK(r.alpha == c.alpha);
      check_close(r.errors, c.errors, 1e-10);
      check_close(r.input_scales, c.s, 1e-14);
      CHECK(r.quantized.q == c.q);
      check_close(r.dequantized, c.deq, 1e-13);
      const auto rtn = quantlab::group_dequantize(quantlab::group_quantize(w, 6, 30, c.bits, c.g));
      quantlab::AwqOptions zero = o;
      zero.alphas = {0.0};
      const auto r0 = quantlab::awq_quantize(w, 6, 30, x.data(), 64, zero, {}, *ks);
      CHECK(r0.dequantized == rtn);  // bit for bit
      CHECK(r0.input_scales == std::vector<double>(30, 1.0));
      const double e = quantlab::reconstruction_error(w, r.dequantized, 6, 30, x.data(), 64, *ks);
      CHECK(e <= quantlab::reconstruction_error(w, rtn, 6, 30, x.data(), 64, *ks));
    }
  }
}

TEST_CASE("AWQ runs step by step: one alpha per step", "[awq]") {
  const auto w = lowbit_data::weights(41, 6, 30);
  const auto x = lowbit_data::inputs(42, 64, 30);
  quantlab::AwqOptions o;
  o.alphas = {0.5, 0.0, 1.0};
  quantlab::Awq a(w, 6, 30, x.data(), 64, o);
  CHECK(a.steps_total() == 3);
  CHECK_THROWS_WITH(a.result(), "AWQ has not finished: call step() until it returns false");
  CHECK(a.step());
  CHECK(a.step());
  CHECK_FALSE(a.step());
  CHECK(a.result().errors.size() == 3);
  CHECK(a.result().alphas == o.alphas);
}

TEST_CASE("GPTQ and AWQ name bad input", "[gptq][awq]") {
  using Catch::Matchers::Equals;
  using Catch::Matchers::StartsWith;
  const std::vector<double> w(2 * 3, 0.5);
  const std::vector<double> h = {2, 0, 0, 0, 2, 0, 0, 0, 2};
  quantlab::GptqOptions o;
  CHECK_THROWS_WITH(quantlab::gptq_quantize(w, 2, 3, std::vector<double>(4, 1.0), o),
                    Equals("hessian has 4 values: a layer with 3 inputs needs 3 x 3 = 9"));
  o.damp = -1;
  CHECK_THROWS_WITH(quantlab::gptq_quantize(w, 2, 3, h, o),
                    Equals("damping must be a finite number >= 0 (a fraction of the mean diagonal, e.g. 0.01), got -1"));
  o.damp = 0;
  const std::vector<double> singular = {1, 1, 0, 1, 1, 0, 0, 0, 1};
  CHECK_THROWS_WITH(quantlab::gptq_quantize(w, 2, 3, singular, o), StartsWith("the Hessian is not positive definite"));
  CHECK_THROWS_WITH(quantlab::inverse_cholesky(std::vector<double>{-1}, 1, 0.01),
                    Equals("hessian[0][0] is -1: the diagonal of 2 X^T X cannot be negative"));
  o.damp = 0.01;
  o.bits = 1;
  CHECK_THROWS_WITH(quantlab::gptq_quantize(w, 2, 3, h, o), Equals("bits must be an integer from 2 to 8 for weights below 8 bits, got 1"));
  const std::vector<float> x = {1, 2, 3};
  quantlab::AwqOptions a;
  a.alphas = {0.5, 2};
  CHECK_THROWS_WITH(quantlab::awq_quantize(w, 2, 3, x.data(), 1, a), Equals("every alpha must be a number from 0 to 1, got 2"));
}
