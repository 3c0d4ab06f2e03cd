// Activation quantization parameters and calibration methods against NumPy (numpy_calibration_reference.hpp,
// made by tests/reference/make_calibration_reference.py), plus the properties the lessons rely on.
#include <catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "numpy_calibration_reference.hpp"
#include "quantlab/calibration.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/numpy_random.hpp"
#include "quantlab/quantize.hpp"

using Catch::Contains;
using quantlab::CalibrationMethod;
using quantlab::QuantScheme;

namespace {

struct Data {
  std::vector<float> relu, sign;
};

// The reference script's data: np.random.seed(2024); u = rand(5000); v = rand(5000);
// relu = float32(max(u - 0.4, 0) / (1.02 - v)); signed = float32((u - 0.5) / (1.02 - v)).
const Data& data() {
  static const Data d = [] {
    quantlab::NumpyRandom rng(numpy_cal::data_seed);
    const auto u = rng.rand(numpy_cal::data_count), v = rng.rand(numpy_cal::data_count);
    Data r;
    for (std::size_t i = 0; i < u.size(); ++i) {
      r.relu.push_back(static_cast<float>(std::max(u[i] - 0.4, 0.0) / (1.02 - v[i])));
      r.sign.push_back(static_cast<float>((u[i] - 0.5) / (1.02 - v[i])));
    }
    return r;
  }();
  return d;
}

std::vector<double> doubles(const std::vector<float>& x) { return std::vector<double>(x.begin(), x.end()); }

quantlab::Calibration run(const std::vector<float>& x, CalibrationMethod m, int bits, QuantScheme s) {
  quantlab::CalibrationOptions o;
  o.method = m;
  o.bits = bits;
  o.scheme = s;
  return quantlab::calibrate(x, o);
}

}  // namespace

TEST_CASE("calibration data: the same as NumPy's", "[calibration]") {
  const auto& d = data();
  CHECK(*std::max_element(d.relu.begin(), d.relu.end()) == numpy_cal::relu_max);
  CHECK(std::count(d.relu.begin(), d.relu.end(), 0.0f) == numpy_cal::relu_zeros);
}

TEST_CASE("percentiles equal np.percentile (method 'linear') bit for bit", "[calibration]") {
  const auto& d = data();
  std::vector<double> abs_signed;
  for (float v : d.sign) abs_signed.push_back(std::fabs(static_cast<double>(v)));
  for (std::size_t i = 0; i < std::size(numpy_cal::percentiles); ++i) {
    INFO("p = " << numpy_cal::percentiles[i]);
    CHECK(quantlab::numpy_percentile(doubles(d.relu), numpy_cal::percentiles[i]) == numpy_cal::relu_percentiles[i]);
    CHECK(quantlab::numpy_percentile(abs_signed, numpy_cal::percentiles[i]) == numpy_cal::abs_signed_percentiles[i]);
  }
  quantlab::CalibrationOptions o;
  o.method = CalibrationMethod::kPercentile;
  o.percentile = 99.9;
  const auto affine = quantlab::calibrate(d.sign, o);
  CHECK(affine.lo == numpy_cal::signed_affine_p999[0]);
  CHECK(affine.hi == numpy_cal::signed_affine_p999[1]);
  o.scheme = QuantScheme::kSymmetric;
  o.percentile = 99.99;
  const auto symmetric = quantlab::calibrate(d.sign, o);
  CHECK(symmetric.hi == numpy_cal::abs_signed_percentiles[5]);
  CHECK(symmetric.lo == -symmetric.hi);
  CHECK(quantlab::numpy_percentile({3.0}, 50) == 3.0);
  CHECK_THROWS_WITH(quantlab::numpy_percentile({}, 50), "a percentile of no values is undefined: give at least one value");
  o.percentile = 0;
  CHECK_THROWS_WITH(quantlab::calibrate(d.sign, o), "the percentile must be above 0 and at most 100, got 0");
}

TEST_CASE("scale and zero point of a range equal NumPy's, and affine_quantize's for the data's own range", "[calibration]") {
  for (const auto& c : numpy_cal::params_cases) {
    INFO("[" << c.lo << ", " << c.hi << "] at " << c.bits << " bits");
    const auto a = quantlab::activation_quant_params({c.bits, c.lo, c.hi, QuantScheme::kAffine});
    CHECK(a.scale == c.affine_scale);
    CHECK(a.zero_point == c.affine_zero_point);
    CHECK(a.qmin == 0);
    CHECK(a.qmax == (1 << c.bits) - 1);
    const auto s = quantlab::activation_quant_params({c.bits, c.lo, c.hi, QuantScheme::kSymmetric});
    CHECK(s.scale == c.symmetric_scale);
    CHECK(s.zero_point == 0);
    CHECK(s.qmin == -s.qmax);
  }
  const auto x = doubles(data().sign);
  const auto t = quantlab::affine_quantize(x, 8);
  const auto p = quantlab::activation_quant_params({8, *std::min_element(x.begin(), x.end()), *std::max_element(x.begin(), x.end()), QuantScheme::kAffine});
  CHECK(p.scale == t.scale);
  CHECK(p.zero_point == t.zero_point);
  CHECK_THROWS_WITH(quantlab::activation_quant_params({8, 2.0, 1.0, QuantScheme::kAffine}), "the range is upside down: lo 2 > hi 1");
  CHECK_THROWS_WITH(quantlab::activation_quant_params({8, 0.0, NAN, QuantScheme::kAffine}), "the range must be finite, got [0, NaN]");
  CHECK_THROWS_WITH(quantlab::activation_quant_params({1, 0.0, 1.0, QuantScheme::kAffine}), "bits must be an integer from 2 to 16, got 1");
}

