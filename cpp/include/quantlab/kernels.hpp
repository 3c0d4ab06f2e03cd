// Matrix kernels for the MLP: fp32 and int8 GEMM/GEMV, dynamic int8 quantization of activations, and the
// int32 -> float epilogue. One kernel per file, named <datatype>_<operation>_<isa>.cpp: `scalar` (the short
// reference, also the kernels of the scalar WebAssembly build) and `simd128` (one algorithm written against
// simd128.hpp, compiled to WASM SIMD128 for the browser and to SSE4.1 natively). tests/cpp/test_kernels.cpp
// runs one table of edge cases against every variant.
//
// Layouts: activations A are M x K row-major, outputs C are M x N row-major, and weights B (N x K in
// PyTorch's nn.Linear layout) are packed once, when a model is built, loaded or quantized, into blocks of
// kNr = 8 rows: block b holds rows 8b..8b+7, stored K-step by K-step, each step the 8 rows' next kKTile
// values side by side ([N/8][K/kKTile][8][kKTile], rows and K padded with zeros). A kernel then walks one
// pointer through a block, so a GEMV step is one load of x and eight loads at fixed offsets.
//
// int8 values are stored widened to int16 (weights once, activations per call: rows padded to kp =
// round_up(K, 8)): i32x4.dot_i16x8_s (SSE4.1: pmaddwd) multiplies 8 pairs and adds adjacent products into
// 4 int32 lanes. fp32 activations need no padding: the kernels read the K tail through a zeroed copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "quantlab/checked.hpp"

