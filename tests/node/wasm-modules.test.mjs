// The smaller WebAssembly modules (createQuantLab({module})): each is the same core linked with fewer bindings,
// tagged with its name and build; a compiled module says which it is, and a method a module lacks names the module
// to load. The registry names a module per exercise (`wasm`); every exercise's solution passes in its module
// (exercises.test.mjs runs on the full one; here the solution's check runs on the entry's own module).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { WASM_MODULES as PAGE_MODULES } from '../../web/src/app/core.js';
import { EXERCISES } from '../../web/src/exercises/registry.js';
import { checkCode } from './learner-realm.mjs';
import { createQuantLab, repoRoot } from './load.mjs';

const { WASM_MODULES } = await import(new URL('../../dist/quantlab.js', import.meta.url).href);
const WEIGHTS = [0.247, -0.103, 0.089, -0.156, 0.312, -0.278];

const gzipKB = async (file) => {
  const { gzipSync } = await import('node:zlib');
  return gzipSync(readFileSync(`${repoRoot}dist/${file}`), { level: 9 }).length / 1024;
};

describe('WebAssembly modules', () => {
  it('the pages and the API name the same modules, smallest first', () => {
    assert.deepEqual([...WASM_MODULES], ['core', 'data', 'full']);
    assert.deepEqual(PAGE_MODULES, [...WASM_MODULES]);
  });

  it('each module is smaller than the next, in both builds', async () => {
    for (const isa of ['simd', 'scalar']) {
      const sizes = await Promise.all(['core', 'data', 'full'].map((m) => gzipKB(`quantlab-${m === 'full' ? '' : `${m}-`}${isa}.wasm`)));
      assert.ok(sizes[0] < sizes[1] && sizes[1] < sizes[2], `${isa}: ${sizes.map((s) => s.toFixed(1)).join(' < ')} kB gzipped`);
    }
  });

  for (const simd of [true, false]) {
    it(`'core' (${simd ? 'SIMD' : 'scalar'}): the notebook's numbers; a method it lacks names the module to use`, async () => {
      const lab = await createQuantLab({ simd, module: 'core' });
      assert.equal(lab.module, 'core');
      assert.equal(lab.simd, simd);
      assert.deepEqual(Array.from(lab.symmetricQuantize(WEIGHTS).q), [101, -42, 36, -63, 127, -113]);
      assert.equal(lab.errorVsBits(lab.randn(0, 100), 2, 8).length, 7);
      assert.equal(lab.kernels, simd ? 'wasmsimd' : 'scalar');
      const memory = lab.memoryStats();
      assert.ok(memory.heapBytes > 0 && Number.isInteger(memory.allocatedBytes), JSON.stringify(memory));
      assert.throws(() => lab.createSimpleNet(0), {
        message: "this QuantLab was created with the 'core' WebAssembly module, which has no 'createSimpleNet': create it with createQuantLab({module: 'full'}) (the default) for this method",
      });
      assert.throws(() => lab.loadDataset(new Uint8Array(16), new Uint8Array(8)), /'core' WebAssembly module, which has no 'loadDataset'/);
      assert.throws(() => lab.packInt4([1, 2]), /'core' WebAssembly module, which has no 'packInt4'/);
      // What the pages of exercises 0, 5, 6, 7 and 9 draw with it (registry `pageWasm`), equal to the full module's.
      const full = await createQuantLab({ simd });
      const x = lab.randn(3, 500);
      const range = { bits: 4, lo: -1, hi: 2, scheme: 'affine' };
      assert.deepEqual(lab.fakeQuantize(x, range), full.fakeQuantize(x, range));
      assert.deepEqual(lab.activationQuantParams(range), full.activationQuantParams(range));
      assert.deepEqual(lab.nf4Codebook(), full.nf4Codebook());
      assert.deepEqual(lab.floatFormat(0.1, 'bfloat16'), full.floatFormat(0.1, 'bfloat16'));
      assert.deepEqual(lab.decodeFormat(lab.encodeFormat([0.1, -3, 1e-8], 'fp8-e4m3'), 'fp8-e4m3'), full.decodeFormat(full.encodeFormat([0.1, -3, 1e-8], 'fp8-e4m3'), 'fp8-e4m3'));
      assert.equal(lab.nf4Codebook().length, 16);
    });
  }

  it("'data' has the evaluation but not the low-bit methods; 'full' is the default", async () => {
    const data = await createQuantLab({ simd: true, module: 'data' });
    assert.equal(data.module, 'data');
    const net = data.createSimpleNet(0);
    assert.equal(net.forward(new Float32Array(784)).length, 10);
    net.delete();
    assert.equal(data.floatFormat(0.1, 'bfloat16').stored, 0.10009765625);
    assert.equal(data.kernels, 'wasmsimd');
    assert.throws(() => data.loadDataset(new Uint8Array(16), new Uint8Array(8)), (e) => !/WebAssembly module/.test(e.message));
    assert.throws(() => data.packInt4([1, 2]), /'data' WebAssembly module, which has no 'packInt4'/);
    const full = await createQuantLab({ simd: true });
    assert.equal(full.module, 'full');
    assert.equal(full.packInt4([1, 2]).length, 1);
  });

  it('a compiled module says which it is: a worker passes {simd, wasmModule} only', async () => {
    const page = await createQuantLab({ simd: false, module: 'core' });
    const worker = await createQuantLab({ simd: false, wasmModule: page.wasmModule });
    assert.equal(worker.module, 'core');
    assert.equal(worker.wasmModule, page.wasmModule);
    assert.deepEqual(Array.from(worker.symmetricQuantize(WEIGHTS).q), [101, -42, 36, -63, 127, -113]);
    assert.equal((await createQuantLab({ simd: false, module: 'core', wasmModule: page.wasmModule })).module, 'core');
  });

  it('rejects a module that is not one, or that contradicts the compiled module', async () => {
    await assert.rejects(createQuantLab({ module: 'tiny' }), { message: "options.module must be 'core', 'data', 'full', got \"tiny\"" });
    const { wasmModule } = await createQuantLab({ simd: true, module: 'core' });
    await assert.rejects(createQuantLab({ simd: true, module: 'full', wasmModule }), { message: "options.module is 'full', but options.wasmModule is the 'core' module" });
    await assert.rejects(createQuantLab({ simd: false, wasmModule }), { message: 'options.simd is false, but options.wasmModule is the SIMD build' });
  });

  for (const entry of EXERCISES.filter((e) => e.tasks && e.wasm)) {
    it(`${entry.id}: its solution passes every check in its own module ('${entry.wasm}'), also in the learner's realm`, async () => {
      const lab = await createQuantLab({ simd: true, module: entry.wasm });
      const task = (await entry.tasks()).default;
      const result = await checkCode(task, task.solution, lab, { exercise: entry.id });
      assert.equal(result.error, null);
      assert.equal(result.ok, true, JSON.stringify(result));
    });
  }
});
