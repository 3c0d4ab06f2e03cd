// Quantization-aware training through dist/quantlab.js (docs/qat.md) on the real files of dist/data: the
// training subset, a QAT run that lowers the 2-bit model's loss on the calibration images, the quantized model
// on the grid, chunked epochs that pause and resume, held scales that clip, and bad options with named errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';

import { readModelFile } from '../bench/model-file.mjs';
import { createQuantLab, repoRoot, throwsWith } from './load.mjs';

const file = (path) => new Uint8Array(readFileSync(`${repoRoot}dist/data/${path}`));
const idx = (path) => new Uint8Array(gunzipSync(file(path)));
const CAL = ['fashion-mnist-calibration-images.idx3.gz', 'fashion-mnist-calibration-labels.idx1.gz'].map(idx);
const SUBSET = ['fashion-mnist-train-subset-images.idx3.gz', 'fashion-mnist-train-subset-labels.idx1.gz'];

describe('QAT API, SIMD build', () => {
  let lab;
  let cal;
  let fp32;
  before(async () => {
    lab = await createQuantLab({ simd: true });
    cal = lab.loadDataset(CAL[0], CAL[1], { name: 'calibration', expectedCount: 1024 });
    fp32 = lab.loadModel(file('simplenet-fashion.qlmodel'));
  });

  it('the training subset: 10,000 training images (the calibration images first), at most 5 MB compressed', () => {
    const bytes = SUBSET.map((p) => file(p).length);
    assert.ok(bytes[0] + bytes[1] <= 5e6, `${bytes[0] + bytes[1]} bytes`);
    const images = new Uint8Array(gunzipSync(file(SUBSET[0])));
    const labels = new Uint8Array(gunzipSync(file(SUBSET[1])));
    const subset = lab.loadDataset(images, labels, { name: 'training subset', expectedCount: 10000 });
    assert.equal(subset.count, 10000);
    assert.deepEqual(subset.images(0, 1024), CAL[0].subarray(16));
    assert.deepEqual(subset.labels.subarray(0, 1024), CAL[1].subarray(8));
    // Never a test image.
    const test = new Uint8Array(gunzipSync(file('fashion-mnist-test-images.idx3.gz'))).subarray(16);
    const seen = new Set();
    for (let i = 0; i < 10000; i++) seen.add(Buffer.from(test.subarray(i * 784, (i + 1) * 784)).toString('base64'));
    const all = subset.images();
    let shared = 0;
    for (let i = 0; i < 10000; i++) shared += seen.has(Buffer.from(all.subarray(i * 784, (i + 1) * 784)).toString('base64'));
    assert.equal(shared, 0);
    subset.delete();
  });

  it('2-bit QAT on the calibration images lowers the quantized model\'s loss; the model stays on the grid', async () => {
    const qat = lab.createQatTrainer(cal, { model: fp32, bits: 2, seed: 0 });
    assert.equal(qat.bits, 2);
    assert.equal(qat.groupSize, 'channel');
    assert.equal(qat.scale, 'max');
    assert.equal(qat.mask, true);
    assert.equal(qat.stepsPerEpoch, 8);
    assert.equal(qat.weightCount, 784 * 256 + 256 * 10);
    const rtn = qat.evaluate(cal).accuracy;
    const first = qat.run(8);
    let last;
    for (let e = 0; e < 4; e++) last = qat.run(8);
    assert.ok(last.loss < 0.8 * first.loss, `mean loss ${first.loss} in epoch 1, ${last.loss} in epoch 5`);
    assert.equal(last.epoch, 5);
    assert.equal(last.clippedWeights, 0); // 'max' scales clip nothing
    const after = qat.evaluate(cal).accuracy;
    assert.ok(after > rtn + 0.1, `2-bit accuracy on the training images: RTN ${rtn}, after QAT ${after}`);
    // The quantized model is the dequantized 2-bit weights: per row, q in [-1, 1] times the row's scale.
    const layer = qat.layerQuantization(0);
    assert.equal(layer.qmax, 1);
    assert.equal(layer.scales.length, 256);
    assert.ok(layer.q.every((v) => v >= -1 && v <= 1));
    const model = qat.quantizedModel();
    const { weight } = readModelFile(model.serialize()).layers[0]; // out x in
    for (let i = 0; i < weight.length; i++) {
      if (Math.fround(layer.q[i] * layer.scales[Math.floor(i / 784)]) !== weight[i]) assert.fail(`weight ${i}: ${weight[i]}`);
    }
    assert.equal(lab.evaluate(model, cal).accuracy, after);
    model.delete();
    const master = qat.masterModel();
    assert.notEqual(lab.evaluate(master, cal).accuracy, after);
    master.delete();
    qat.delete();
    qat.delete();
    throwsWith(() => qat.run(1), 'this QAT trainer was deleted: create another one');
  });

  it('trainEpoch runs in chunks with progress, pauses on an aborted signal and resumes where it stopped', async () => {
    const qat = lab.createQatTrainer(cal, { model: fp32, bits: 4, batchSize: 64 });
    assert.equal(qat.stepsPerEpoch, 16);
    const controller = new AbortController();
    const seen = [];
    const paused = await qat.trainEpoch({ chunkSteps: 3, signal: controller.signal,
      onProgress: (p) => { seen.push(p); if (p.done >= 6) controller.abort(); } });
    assert.equal(paused.aborted, true);
    assert.deepEqual(seen.map((p) => p.done), [3, 6]);
    assert.equal(qat.progress.stepInEpoch, 6);
    const rest = await qat.trainEpoch({ chunkSteps: 4, onProgress: (p) => seen.push(p) });
    assert.equal(rest.aborted, false);
    assert.deepEqual(seen.slice(2).map((p) => p.done), [10, 14, 16]);
    assert.equal(rest.examplesSeen, 1024 - 6 * 64);
    assert.equal(rest.epoch, 1);
    assert.ok(seen.every((p) => p.total === 16 && Number.isFinite(p.loss) && p.accuracy >= 0 && p.accuracy <= 1));
    // The same steps in one go give the same weights (pausing changes nothing).
    const straight = lab.createQatTrainer(cal, { model: fp32, bits: 4, batchSize: 64 });
    straight.run(16);
    const [a, b] = [qat.quantizedModel(), straight.quantizedModel()];
    assert.deepEqual(a.serialize(), b.serialize());
    for (const o of [a, b, qat, straight]) o.delete();
  });

  it('held scales clip weights that move past the range, and the mask option reaches the core', () => {
    // The mask's exact effect (clipped masters get no gradient) is checked in Catch2 (test_qat.cpp); here, that
    // the options arrive: Adam at 1e-2 moves weights past the held 4-bit range within a few steps.
    const run = (mask) => {
      const qat = lab.createQatTrainer(cal, { model: fp32, bits: 4, scale: 'frozen', mask, learningRate: 0.01 });
      assert.equal(qat.scale, 'frozen');
      assert.equal(qat.mask, mask);
      let clipped = 0;
      for (let i = 0; i < 8; i++) clipped = qat.run(1).clippedWeights;
      const master = qat.masterModel();
      const bytes = master.serialize();
      for (const o of [master, qat]) o.delete();
      return { clipped, bytes };
    };
    const withMask = run(true);
    const without = run(false);
    assert.ok(withMask.clipped > 0 && without.clipped > 0, `clipped weights: ${withMask.clipped} and ${without.clipped}`);
    assert.notDeepEqual(withMask.bytes, without.bytes);
  });

  it('bad options get named errors; unknown options are errors', () => {
    throwsWith(() => lab.createQatTrainer(cal), /needs options.model/);
    throwsWith(() => lab.createQatTrainer(cal, { model: fp32, bitz: 4 }), /createQatTrainer: unknown option 'bitz'/);
    throwsWith(() => lab.createQatTrainer(cal, { model: fp32, bits: 9 }), /bits must be an integer from 2 to 8/);
    throwsWith(() => lab.createQatTrainer(cal, { model: fp32, bits: 3.5 }), /bits must be an integer from 2 to 8/);
    throwsWith(() => lab.createQatTrainer(cal, { model: fp32, groupSize: 0 }), /groupSize must be 'tensor', 'channel' or a whole number >= 1/);
    throwsWith(() => lab.createQatTrainer(cal, { model: fp32, scale: 'minmax' }), /scale must be 'max' or 'frozen'/);
    throwsWith(() => lab.createQatTrainer(cal, { model: fp32, mask: 'yes' }), /mask must be true or false/);
    throwsWith(() => lab.createQatTrainer(cal, { model: fp32, learningRate: -1 }), /learning rate must be above 0/);
    throwsWith(() => lab.createQatTrainer(cal, { model: fp32, batchSize: 0 }), /batchSize/);
    throwsWith(() => lab.createQatTrainer(cal, { model: 'simplenet' }), /model must be a Model/);
    const int8 = lab.quantizeDynamic(fp32);
    throwsWith(() => lab.createQatTrainer(cal, { model: int8 }), /only an fp32 model can be trained/);
    int8.delete();
    const qat = lab.createQatTrainer(cal, { model: fp32, groupSize: 64 });
    assert.equal(qat.groupSize, 64);
    throwsWith(() => qat.run(0), /steps/);
    throwsWith(() => qat.layerQuantization(2), /layer 2 does not exist/);
    return assert.rejects(qat.trainEpoch({ chunk: 3 }), /trainEpoch: unknown option 'chunk'/).finally(() => qat.delete());
  });
});
