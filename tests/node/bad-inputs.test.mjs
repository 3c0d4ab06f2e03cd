// The JavaScript API's table of bad inputs: every argument a caller can get wrong (the README's promise, issue 10's
// findings and the earlier error cases), each with the exact message of the Error it must throw, run against both
// WebAssembly builds through dist/quantlab.js. The core's own table is tests/cpp/test_bad_inputs.cpp; the messages that
// come from the core are the same there. After the table: the instance still works and holds no more memory, and
// bad option types with large inputs leak nothing.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';

import { createQuantLab, throwsWith, timeInterleaved } from './load.mjs';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const WEIGHTS = [0.247, -0.103, 0.089, -0.156, 0.312, -0.278];
const BITS = 'bits must be an integer from 2 to 16, got ';
const FINITE = ': every value must be a finite number';
const INT32 = 'quantized values must be integers from -2147483648 to 2147483647';
const ZERO_POINT = 'must be a whole number from 0 to 65535, got ';
const quick = { warmupMs: 0, batches: 1, batchMs: 1 };

/** One fp32 layer file (docs/model-format.md) declaring in x out weights but holding only its biases. */
function craftedFile(inputs, outputs) {
  const bytes = new Uint8Array(16 + 16 + 4 * outputs + 4);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode('QLABMODL'));
  [1, 1, inputs, outputs, 0, 0].forEach((v, i) => view.setUint32(8 + 4 * i, v, true));
  view.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

