// The WebAssembly builds (SIMD and scalar) must return exactly what the native build returns for the same
// inputs. The native side is build/native/tests/cpp/quantlab_reference_dump, which prints its results as JSON.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, before } from 'node:test';

import { createQuantLab, repoRoot } from './load.mjs';

const dumpTool = join(repoRoot, 'build/native/tests/cpp/quantlab_reference_dump');

// Run once: both builds are compared against the same dump.
let dump;
function nativeResults() {
  if (!existsSync(dumpTool)) throw new Error(`${dumpTool} is missing: run ./build-scripts/build.sh native`);
  dump ??= JSON.parse(execFileSync(dumpTool, { encoding: 'utf8', maxBuffer: 64 << 20 }));
  return dump;
}

const same = (actual, expected, what) => assert.deepEqual(Array.from(actual), expected, what);

for (const simd of [true, false]) {
  describe(`native build == ${simd ? 'SIMD' : 'scalar'} WebAssembly build`, () => {
    let lab;
    let native;
    before(async () => {
      lab = await createQuantLab({ simd });
      native = nativeResults();
    });

    it('random numbers', () => {
      same(lab.randn(native.randn.seed, 10), native.randn.values, 'randn');
      same(lab.rand(native.rand.seed, 10), native.rand.values, 'rand');
    });

    it('randn over 200,000 values: equal, or within 2 ULP where musl\'s log differs from glibc\'s', () => {
      const got = lab.randn(native.randnLarge.seed, native.randnLarge.values.length);
      const want = Float64Array.from(native.randnLarge.values);
      const gotBits = new BigInt64Array(got.buffer);
      const wantBits = new BigInt64Array(want.buffer);
      let differing = 0;
      for (let i = 0; i < got.length; i++) {
        if (gotBits[i] === wantBits[i]) continue;
        differing += 1;
        const ulps = gotBits[i] > wantBits[i] ? gotBits[i] - wantBits[i] : wantBits[i] - gotBits[i];
        // One ULP of difference in log(r2) can reach 2 ULP after the division, sqrt and product.
        assert.ok(ulps <= 2n, `randn[${i}]: ${got[i]} vs native ${want[i]} is ${ulps} ULP apart`);
      }
      // Measured: about 1 value in 20,000 (10 of 200,000 for seed 1). Far more would mean a real bug.
      assert.ok(differing < got.length / 2000, `${differing} values differ`);
    });

    it('SimpleNet outputs: int8 bit for bit; fp32 bit for bit with the same summation order', () => {
      const ref = native.model;
      const x = Float32Array.from(lab.randn(ref.inputSeed, 784));
      const f = lab.createSimpleNet(ref.seed);
      const q = lab.quantizeDynamic(f);
      const qc = lab.quantizeDynamic(f, { perChannel: true });
      // The SIMD128 kernels sum in the same order in WebAssembly and in SSE4.1, so even fp32 is identical.
      const kernels = simd ? 'simd' : 'scalar';
      same(f.forward(x, { kernels }), ref.fp32[kernels], 'fp32');
      same(q.forward(x, { kernels }), ref.int8[kernels], 'int8');
      same(qc.forward(x, { kernels }), ref.int8PerChannel[kernels], 'int8 per channel');
      same(q.forward(x, { kernels: 'scalar' }), ref.int8.simd, 'int8 scalar == int8 simd');
      for (const m of [f, q, qc]) m.delete();
    });

    it('q, scales, zero points and errors for every case', () => {
      assert.ok(native.cases.length >= 24, 'the dump has all its cases');
      for (const c of native.cases) {
        const label = `${c.input}, ${c.bits} bits`;
        const x = c.x ?? lab.randn(c.seed, c.rows * c.cols).map((v) => v * c.multiplier);
        const sym = lab.symmetricQuantize(x, c.bits);
        same(sym.q, c.symmetric.q, `${label}: symmetric q`);
        assert.equal(sym.scale, c.symmetric.scale, `${label}: symmetric scale`);
        const rec = lab.symmetricDequantize(sym.q, sym.scale);
        same(rec, c.symmetric.recovered, `${label}: recovered`);
        const stats = lab.errorStats(x, rec);
        assert.equal(stats.mse, c.symmetric.mse, `${label}: mse`);
        assert.equal(stats.maxAbs, c.symmetric.maxAbs, `${label}: max abs`);

        const pc = lab.perChannelQuantize(x, c.rows, c.cols, c.bits);
        same(pc.q, c.perChannel.q, `${label}: per-channel q`);
        same(pc.scales, c.perChannel.scales, `${label}: per-channel scales`);

        const aff = lab.affineQuantize(x, c.bits);
        same(aff.q, c.affine.q, `${label}: affine q`);
        assert.equal(aff.scale, c.affine.scale, `${label}: affine scale`);
        assert.equal(aff.zeroPoint, c.affine.zeroPoint, `${label}: affine zero point`);

        const apc = lab.affinePerChannelQuantize(x, c.rows, c.cols, c.bits);
        same(apc.q, c.affinePerChannel.q, `${label}: affine per-channel q`);
        same(apc.scales, c.affinePerChannel.scales, `${label}: affine per-channel scales`);
        same(apc.zeroPoints, c.affinePerChannel.zeroPoints, `${label}: affine per-channel zero points`);

        assert.equal(lab.quantizationMse(x, c.bits), c.quantizationMse, `${label}: quantizationMse`);
      }
    });
  });
}
