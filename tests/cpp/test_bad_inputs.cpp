// The core's table of bad inputs: every input a caller can get wrong (the README's promise, issue 10's findings and
// the earlier error cases), each with the exact message of the quantlab::Error it must throw. Run natively, under
// ASan+UBSan and as WebAssembly (SIMD and scalar) in Node: a size that wraps in 32-bit WebAssembly shows up here as a
// different message or a crash. tests/node/bad-inputs.test.mjs holds the same table for the JavaScript API.
//
// Second table: hostile inputs that are not errors, with the correct values they must give.
#include <catch.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "model_files.hpp"
#include "quantlab/bench.hpp"
#include "quantlab/checked.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/kernels.hpp"
#include "quantlab/metrics.hpp"
#include "quantlab/model.hpp"
#include "quantlab/quantize.hpp"

namespace {

using namespace quantlab;
using quantlab::test::crafted_file;
using quantlab::test::FileLayer;
using quantlab::test::FileLayerV2;
using quantlab::test::model_file_v2;
using quantlab::test::model_file;
using quantlab::test::with_crc;
using V = std::vector<double>;
using Q = std::vector<std::int32_t>;
using Bytes = std::vector<std::uint8_t>;

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
const double kMax = std::numeric_limits<double>::max();

struct BadInput {
  std::string name;
  std::function<void()> call;
  std::string message;
};

void load(const Bytes& b) { Mlp::deserialize(b.data(), b.size()); }

// A file whose byte at `offset` is changed (and the checksum left as it was, unless `sign`).
Bytes edited(Bytes b, std::size_t offset, std::uint8_t value, bool sign) {
  b[offset] = value;
  return sign ? with_crc(b) : b;
}

const Bytes& simple_int8() {
  static const Bytes b = Mlp::create({5, 4, 3}, 1).quantize_dynamic(false).serialize();
  return b;
}

// Runs `model` on x (a whole number of examples) with the best kernels.
std::vector<float> run(const Mlp& m, const std::vector<float>& x) {
  std::vector<float> y(x.size() / m.input_size() * m.output_size());
  m.forward(x.data(), x.size() / m.input_size(), y.data(), kernels::best_kernels());
  return y;
}

Mlp loaded(const Bytes& b) { return Mlp::deserialize(b.data(), b.size()); }

const std::vector<BadInput>& bad_inputs() {
  const std::string bits_message = "bits must be an integer from 2 to 16, got ";
  const std::string finite = ": every value must be a finite number";
  static const std::vector<BadInput> rows = {
      // bit widths
      {"symmetric_quantize, 17 bits", [] { symmetric_quantize(V{1, -1}, 17); }, bits_message + "17"},
      {"symmetric_quantize, -1 bits", [] { symmetric_quantize(V{1, -1}, -1); }, bits_message + "-1"},
      {"symmetric_quantize, 1 bit", [] { symmetric_quantize(V{1, -1}, 1); }, bits_message + "1"},
      {"per_channel_quantize, 0 bits", [] { per_channel_quantize(V{1, -1}, 1, 2, 0); }, bits_message + "0"},
      {"affine_quantize, 32 bits", [] { affine_quantize(V{1, -1}, 32); }, bits_message + "32"},
      {"affine_per_channel_quantize, 17 bits", [] { affine_per_channel_quantize(V{1, -1}, 2, 1, 17); }, bits_message + "17"},
      {"quantization_mse, 1 bit", [] { quantization_mse(V{1, -1}, 1); }, bits_message + "1"},
      {"bits 4.5", [] { bits_from_number(4.5); }, bits_message + "4.5"},
      {"bits NaN", [] { bits_from_number(kNaN); }, bits_message + "NaN"},
      {"error_vs_bits, min above max", [] { error_vs_bits(V{1}, 8, 4); }, "min bits (8) must not exceed max bits (4)"},
      {"error_vs_bits, 1 bit", [] { error_vs_bits(V{1}, 1, 4); }, bits_message + "1"},
      // values that are not finite numbers, empty arrays
      {"symmetric_quantize, NaN", [] { symmetric_quantize(V{1, kNaN}, 8); }, "x[1] is NaN" + finite},
      {"symmetric_quantize, Infinity", [] { symmetric_quantize(V{kInf}, 8); }, "x[0] is Infinity" + finite},
      {"affine_quantize, -Infinity", [] { affine_quantize(V{0, 0, -kInf}, 8); }, "x[2] is -Infinity" + finite},
      {"per_channel_quantize, NaN", [] { per_channel_quantize(V{0, kNaN}, 1, 2, 8); }, "weights[1] is NaN" + finite},
      {"error_stats, NaN in x", [] { error_stats(V{kNaN}, V{0}); }, "x[0] is NaN" + finite},
      {"error_stats, NaN in recovered", [] { error_stats(V{1}, V{kNaN}); }, "recovered[0] is NaN" + finite},
      {"error_stats, Infinity in float32 recovered", [] { error_stats(V{1, 2}, std::vector<float>{1, std::numeric_limits<float>::infinity()}); },
       "recovered[1] is Infinity" + finite},
      {"check_finite_values, float", [] { check_finite_values(Span<float>(std::vector<float>{1, std::numeric_limits<float>::infinity()}), "input"); },
       "input[1] is Infinity" + finite},
      {"symmetric_quantize, empty", [] { symmetric_quantize(V{}, 8); }, "x is empty: give at least one value"},
      {"affine_quantize, empty", [] { affine_quantize(V{}, 8); }, "x is empty: give at least one value"},
      {"quantization_mse, empty", [] { quantization_mse(V{}, 8); }, "x is empty: give at least one value"},
      {"error_stats, empty", [] { error_stats(V{}, V{}); }, "x is empty: give at least one value"},
      {"check_finite_values, empty float", [] { check_finite_values(Span<float>(), "input"); }, "input is empty: give at least one value"},
      // shapes and lengths
      {"per_channel_quantize, 6 values as 4 x 2", [] { per_channel_quantize(V(6, 1.0), 4, 2, 8); },
       "weights has 6 values but rows x cols = 4 x 2 = 8: the shape must match the data length"},
      {"per_channel_quantize, 65536 x 65536 (wraps to 0 in 32 bits)", [] { per_channel_quantize(V{1}, 65536, 65536, 8); },
       "weights has 1 value but rows x cols = 65536 x 65536 = 4294967296: the shape must match the data length"},
      {"per_channel_quantize, 0 rows", [] { per_channel_quantize(V(6, 1.0), 0, 6, 8); },
       "weights has 6 values but rows x cols = 0 x 6 = 0: the shape must match the data length"},
      {"affine_per_channel_quantize, 5 x 1", [] { affine_per_channel_quantize(V(6, 1.0), 5, 1, 8); },
       "weights has 6 values but rows x cols = 5 x 1 = 5: the shape must match the data length"},
      {"per_channel_error_stats, 7 x 1", [] { per_channel_error_stats(V(6, 1.0), V(6, 1.0), 7, 1); },
       "x has 6 values but rows x cols = 7 x 1 = 7: the shape must match the data length"},
      {"per_channel_dequantize, one scale for two rows", [] { per_channel_dequantize(Q(6, 1), V{1.0}, 2, 3); },
       "scales has 1 value but the row count has 2: they must have the same length"},
      {"affine_per_channel_dequantize, one zero point for two rows", [] { affine_per_channel_dequantize(Q(6, 1), V{1, 1}, Q{0}, 2, 3); },
       "zeroPoints has 1 value but the row count has 2: they must have the same length"},
      {"error_stats, lengths differ", [] { error_stats(V{1, 2}, V{1}); },
       "x has 2 values but recovered has 1: they must have the same length"},
      {"count_from_number, 2.5 rows", [] { count_from_number(2.5, "rows", 1, 10); }, "rows must be a whole number from 1 to 10, got 2.5"},
      {"count_from_number, 0 cols", [] { count_from_number(0, "cols", 1, 10); }, "cols must be a whole number from 1 to 10, got 0"},
      {"count_from_number, NaN", [] { count_from_number(kNaN, "n", 0, 10); }, "n must be a whole number from 0 to 10, got NaN"},
      // scales and zero points given to dequantization
      {"symmetric_dequantize_f32, scale -0.5", [] { symmetric_dequantize_f32(Q{1, 2}, -0.5); }, "scale must be a finite number >= 0, got -0.5"},
      {"symmetric_dequantize_f64, scale NaN", [] { symmetric_dequantize_f64(Q{1, 2}, kNaN); }, "scale must be a finite number >= 0, got NaN"},
      {"affine_dequantize, scale Infinity", [] { affine_dequantize(Q{1, 2}, kInf, 0); }, "scale must be a finite number >= 0, got Infinity"},
      {"per_channel_dequantize, scales[1] = -1", [] { per_channel_dequantize(Q{1, 2}, V{1, -1}, 2, 1); },
       "scales[1] must be a finite number >= 0, got -1"},
      {"affine_dequantize, zero point -1", [] { affine_dequantize(Q{1}, 1, -1); }, "zeroPoint must be a whole number from 0 to 65535, got -1"},
      {"affine_per_channel_dequantize, zero point -5", [] { affine_per_channel_dequantize(Q{1}, V{1}, Q{-5}, 1, 1); },
       "zeroPoints[0] must be a whole number from 0 to 65535, got -5"},
      {"affine_per_channel_dequantize, zero point 1e9", [] { affine_per_channel_dequantize(Q{1, 1}, V{1, 1}, Q{0, 1000000000}, 2, 1); },
       "zeroPoints[1] must be a whole number from 0 to 65535, got 1000000000"},
      {"symmetric_dequantize_f32, scale beyond float32", [] { symmetric_dequantize_f32(Q{1}, 1e39); },
       "scale = 1e+39 does not fit in float32 (at most 3.4028234663852886e+38): dequantize in float64 instead (symmetricDequantizeF64)"},
      {"symmetric_dequantize_f32, product beyond float32", [] { symmetric_dequantize_f32(Q{1, 127}, 3e38); },
       "q x scale overflows float32 at index 1 (it gives Infinity): the scale is too large for these values"},
      {"symmetric_dequantize_f64, product beyond float64", [] { symmetric_dequantize_f64(Q{2}, kMax); },
       "q x scale overflows float64 at index 0 (it gives Infinity): the scale is too large for these values"},
      {"affine_dequantize, product beyond float64", [] { affine_dequantize(Q{65535}, kMax / 1000, 0); },
       "(q - zeroPoint) x scale overflows float64 at index 0 (it gives Infinity): the scale is too large for these values"},
      // scales computed from data: never subnormal or 0 for data that is not all zero
      {"symmetric_quantize, 5e-324", [] { symmetric_quantize(V{5e-324}, 8); },
       "max|x| = 5e-324 is too small to quantize at 8 bits: divided by 127 it gives a scale of 0, below the smallest "
       "normal float64 (2.2250738585072014e-308); multiply the data by a power of two first"},
      {"symmetric_quantize, 1e-310", [] { symmetric_quantize(V{-1e-310, 0}, 2); },
       "max|x| = 1e-310 is too small to quantize at 2 bits: divided by 1 it gives a scale of 1e-310 (subnormal), below the "
       "smallest normal float64 (2.2250738585072014e-308); multiply the data by a power of two first"},
      {"per_channel_quantize, a subnormal row", [] { per_channel_quantize(V{1, 1, 1e-305, 0}, 2, 2, 16); },
       "max|weights[1]| = 1e-305 is too small to quantize at 16 bits: divided by 32767 it gives a scale of 3.0518509475997e-310 "
       "(subnormal), below the smallest normal float64 (2.2250738585072014e-308); multiply the data by a power of two first"},
      {"affine_quantize, 1e-310", [] { affine_quantize(V{1e-310}, 8); },
       "the range max(x, 0) - min(x, 0) = 1e-310 is too small to quantize at 8 bits: divided by 255 it gives a scale of "
       "3.92156862747e-313 (subnormal), below the smallest normal float64 (2.2250738585072014e-308); multiply the data by a power of two first"},
      // error statistics that float64 cannot hold
      {"error_stats, squared error beyond float64", [] { error_stats(V{1e200}, V{0}); },
       "mean((x - recovered)^2) overflows float64 (the largest |x - recovered| is 1e+200): scale x and recovered down"},
      {"error_stats, signal power beyond float64", [] { error_stats(V{1e200}, V{1e200}); },
       "mean(x^2) overflows float64 (max|x| is 1e+200): scale x and recovered down"},
      {"error_stats, difference beyond float64", [] { error_stats(V{kMax}, V{-kMax}); },
       "x[0] - recovered[0] overflows float64: scale x and recovered down"},
      // model files (docs/model-format.md)
      {"model file, empty", [] { load({}); }, "model file is truncated: 0 bytes is less than the 16-byte header"},
      {"model file, 16 bytes", [] { load(Bytes(simple_int8().begin(), simple_int8().begin() + 16)); },
       "model file is truncated: layer 1 shape needs 4 bytes at offset 16, but the file has only 0 left"},
      {"model file, cut in the weights", [] { load(Bytes(simple_int8().begin(), simple_int8().begin() + 60)); },
       "model file is truncated: layer 1 bias needs 16 bytes at offset 56, but the file has only 4 left"},
      {"model file, last byte missing", [] { load(Bytes(simple_int8().begin(), simple_int8().end() - 1)); },
       "model file is truncated: the checksum needs 4 bytes at offset 116, but the file has only 3 left"},
      {"model file, magic", [] { load(edited(simple_int8(), 0, 'X', false)); }, "not a QuantLab model file (the first 8 bytes are not QLABMODL)"},
      {"model file, version 3", [] { load(edited(simple_int8(), 8, 3, false)); }, "model format version 3 is not supported: this QuantLab reads versions 1 and 2"},
      {"model file, 0 layers", [] { load(edited(simple_int8(), 12, 0, true)); }, "model file is invalid: 0 layers (1 to 64 allowed)"},
      {"model file, 65 layers", [] { load(edited(simple_int8(), 12, 65, true)); }, "model file is invalid: 65 layers (1 to 64 allowed)"},
      {"model file, flipped bit", [] { load(edited(simple_int8(), 40, simple_int8()[40] ^ 0x40, false)); },
       "model file is corrupt: its CRC-32 checksum does not match"},
      {"model file, a byte after the checksum", [] { Bytes b = simple_int8(); b.push_back(0); load(b); },
       "model file is invalid: 1 unexpected bytes after the checksum"},
      {"model file, layer of 0 inputs", [] { FileLayer l; l.in = 0; load(model_file({l})); },
       "model file is invalid: layer 1 is 0 -> 3 (sizes from 1 to 65536)"},
      {"model file, layer of 65537 outputs", [] { FileLayer l; l.out = 65537; l.weights = l.bias = false; load(model_file({l})); },
       "model file is invalid: layer 1 is 2 -> 65537 (sizes from 1 to 65536)"},
      {"model file, weight type 2", [] { FileLayer l; l.type = 2; load(model_file({l})); }, "model file is invalid: layer 1 has unknown weight type 2"},
      {"model file, int8 layer with 2 scales for 3 outputs", [] { FileLayer l; l.type = 1; l.scale_count = 2; load(model_file({l})); },
       "model file is invalid: layer 1 has 2 scales for 3 outputs"},
      {"model file, fp32 layer with a scale", [] { FileLayer l; l.scale_count = 1; load(model_file({l})); },
       "model file is invalid: layer 1 has 1 scales for 3 outputs"},
      {"model file, layers that do not chain", [] { FileLayer a, b; b.in = 4; b.out = 1; load(model_file({a, b})); },
       "model file is invalid: layer 2 takes 4 inputs but the layer before gives 3"},
      {"model file, fp32 and int8 layers", [] { FileLayer a, b; b.in = 3; b.type = 1; b.scale_count = 1; load(model_file({a, b})); },
       "model file is invalid: layers mix fp32 and int8 weights"},
      {"model file, NaN bias", [] { FileLayer l; l.bias_value = std::nanf(""); load(model_file({l})); }, "model file is invalid: layer 1 bias[0] is NaN"},
      {"model file, infinite weight", [] { FileLayer l; l.weight = std::numeric_limits<float>::infinity(); load(model_file({l})); },
       "model file is invalid: layer 1 weight[0] is Infinity"},
      {"model file, negative scale", [] { FileLayer l; l.type = 1; l.scale_count = 1; l.scale = -1; load(model_file({l})); },
       "model file is invalid: layer 1 scale[0] is -1 (a scale is 0 or a normal float32 from 1.1754944e-38 to 3.4028235e+38)"},
      {"model file, subnormal scale", [] { FileLayer l; l.type = 1; l.scale_count = 1; l.scale = 1e-40f; load(model_file({l})); },
       "model file is invalid: layer 1 scale[0] is 9.99994610111476e-41 (a scale is 0 or a normal float32 from 1.1754944e-38 to 3.4028235e+38)"},
      {"model file, int8 padding not zero", [] { Bytes b = model_file({FileLayer{2, 3, 1, 1}}); b[16 + 16 + 4 + 6] = 1; load(with_crc(b)); },
       "model file is invalid: layer 1 padding is not zero"},
      // crafted sizes (issue 10): declared sizes are checked against the bytes present, in 64 bits, before anything is allocated
      {"model file, fp32 65536 x 65536 without weights (262 KB)", [] { load(crafted_file(65536, 65536)); },
       "model file is truncated: layer 1 weights needs 17179869184 bytes at offset 32, but the file has only 262148 left"},
      {"model file, fp32 65536 x 16384 without weights", [] { load(crafted_file(65536, 16384)); },
       "model file is truncated: layer 1 weights needs 4294967296 bytes at offset 32, but the file has only 65540 left"},
      {"model file, fp32 32768 x 32768 without weights", [] { load(crafted_file(32768, 32768)); },
       "model file is truncated: layer 1 weights needs 4294967296 bytes at offset 32, but the file has only 131076 left"},
      {"model file, int8 65536 x 65536 without weights", [] { load(crafted_file(65536, 65536, 1)); },
       "model file is truncated: layer 1 weights needs 4294967296 bytes at offset 36, but the file has only 262148 left"},
      // format version 2 (issue 13): low-bit and NF4 layers, mixed types, input scales
      {"model file v2, weight type 4", [] { FileLayerV2 l; l.type = 4; load(model_file_v2({l})); }, "model file is invalid: layer 1 has unknown weight type 4"},
      {"model file v2, 5-bit low-bit layer", [] { FileLayerV2 l; l.bits = 5; load(model_file_v2({l})); },
       "model file is invalid: layer 1 (low-bit) has 5 bits (fp32: 32, int8: 8, low-bit: 2 to 4, NF4: 4)"},
      {"model file v2, NF4 layer of 3 bits", [] { FileLayerV2 l; l.type = 3; l.bits = 3; load(model_file_v2({l})); },
       "model file is invalid: layer 1 (NF4) has 3 bits (fp32: 32, int8: 8, low-bit: 2 to 4, NF4: 4)"},
      {"model file v2, low-bit groups of 12", [] { FileLayerV2 l; l.group = 12; load(model_file_v2({l})); },
       "model file is invalid: layer 1 (low-bit) has groups of 12 weights in rows of 16 (0: per tensor; 16: per channel; "
       "low-bit: a multiple of 8 below; NF4: 1 to 16)"},
      {"model file v2, NF4 block of 0", [] { FileLayerV2 l; l.type = 3; l.group = 0; load(model_file_v2({l})); },
       "model file is invalid: layer 1 (NF4) has groups of 0 weights in rows of 16 (0: per tensor; 16: per channel; "
       "low-bit: a multiple of 8 below; NF4: 1 to 16)"},
      {"model file v2, int8 layer in groups", [] { FileLayerV2 l; l.type = 1; l.bits = 8; l.group = 8; load(model_file_v2({l})); },
       "model file is invalid: layer 1 (int8) has groups of 8 weights in rows of 16 (0: per tensor; 16: per channel; "
       "low-bit: a multiple of 8 below; NF4: 1 to 16)"},
      {"model file v2, 3 scales for 2 rows of 2 groups", [] { FileLayerV2 l; l.scale_count = 3; load(model_file_v2({l})); },
       "model file is invalid: layer 1 (low-bit) has 3 scales, its groups need 4"},
      {"model file v2, 5 input scales for 16 inputs", [] { FileLayerV2 l; l.input_scale_count = 5; load(model_file_v2({l})); },
       "model file is invalid: layer 1 (low-bit) has 5 input scales for 16 inputs (0 or 16)"},
      {"model file v2, low-bit layer of 16385 inputs", [] { FileLayerV2 l; l.in = 16385; l.group = 16385; l.scale_count = 2; l.weights = false; load(model_file_v2({l})); },
       "model file is invalid: layer 1 (low-bit) has 16385 inputs: the 4-bit kernels take at most 16384"},
      {"model file v2, negative scale", [] { FileLayerV2 l; l.scale = -1; load(model_file_v2({l})); },
       "model file is invalid: layer 1: scale[0] is -1 (a scale is 0 or a normal float32 from 1.1754944e-38 to 3.4028235e+38)"},
      {"model file v2, NaN absmax", [] { FileLayerV2 l; l.type = 3; l.scale = std::nanf(""); load(model_file_v2({l})); },
       "model file is invalid: layer 1: scale[0] is NaN (an absmax is finite and >= 0)"},
      {"model file v2, input scale 0", [] { FileLayerV2 l; l.input_scale_count = 16; l.input_scale = 0; load(model_file_v2({l})); },
       "model file is invalid: layer 1: input scale[0] is 0 (an input scale is a normal float32 > 0)"},
      {"model file v2, bits after a row's last value", [] {
         FileLayerV2 l; l.in = 15; l.group = 15; l.scale_count = 2; Bytes b = model_file_v2({l}); b[16 + 28 + 8 + 7] |= 0x80; load(with_crc(b)); },
       "model file is invalid: layer 1 row 0 has bits set after its last value"},
      {"model file v2, padding not zero", [] {
         FileLayerV2 l; l.in = 8; l.out = 1; l.bits = 2; l.group = 8; l.scale_count = 1; Bytes b = model_file_v2({l}); b[16 + 28 + 4 + 2] = 1; load(with_crc(b)); },
       "model file is invalid: layer 1 padding is not zero"},
      {"model file v2, low-bit 16384 x 65536 without weights", [] {
         FileLayerV2 l; l.in = 16384; l.out = 65536; l.group = 16384; l.scale_count = 65536; l.weights = false; load(model_file_v2({l})); },
       "model file is truncated: layer 1 weights needs 536870912 bytes at offset 262188, but the file has only 262148 left"},
      {"model file v2, NF4 65536 x 65536 in blocks of 1 without scales", [] {
         FileLayerV2 l; l.type = 3; l.in = 65536; l.out = 65536; l.group = 1; l.scale_count = 0; l.weights = false; load(model_file_v2({l})); },
       "model file is invalid: layer 1 (NF4) has 0 scales, its groups need 4294967296"},
      {"model file v2, layers that do not chain", [] { FileLayerV2 a, b; b.in = 3; b.group = 3; b.scale_count = 2; load(model_file_v2({a, b})); },
       "model file is invalid: layer 2 takes 3 inputs but the layer before gives 2"},
      // models
      {"quantize_dynamic of an int8 model", [] { loaded(simple_int8()).quantize_dynamic(true); },
       "this model is already quantized to int8: quantize its fp32 original instead"},
      {"quantize_dynamic of float32-subnormal weights", [] { FileLayer l; l.weight = 1e-40f; loaded(model_file({l})).quantize_dynamic(false); },
       "layer 1: max|w| = 9.99994610111476e-41 is too small for int8 with a float32 scale: max|w| / 127 = 7.873973307964378e-43 "
       "is below the smallest normal float32 (1.1754943508222875e-38)"},
      {"model input, 783 values", [] { std::vector<float> x(783); check_model_input(x.data(), x.size(), 784); },
       "the input has 783 values: give 784 per example (a multiple of 784)"},
      {"model input, Infinity", [] { std::vector<float> x(784 * 2); x[5] = std::numeric_limits<float>::infinity(); check_model_input(x.data(), x.size(), 784); },
       "input[5] is Infinity" + finite},
      {"fp32 forward that overflows", [] { FileLayer l; l.out = 1; l.weight = 1; l.bias_value = 0; run(loaded(model_file({l})), {0x1p127f, 0x1p127f}); },
       "the forward pass overflows float32 in layer 1 (example 1, output 1 is Infinity): the input is too large for this model "
       "(its largest |value| is 1.7014118346046923e+38)"},
      {"fp32 forward that overflows, second example", [] { FileLayer l; l.out = 1; l.weight = 1; run(loaded(model_file({l})), {1, 1, 3e38f, 3e38f}); },
       "the forward pass overflows float32 in layer 1 (example 2, output 1 is Infinity): the input is too large for this model "
       "(its largest |value| is 3.0000000054977558e+38)"},
      {"int8 forward that overflows in the rescale", [] {
         FileLayer l; l.out = 1; l.type = 1; l.scale_count = 1; l.scale = 3e38f; l.qweight = 127;
         run(loaded(model_file({l})), {1, 1}); },
       "the forward pass overflows float32 in layer 1 (example 1, output 1 is Infinity): the input is too large for this model "
       "(its largest |value| is 1)"},
      // timing entry points
      {"kernels 'gpu'", [] { kernels::kernels_named("gpu"); }, "kernels must be 'auto', 'simd' or 'scalar', got 'gpu'"},
      {"GEMM m = 4096", [] { bench::check_gemm_shape(4096, 256, 784); }, "m must be a whole number from 1 to 1024, got 4096"},
      {"GEMM k = 32768", [] { bench::check_gemm_shape(256, 256, 32768); }, "k must be a whole number from 1 to 4096, got 32768"},
      {"GEMM n = 0.5", [] { bench::check_gemm_shape(256, 0.5, 784); }, "n must be a whole number from 1 to 1024, got 0.5"},
      {"GEMM of 2^32 multiply-adds", [] { bench::check_gemm_shape(1024, 1024, 4096); },
       "a timed GEMM does at most 268435456 multiply-adds per call, and m x n x k = 1024 x 1024 x 4096 = 4294967296"},
      {"GEMM dtype 'int4'", [] { bench::time_gemm_us("int4", 8, 8, 8, kernels::scalar_kernels(), 1); }, "dtype must be 'int8' or 'fp32', got 'int4'"},
      {"dot-product peak, scalar", [] { bench::time_dot_peak_us(kernels::scalar_kernels(), 1); }, "the dot-product peak probe needs the SIMD kernels"},
      // checked sizes (checked.hpp)
      {"checked_mul overflow", [] { checked_mul(std::numeric_limits<std::size_t>::max(), 2, "the test size"); },
       "the test size is too large: " + std::to_string(std::numeric_limits<std::size_t>::max()) + " x 2 does not fit in " +
           std::to_string(std::numeric_limits<std::size_t>::digits) + "-bit sizes"},
      {"kernels::round_up overflow", [] { kernels::round_up(std::numeric_limits<std::size_t>::max() - 2, 8); },
       "a padded size is too large: " + std::to_string(std::numeric_limits<std::size_t>::max() - 7) + " + 8 does not fit in " +
           std::to_string(std::numeric_limits<std::size_t>::digits) + "-bit sizes"},
  };
  return rows;
}

}  // namespace

