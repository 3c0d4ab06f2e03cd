// The dataset, evaluation, calibration and training API of dist/quantlab.js on the real files of dist/data:
// the committed model's accuracy equals its provenance, every method returns sane numbers, bad input gets a
// named error, and a short training run in WebAssembly learns.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';

import { createQuantLab, repoRoot, throwsWith } from './load.mjs';

const file = (path) => new Uint8Array(readFileSync(`${repoRoot}dist/data/${path}`));
const idx = (path) => new Uint8Array(gunzipSync(file(path)));
const provenance = JSON.parse(readFileSync(`${repoRoot}dist/data/simplenet-fashion.json`, 'utf8'));
const TEST = ['fashion-mnist-test-images.idx3.gz', 'fashion-mnist-test-labels.idx1.gz'].map(idx);
const CAL = ['fashion-mnist-calibration-images.idx3.gz', 'fashion-mnist-calibration-labels.idx1.gz'].map(idx);

describe('data API, SIMD build', () => {
  let lab;
  let test;
  let cal;
  let fp32;
  before(async () => {
    lab = await createQuantLab({ simd: true });
    test = lab.loadDataset(TEST[0], TEST[1], { name: 'test', expectedCount: 10000 });
    cal = lab.loadDataset(CAL[0], CAL[1], { name: 'calibration', expectedCount: 1024 });
    fp32 = lab.loadModel(file('simplenet-fashion.qlmodel'));
  });

  it('datasets: counts, labels, images, slices', () => {
    assert.equal(test.count, 10000);
    assert.equal(test.rows, 28);
    assert.equal(test.imageSize, 784);
    assert.equal(test.labels.length, 10000);
    assert.deepEqual(test.image(9999), TEST[0].subarray(16 + 9999 * 784));
    const first = cal.slice(0, 16);
    assert.equal(first.count, 16);
    assert.deepEqual(first.labels, cal.labels.subarray(0, 16));
    first.delete();
    first.delete();
    throwsWith(() => first.image(0), 'this dataset was deleted: load it again');
  });

  it('the committed model scores its provenance\'s accuracy on the 10,000 test images, fp32 and int8', () => {
    const e = lab.evaluate(fp32, test);
    assert.equal(e.correct, provenance.test_correct);
    assert.equal(e.accuracy, e.correct / 10000);
    assert.ok(e.accuracy >= 0.87, `fp32 accuracy ${e.accuracy}`);
    assert.equal(e.perClass.length, 10);
    assert.deepEqual(e.classCounts, Array(10).fill(1000));
    assert.equal(e.confusion.flat().reduce((a, b) => a + b, 0), 10000);
    assert.equal(e.confusion.reduce((s, row, i) => s + row[i], 0), e.correct);
    assert.ok(e.perClass.every((p, c) => p === e.confusion[c][c] / 1000));
    assert.equal(e.predictions.length, 10000);
    for (const [perChannel, key] of [[false, 'test_correct_int8_per_tensor'], [true, 'test_correct_int8_per_channel']]) {
      const q = lab.quantizeDynamic(fp32, { perChannel });
      assert.equal(lab.evaluate(q, test).correct, provenance[key]);
      q.delete();
    }
    // The idx bytes themselves work as well as a Dataset.
    assert.deepEqual(lab.evaluate(fp32, TEST[0], TEST[1]).predictions, e.predictions);
  });

  it('hidden activations, calibration, fake-quantized and static evaluation', () => {
    const { values, rows, cols } = lab.hiddenActivations(fp32, cal);
    assert.equal(rows, 1024);
    assert.equal(cols, 256);
    assert.equal(values.length, 1024 * 256);
    assert.ok(values.every((v) => v >= 0));
    const max = values.reduce((a, b) => Math.max(a, b), 0);
    const ranges = {};
    for (const method of ['minmax', 'percentile', 'mse', 'entropy']) {
      const c = lab.calibrate(values, { method, bits: 8, scheme: 'affine' });
      assert.ok(c.lo === 0 && c.hi > 0 && c.hi <= max, `${method}: [${c.lo}, ${c.hi}]`);
      assert.equal(c.zeroPoint, 0);
      assert.equal(c.scale, c.hi / 255);
      if (method === 'mse' || method === 'entropy') assert.equal(c.candidates.length, c.scores.length);
      ranges[method] = c;
    }
    assert.equal(ranges.minmax.hi, max);
    assert.ok(ranges.percentile.hi < max);
    const fq = lab.fakeQuantize(values, { bits: 4, lo: 0, hi: max, scheme: 'symmetric' });
    assert.equal(fq.recovered.length, values.length);
    assert.ok(fq.mse > lab.fakeQuantize(values, { bits: 4, lo: 0, hi: max, scheme: 'affine' }).mse);
    assert.deepEqual(lab.activationQuantParams({ bits: 8, lo: -1, hi: 3 }), { scale: 4 / 255, zeroPoint: 64, qmin: 0, qmax: 255 });

    const base = lab.evaluate(fp32, test).accuracy;
    const fake8 = lab.evaluateFakeQuant(fp32, test, { bits: 8, lo: 0, hi: ranges.minmax.hi });
    assert.ok(Math.abs(fake8.accuracy - base) < 0.005, `8-bit activations ${fake8.accuracy} vs fp32 ${base}`);
    const q = lab.quantizeDynamic(fp32, { perChannel: true });
    const static8 = lab.evaluateStatic(q, test, [{ bits: 8, lo: 0, hi: ranges.percentile.hi, scheme: 'affine' }]);
    assert.ok(Math.abs(static8.accuracy - base) < 0.01, `static int8 ${static8.accuracy} vs fp32 ${base}`);
    const static4 = lab.evaluateStatic(q, test, { bits: 4, lo: 0, hi: ranges.mse.hi, scheme: 'affine' });
    assert.ok(static4.accuracy > 0.8 && static4.accuracy < static8.accuracy + 0.01, `static 4-bit ${static4.accuracy}`);
    throwsWith(() => lab.evaluateStatic(fp32, test, { bits: 8, lo: 0, hi: 1 }),
      'static quantization runs an int8 model: quantize the fp32 model\'s weights first (quantizeDynamic)');
    throwsWith(() => lab.evaluateFakeQuant(fp32, test, [{ bits: 8, lo: 0, hi: 1 }, { bits: 8, lo: 0, hi: 1 }]),
      'give one activation range per hidden layer: this model has 1, got 2');
    throwsWith(() => lab.calibrate(values, { method: 'kl' }), 'method must be \'minmax\', \'percentile\', \'mse\' or \'entropy\', got "kl"');
    throwsWith(() => lab.fakeQuantize(values, { bits: 8, lo: 2, hi: 1 }), 'the range is upside down: lo 2 > hi 1');
    q.delete();
  });

  it('broken idx bytes and misuse get named errors', () => {
    throwsWith(() => lab.loadDataset(TEST[1], TEST[0], { name: 'test' }),
      'test image file is not an idx image file: its magic number is 0x00000801, an idx label file, expected 0x00000803');
    throwsWith(() => lab.loadDataset(TEST[0].subarray(0, 5000), TEST[1], { name: 'test' }),
      'test image file is truncated: 10000 images of 28 x 28 pixels need 7840000 bytes after the header, the file has 4984');
    throwsWith(() => lab.loadDataset(CAL[0], CAL[1], { expectedCount: 10000 }), 'dataset image file holds 1024 images, expected 10000');
    throwsWith(() => lab.loadDataset(TEST[0], CAL[1]),
      'the images file holds 10000 images but the labels file 1024 labels: they must describe the same examples');
    throwsWith(() => lab.loadDataset(file('fashion-mnist-test-labels.idx1.gz'), TEST[1]),
      'dataset image file is still gzip-compressed: decompress it before reading it as an idx file');
    throwsWith(() => lab.evaluate(fp32, 'test.idx'), 'images must be a Uint8Array or an ArrayBuffer, got "test.idx"');
    const small = lab.createSimpleNet(0);
    const tiny = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8]);
    const tinyLabels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 1, 0]);
    throwsWith(() => lab.evaluate(small, tiny, tinyLabels), 'the images have 4 pixels but the model takes 784 inputs');
    const tinySet = lab.loadDataset(tiny, tinyLabels);
    throwsWith(() => lab.createTrainer(tinySet), 'the images have 4 pixels but the model takes 784 inputs');
    tinySet.delete();
    throwsWith(() => lab.hiddenActivations(small, test, { layer: 1 }), 'layer 1 is not a hidden layer: this model has 1 (numbered from 0)');
    throwsWith(() => lab.createTrainer(test, { optimizer: 'rmsprop' }), 'optimizer must be \'adam\' or \'sgd\', got "rmsprop"');
    throwsWith(() => lab.createTrainer(test, { learningRate: 0 }), 'learning rate must be above 0 and below 10, got 0');
    const int8 = lab.quantizeDynamic(small);
    throwsWith(() => lab.createTrainer(test, { model: int8 }), 'only an fp32 model can be trained: this one has int8 weights');
    for (const m of [small, int8]) m.delete();
  });

  it('a short training run in WebAssembly learns, the same for the same seed', () => {
    const run = () => {
      const trainer = lab.createTrainer(cal, { seed: 3, batchSize: 64 });
      assert.equal(trainer.stepsPerEpoch, 16);
      const reports = [];
      const first = trainer.trainEpoch({ onProgress: (p) => reports.push(p), reportEvery: 5 });
      assert.deepEqual(reports.map((r) => r.done), [5, 10, 15, 16]);
      let last;
      for (let e = 0; e < 4; e++) last = trainer.trainEpoch();
      assert.equal(trainer.progress.stepsDone, 80);
      assert.equal(last.epoch, 5);
      assert.ok(last.loss < 0.6 * first.loss, `loss ${first.loss} -> ${last.loss}`);
      const model = trainer.model();
      trainer.delete();
      const bytes = model.serialize();
      const accuracy = lab.evaluate(model, test).accuracy;
      model.delete();
      return { bytes, accuracy };
    };
    const a = run();
    assert.ok(a.accuracy > 0.7, `test accuracy after 5 epochs on 1024 images: ${a.accuracy}`);
    assert.deepEqual(run().bytes, a.bytes);
  });

  it('datasets and trainers give their memory back', () => {
    const cycle = () => {
      const d = lab.loadDataset(CAL[0], CAL[1]);
      const t = lab.createTrainer(d, { batchSize: 256 });
      t.run(1);
      t.model().delete();
      t.delete();
      d.slice(0, 10).delete();
      d.delete();
    };
    cycle();
    const baseline = lab.memoryStats().allocatedBytes;
    for (let i = 0; i < 5; i++) cycle();
    assert.ok(lab.memoryStats().allocatedBytes <= baseline + 4096, `${lab.memoryStats().allocatedBytes} vs ${baseline}`);
  });
});

