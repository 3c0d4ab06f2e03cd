// Weights below 8 bits (lowbit.hpp): group-wise quantization against NumPy, the int4 byte format, NF4's codebook
// (derived, and checked against QLoRA's published table) and quantization against NumPy, the byte costs.
#include <catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "lowbit_data.hpp"
#include "lowbit_reference.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/lowbit.hpp"
#include "quantlab/numpy_random.hpp"
#include "quantlab/quantize.hpp"

using quantlab::Granularity;

namespace {

template <typename T, std::size_t N>
std::vector<T> vec(const T (&a)[N]) {
  return std::vector<T>(a, a + N);
}

}  // namespace

TEST_CASE("group-wise quantization equals NumPy (groups with a short last one, per channel, per tensor)", "[lowbit]") {
  const auto w = lowbit_data::weights(21, 5, 40);
  struct Case {
    int bits;
    Granularity g;
    std::vector<std::int32_t> q;
    std::vector<double> scales, deq;
  };
  const Case cases[] = {
      {3, Granularity::groups(16), vec(lowbit_ref::g16_bits3_q), vec(lowbit_ref::g16_bits3_scales), vec(lowbit_ref::g16_bits3_deq)},
      {4, Granularity::per_channel(), vec(lowbit_ref::channel_bits4_q), vec(lowbit_ref::channel_bits4_scales), vec(lowbit_ref::channel_bits4_deq)},
      {2, Granularity::per_tensor(), vec(lowbit_ref::tensor_bits2_q), vec(lowbit_ref::tensor_bits2_scales), vec(lowbit_ref::tensor_bits2_deq)},
  };
  for (const Case& c : cases) {
    INFO("bits " << c.bits);
    const auto t = quantlab::group_quantize(w, 5, 40, c.bits, c.g);
    CHECK(t.q == c.q);
    CHECK(t.scales == c.scales);
    CHECK(quantlab::group_dequantize(t) == c.deq);
    CHECK(quantlab::group_dequantize(t.q, t.scales, 5, 40, c.g) == c.deq);
    CHECK(t.qmax == (1 << (c.bits - 1)) - 1);
  }
}

TEST_CASE("per tensor and per channel are the lab's existing quantizers; a group as long as the row is per channel", "[lowbit]") {
  quantlab::NumpyRandom rng(5);
  const auto w = rng.randn(7 * 33);
  for (int bits : {2, 3, 4, 8}) {
    const auto pt = quantlab::group_quantize(w, 7, 33, bits, Granularity::per_tensor());
    const auto st = quantlab::symmetric_quantize(w, bits);
    CHECK(pt.q == st.q);
    CHECK(pt.scales == std::vector<double>{st.scale});
    const auto pc = quantlab::group_quantize(w, 7, 33, bits, Granularity::per_channel());
    const auto sc = quantlab::per_channel_quantize(w, 7, 33, bits);
    CHECK(pc.q == sc.q);
    CHECK(pc.scales == sc.scales);
    for (std::size_t g : {33u, 40u}) {
      const auto pg = quantlab::group_quantize(w, 7, 33, bits, Granularity::groups(g));
      CHECK(pg.q == sc.q);
      CHECK(pg.scales == sc.scales);
    }
  }
}

TEST_CASE("group-wise quantization: zero groups, bad input", "[lowbit]") {
  std::vector<double> w(2 * 8, 0.0);
  w[0] = 1.0;
  const auto t = quantlab::group_quantize(w, 2, 8, 4, Granularity::groups(4));
  CHECK(t.zero_groups == 3);
  CHECK(t.scales == std::vector<double>{1.0 / 7, 0, 0, 0});
  CHECK(t.q[0] == 7);
  using Catch::Matchers::Equals;
  CHECK_THROWS_WITH(quantlab::group_quantize(w, 2, 8, 9, Granularity::groups(4)),
                    Equals("bits must be an integer from 2 to 8 for weights below 8 bits, got 9"));
  CHECK_THROWS_WITH(Granularity::groups(0), Equals("group size must be at least 1"));
  CHECK_THROWS_WITH(quantlab::group_dequantize(t.q, std::vector<double>{1.0, 2.0}, 2, 8, Granularity::groups(4)),
                    Equals("scales has 2 values: 2 x 8 weights in groups of 4 need 4"));
}

TEST_CASE("int4 byte format: element 2i low nibble, 2i+1 high, two's complement", "[lowbit]") {
  CHECK(quantlab::pack_int4(std::vector<std::int32_t>{1, 2}) == std::vector<std::uint8_t>{0x21});
  CHECK(quantlab::pack_int4(std::vector<std::int32_t>{-1, -8, 7, 0, -3}) == std::vector<std::uint8_t>{0x8F, 0x07, 0x0D});
  std::vector<std::int32_t> all;
  for (int v = -8; v <= 7; ++v) all.push_back(v);
  all.push_back(-8);  // odd count
  const auto bytes = quantlab::pack_int4(all);
  REQUIRE(bytes.size() == 9);
  CHECK(quantlab::unpack_int4(bytes, all.size()) == all);
  CHECK(quantlab::unpack_int4(bytes, 2) == std::vector<std::int32_t>{-8, -7});
  using Catch::Matchers::Equals;
  CHECK_THROWS_WITH(quantlab::pack_int4(std::vector<std::int32_t>{0, 8}), Equals("q[1] is 8: a 4-bit value must lie in [-8, 7]"));
  CHECK_THROWS_WITH(quantlab::unpack_int4(bytes, 19), Equals("cannot unpack 19 values from 9 bytes: a byte holds two 4-bit values"));
}

