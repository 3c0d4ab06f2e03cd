// Whole low-bit models (issue 13, phase 2) through dist/quantlab.js, on the committed trained SimpleNet and the
// real Fashion-MNIST files: quantizeWeights (RTN, NF4, mixed precision), gptqModel and awqModel with progress,
// evaluate() on the 10,000 test images, model files of format version 2, both builds agreeing, and the options'
// named errors. The numbers themselves are checked in Catch2 (tests/cpp/test_lowbit_model.cpp).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';

import { createQuantLab, repoRoot, throwsWith } from './load.mjs';

const file = (path) => new Uint8Array(readFileSync(`${repoRoot}dist/data/${path}`));
const idx = (path) => new Uint8Array(gunzipSync(file(path)));
const TEST = ['fashion-mnist-test-images.idx3.gz', 'fashion-mnist-test-labels.idx1.gz'].map(idx);
const CAL = ['fashion-mnist-calibration-images.idx3.gz', 'fashion-mnist-calibration-labels.idx1.gz'].map(idx);

describe('whole low-bit models, SIMD build', () => {
  let lab;
  let test;
  let cal;
  let fp32;
  let fp32Accuracy;
  before(async () => {
    lab = await createQuantLab({ simd: true });
    test = lab.loadDataset(TEST[0], TEST[1], { name: 'test', expectedCount: 10000 });
    cal = lab.loadDataset(CAL[0], CAL[1], { name: 'calibration', expectedCount: 1024 });
    fp32 = lab.loadModel(file('simplenet-fashion.qlmodel'));
    fp32Accuracy = lab.evaluate(fp32, test).accuracy;
  });

  it('quantizeWeights: a 4-bit model per channel, its schemes, size, accuracy and file of version 2', () => {
    const q = lab.quantizeWeights(fp32, { bits: 4 });
    assert.equal(q.kind, 'lowbit');
    assert.deepEqual(q.layerSchemes.map((s) => [s.kind, s.bits, s.groupSize, s.inputScales]),
      [['int4', 4, 'channel', false], ['int4', 4, 'channel', false]]);
    assert.equal(q.sizeBytes, 103836);
    assert.deepEqual(q.quantization, { method: 'rtn' });
    const acc = lab.evaluate(q, test).accuracy;
    assert.ok(acc > 0.8 && acc <= fp32Accuracy + 0.005, `int4 accuracy ${acc}`);
    const bytes = q.serialize();
    assert.equal(bytes[8], 2);
    const back = lab.loadModel(bytes);
    assert.deepEqual(back.serialize(), bytes);
    const x = lab.rand(1, 3 * 784);
    assert.deepEqual(back.forward(x), q.forward(x));
    for (const m of [q, back]) m.delete();
  });

  it('quantizeWeights: groups, 2 and 3 bits, NF4 and mixed precision', () => {
    const sizes = {};
    const accuracies = {};
    for (const [name, opts] of Object.entries({
      g64: { bits: 4, groupSize: 64 },
      int3: { bits: 3 },
      int2: { bits: 2 },
      nf4: { method: 'nf4' },
      mixed: { layers: [{ bits: 4, groupSize: 64 }, { bits: 8 }] },
      keep: { layers: [{ method: 'nf4', blockSize: 32 }, 'fp32'] },
    })) {
      const m = lab.quantizeWeights(fp32, opts);
      sizes[name] = m.sizeBytes;
      accuracies[name] = lab.evaluate(m, test).accuracy;
      if (name === 'mixed') assert.deepEqual(m.layerSchemes.map((s) => s.kind), ['int4', 'int8']);
      if (name === 'keep') assert.deepEqual(m.layerSchemes.map((s) => [s.kind, s.groupSize]), [['nf4', 32], ['fp32', null]]);
      if (name === 'nf4') assert.deepEqual(m.layerSchemes.map((s) => s.groupSize), [64, 64]);
      m.delete();
    }
    assert.equal(sizes.g64, 116244);
    assert.equal(sizes.int3, 78428);
    assert.equal(sizes.int2, 53020);
    assert.equal(sizes.nf4, 116244);
    assert.ok(accuracies.int2 < accuracies.int3, JSON.stringify(accuracies));
    assert.ok(accuracies.g64 > 0.84 && accuracies.nf4 > 0.84, JSON.stringify(accuracies));
  });

  it('gptqModel: progress through both layers, each layer no worse than RTN on its calibration inputs', () => {
    const events = [];
    const g = lab.gptqModel(fp32, cal, { bits: 3, onProgress: (p) => events.push(p) });
    assert.equal(events.length, events.at(-1).total);
    assert.deepEqual(events.map((e) => e.done), events.map((_, i) => i + 1));
    assert.deepEqual([...new Set(events.map((e) => `${e.layer}:${e.stage}`))],
      ['1:hessian', '1:factor', '1:columns', '2:hessian', '2:factor', '2:columns']);
    assert.equal(g.quantization.method, 'gptq');
    g.quantization.layerErrors.forEach((e, i) => assert.ok(e > 0 && e <= g.quantization.rtnErrors[i], `layer ${i + 1}`));
    const rtn = lab.quantizeWeights(fp32, { bits: 3 });
    const [accGptq, accRtn] = [g, rtn].map((m) => lab.evaluate(m, test).accuracy);
    assert.ok(accGptq > accRtn, `GPTQ ${accGptq} against RTN ${accRtn} at 3 bits`);
    for (const m of [g, rtn]) m.delete();
  });

  it('awqModel: input scales per layer, alphas, a model that saves and loads', () => {
    const a = lab.awqModel(fp32, cal, { bits: 4, count: 256, alphas: [0, 0.25, 0.5] });
    assert.deepEqual(a.layerSchemes.map((s) => s.inputScales), [true, true]);
    assert.equal(a.quantization.alphas.length, 2);
    a.quantization.alphas.forEach((v) => assert.ok([0, 0.25, 0.5].includes(v)));
    a.quantization.layerErrors.forEach((e, i) => assert.ok(e <= a.quantization.rtnErrors[i]));
    const back = lab.loadModel(a.serialize());
    const x = lab.rand(2, 784);
    assert.deepEqual(back.forward(x), a.forward(x));
    assert.ok(lab.evaluate(a, test).accuracy > 0.8);
    for (const m of [a, back]) m.delete();
  });

  it('calibration inputs as a Float32Array give the Dataset\'s result', () => {
    const pixels = cal.images(0, 64);
    const x = new Float32Array(pixels.length);
    for (let i = 0; i < x.length; i++) x[i] = Math.fround(pixels[i] / 255);
    const a = lab.gptqModel(fp32, cal, { count: 64, bits: 4, groupSize: 64 });
    const b = lab.gptqModel(fp32, x, { bits: 4, groupSize: 64 });
    assert.deepEqual(a.serialize(), b.serialize());
    for (const m of [a, b]) m.delete();
  });

  it('the scalar build runs a SIMD-made int4 model to the same bits', async () => {
    const scalar = await createQuantLab({ simd: false });
    const q = lab.quantizeWeights(fp32, { bits: 4, groupSize: 32 });
    const s = scalar.loadModel(q.serialize());
    const x = lab.rand(3, 5 * 784);
    assert.deepEqual(s.forward(x), q.forward(x));
    for (const m of [q, s]) m.delete();
  });

  it('bad options get named errors', () => {
    throwsWith(() => lab.quantizeWeights(fp32, { bits: 4, group: 64 }),
      "quantizeWeights: unknown option 'group' (the options are method, bits, groupSize, blockSize, layers)");
    throwsWith(() => lab.quantizeWeights(fp32, { bits: 5 }),
      'layer 1: a model layer has 2, 3, 4 or 8 bits, got 5 (5 to 7 bits have no kernel; groupQuantize computes them for one matrix)');
    throwsWith(() => lab.quantizeWeights(fp32, { groupSize: 12 }),
      'layer 1: groups of 12 weights: the int4 kernels take groups of a multiple of 8 weights (8, 16, 32, 64, 128...)');
    throwsWith(() => lab.quantizeWeights(fp32, { bits: '4' }), 'bits must be a number, got "4"');
    throwsWith(() => lab.quantizeWeights(fp32, { method: 'gptq' }), "method must be 'rtn', 'nf4' or 'fp32', got \"gptq\"");
    throwsWith(() => lab.quantizeWeights(fp32, { layers: [{ bits: 4 }] }),
      'quantizeWeights: layers must be an array of one scheme per layer (2 for this model), got an array of length 1');
    throwsWith(() => lab.quantizeWeights(fp32, { layers: [{ bits: 4, size: 8 }, 'fp32'] }),
      "quantizeWeights layers[0]: unknown option 'size' (the options are method, bits, groupSize, blockSize)");
    throwsWith(() => lab.quantizeWeights(fp32, { layers: [{ bits: 2.5 }, 'fp32'] }), /layers\[0\]\.bits must be a whole number from 2 to 8, got 2\.5/);
    throwsWith(() => lab.quantizeWeights('model'), 'model must be a Model, got "model"');
    const q = lab.quantizeWeights(fp32);
    throwsWith(() => lab.quantizeWeights(q), 'this model already has quantized layers: quantize its fp32 original instead');
    throwsWith(() => lab.gptqModel(q, cal), 'this model already has quantized layers: quantize its fp32 original instead');
    q.delete();
    throwsWith(() => lab.gptqModel(fp32, cal, { method: 'nf4' }),
      "gptqModel: unknown option 'method' (the options are bits, groupSize, damp, blockSize, count, layers, onProgress)");
    throwsWith(() => lab.gptqModel(fp32, cal, { layers: [{ blockSize: 32 }, {}] }),
      "gptqModel layers[0]: unknown option 'blockSize' (the options are bits, groupSize)");
    throwsWith(() => lab.gptqModel(fp32, cal, { damp: -1 }),
      'damping must be a finite number >= 0 (a fraction of the mean diagonal, e.g. 0.01), got -1');
    throwsWith(() => lab.gptqModel(fp32, cal, { count: 2000 }), /count must be a whole number from 1 to 1024, got 2000/);
    throwsWith(() => lab.gptqModel(fp32, new Float32Array(100)),
      'inputs has 100 values: give 784 per calibration example (a multiple of 784)');
    throwsWith(() => lab.gptqModel(fp32, new Float32Array(784), { count: 1 }), 'count applies to a Dataset: give fewer inputs instead');
    throwsWith(() => lab.awqModel(fp32, cal, { onProgress: 3 }), 'onProgress must be a function, got 3');
  });
});