// The scalar build (browsers without WebAssembly SIMD) on a slice of the test set, against the SIMD build: int8
// predictions are identical (integer GEMMs, then the same float steps), fp32 ones nearly (another summation
// order); its trainer learns. (The full test set through the scalar kernels would take a minute.)
describe('data API, scalar build against the SIMD build', () => {
  it('the same int8 predictions, nearly the same fp32 ones; the trainer learns', async () => {
    const labs = [await createQuantLab({ simd: true }), await createQuantLab({ simd: false })];
    const [simdRun, scalarRun] = labs.map((lab) => {
      const full = lab.loadDataset(TEST[0], TEST[1]);
      const test = full.slice(0, 2000);
      full.delete();
      const fp32 = lab.loadModel(file('simplenet-fashion.qlmodel'));
      const int8 = lab.quantizeDynamic(fp32, { perChannel: true });
      const r = { fp32: lab.evaluate(fp32, test).predictions, int8: lab.evaluate(int8, test).predictions };
      for (const x of [fp32, int8, test]) x.delete();
      return r;
    });
    assert.deepEqual(scalarRun.int8, simdRun.int8);
    const same = scalarRun.fp32.filter((p, i) => p === simdRun.fp32[i]).length;
    assert.ok(same >= 1998, `${same} of 2000 fp32 predictions agree`);
    const lab = labs[1];
    const cal = lab.loadDataset(CAL[0], CAL[1]);
    const trainer = lab.createTrainer(cal, { seed: 1 });
    const first = trainer.trainEpoch();
    const second = trainer.trainEpoch();
    assert.ok(second.loss < 0.8 * first.loss, `loss ${first.loss} -> ${second.loss}`);
    trainer.delete();
    cal.delete();
  });
});