// [name, (lab, ctx) => call, message]; ctx: {f (fp32 SimpleNet), q (its int8 copy), x (784 inputs), bytes (q's file)}.
const BAD_INPUTS = [
  // arguments of the wrong type (checked by the facade)
  ['x a string', (lab) => lab.symmetricQuantize('abc'), 'x must be an array or typed array of numbers, got "abc"'],
  ['x[1] a string', (lab) => lab.symmetricQuantize([1, '2']), 'x[1] is not a number (got "2")'],
  ['bits a string', (lab) => lab.symmetricQuantize(WEIGHTS, '8'), 'bits must be a number, got "8"'],
  ['q[0] not an integer', (lab) => lab.symmetricDequantize([1.5], 1), 'q[0] must be an integer, got 1.5'],
  ['model data a string', (lab) => lab.loadModel('model.bin'), 'data must be a Uint8Array or an ArrayBuffer, got "model.bin"'],
  ['quantizeDynamic of an object', (lab) => lab.quantizeDynamic({}), 'model must be a Model, got an object'],
  ['perChannel a string', (lab, c) => lab.quantizeDynamic(c.f, { perChannel: 'yes' }), 'perChannel must be true or false, got "yes"'],
  // bit widths and counts (checked by the core)
  ['17 bits', (lab) => lab.symmetricQuantize(WEIGHTS, 17), `${BITS}17`],
  ['4.5 bits', (lab) => lab.symmetricQuantize(WEIGHTS, 4.5), `${BITS}4.5`],
  ['NaN bits', (lab) => lab.affineQuantize(WEIGHTS, NaN), `${BITS}NaN`],
  ['per-channel 0 bits', (lab) => lab.perChannelQuantize([1, -1], 1, 2, 0), `${BITS}0`],
  ['error sweep, min above max', (lab) => lab.errorVsBits([1], 8, 4), 'min bits (8) must not exceed max bits (4)'],
  ['rows 1.5', (lab) => lab.perChannelQuantize([1, 2], 1.5, 2), 'rows must be a whole number from 1 to 33554432, got 1.5'],
  ['seed -1', (lab) => lab.randn(-1, 3), 'seed must be an integer from 0 to 4294967295 (as numpy.random.seed requires), got -1'],
  ['randn of 2^25 + 1 values', (lab) => lab.randn(0, 2 ** 25 + 1), 'n must be a whole number from 0 to 33554432, got 33554433'],
  ['createSimpleNet seed -1', (lab) => lab.createSimpleNet(-1), 'seed must be an integer from 0 to 4294967295 (as numpy.random.seed requires), got -1'],
  // values
  ['NaN', (lab) => lab.symmetricQuantize([1, NaN]), `x[1] is NaN${FINITE}`],
  ['Infinity', (lab) => lab.symmetricQuantize([Infinity]), `x[0] is Infinity${FINITE}`],
  ['-Infinity, affine', (lab) => lab.affineQuantize([0, 0, -Infinity]), `x[2] is -Infinity${FINITE}`],
  ['NaN in recovered', (lab) => lab.errorStats([1], [NaN]), `recovered[0] is NaN${FINITE}`],
  ['empty x', (lab) => lab.symmetricQuantize([]), 'x is empty: give at least one value'],
  ['empty x, error stats', (lab) => lab.errorStats([], []), 'x is empty: give at least one value'],
  ['x of 2^25 + 1 values', (lab) => lab.errorStats(new Float64Array(2 ** 25 + 1), new Float64Array(1)),
    'x has 33554433 values: at most 33554432 fit in one call'],
  // shapes
  ['6 values as 4 x 2... 3 as 2 x 2', (lab) => lab.perChannelQuantize([1, 2, 3], 2, 2),
    'weights has 3 values but rows x cols = 2 x 2 = 4: the shape must match the data length'],
  ['65536 x 65536 (wrapped to 0)', (lab) => lab.perChannelQuantize([1], 65536, 65536),
    'weights has 1 value but rows x cols = 65536 x 65536 = 4294967296: the shape must match the data length'],
  ['lengths differ', (lab) => lab.errorStats([1, 2], [1]), 'x has 2 values but recovered has 1: they must have the same length'],
  ['one scale for two rows', (lab) => lab.perChannelDequantize([1, 1, 1, 1, 1, 1], [1], 2, 3),
    'scales has 1 value but the row count has 2: they must have the same length'],
  // scales, zero points and quantized values given to dequantization
  ['scale -1', (lab) => lab.symmetricDequantize([1, 2], -1), 'scale must be a finite number >= 0, got -1'],
  ['scales[1] -1', (lab) => lab.perChannelDequantize([1, 2], [1, -1], 2, 1), 'scales[1] must be a finite number >= 0, got -1'],
  ['scale beyond float32', (lab) => lab.symmetricDequantize([1], 1e39),
    'scale = 1e+39 does not fit in float32 (at most 3.4028234663852886e+38): dequantize in float64 instead (symmetricDequantizeF64)'],
  ['product beyond float32', (lab) => lab.symmetricDequantize([1, 127], 3e38),
    'q x scale overflows float32 at index 1 (it gives Infinity): the scale is too large for these values'],
  ['product beyond float64', (lab) => lab.symmetricDequantizeF64([2], Number.MAX_VALUE),
    'q x scale overflows float64 at index 0 (it gives Infinity): the scale is too large for these values'],
  ['Uint32Array q 4294967295', (lab) => lab.symmetricDequantize(new Uint32Array([4294967295]), 1), `q[0] is 4294967295: ${INT32}`],
  ['plain q 1e10', (lab) => lab.symmetricDequantize([1e10], 1), `q[0] is 10000000000: ${INT32}`],
  ['Float64Array q -2^31 - 1', (lab) => lab.symmetricDequantizeF64(new Float64Array([0, -(2 ** 31) - 1]), 1), `q[1] is -2147483649: ${INT32}`],
  ['Float32Array q 3e9', (lab) => lab.perChannelDequantize(new Float32Array([3e9]), [1], 1, 1), `q[0] is 3000000000: ${INT32}`],
  ['Uint32Array q, affine', (lab) => lab.affineDequantize(new Uint32Array([2 ** 31]), 1, 0), `q[0] is 2147483648: ${INT32}`],
  ['Uint32Array q, affine per channel', (lab) => lab.affinePerChannelDequantize(new Uint32Array([2 ** 32 - 1]), [1], [0], 1, 1),
    `q[0] is 4294967295: ${INT32}`],
  ['zero point -1', (lab) => lab.affineDequantize([1], 1, -1), `zeroPoint ${ZERO_POINT}-1`],
  ['zero point 65536', (lab) => lab.affineDequantize([1], 1, 65536), `zeroPoint ${ZERO_POINT}65536`],
  ['zero points [-5]', (lab) => lab.affinePerChannelDequantize([1], [1], [-5], 1, 1), `zeroPoints[0] ${ZERO_POINT}-5`],
  ['zero points [0, 1e9]', (lab) => lab.affinePerChannelDequantize([1, 1], [1, 1], [0, 1e9], 2, 1), `zeroPoints[1] ${ZERO_POINT}1000000000`],
  ['zero points [1e10]', (lab) => lab.affinePerChannelDequantize([1], [1], [1e10], 1, 1), `zeroPoints[0] ${ZERO_POINT}10000000000`],
  ['zero points Uint32Array', (lab) => lab.affinePerChannelDequantize([1], [1], new Uint32Array([4294967295]), 1, 1),
    `zeroPoints[0] ${ZERO_POINT}4294967295`],
  ['zero points [0.5]', (lab) => lab.affinePerChannelDequantize([1], [1], [0.5], 1, 1), 'zeroPoints[0] must be an integer, got 0.5'],
  // scales computed from data
  ['5e-324', (lab) => lab.symmetricQuantize([5e-324]),
    'max|x| = 5e-324 is too small to quantize at 8 bits: divided by 127 it gives a scale of 0, below the smallest normal float64 (2.2250738585072014e-308); multiply the data by a power of two first'],
  ['1e-305 per channel', (lab) => lab.perChannelQuantize([1, 1, 1e-305, 0], 2, 2, 16),
    'max|weights[1]| = 1e-305 is too small to quantize at 16 bits: divided by 32767 it gives a scale of 3.0518509475997e-310 (subnormal), below the smallest normal float64 (2.2250738585072014e-308); multiply the data by a power of two first'],
  ['1e-310 affine', (lab) => lab.affineQuantize([1e-310]),
    'the range max(x, 0) - min(x, 0) = 1e-310 is too small to quantize at 8 bits: divided by 255 it gives a scale of 3.92156862747e-313 (subnormal), below the smallest normal float64 (2.2250738585072014e-308); multiply the data by a power of two first'],
  // error statistics beyond float64
  ['errorStats [1e200] vs [0]', (lab) => lab.errorStats([1e200], [0]),
    'mean((x - recovered)^2) overflows float64 (the largest |x - recovered| is 1e+200): scale x and recovered down'],
  ['errorStats [1e200] vs [1e200]', (lab) => lab.errorStats([1e200], [1e200]), 'mean(x^2) overflows float64 (max|x| is 1e+200): scale x and recovered down'],
  ['errorStats difference beyond float64', (lab) => lab.errorStats([Number.MAX_VALUE], [-Number.MAX_VALUE]),
    'x[0] - recovered[0] overflows float64: scale x and recovered down'],
  // model files
  ['model file, 3 bytes', (lab) => lab.loadModel(new Uint8Array(3)), 'model file is truncated: 3 bytes is less than the 16-byte header'],
  ['model file, JSON', (lab) => lab.loadModel(new TextEncoder().encode('{"not": "a model"}')),
    'not a QuantLab model file (the first 8 bytes are not QLABMODL)'],
  ['model file, cut', (lab, c) => lab.loadModel(c.bytes.subarray(0, 1000)),
    'model file is truncated: layer 1 weights needs 200704 bytes at offset 36, but the file has only 964 left'],
  ['model file, flipped bit', (lab, c) => { const b = c.bytes.slice(); b[5000] ^= 1; lab.loadModel(b); },
    'model file is corrupt: its CRC-32 checksum does not match'],
  ['model file, version 9', (lab, c) => { const b = c.bytes.slice(); b[8] = 9; lab.loadModel(b); },
    'model format version 9 is not supported: this QuantLab reads versions 1 and 2'],
  ['model file, 65536 x 65536 without weights (262 KB)', (lab) => lab.loadModel(craftedFile(65536, 65536)),
    'model file is truncated: layer 1 weights needs 17179869184 bytes at offset 32, but the file has only 262148 left'],
  ['model file, 65536 x 16384 without weights', (lab) => lab.loadModel(craftedFile(65536, 16384)),
    'model file is truncated: layer 1 weights needs 4294967296 bytes at offset 32, but the file has only 65540 left'],
  ['model file, 32768 x 32768 without weights', (lab) => lab.loadModel(craftedFile(32768, 32768)),
    'model file is truncated: layer 1 weights needs 4294967296 bytes at offset 32, but the file has only 131076 left'],
  // models
  ['quantizeDynamic of an int8 model', (lab, c) => lab.quantizeDynamic(c.q), 'this model is already quantized to int8: quantize its fp32 original instead'],
  ['forward of 783 values', (lab, c) => c.f.forward(new Float32Array(783)), 'the input has 783 values: give 784 per example (a multiple of 784)'],
  ['forward of NaN', (lab, c) => { const x = c.x.slice(); x[7] = NaN; c.f.forward(x); }, `input[7] is NaN${FINITE}`],
  ['forward of 3e38', (lab, c) => c.f.forward(new Float32Array(784).fill(3e38)),
    /^the forward pass overflows float32 in layer 1 \(example 1, output \d+ is (-?Infinity|NaN)\): the input is too large for this model \(its largest \|value\| is 3\.0000000054977558e\+38\)$/],
  ['forward of a 2^25-value output', (lab) => {
    const wide = lab.loadModel(wideModel());  // 1 -> 65536: 1024 inputs give 2^26 outputs
    try { wide.forward(new Float32Array(1024)); } finally { wide.delete(); }
  }, 'the output would have 67108864 values: at most 33554432 fit in one call; give fewer examples'],
  ['forward options null', (lab, c) => c.f.forward(c.x, null), "forward options must be an object such as {kernels: 'auto'}, got null"],
  ['forward options a string', (lab, c) => c.f.forward(c.x, 'simd'), "forward options must be an object such as {kernels: 'auto'}, got \"simd\""],
  ['forward kernels null', (lab, c) => c.f.forward(c.x, { kernels: null }), "kernels must be 'auto', 'simd' or 'scalar', got null"],
  ['forward kernels "gpu"', (lab, c) => c.f.forward(c.x, { kernels: 'gpu' }), "kernels must be 'auto', 'simd' or 'scalar', got 'gpu'"],
  ['forward unknown option', (lab, c) => c.f.forward(c.x, { kernel: 'simd' }), "forward: unknown option 'kernel' (the options are kernels)"],
  ['quantizeDynamic options null', (lab, c) => lab.quantizeDynamic(c.f, null),
    'quantizeDynamic options must be an object such as {perChannel: true}, got null'],
  ['deleted model', (lab) => { const m = lab.createSimpleNet(0); m.delete(); m.forward(new Float32Array(784)); },
    'this model was deleted: create or load it again'],
  // timing
  ['benchmark kernels 1', (lab, c) => lab.benchmark(c.q, { kernels: 1 }), "kernels must be 'auto', 'simd' or 'scalar', got 1"],
  ['benchmark batch -1', (lab, c) => lab.benchmark(c.q, { batch: -1 }), 'batch must be an integer from 1 to 4096, got -1'],
  ['benchmark batch 1.5', (lab, c) => lab.benchmark(c.q, { batch: 1.5 }), 'batch must be an integer from 1 to 4096, got 1.5'],
  ['benchmark batches 0', (lab, c) => lab.benchmark(c.q, { batches: 0 }), 'batches must be an integer from 1 to 1000, got 0'],
  ['benchmark batchMs 60000', (lab, c) => lab.benchmark(c.q, { batchMs: 60000 }), 'batchMs must be a number above 0 and at most 5000, got 60000'],
  ['benchmark onProgress 1', (lab, c) => lab.benchmark(c.q, { onProgress: 1 }), 'onProgress must be a function, got 1'],
  ['benchmark options null', (lab, c) => lab.benchmark(c.q, null),
    "benchmark options must be an object such as {kernels: 'auto', batch: 1}, got null"],
  ['benchmark unknown option', (lab, c) => lab.benchmark(c.q, { iterations: 5 }),
    "benchmark: unknown option 'iterations' (the options are kernels, batch, input, warmupMs, batches, batchMs, onProgress)"],
  ['benchmark a deleted model in onProgress', (lab) => {
    const m = lab.createSimpleNet(0);
    lab.benchmark(m, { ...quick, batches: 3, onProgress: () => m.delete() });
  }, 'this model was deleted: create or load it again'],
  ['benchmarkGemm dtype 5', (lab) => lab.benchmarkGemm({ dtype: 5 }), "dtype must be 'int8' or 'fp32', got 5"],
  ['benchmarkGemm dtype "int4"', (lab) => lab.benchmarkGemm({ dtype: 'int4', ...quick }), "dtype must be 'int8' or 'fp32', got 'int4'"],
  ['benchmarkGemm m "8"', (lab) => lab.benchmarkGemm({ m: '8' }), 'm must be a number, got "8"'],
  ['benchmarkGemm m 4096', (lab) => lab.benchmarkGemm({ m: 4096, ...quick }), 'm must be a whole number from 1 to 1024, got 4096'],
  ['benchmarkGemm 4096 x 4096 x 32768', (lab) => lab.benchmarkGemm({ m: 4096, n: 4096, k: 32768, ...quick }),
    'm must be a whole number from 1 to 1024, got 4096'],
  ['benchmarkGemm 2^32 multiply-adds', (lab) => lab.benchmarkGemm({ m: 1024, n: 1024, k: 4096, ...quick }),
    'a timed GEMM does at most 268435456 multiply-adds per call, and m x n x k = 1024 x 1024 x 4096 = 4294967296'],
  ['benchmarkGemm options null', (lab) => lab.benchmarkGemm(null),
    "benchmarkGemm options must be an object such as {dtype: 'int8', m: 256, n: 256, k: 784}, got null"],
  ['gemmTimer kernels []', (lab) => lab.gemmTimer({ kernels: [] }), "kernels must be 'auto', 'simd' or 'scalar', got an array of length 0"],
  ['measureDotPeak options 5', (lab) => lab.measureDotPeak(5), 'measureDotPeak options must be an object such as {batches: 15}, got 5'],
  ['measureDotPeak unknown option', (lab) => lab.measureDotPeak({ batch: 5 }),
    "measureDotPeak: unknown option 'batch' (the options are warmupMs, batches, batchMs, onProgress)"],
  ['timeInterleaved options null', () => timeInterleaved({ a: () => 1 }, null),
    'timeInterleaved options must be an object such as {batches: 15}, got null'],
];