namespace quantlab::kernels {

constexpr std::size_t kNr = 8;        // weight rows per packed block
constexpr std::size_t kQs8KTile = 8;  // int16 values per step: one i32x4.dot_i16x8_s
constexpr std::size_t kF32KTile = 4;  // float values per step
// With |a| <= 128 and |b| <= 128 an int32 sum of K products cannot overflow while K <= 2^31 / 2^14.
constexpr std::size_t kQs8MaxK = std::size_t{1} << 17;
// The smallest max|x| of an activation row that the int8 kernels quantize: 127 x FLT_MIN (about 1.49e-36), so
// that the row's scale max|x| / 127 is a normal float32 and 127 / max|x| is finite.
constexpr float kQs8MinRowMax = 127.0f * std::numeric_limits<float>::min();

// Padded sizes never wrap: a size that would overflow size_t throws quantlab::Error (checked.hpp).
constexpr std::size_t round_up(std::size_t v, std::size_t multiple) { return checked_round_up(v, multiple, "a padded size"); }
constexpr std::size_t qs8_padded_k(std::size_t k) { return round_up(k, kQs8KTile); }
// Where element (row j, column p) of a weight matrix lands in the blocked layout above, with `tile` values per
// K-step (kQs8KTile or kF32KTile) and K padded to `padded_k`: the packers write there, the scalar kernels read.
constexpr std::size_t packed_index(std::size_t j, std::size_t p, std::size_t padded_k, std::size_t tile) {
  return (j / kNr) * kNr * padded_k + (p / tile) * kNr * tile + (j % kNr) * tile + p % tile;
}

// C[M x N] = A[M x K] . B^T with B packed by f32_pack_weights(b, N, K)
using F32GemmFn = void (*)(std::size_t m, std::size_t n, std::size_t k, const float* a, const float* packed_b, float* c);
// y[N] = W . x[K] with W packed by f32_pack_weights(w, N, K)
using F32GemvFn = void (*)(std::size_t n, std::size_t k, const float* x, const float* packed_w, float* y);
// C[M x N] (int32) = A[M x kp] . B^T: A rows int8 values stored as int16 and padded to kp = qs8_padded_k(K),
// B packed by qs8_pack_weights(b, N, K)
using Qs8GemmFn = void (*)(std::size_t m, std::size_t n, std::size_t kp, const std::int16_t* a,
                           const std::int16_t* packed_b, std::int32_t* c);
using Qs8GemvFn = void (*)(std::size_t n, std::size_t kp, const std::int16_t* x, const std::int16_t* packed_w,
                           std::int32_t* y);
// Dynamic symmetric int8 quantization, one scale per row (float32): scale[r] = max|x[r]| / 127 and
// q = clamp(round_half_even(x * (127 / max|x[r]|)), -127, 127), multiplying by the inverse scale as FBGEMM
// does; rows written padded with zeros to kp; an all-zero row gets scale 0 and q = 0, and so does a row whose
// max|x| is below kQs8MinRowMax (its scale would be a subnormal float32 and 127 / max|x| Infinity: such a row
// contributes less than float32 can hold next to any normal bias). Every x must be finite: callers check
// (a NaN or an Infinity has no int8 value, and converting one is undefined in C++ and a trap in WebAssembly).
using Qs8QuantizeRowsFn = void (*)(std::size_t m, std::size_t k, std::size_t kp, const float* x, std::int16_t* q,
                                   float* scales);
// Epilogue: y[r][c] = float(acc[r][c]) * (row_scales[r] * col_scales[c]) + bias[c], then max(y, 0) if relu.
using Qs8DequantizeFn = void (*)(std::size_t m, std::size_t n, const std::int32_t* acc, const float* row_scales,
                                 const float* col_scales, const float* bias, bool relu, float* y);
// y[r][c] += bias[c], then max(y, 0) if relu.
using F32BiasActFn = void (*)(std::size_t m, std::size_t n, float* y, const float* bias, bool relu);
// Throughput probe: `iterations` x 16 dot_i16x8 + add (128 MACs each); returns a checksum.
using DotPeakFn = std::int32_t (*)(std::size_t iterations);
// The trainer's backward pass, on plain row-major operands (nothing packed): C[M x N] = A[M x K] . B[K x N]
// (nn: dX = dY . W) and C[M x N] = A^T . B with A stored K x M and B K x N (tn: dW = dY^T . X). Every C
// element is summed over K in order from 0, so every variant gives the same bits.
using F32GemmNnFn = void (*)(std::size_t m, std::size_t n, std::size_t k, const float* a, const float* b, float* c);
using F32GemmTnFn = void (*)(std::size_t m, std::size_t n, std::size_t k, const float* a, const float* b, float* c);

// ---- Packed int4 weights (qs4) and the float64 GEMM of GPTQ/AWQ: see docs/kernels.md ----
// qs4 weights are signed 4-bit values in [-8, 7] with one float32 scale per group of G weights along K (per
// channel: one group of K). qs4_pack_weights stores them in blocks of kNr rows, K-step by K-step (8 k, K padded
// with zeros to a multiple of 8): a step is two 16-byte vectors, the first for rows 0-3 of the block, the second
// for rows 4-7. In a vector, int16 lane l (bytes 2l, 2l+1, little-endian) belongs to row l / 2 of its four and
// holds that row's four weights at k = 8u + 2j + l % 2 (step u) in its nibbles j = 0..3 (bits 4j..4j+3). So
// nibble j of every lane, sign-extended, is a dot_i16x8 operand whose lane pairs are the four rows' weights at
// k = 8u + 2j and 8u + 2j + 1, and the activation operand is that pair of activations repeated four times: each
// int32 lane of the product is one row's sum. Scales are packed per block: [N/8][groups][8]. Activations are
// the int8 rows of qs8_quantize_rows (padded to qs8_padded_k(K)). Each group's products are summed exactly in
// int32, converted to float and multiplied by the group's scale; y = (sum over groups, in order) * activation scale.
constexpr std::size_t kQs4KTile = 8;  // k per step: 4 bytes per row
constexpr std::size_t qs4_padded_k(std::size_t k) { return round_up(k, kQs4KTile); }
// A group size the qs4 kernels accept for K: a multiple of 8, or >= K (one group per row, any K).
constexpr bool qs4_group_ok(std::size_t group, std::size_t k) { return group >= k || (group > 0 && group % kQs4KTile == 0); }
constexpr std::size_t qs4_groups(std::size_t group, std::size_t k) { return group >= k ? 1 : (k + group - 1) / group; }
// Max K: |sum| <= K * 8 * 128 must stay below 2^31 (and below 2^24 for an exact float conversion: K <= 16384).
constexpr std::size_t kQs4MaxK = std::size_t{1} << 14;

// y[N] (float) = x_scale * sum_g float(sum_{k in g} W[j][k] x[k]) * scale[j][g]; x: qs4_padded_k(K) int16
using Qs4GemvFn = void (*)(std::size_t n, std::size_t k, std::size_t group, const std::int16_t* x, float x_scale,
                           const std::uint8_t* packed_w, const float* packed_scales, float* y);
// C[M x N] (float): the GEMV for each row of A (rows padded to kp), with row scales a_scales[M]
using Qs4GemmFn = void (*)(std::size_t m, std::size_t n, std::size_t k, std::size_t group, const std::int16_t* a,
                           const float* a_scales, const std::uint8_t* packed_b, const float* packed_scales, float* c);
// C[M x N] += At^T . B in float64: C[i][j] += sum_p At[p][i] * B[p][j], summed in order of p after C's value
// (no FMA), so every variant gives the same bits. Leading dimensions in elements.
using F64GemmTnFn = void (*)(std::size_t m, std::size_t n, std::size_t k, const double* at, std::size_t lda,
                             const double* b, std::size_t ldb, double* c, std::size_t ldc);

struct KernelSet {
  const char* name;  // "scalar", or the SIMD128 target: "wasmsimd" or "sse41"
  F32GemmFn f32_gemm;
  F32GemvFn f32_gemv;
  Qs8GemmFn qs8_gemm;
  Qs8GemvFn qs8_gemv;
  Qs8QuantizeRowsFn qs8_quantize_rows;
  Qs8DequantizeFn qs8_dequantize;
  F32BiasActFn f32_bias_act;
  DotPeakFn dot_peak;  // nullptr for scalar
  F32GemmNnFn f32_gemm_nn;
  F32GemmTnFn f32_gemm_tn;
  Qs4GemvFn qs4_gemv;
  Qs4GemmFn qs4_gemm;
  F64GemmTnFn f64_gemm_tn;
};

const KernelSet& scalar_kernels();
// The SIMD variants compiled into this build (WASM SIMD128 or SSE4.1), or nullptr.
const KernelSet* simd_kernels();
// SIMD when available, else scalar.
const KernelSet& best_kernels();
// Every variant of this build, scalar first: what the tests run the edge-case table against.
std::vector<const KernelSet*> all_kernel_sets();
// The kernel set a caller names: "auto" (SIMD when compiled in), "simd" or "scalar". Throws quantlab::Error for
// anything else, and for "simd" in a build without SIMD kernels.
const KernelSet& kernels_named(const std::string& name);

// Packs an N x K weight matrix into the blocked layout described at the top of this file.
std::vector<float> f32_pack_weights(const float* w, std::size_t n, std::size_t k);
std::vector<std::int16_t> qs8_pack_weights(const std::int8_t* w, std::size_t n, std::size_t k);
// Widens row-major int8 rows (rows x k) to int16 rows padded with zeros to qs8_padded_k(k): the layout of
// quantized activations.
std::vector<std::int16_t> qs8_pack_rows(const std::int8_t* src, std::size_t rows, std::size_t k);

// Declarations of every variant (defined in cpp/src/kernels/, each only where its instruction set exists).
void f32_gemm_scalar(std::size_t, std::size_t, std::size_t, const float*, const float*, float*);
void f32_gemv_scalar(std::size_t, std::size_t, const float*, const float*, float*);
void qs8_gemm_scalar(std::size_t, std::size_t, std::size_t, const std::int16_t*, const std::int16_t*, std::int32_t*);
void qs8_gemv_scalar(std::size_t, std::size_t, const std::int16_t*, const std::int16_t*, std::int32_t*);
void qs8_quantize_rows_scalar(std::size_t, std::size_t, std::size_t, const float*, std::int16_t*, float*);
void qs8_dequantize_scalar(std::size_t, std::size_t, const std::int32_t*, const float*, const float*, const float*,
                           bool, float*);
void f32_bias_act_scalar(std::size_t, std::size_t, float*, const float*, bool);
void f32_gemm_nn_scalar(std::size_t, std::size_t, std::size_t, const float*, const float*, float*);
void f32_gemm_tn_scalar(std::size_t, std::size_t, std::size_t, const float*, const float*, float*);

// The 128-bit SIMD variants (cpp/src/kernels/*_simd128.cpp): WASM SIMD128 or SSE4.1, where compiled in.
void f32_gemm_simd128(std::size_t, std::size_t, std::size_t, const float*, const float*, float*);
void f32_gemv_simd128(std::size_t, std::size_t, const float*, const float*, float*);
void qs8_gemm_simd128(std::size_t, std::size_t, std::size_t, const std::int16_t*, const std::int16_t*, std::int32_t*);
void qs8_gemv_simd128(std::size_t, std::size_t, const std::int16_t*, const std::int16_t*, std::int32_t*);
void qs8_quantize_rows_simd128(std::size_t, std::size_t, std::size_t, const float*, std::int16_t*, float*);
void qs8_dequantize_simd128(std::size_t, std::size_t, const std::int32_t*, const float*, const float*, const float*,
                            bool, float*);
void f32_bias_act_simd128(std::size_t, std::size_t, float*, const float*, bool);
std::int32_t dot_peak_simd128(std::size_t);
void f32_gemm_nn_simd128(std::size_t, std::size_t, std::size_t, const float*, const float*, float*);
void f32_gemm_tn_simd128(std::size_t, std::size_t, std::size_t, const float*, const float*, float*);

// int4 weights (values in [-8, 7], row-major N x K) into the blocked qs4 layout; group scales (row-major
// N x qs4_groups(group, K)) into [N/8][groups][8]. Throw quantlab::Error for a value outside [-8, 7] or a group
// size the kernels do not take.
std::vector<std::uint8_t> qs4_pack_weights(const std::int8_t* w, std::size_t n, std::size_t k);
std::vector<float> qs4_pack_scales(const float* scales, std::size_t n, std::size_t k, std::size_t group);
// Where weight (row j, column p) of an N x K matrix lands in qs4_pack_weights' output: byte and nibble shift.
constexpr std::size_t qs4_byte(std::size_t j, std::size_t p, std::size_t kp) {
  return (j / kNr) * kNr * (kp / 2) + (p / kQs4KTile) * 32 + ((j % kNr) / 4) * 16 + 2 * (2 * (j % 4) + p % 2) +
         (p % kQs4KTile) / 4;
}
constexpr int qs4_shift(std::size_t p) { return 4 * static_cast<int>(((p % kQs4KTile) / 2) % 2); }
// The weight at (row j, column p) of qs4_pack_weights' output (what the scalar kernels read).
inline int qs4_weight(const std::uint8_t* packed, std::size_t j, std::size_t p, std::size_t kp) {
  const int v = (packed[qs4_byte(j, p, kp)] >> qs4_shift(p)) & 0xF;
  return v >= 8 ? v - 16 : v;
}
void qs4_gemv_scalar(std::size_t, std::size_t, std::size_t, const std::int16_t*, float, const std::uint8_t*,
                     const float*, float*);
void qs4_gemm_scalar(std::size_t, std::size_t, std::size_t, std::size_t, const std::int16_t*, const float*,
                     const std::uint8_t*, const float*, float*);
void f64_gemm_tn_scalar(std::size_t, std::size_t, std::size_t, const double*, std::size_t, const double*,
                        std::size_t, double*, std::size_t);
void qs4_gemv_simd128(std::size_t, std::size_t, std::size_t, const std::int16_t*, float, const std::uint8_t*,
                      const float*, float*);
void qs4_gemm_simd128(std::size_t, std::size_t, std::size_t, std::size_t, const std::int16_t*, const float*,
                      const std::uint8_t*, const float*, float*);
void f64_gemm_tn_simd128(std::size_t, std::size_t, std::size_t, const double*, std::size_t, const double*,
                         std::size_t, double*, std::size_t);

}  // namespace quantlab::kernels
