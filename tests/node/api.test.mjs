// The JS API of the built WebAssembly module: the notebook's numbers and both builds. Every bad input, with its
// message, is in bad-inputs.test.mjs.
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';

import { createQuantLab, wasmSimdSupported, SIMD_PROBE } from './load.mjs';

const WEIGHTS = [0.247, -0.103, 0.089, -0.156, 0.312, -0.278];

for (const simd of [true, false]) {
  describe(`${simd ? 'SIMD' : 'scalar'} build`, () => {
    let lab;
    before(async () => {
      lab = await createQuantLab({ simd });
    });

    it('reports which build it uses', () => {
      assert.equal(lab.simd, simd);
    });

    it('randn equals NumPy (np.random.seed(42); randn)', () => {
      const x = lab.randn(42, 3);
      assert.ok(x instanceof Float64Array);
      assert.deepEqual(Array.from(x), [0.4967141530112327, -0.13826430117118466, 0.6476885381006925]);
      assert.equal(lab.rand(42, 1)[0], 0.3745401188473625);
      assert.equal(lab.randn(0, 0).length, 0);
    });

    it('exercise 1: q = [101, -42, 36, -63, 127, -113], scale 0.002457', () => {
      const r = lab.symmetricQuantize(WEIGHTS);
      assert.ok(r.q instanceof Int8Array);
      assert.deepEqual(Array.from(r.q), [101, -42, 36, -63, 127, -113]);
      assert.equal(r.scale, 0.312 / 127);
      assert.equal(r.scale.toFixed(6), '0.002457');
      assert.equal(r.bits, 8);
      assert.equal(r.qmax, 127);
      assert.equal(r.allZero, false);
      const rec = lab.symmetricDequantize(r.q, r.scale);
      assert.ok(rec instanceof Float32Array);
      assert.equal(rec[4], Math.fround(127 * Math.fround(r.scale)));
      const mse = lab.errorStats(WEIGHTS, rec);
      assert.equal(mse.maxAbs.toFixed(6), '0.001228');
    });

    it('uses Int16Array above 8 bits and Uint8Array/Uint16Array for affine q', () => {
      const r = lab.symmetricQuantize(WEIGHTS, 16);
      assert.ok(r.q instanceof Int16Array);
      assert.equal(r.q[4], 32767);
      assert.ok(lab.affineQuantize(WEIGHTS, 8).q instanceof Uint8Array);
      assert.ok(lab.affineQuantize(WEIGHTS, 12).q instanceof Uint16Array);
    });

    it('exercise 2: per-channel beats per-tensor 2.6x overall', () => {
      const w = lab.randn(42, 256);
      [0.01, 0.1, 1, 10].forEach((m, row) => { for (let c = 0; c < 64; c++) w[row * 64 + c] *= m; });
      const t = lab.symmetricQuantize(w, 8);
      const c = lab.perChannelQuantize(w, 4, 64, 8);
      assert.equal(c.scales.length, 4);
      const mseT = lab.errorStats(w, lab.symmetricDequantize(t.q, t.scale)).mse;
      const mseC = lab.errorStats(w, lab.perChannelDequantize(c.q, c.scales, 4, 64)).mse;
      assert.equal(mseT, 0.005130749017167746);
      assert.equal(mseC, 0.001961771397161954);
      const rows = lab.perChannelErrorStats(w, lab.symmetricDequantize(t.q, t.scale), 4, 64);
      assert.equal(rows.length, 4);
      assert.equal(rows[0].sqnrDb, 0);
    });

    it('exercise 3: MSE at 8 bits and the 2..8 sweep', () => {
      const x = lab.randn(42, 1000);
      assert.equal(lab.quantizationMse(x, 8), 7.638162935494301e-05);
      const sweep = lab.errorVsBits(x, 2, 8);
      assert.deepEqual(sweep.map((p) => p.bits), [2, 3, 4, 5, 6, 7, 8]);
      assert.equal(sweep[0].mse, 0.8194848811442323);
    });

    it('all zeros: scale 0, q 0, infinite SQNR, no NaN', () => {
      const r = lab.symmetricQuantize([0, 0, 0]);
      assert.equal(r.scale, 0);
      assert.equal(r.allZero, true);
      assert.deepEqual(Array.from(r.q), [0, 0, 0]);
      const s = lab.errorStats([0, 0, 0], lab.symmetricDequantize(r.q, r.scale));
      assert.equal(s.mse, 0);
      assert.equal(s.sqnrDb, Infinity);
    });

    it('keeps working after many errors and large inputs (no leaked state)', () => {
      for (let i = 0; i < 200; i++) assert.throws(() => lab.symmetricQuantize([NaN]));
      const big = lab.randn(1, 2_000_000);
      const r = lab.symmetricQuantize(big, 8);
      assert.equal(r.q.length, 2_000_000);
      assert.deepEqual(Array.from(lab.symmetricQuantize(WEIGHTS).q), [101, -42, 36, -63, 127, -113]);
    });
  });
}

describe('createQuantLab', () => {
  it("picks SIMD in Node 20 with simd: 'auto'", async () => {
    assert.equal(wasmSimdSupported(), true);
    assert.equal((await createQuantLab()).simd, true);
  });

  it('rejects bad options with a message', async () => {
    await assert.rejects(createQuantLab({ simd: 'yes' }), { message: "options.simd must be 'auto', true or false, got \"yes\"" });
    await assert.rejects(createQuantLab(null), { message: 'createQuantLab options must be an object such as {simd: "auto"}' });
  });

  it('instantiates another instance\'s compiled module instead of compiling again, as the runner worker does', async () => {
    const first = await createQuantLab({ simd: false });
    assert.ok(first.wasmModule instanceof WebAssembly.Module);
    const compile = WebAssembly.compile;
    let compiled = 0;
    WebAssembly.compile = (...args) => { compiled += 1; return compile(...args); };
    try {
      const second = await createQuantLab({ simd: false, wasmModule: first.wasmModule });
      assert.equal(compiled, 0, 'nothing compiled');
      assert.equal(second.wasmModule, first.wasmModule);
      assert.equal(second.simd, false);
      assert.equal(second.kernels, 'scalar');
      assert.deepEqual(Array.from(second.symmetricQuantize(WEIGHTS).q), [101, -42, 36, -63, 127, -113]);
      second.symmetricQuantize(second.randn(1, 100_000), 8); // its own memory: the first instance is untouched
      assert.deepEqual(Array.from(first.symmetricQuantize(WEIGHTS).q), [101, -42, 36, -63, 127, -113]);
    } finally {
      WebAssembly.compile = compile;
    }
  });

  it('rejects a compiled module without the build it is, or something else', async () => {
    const { wasmModule } = await createQuantLab({ simd: true });
    await assert.rejects(createQuantLab({ wasmModule }), { message: 'options.wasmModule needs options.simd: true for the SIMD build\'s module, false for the scalar one' });
    await assert.rejects(createQuantLab({ simd: true, wasmModule: new ArrayBuffer(8) }), { message: 'options.wasmModule must be a WebAssembly.Module, got an ArrayBuffer' });
  });

  it('the SIMD probe is a real SIMD module (not a module that always validates)', () => {
    // Replacing the SIMD opcode prefix (0xfd) by an unknown one must make validation fail.
    const bytes = SIMD_PROBE.slice();
    assert.equal(WebAssembly.validate(bytes), true);
    assert.equal(bytes[26], 0xfd);
    bytes[26] = 0xfe;
    assert.equal(WebAssembly.validate(bytes), false);
  });
});