/** One fp32 layer 1 -> 65536 (0.8 MB file): a model whose outputs outgrow its inputs. */
let wideBytes;
function wideModel() {
  if (wideBytes) return wideBytes;
  const out = 65536;
  wideBytes = new Uint8Array(16 + 16 + 8 * out + 4);
  const view = new DataView(wideBytes.buffer);
  wideBytes.set(new TextEncoder().encode('QLABMODL'));
  [1, 1, 1, out, 0, 0].forEach((v, i) => view.setUint32(8 + 4 * i, v, true));
  view.setUint32(wideBytes.length - 4, crc32(wideBytes.subarray(0, wideBytes.length - 4)), true);
  return wideBytes;
}

const matches = (message, expected) => (expected instanceof RegExp ? expected.test(message) : message === expected);

for (const simd of [true, false]) {
  describe(`bad inputs, ${simd ? 'SIMD' : 'scalar'} build`, () => {
    let lab;
    const ctx = {};
    before(async () => {
      lab = await createQuantLab({ simd });
      ctx.f = lab.createSimpleNet(0);
      ctx.q = lab.quantizeDynamic(ctx.f);
      ctx.x = Float32Array.from(lab.randn(1, 784));
      ctx.bytes = ctx.q.serialize();
    });
    after(() => {
      ctx.f.delete();
      ctx.q.delete();
    });

    it('every bad input throws an Error with its message, and the instance keeps working with no memory held', () => {
      const run = () => {
        const failures = [];
        for (const [name, call, message] of BAD_INPUTS) {
          try {
            call(lab, ctx);
            failures.push(`${name}: no error`);
          } catch (e) {
            if (!(e instanceof Error) || !matches(e.message, message)) failures.push(`${name}: ${e?.constructor?.name} ${JSON.stringify(e?.message)}`);
          }
        }
        assert.deepEqual(failures, []);
      };
      run();  // the first round may grow the heap once (e.g. the wide model)
      const before = lab.memoryStats();
      run();
      assert.equal(lab.memoryStats().allocatedBytes, before.allocatedBytes);
      // Still working: the exercises' numbers.
      assert.deepEqual(Array.from(lab.symmetricQuantize(WEIGHTS).q), [101, -42, 36, -63, 127, -113]);
      assert.equal(lab.randn(42, 1)[0], 0.4967141530112327);
      assert.deepEqual(ctx.q.forward(ctx.x), lab.loadModel(ctx.bytes).forward(ctx.x));
    });

    it("issue 10's 262 KB model file: the named error, then randn, symmetricQuantize, forward and memoryStats still work", () => {
      const file = craftedFile(65536, 65536);
      assert.equal(file.length, 262180);
      const y = ctx.f.forward(ctx.x);
      throwsWith(() => lab.loadModel(file),
        'model file is truncated: layer 1 weights needs 17179869184 bytes at offset 32, but the file has only 262148 left');
      assert.deepEqual(lab.randn(42, 3), Float64Array.from([0.4967141530112327, -0.13826430117118466, 0.6476885381006925]));
      assert.deepEqual(Array.from(lab.symmetricQuantize(WEIGHTS).q), [101, -42, 36, -63, 127, -113]);
      assert.deepEqual(ctx.f.forward(ctx.x), y);
      const stats = lab.memoryStats();
      assert.ok(stats.heapBytes > 0 && stats.allocatedBytes > 0);
    });

    it('1,000 calls with bad option types and 313 KB inputs hold no memory (WebAssembly or JavaScript)', async () => {
      const big = () => new Float32Array(784 * 100);  // 313,600 bytes, a new array each call
      const calls = [
        () => ctx.f.forward(big(), { kernels: null }),
        () => ctx.q.forward(big(), { kernels: 1 }),
        () => lab.benchmark(ctx.q, { kernels: 1, input: big() }),
        () => lab.benchmarkGemm({ dtype: 5 }),
        () => lab.symmetricQuantize(big(), '8'),
        () => ctx.f.forward(big(), null),
      ];
      const cycle = (n) => {
        for (let i = 0; i < n; i++) assert.throws(calls[i % calls.length]);
      };
      // The JavaScript heap and the typed arrays' buffers (kept outside it, and freed a little after a collection:
      // hence several rounds). Inputs held by a leak would stay: half of these calls, 157 MB, without the facade's
      // checks; without a leak 0 MB once settled (a single collection left 26 MB once, on a busy machine).
      const settledBytes = async () => {
        for (let i = 0; i < 3; i++) {
          gc();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const { heapUsed, arrayBuffers } = process.memoryUsage();
        return heapUsed + arrayBuffers;
      };
      cycle(60);
      const wasmBefore = lab.memoryStats();
      const jsBefore = await settledBytes();
      cycle(1000);
      const grownJs = (await settledBytes()) - jsBefore;
      assert.deepEqual(lab.memoryStats(), wasmBefore);
      assert.ok(grownJs < 64e6, `JavaScript memory (heap and buffers) grew by ${(grownJs / 1e6).toFixed(1)} MB over 1,000 bad calls`);
    });

    it('a large batch releases its scratch memory: a forward of 40,000 examples keeps less than 2 MB', () => {
      const batch = simd ? 40000 : 4000;  // the scalar build takes 10x longer per example
      const x = new Float32Array(batch * 784).fill(0.5);
      const m = lab.quantizeDynamic(ctx.f);
      m.forward(ctx.x);
      const before = lab.memoryStats().allocatedBytes;
      const y = m.forward(x);
      assert.equal(y.length, batch * 10);
      assert.deepEqual(y.subarray(0, 10), m.forward(x.subarray(0, 784)));
      const kept = lab.memoryStats().allocatedBytes - before;
      assert.ok(kept < 2e6, `the model keeps ${(kept / 1e6).toFixed(1)} MB after a batch of ${batch}`);
      m.delete();
    });
  });
}

describe('bad options of createQuantLab', () => {
  it('rejects them with a message', async () => {
    await assert.rejects(createQuantLab({ simd: 'yes' }), { message: "options.simd must be 'auto', true or false, got \"yes\"" });
    await assert.rejects(createQuantLab(null), { message: 'createQuantLab options must be an object such as {simd: "auto"}' });
    await assert.rejects(createQuantLab({ smid: true }), { message: "createQuantLab: unknown option 'smid' (the options are simd, module, wasmModule)" });
  });
});