TEST_CASE("fake quantization: zero stays exact; ReLU outputs use half the symmetric levels and all the affine ones", "[calibration]") {
  const auto& relu = data().relu;
  const double hi = *std::max_element(relu.begin(), relu.end());
  const auto sym = quantlab::fake_quantize(relu, {8, 0.0, hi, QuantScheme::kSymmetric});
  const auto aff = quantlab::fake_quantize(relu, {8, 0.0, hi, QuantScheme::kAffine});
  // Symmetric: q in [0, 127], the negative half of [-127, 127] never used; affine: q up to 255.
  const auto ps = quantlab::activation_quant_params({8, 0.0, hi, QuantScheme::kSymmetric});
  const auto pa = quantlab::activation_quant_params({8, 0.0, hi, QuantScheme::kAffine});
  std::int32_t sym_lo = 999, sym_hi = -999, aff_hi = -999;
  for (float v : relu) {
    sym_lo = std::min(sym_lo, quantlab::quantize_value(v, ps));
    sym_hi = std::max(sym_hi, quantlab::quantize_value(v, ps));
    aff_hi = std::max(aff_hi, quantlab::quantize_value(v, pa));
  }
  CHECK(sym_lo == 0);
  CHECK(sym_hi == 127);
  CHECK(aff_hi == 255);
  std::set<double> sym_levels(sym.begin(), sym.end()), aff_levels(aff.begin(), aff.end());
  CHECK(sym_levels.size() <= 128);
  CHECK(aff_levels.size() > sym_levels.size());
  for (std::size_t i = 0; i < relu.size(); ++i) {
    if (relu[i] == 0.0f) REQUIRE((sym[i] == 0.0 && aff[i] == 0.0));
  }
  const auto es = quantlab::fake_quantize_error(relu, {8, 0.0, hi, QuantScheme::kSymmetric});
  const auto ea = quantlab::fake_quantize_error(relu, {8, 0.0, hi, QuantScheme::kAffine});
  CHECK(ea.mse < es.mse / 3);  // twice the levels: a quarter of the rounding error
  // A range that clips: values beyond it land on the last level.
  const auto clipped = quantlab::fake_quantize(std::vector<float>{10.0f, -10.0f}, {4, -1.0, 1.0, QuantScheme::kSymmetric});
  CHECK(clipped == std::vector<double>{1.0, -1.0});
}

TEST_CASE("min/max and MSE-optimal clipping: NumPy's MSE for every candidate, bit for bit", "[calibration]") {
  const auto& d = data();
  const auto mm = run(d.sign, CalibrationMethod::kMinMax, 8, QuantScheme::kAffine);
  CHECK(mm.lo == *std::min_element(d.sign.begin(), d.sign.end()));
  CHECK(mm.hi == *std::max_element(d.sign.begin(), d.sign.end()));
  struct Case {
    const std::vector<float>& x;
    int bits;
    QuantScheme scheme;
    const double* scores;
    std::uint32_t best;
  };
  const Case cases[] = {
      {d.relu, 4, QuantScheme::kAffine, numpy_cal::mse_relu_affine4, numpy_cal::mse_relu_affine4_best},
      {d.relu, 8, QuantScheme::kAffine, numpy_cal::mse_relu_affine8, numpy_cal::mse_relu_affine8_best},
      {d.sign, 4, QuantScheme::kSymmetric, numpy_cal::mse_signed_symmetric4, numpy_cal::mse_signed_symmetric4_best},
  };
  for (const Case& c : cases) {
    INFO(c.bits << " bits, " << (c.scheme == QuantScheme::kAffine ? "affine" : "symmetric"));
    const auto r = run(c.x, CalibrationMethod::kMse, c.bits, c.scheme);
    REQUIRE(r.scores.size() == 100);
    for (std::size_t i = 0; i < 100; ++i) REQUIRE(r.scores[i] == c.scores[i]);
    CHECK(r.best == c.best);
    CHECK(r.hi == r.candidates[r.best]);
    const auto err = quantlab::fake_quantize_error(c.x, {c.bits, r.lo, r.hi, c.scheme});
    CHECK(err.mse == r.scores[r.best]);
  }
  // At 4 bits the best clip is well inside the range: clipping a few outliers beats coarse rounding.
  const auto r4 = run(d.relu, CalibrationMethod::kMse, 4, QuantScheme::kAffine);
  CHECK(r4.hi < 0.8 * numpy_cal::relu_max);
}