TEST_CASE("normal quantiles", "[lowbit][nf4]") {
  CHECK(quantlab::normal_quantile(0.5) == 0.0);
  // Python's statistics.NormalDist().inv_cdf (Wichura's AS241).
  CHECK(quantlab::normal_quantile(0.975) == Approx(1.9599639845400536).epsilon(1e-15));
  CHECK(quantlab::normal_quantile(0.025) == Approx(-1.9599639845400538).epsilon(1e-15));
  CHECK(quantlab::normal_quantile(0.9677083333333334) == Approx(1.8481314207079744).epsilon(1e-15));
  CHECK(quantlab::normal_quantile(1e-10) == Approx(-6.361340902404056).epsilon(1e-13));
  CHECK_THROWS_AS(quantlab::normal_quantile(1.0), quantlab::Error);
}

TEST_CASE("NF4 codebook: derived from normal quantiles, equal to QLoRA's published table", "[lowbit][nf4]") {
  // bitsandbytes' NF4 table (QLoRA, appendix E), as float32.
  const float published[16] = {-1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
                               -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
                               0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
                               0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f};
  const auto& table = quantlab::nf4_codebook();
  const auto exact = quantlab::nf4_codebook_f64();
  for (std::size_t i = 0; i < 16; ++i) {
    INFO("level " << i);
    CHECK(table[i] == published[i]);  // bit for bit: the float32 steps of the original
    CHECK(std::fabs(exact[i] - published[i]) <= 2e-7);  // the float64 derivation: within 3 float32 ULP
  }
  CHECK(exact[0] == -1.0);
  CHECK(exact[7] == 0.0);
  CHECK(exact[15] == 1.0);
}

TEST_CASE("NF4 quantization equals NumPy; ties take the lower level; all-zero blocks", "[lowbit][nf4]") {
  const auto w = lowbit_data::weights(22, 3, 100);
  const auto t = quantlab::nf4_quantize(w, 3, 100, 64);
  CHECK(t.blocks_per_row == 2);
  CHECK(t.codes == vec(lowbit_ref::nf4_codes));
  CHECK(t.absmax == vec(lowbit_ref::nf4_absmax));
  CHECK(quantlab::nf4_dequantize(t) == vec(lowbit_ref::nf4_deq));
  CHECK(quantlab::nf4_dequantize(t.codes, t.absmax, 3, 100, 64) == vec(lowbit_ref::nf4_deq));

  const auto& levels = quantlab::nf4_codebook();
  const double mid = (static_cast<double>(levels[8]) + levels[9]) / 2;
  const auto tie = quantlab::nf4_quantize(std::vector<double>{1.0, mid, 0.0, -1.0}, 1, 4, 4);
  CHECK(tie.codes == std::vector<std::uint8_t>{15, 8, 7, 0});
  const auto zero = quantlab::nf4_quantize(std::vector<double>{0, 0, 0, 2}, 1, 4, 2);
  CHECK(zero.codes == std::vector<std::uint8_t>{7, 7, 7, 15});
  CHECK(zero.absmax == std::vector<double>{0, 2});
}

TEST_CASE("byte costs: bit-packed values plus float32 scales", "[lowbit]") {
  // SimpleNet's first layer, 256 x 784.
  const auto g64 = quantlab::group_byte_cost(256, 784, 4, Granularity::groups(64));
  CHECK(g64.weight_bytes == 256 * 392);
  CHECK(g64.scale_bytes == 4 * 256 * 13);  // 12 groups of 64 and one of 16 per row
  CHECK(g64.total_bytes == 100352 + 13312);
  CHECK(g64.bits_per_weight == Approx(4.0 + 8.0 * 13312 / (256 * 784)));
  CHECK(quantlab::group_byte_cost(256, 784, 4, Granularity::per_channel()).scale_bytes == 1024);
  CHECK(quantlab::group_byte_cost(256, 784, 4, Granularity::per_tensor()).total_bytes == 100352 + 4);
  CHECK(quantlab::group_byte_cost(10, 7, 3, Granularity::per_channel()).weight_bytes == 10 * 3);  // 21 bits: 3 bytes a row
  CHECK(quantlab::group_byte_cost(256, 784, 2, Granularity::groups(16)).total_bytes == 256 * 196 + 4 * 256 * 49);
  const auto nf4 = quantlab::nf4_byte_cost(256, 784, 64);
  CHECK(nf4.total_bytes == g64.total_bytes);
}