TEST_CASE("every bad input throws quantlab::Error with its message", "[errors][table]") {
  for (const BadInput& row : bad_inputs()) {
    INFO(row.name);
    CHECK_THROWS_WITH(row.call(), row.message);
    CHECK_THROWS_AS(row.call(), Error);
  }
}

TEST_CASE("hostile inputs that are not errors give correct values", "[errors][table]") {
  SECTION("affine quantization of a range beyond float64: a finite scale, q at both ends") {
    const AffineTensor t = affine_quantize(V{1e308, -1e308}, 8);
    CHECK(t.scale == Approx(1e308 / 255 * 2).epsilon(1e-15));
    CHECK(t.zero_point == 127);  // 1e308 / scale = 127.49999...
    CHECK(t.q == Q{254, 0});
    const auto r = affine_dequantize(t.q, t.scale, t.zero_point);
    CHECK(r[0] == Approx(1e308).epsilon(0.01));
    CHECK(r[1] == Approx(-1e308).epsilon(0.01));
  }
  SECTION("subnormal weights next to normal ones quantize to 0, exactly as the grid says") {
    const SymmetricTensor t = symmetric_quantize(V{1, 5e-324, -1e-310}, 8);
    CHECK(t.scale == 1.0 / 127);
    CHECK(t.q == Q{127, 0, 0});
    CHECK_FALSE(t.all_zero());
  }
  SECTION("the smallest max|x| with a normal scale quantizes") {
    const double m = std::numeric_limits<double>::min() * 127;
    const SymmetricTensor t = symmetric_quantize(V{m, -m / 2}, 8);
    CHECK(t.scale == std::numeric_limits<double>::min());
    CHECK(t.q == Q{127, -64});
  }
  SECTION("error statistics whose squares underflow keep a correct SQNR") {
    const ErrorStats same = error_stats(V{1e-200}, V{0});
    CHECK(same.max_abs == 1e-200);
    CHECK(same.sqnr_db == 0);
    const ErrorStats s = error_stats(V{1e-160, 2e-160}, V{1e-160, 1e-160});
    CHECK(s.sqnr_db == Approx(10 * std::log10(5.0)).epsilon(1e-12));
    CHECK(error_stats(V{0}, V{1}).sqnr_db == -kInf);  // no signal, some noise: minus infinity dB
  }
  SECTION("the same statistics in the normal range are NumPy's, bit for bit") {
    const ErrorStats s = error_stats(V{1, 2, 3}, V{1, 2, 2.5});
    CHECK(s.mse == 0.25 / 3);
    CHECK(s.sqnr_db == 10 * std::log10((14.0 / 3) / (0.25 / 3)));
  }
  SECTION("int8 forward of activations too small for a float32 scale gives the bias, not NaN") {
    FileLayer l;
    l.type = 1;
    l.scale_count = 1;
    for (const float tiny : {1e-38f, 1e-45f, -1e-37f}) {
      INFO("x = " << tiny);
      const auto y = run(loaded(model_file({l})), {tiny, tiny});
      for (float v : y) CHECK(v == l.bias_value);
    }
  }
  SECTION("a large batch keeps at most about 1 MB of scratch (rows run in chunks), with the same results") {
    for (const Mlp& m : {Mlp::simple_net(0), Mlp::simple_net(0).quantize_dynamic(false)}) {
      std::vector<float> x(2000 * 784, 0.25f);  // unchunked, its scratch would be 9 MB
      for (std::size_t i = 0; i < x.size(); i += 7) x[i] = -1.5f;
      const auto y = run(m, x);
      CHECK(m.scratch_bytes() <= (std::size_t{1} << 20));
      for (std::size_t r : {std::size_t{0}, std::size_t{82}, std::size_t{83}, std::size_t{1999}}) {
        const std::vector<float> one(x.begin() + static_cast<std::ptrdiff_t>(r * 784), x.begin() + static_cast<std::ptrdiff_t>((r + 1) * 784));
        const auto y1 = run(m, one);
        for (std::size_t i = 0; i < 10; ++i) REQUIRE(y1[i] == y[r * 10 + i]);
      }
    }
  }
}
