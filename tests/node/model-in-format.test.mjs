// lab.modelWithWeightsIn (issue 15): the trained SimpleNet's weights through each number format, as a new fp32
// model. Both builds; the stored weights equal the format's values (checked through serialize()), the weight
// error is what toFormat says layer by layer, the accuracy on the 10,000 test images stays near float32's, and
// bad arguments get a named error.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';

import { createQuantLab, repoRoot, throwsWith } from './load.mjs';

const file = (path) => new Uint8Array(readFileSync(`${repoRoot}dist/data/${path}`));
const idx = (path) => new Uint8Array(gunzipSync(file(path)));

/** The fp32 weights of layer `l` of a model file (docs/model-format.md). */
function layerWeights(bytes, l) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 16;
  for (let i = 0; ; i++) {
    const [inputs, outputs] = [view.getUint32(offset, true), view.getUint32(offset + 4, true)];
    offset += 16;
    if (i === l) return new Float32Array(bytes.slice(offset, offset + 4 * inputs * outputs).buffer);
    offset += 4 * inputs * outputs + 4 * outputs;
  }
}

for (const simd of [true, false]) {
  describe(`modelWithWeightsIn, ${simd ? 'SIMD' : 'scalar'} build`, () => {
    let lab;
    let fp32;
    let modelBytes;
    before(async () => {
      lab = await createQuantLab({ simd });
      modelBytes = file('simplenet-fashion.qlmodel');
      fp32 = lab.loadModel(modelBytes);
    });

    it('float16 and fp8 weights are the values toFormat stores, per layer; biases and shapes unchanged', () => {
      for (const [format, scale, opt] of [['float16', 'none', undefined], ['bfloat16', 'none', undefined], ['fp8-e4m3', 'tensor', 'amax'], ['fp8-e5m2', 'tensor', 'amax']]) {
        const r = lab.modelWithWeightsIn(fp32, format);
        try {
          assert.equal(r.scale, scale);
          assert.deepEqual(r.model.layerSizes, [784, 256, 10]);
          assert.equal(r.model.sizeBytes, fp32.sizeBytes);
          assert.equal(r.weights, 784 * 256 + 256 * 10);
          const stored = r.model.serialize();
          for (const l of [0, 1]) {
            const w = layerWeights(modelBytes, l);
            const t = lab.toFormat(w, format, opt ? { scale: opt } : undefined);
            const got = layerWeights(stored, l);
            assert.deepEqual(got, Float32Array.from(t.values), `${format} layer ${l}`);
            assert.ok(Math.abs(r.layers[l].mse / t.mse - 1) < 1e-6, `${format} layer ${l} mse`);
            assert.equal(r.layers[l].scales[0], t.scale);
          }
          assert.ok(r.mse > 0 && r.overflows === 0);
        } finally {
          r.model.delete();
        }
      }
    });

    it('int8 per channel errs less than per tensor; float32 changes nothing', () => {
      const t = lab.modelWithWeightsIn(fp32, 'int8');
      const c = lab.modelWithWeightsIn(fp32, 'int8', { scale: 'channel' });
      const same = lab.modelWithWeightsIn(fp32, 'float32');
      try {
        assert.equal(t.layers[0].scales.length, 1);
        assert.equal(c.layers[0].scales.length, 256);
        assert.ok(c.mse < t.mse / 2, `${c.mse} vs ${t.mse}`);
        assert.equal(same.mse, 0);
        assert.deepEqual(same.model.serialize(), fp32.serialize());
      } finally {
        for (const r of [t, c, same]) r.model.delete();
      }
    });

    it('bad arguments are named', () => {
      throwsWith(() => lab.modelWithWeightsIn(fp32, 'int4'), /format must be 'float32', 'float16', .* or 'int8', got "int4"/);
      throwsWith(() => lab.modelWithWeightsIn(fp32, 'int8', { scale: 'none' }), 'int8 weights need a scale: per tensor or per channel');
      throwsWith(() => lab.modelWithWeightsIn(fp32, 'float16', { scale: 'row' }), /scale must be 'none', 'tensor' or 'channel'/);
      throwsWith(() => lab.modelWithWeightsIn(fp32, 'float16', { saturate: true }), "modelWithWeightsIn has no option 'saturate': its option is scale");
      throwsWith(() => lab.modelWithWeightsIn({}, 'float16'), /model must be a Model/);
      const int8 = lab.quantizeDynamic(fp32);
      throwsWith(() => lab.modelWithWeightsIn(int8, 'float16'), 'this model is already quantized: give its fp32 original');
      int8.delete();
    });
  });
}

describe('modelWithWeightsIn: accuracy on the 10,000 test images (SIMD build)', () => {
  it('every format stays within 0.5 points of float32, and the weight errors order as the formats do', async () => {
    const lab = await createQuantLab({ simd: true });
    const [images, labels] = ['fashion-mnist-test-images.idx3.gz', 'fashion-mnist-test-labels.idx1.gz'].map(idx);
    const test = lab.loadDataset(images, labels, { name: 'test', expectedCount: 10000 });
    const fp32 = lab.loadModel(file('simplenet-fashion.qlmodel'));
    const base = lab.evaluate(fp32, test).accuracy;
    const results = {};
    for (const [name, format, scale] of [['fp16', 'float16'], ['bf16', 'bfloat16'], ['e4m3', 'fp8-e4m3'], ['e5m2', 'fp8-e5m2'],
      ['int8t', 'int8', 'tensor'], ['int8c', 'int8', 'channel']]) {
      const r = lab.modelWithWeightsIn(fp32, format, scale ? { scale } : undefined);
      results[name] = { mse: r.mse, accuracy: lab.evaluate(r.model, test).accuracy };
      r.model.delete();
    }
    console.log(`# fp32 ${base}; ${Object.entries(results).map(([k, v]) => `${k} ${v.accuracy} (mse ${v.mse.toExponential(2)})`).join('; ')}`);
    for (const [name, r] of Object.entries(results)) assert.ok(Math.abs(r.accuracy - base) <= 0.005, `${name}: ${r.accuracy} vs ${base}`);
    assert.ok(results.fp16.mse < results.bf16.mse && results.bf16.mse < results.e4m3.mse && results.e4m3.mse < results.e5m2.mse);
    assert.ok(results.int8c.mse < results.int8t.mse);
    fp32.delete();
    test.delete();
  });
});