TEST_CASE("entropy (KL) calibration: NumPy's histogram, divergences and chosen threshold", "[calibration]") {
  const std::vector<double> h(std::begin(numpy_cal::histogram_data), std::end(numpy_cal::histogram_data));
  const auto counts = quantlab::numpy_histogram(h, 10, 0.0, 3.0);
  for (std::size_t i = 0; i < 10; ++i) CHECK(counts[i] == numpy_cal::histogram_counts[i]);
  std::vector<double> abs_signed;
  for (float v : data().sign) abs_signed.push_back(std::fabs(static_cast<double>(v)));
  const auto full = quantlab::numpy_histogram(abs_signed, 2048, 0.0, *std::max_element(abs_signed.begin(), abs_signed.end()));
  for (std::size_t g = 0; g < 16; ++g) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < 128; ++i) sum += full[g * 128 + i];
    CHECK(sum == numpy_cal::signed_histogram_groups[g]);
  }
  for (std::size_t i = 0; i < 8; ++i) CHECK(full[2040 + i] == numpy_cal::signed_histogram_last_bins[i]);

  struct Case {
    const std::vector<float>& x;
    int bits;
    QuantScheme scheme;
    std::uint32_t bins, best, count;
    double threshold;
    const std::uint32_t* picks;
    const double* scores;
  };
  const Case cases[] = {
      {data().sign, 8, QuantScheme::kSymmetric, numpy_cal::kl_signed_symmetric8_bins, numpy_cal::kl_signed_symmetric8_best,
       numpy_cal::kl_signed_symmetric8_count, numpy_cal::kl_signed_symmetric8_threshold, numpy_cal::kl_signed_symmetric8_picks,
       numpy_cal::kl_signed_symmetric8_scores},
      {data().relu, 8, QuantScheme::kAffine, numpy_cal::kl_relu_affine8_bins, numpy_cal::kl_relu_affine8_best,
       numpy_cal::kl_relu_affine8_count, numpy_cal::kl_relu_affine8_threshold, numpy_cal::kl_relu_affine8_picks,
       numpy_cal::kl_relu_affine8_scores},
      {data().relu, 4, QuantScheme::kSymmetric, numpy_cal::kl_relu_symmetric4_bins, numpy_cal::kl_relu_symmetric4_best,
       numpy_cal::kl_relu_symmetric4_count, numpy_cal::kl_relu_symmetric4_threshold, numpy_cal::kl_relu_symmetric4_picks,
       numpy_cal::kl_relu_symmetric4_scores},
  };
  for (const Case& c : cases) {
    INFO(c.bits << " bits, " << (c.scheme == QuantScheme::kAffine ? "affine" : "symmetric") << ", " << c.bins << " bins");
    quantlab::CalibrationOptions o;
    o.method = CalibrationMethod::kEntropy;
    o.bits = c.bits;
    o.scheme = c.scheme;
    o.bins = c.bins;
    const auto r = quantlab::calibrate(c.x, o);
    REQUIRE(r.scores.size() == c.count);
    CHECK(r.best == c.best);
    CHECK(r.candidates[r.best] == c.threshold);
    CHECK(r.hi == c.threshold);
    CHECK(r.lo == (c.scheme == QuantScheme::kSymmetric ? -c.threshold : 0.0));
    for (std::size_t i = 0; i < 4; ++i) {
      if (std::isinf(c.scores[i])) {
        CHECK(r.scores[c.picks[i]] == c.scores[i]);  // undefined: some bin has P > 0 and Q = 0
      } else {
        CHECK(r.scores[c.picks[i]] == Approx(c.scores[i]).epsilon(1e-12));
      }
    }
  }
  quantlab::CalibrationOptions o;
  o.method = CalibrationMethod::kEntropy;
  o.bits = 12;
  CHECK_THROWS_WITH(quantlab::calibrate(data().relu, o), "entropy calibration at 12 bits needs 4096 to 65536 histogram bins, got 2048");
  const auto zeros = quantlab::calibrate(std::vector<float>(5, 0.0f), {CalibrationMethod::kEntropy});
  CHECK((zeros.lo == 0.0 && zeros.hi == 0.0));
}

TEST_CASE("calibration: names and bad input", "[calibration][errors]") {
  CHECK(quantlab::calibration_method_from_name("entropy") == CalibrationMethod::kEntropy);
  CHECK_THROWS_WITH(quantlab::calibration_method_from_name("kl"), "method must be 'minmax', 'percentile', 'mse' or 'entropy', got 'kl'");
  CHECK_THROWS_WITH(quantlab::quant_scheme_from_name("asym"), "scheme must be 'symmetric' or 'affine', got 'asym'");
  CHECK_THROWS_WITH(quantlab::calibrate(std::vector<float>{}, {}), "activations is empty: give at least one value");
  CHECK_THROWS_WITH(quantlab::calibrate(std::vector<float>{1.0f, INFINITY}, {}), "activations[1] is Infinity: every value must be a finite number");
}
