// The model API of the built WebAssembly module: SimpleNet, dynamic int8 quantization, the model file,
// memory ownership and the benchmark entry points. Native equality is in native-vs-wasm.test.mjs; bad inputs are
// in bad-inputs.test.mjs.
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';

import { createQuantLab, throwsWith } from './load.mjs';

const FP32_BYTES = 814172;  // docs/model-format.md: 16 + 2 * 16 + 4 * (784*256 + 256 + 256*10 + 10) + 4
const INT8_BYTES = 204388;  // 16 + 2 * 16 + 2 * 4 + 784*256 + 256*10 + 4 * (256 + 10) + 4

for (const simd of [true, false]) {
  describe(`model API, ${simd ? 'SIMD' : 'scalar'} build`, () => {
    let lab;
    let x;
    before(async () => {
      lab = await createQuantLab({ simd });
      x = Float32Array.from(lab.randn(1, 784));
    });

    it('creates SimpleNet 784 -> 256 -> 10 and quantizes it to int8 at 1/3.98 of the size', () => {
      const f = lab.createSimpleNet(0);
      const q = lab.quantizeDynamic(f);
      const qc = lab.quantizeDynamic(f, { perChannel: true });
      assert.equal(f.kind, 'fp32');
      assert.deepEqual(f.layerSizes, [784, 256, 10]);
      assert.equal(f.inputSize, 784);
      assert.equal(f.outputSize, 10);
      assert.equal(f.sizeBytes, FP32_BYTES);
      assert.equal(q.kind, 'int8');
      assert.equal(q.perChannel, false);
      assert.equal(qc.perChannel, true);
      assert.equal(q.sizeBytes, INT8_BYTES);
      assert.equal(q.serialize().length, q.sizeBytes);
      assert.ok(f.sizeBytes / q.sizeBytes >= 3.9);
      assert.ok(f.sizeBytes / qc.sizeBytes >= 3.9);
      for (const m of [f, q, qc]) m.delete();
    });

    it('forward: batch 1 and batches, int8 close to fp32, SIMD and scalar kernels identical for int8', () => {
      const f = lab.createSimpleNet(0);
      const q = lab.quantizeDynamic(f);
      const yf = f.forward(x);
      const yq = q.forward(x);
      assert.ok(yf instanceof Float32Array && yf.length === 10);
      const maxDiff = Math.max(...yf.map((v, i) => Math.abs(v - yq[i])));
      assert.ok(maxDiff < 0.05, `max |fp32 - int8| = ${maxDiff}`);
      assert.deepEqual(q.forward(x, { kernels: 'scalar' }), yq);
      const batch = new Float32Array(3 * 784);
      batch.set(x, 784);
      const yb = q.forward(batch);
      assert.equal(yb.length, 30);
      assert.deepEqual(yb.subarray(10, 20), yq);
      assert.deepEqual(Array.from(f.forward(Array.from(x))), Array.from(yf));  // plain arrays work too
      f.delete();
      q.delete();
    });

    it('save and load round-trips; a bad file throws and leaves the current model working', () => {
      const q = lab.quantizeDynamic(lab.createSimpleNet(2), { perChannel: true });
      const bytes = q.serialize();
      const loaded = lab.loadModel(bytes);
      assert.equal(loaded.kind, 'int8');
      assert.equal(loaded.perChannel, true);
      assert.deepEqual(loaded.forward(x), q.forward(x));
      assert.deepEqual(lab.loadModel(bytes.buffer).serialize(), bytes);  // an ArrayBuffer works too

      // Every bad file, with its message, is in bad-inputs.test.mjs; a failed load changes nothing.
      throwsWith(() => lab.loadModel(bytes.subarray(0, 1000)), /^model file is truncated: /);
      const corrupt = bytes.slice();
      corrupt[5000] ^= 1;
      throwsWith(() => lab.loadModel(corrupt), 'model file is corrupt: its CRC-32 checksum does not match');
      assert.deepEqual(loaded.forward(x), q.forward(x));  // untouched by the failed loads
      q.delete();
      loaded.delete();
    });

    it('delete() frees the model once; a deleted model says so', () => {
      const f = lab.createSimpleNet(0);
      f.delete();
      f.delete();  // twice is fine
      assert.equal(f.deleted, true);
      throwsWith(() => f.forward(x), 'this model was deleted: create or load it again');
      throwsWith(() => lab.quantizeDynamic(f), 'this model was deleted: create or load it again');
    });

    it('repeated create / quantize / load / delete does not grow the heap', () => {
      const cycle = () => {
        const f = lab.createSimpleNet(1);
        const q = lab.quantizeDynamic(f);
        const l = lab.loadModel(q.serialize());
        l.forward(x);
        try { lab.loadModel(new Uint8Array(20)); } catch { /* expected */ }
        for (const m of [f, q, l]) m.delete();
      };
      cycle();
      const before = lab.memoryStats();
      for (let i = 0; i < 30; i++) cycle();
      const after = lab.memoryStats();
      assert.equal(after.allocatedBytes, before.allocatedBytes);
      assert.equal(after.heapBytes, before.heapBytes);
    });

    it('benchmark times forwards inside WebAssembly and reports medians', () => {
      const q = lab.quantizeDynamic(lab.createSimpleNet(0));
      const r = lab.benchmark(q, { warmupMs: 5, batches: 3, batchMs: 2 });
      assert.equal(r.samplesUs.length, 3);
      assert.ok(r.medianUs > 0 && r.minUs <= r.medianUs && r.medianUs <= r.maxUs);
      assert.ok(r.iterations >= 1);
      assert.equal(r.kernels, simd ? 'wasmsimd' : 'scalar');
      const progress = [];
      lab.benchmark(q, { kernels: 'scalar', warmupMs: 1, batches: 2, batchMs: 1, onProgress: (d, t) => progress.push([d, t]) });
      assert.deepEqual(progress, [[1, 2], [2, 2]]);
      const held = lab.memoryStats().allocatedBytes;
      const g = lab.benchmarkGemm({ m: 8, n: 16, k: 40, warmupMs: 1, batches: 2, batchMs: 1 });
      assert.ok(g.gmacs > 0);
      assert.equal(lab.memoryStats().allocatedBytes, held);  // the GEMM's operands are freed when it returns
      if (simd) assert.ok(lab.measureDotPeak({ warmupMs: 1, batches: 2, batchMs: 1 }).gmacs > 0);
      else throwsWith(() => lab.measureDotPeak({ warmupMs: 1, batches: 1, batchMs: 1 }), /needs the SIMD kernels|no SIMD kernels/);
      q.delete();
    });
  });
}

describe('models and instances', () => {
  it('a model cannot be used with another QuantLab instance, but moves with serialize()', async () => {
    const a = await createQuantLab({ simd: true });
    const b = await createQuantLab({ simd: false });
    const f = a.createSimpleNet(0);
    throwsWith(() => b.quantizeDynamic(f), 'this model belongs to another QuantLab instance: move it with serialize() and loadModel()');
    const moved = b.loadModel(f.serialize());
    const x = Float32Array.from(a.randn(3, 784));
    const fa = f.forward(x);
    const fb = moved.forward(x);
    for (let i = 0; i < 10; i++) assert.ok(Math.abs(fa[i] - fb[i]) < 1e-5);
    f.delete();
    moved.delete();
  });
});
