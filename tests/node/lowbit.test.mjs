// The low-bit API (issue 13) of the built module: group-wise quantization, int4 bytes, NF4, sizes, GPTQ and AWQ,
// in both builds; the numbers themselves are checked against NumPy by the Catch2 tests (which also run as
// WebAssembly), so these check the plumbing, the options and the messages.
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';

import { createQuantLab, throwsWith } from './load.mjs';

// A small layer with correlated inputs, from NumPy's generator: w is rows x cols, x is samples x cols.
function layer(lab, rows, cols, samples, seed) {
  const w = lab.randn(seed, rows * cols).map((v) => v * 0.1);
  const z = lab.randn(seed + 1, samples * cols);
  const x = new Float32Array(samples * cols);
  for (let n = 0; n < samples; n++) {
    let prev = 0;
    for (let c = 0; c < cols; c++) {
      prev = z[n * cols + c] + 0.8 * prev;
      x[n * cols + c] = c % 5 === 0 ? 4 * prev : prev;
    }
  }
  return { w, x, rows, cols };
}

for (const simd of [true, false]) {
  describe(`low-bit API, ${simd ? 'SIMD' : 'scalar'} build`, () => {
    let lab;
    before(async () => {
      lab = await createQuantLab({ simd });
    });

    it('groupQuantize: per channel and per tensor are the existing quantizers; groups have a scale each', () => {
      const w = lab.randn(3, 4 * 40);
      const c = lab.groupQuantize(w, 4, 40, { bits: 4 });
      const ref = lab.perChannelQuantize(w, 4, 40, 4);
      assert.ok(c.q instanceof Int8Array);
      assert.deepEqual(Array.from(c.q), Array.from(ref.q));
      assert.deepEqual(Array.from(c.scales), Array.from(ref.scales));
      assert.equal(c.groupSize, 'channel');
      const t = lab.groupQuantize(w, 4, 40, { bits: 3, groupSize: 'tensor' });
      assert.deepEqual(Array.from(t.q), Array.from(lab.symmetricQuantize(w, 3).q));
      assert.equal(t.groupLength, 160);
      const g = lab.groupQuantize(w, 4, 40, { bits: 2, groupSize: 16 });
      assert.equal(g.scales.length, 4 * 3); // 16 + 16 + 8 per row
      assert.equal(g.groupSize, 16);
      assert.equal(g.qmax, 1);
      const back = lab.groupDequantize(g.q, g.scales, 4, 40, { groupSize: 16 });
      assert.equal(back[17], g.q[17] * g.scales[1]);
      const wide = lab.groupQuantize(w, 4, 40, { groupSize: 64 }); // a group longer than the row: one per row
      assert.equal(wide.groupSize, 64);
      assert.equal(wide.groupLength, 40);
      assert.deepEqual(Array.from(wide.scales), Array.from(ref.scales));
    });

    it('packInt4 / unpackInt4: element 2i low nibble, 2i+1 high, two\'s complement', () => {
      assert.deepEqual(Array.from(lab.packInt4([-1, -8, 7, 0, -3])), [0x8f, 0x07, 0x0d]);
      const u = lab.unpackInt4(new Uint8Array([0x8f, 0x07, 0x0d]), 5);
      assert.ok(u instanceof Int8Array);
      assert.deepEqual(Array.from(u), [-1, -8, 7, 0, -3]);
      assert.equal(lab.unpackInt4(new Uint8Array([0x21])).length, 2);
    });

    it('NF4: the published codebook; quantize and dequantize', () => {
      const levels = lab.nf4Codebook();
      assert.ok(levels instanceof Float32Array);
      assert.equal(levels.length, 16);
      assert.equal(levels[1], Math.fround(-0.6961928009986877));
      assert.equal(levels[14], Math.fround(0.7229568362236023));
      const w = lab.randn(5, 3 * 100);
      const t = lab.nf4Quantize(w, 3, 100);
      assert.equal(t.blockSize, 64);
      assert.equal(t.blocksPerRow, 2);
      assert.equal(t.absmax.length, 6);
      const back = lab.nf4Dequantize(t.codes, t.absmax, 3, 100);
      assert.equal(back[0], levels[t.codes[0]] * t.absmax[0]);
      const err = lab.errorStats(w, back);
      assert.ok(err.sqnrDb > 15 && err.sqnrDb < 25, `NF4 SQNR ${err.sqnrDb} dB`);
    });

    it('quantizedSize: SimpleNet\'s first layer', () => {
      assert.deepEqual(lab.quantizedSize(256, 784, { bits: 4, groupSize: 64 }),
        { weightBytes: 100352, scaleBytes: 13312, totalBytes: 113664, bitsPerWeight: 113664 * 8 / (256 * 784) });
      assert.equal(lab.quantizedSize(256, 784, { format: 'nf4' }).totalBytes, 113664);
      assert.equal(lab.quantizedSize(256, 784, { bits: 8, groupSize: 'channel' }).totalBytes, 200704 + 1024);
    });

    it('GPTQ from inputs or from H: the same result, progress to the end, below round-to-nearest', () => {
      const { w, x, rows, cols } = layer(lab, 6, 40, 300, 11);
      const events = [];
      const r = lab.gptq(w, rows, cols, { inputs: x, bits: 3, groupSize: 16, blockSize: 20, onProgress: (p) => events.push(p) });
      // 300 examples: 2 Hessian chunks; then the factorization and two blocks of 32 columns (20 rounded up to 32).
      assert.deepEqual(events.map((e) => e.stage), ['hessian', 'hessian', 'factor', 'columns', 'columns']);
      assert.deepEqual(events.map((e) => e.done), [1, 2, 3, 4, 5]);
      assert.ok(events.every((e) => e.total === 5));
      assert.equal(r.blockSize, 32);
      assert.equal(r.scales.length, 6 * 3);
      const h = lab.layerHessian(x, cols);
      assert.equal(h.length, cols * cols);
      const r2 = lab.gptq(w, rows, cols, { hessian: h, bits: 3, groupSize: 16, blockSize: 20 });
      assert.deepEqual(Array.from(r2.q), Array.from(r.q));
      const rtn = lab.groupQuantize(w, rows, cols, { bits: 3, groupSize: 16 });
      const rtnW = lab.groupDequantize(rtn.q, rtn.scales, rows, cols, { groupSize: 16 });
      const eGptq = lab.reconstructionError(w, r.dequantized, rows, cols, { inputs: x });
      const eRtn = lab.reconstructionError(w, rtnW, rows, cols, { hessian: h });
      assert.ok(eGptq < eRtn, `GPTQ ${eGptq} vs RTN ${eRtn}`);
      const factor = lab.gptqInverseCholesky(h, cols);
      assert.equal(factor.factor[cols], 0); // below the diagonal
      assert.equal(factor.deadInputs, 0);
    });

    it('AWQ: 21 alphas by default, alpha 0 is round-to-nearest, the best is no worse', () => {
      const { w, x, rows, cols } = layer(lab, 5, 30, 64, 21);
      const events = [];
      const r = lab.awq(w, rows, cols, x, { bits: 3, onProgress: (p) => events.push(p) });
      assert.deepEqual(events.map((e) => e.stage), ['hessian', ...Array(21).fill('alpha')]);
      assert.deepEqual(events.map((e) => e.done), Array.from({ length: 22 }, (_, i) => i + 1));
      assert.ok(events.every((e) => e.total === 22));
      assert.equal(r.alphas.length, 21);
      assert.equal(r.errors.length, 21);
      const rtn = lab.groupQuantize(w, rows, cols, { bits: 3 });
      const rtnW = lab.groupDequantize(rtn.q, rtn.scales, rows, cols);
      const eRtn = lab.reconstructionError(w, rtnW, rows, cols, { inputs: x });
      assert.ok(Math.abs(r.errors[0] - eRtn) <= 1e-9 * eRtn);
      assert.ok(r.errors[r.alphas.indexOf(r.alpha)] <= r.errors[0]);
      assert.equal(r.inputScales.length, cols);
      const only0 = lab.awq(w, rows, cols, x, { bits: 3, alphas: [0] });
      assert.deepEqual(Array.from(only0.dequantized), Array.from(rtnW));
    });

    it('bad input: clear messages', () => {
      const w = [0.1, -0.2, 0.3, 0.4];
      throwsWith(() => lab.groupQuantize(w, 2, 2, { bits: 9 }), 'bits must be an integer from 2 to 8 for weights below 8 bits, got 9');
      throwsWith(() => lab.groupQuantize(w, 2, 2, { groupSize: 0 }), "groupSize must be 'tensor', 'channel' or a whole number >= 1, got 0");
      throwsWith(() => lab.groupQuantize(w, 2, 2, 4), 'options must be an object of options, got 4');
      throwsWith(() => lab.packInt4([8]), 'q[0] is 8: a 4-bit value must lie in [-8, 7]');
      throwsWith(() => lab.unpackInt4(new Uint8Array(1), 3), 'cannot unpack 3 values from 1 bytes: a byte holds two 4-bit values');
      throwsWith(() => lab.gptq(w, 2, 2, {}), 'gptq needs exactly one of options.inputs (calibration inputs) and options.hessian (2 X^T X)');
      throwsWith(() => lab.gptq(w, 2, 2, { inputs: [1, 2, 3] }), 'inputs has 3 values: give 2 per calibration example (a multiple of 2)');
      throwsWith(() => lab.gptq(w, 2, 2, { hessian: [1, 0, 0, 1], damp: -1 }),
        'damping must be a finite number >= 0 (a fraction of the mean diagonal, e.g. 0.01), got -1');
      throwsWith(() => lab.gptq(w, 2, 2, { hessian: [1, 0, 0] }), 'hessian has 3 values: a layer with 2 inputs needs 2 x 2 = 4');
      throwsWith(() => lab.gptq(w, 2, 2, { hessian: [1, 0, 0, 1], onProgress: 'yes' }), 'onProgress must be a function, got "yes"');
      throwsWith(() => lab.awq(w, 2, 2, [1, 2], { alphas: [2] }), 'every alpha must be a number from 0 to 1, got 2');
      throwsWith(() => lab.layerHessian(new Float32Array(4096), 4096), 'cols must be a whole number from 1 to 2048, got 4096');
      throwsWith(() => lab.quantizedSize(2, 2, { format: 'fp8' }), 'format must be \'int\' or \'nf4\', got "fp8"');
      // No leaked handles: a failed GPTQ step leaves the heap where it was.
      assert.throws(() => lab.gptq(w, 2, 2, { hessian: [1, 1, 1, 1], damp: 0 }), /not positive definite/);
      const before = lab.memoryStats().allocatedBytes;
      for (let i = 0; i < 20; i++) assert.throws(() => lab.gptq(w, 2, 2, { hessian: [1, 1, 1, 1], damp: 0 }));
      assert.equal(lab.memoryStats().allocatedBytes, before);
    });
  });
}
