// Throughput probe for dot_i16x8 (i32x4.dot_i16x8_s / pmaddwd): 16 dot + add per iteration (128
// multiply-adds) into eight independent accumulators, with four loads at fixed offsets from a small
// L1-resident buffer that the iteration index walks, so nothing can be hoisted or folded and little else
// competes for the issue slots. The benchmark divides the GEMM's rate by this one.
#include "simd128.hpp"
#if defined(QUANTLAB_SIMD128)
#include "quantlab/kernels.hpp"

namespace quantlab::kernels {

std::int32_t dot_peak_simd128(std::size_t iterations) {
  using namespace simd;
  alignas(16) std::int16_t buf[8 * 32];
  for (int i = 0; i < 8 * 32; ++i) buf[i] = static_cast<std::int16_t>((i * 37) % 255 - 127);
  const vi w0 = vi_load(buf + 8), w1 = vi_load(buf + 24), w2 = vi_load(buf + 40), w3 = vi_load(buf + 56);
  vi a0 = vi_zero(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  for (std::size_t i = 0; i < iterations; ++i) {
    const std::int16_t* p = buf + (i & 7) * 32;
    const vi x0 = vi_load(p), x1 = vi_load(p + 8), x2 = vi_load(p + 16), x3 = vi_load(p + 24);
    a0 = vi_dot_add(a0, x0, w0);
    a1 = vi_dot_add(a1, x0, w1);
    a2 = vi_dot_add(a2, x0, w2);
    a3 = vi_dot_add(a3, x0, w3);
    a4 = vi_dot_add(a4, x1, w0);
    a5 = vi_dot_add(a5, x1, w1);
    a6 = vi_dot_add(a6, x1, w2);
    a7 = vi_dot_add(a7, x1, w3);
    a0 = vi_dot_add(a0, x2, w0);
    a1 = vi_dot_add(a1, x2, w1);
    a2 = vi_dot_add(a2, x2, w2);
    a3 = vi_dot_add(a3, x2, w3);
    a4 = vi_dot_add(a4, x3, w0);
    a5 = vi_dot_add(a5, x3, w1);
    a6 = vi_dot_add(a6, x3, w2);
    a7 = vi_dot_add(a7, x3, w3);
  }
  const vi s = vi_add(vi_add(vi_add(a0, a1), vi_add(a2, a3)), vi_add(vi_add(a4, a5), vi_add(a6, a7)));
  // The sums wrap around on long runs; add the lanes as unsigned so the wrap is defined in C++ too.
  std::uint32_t total = 0;
  for (int i = 0; i < 4; ++i) total += static_cast<std::uint32_t>(vi_lane(s, i));
  return static_cast<std::int32_t>(total);
}

}  // namespace quantlab::kernels
#endif
