// The QAT part of the benchmark (docs/qat.md), called by run-bench.mjs: one QAT step at batch 128 and one epoch
// over the 10,000-image training subset (4 bits per channel, Adam), SIMD and scalar builds, in Node and in headless
// Chromium (a page of dist/, as the lab runs it); and the documented default run for the accuracy keys: from the
// trained fp32 model, 2 epochs over the shipped subset, Adam 1e-3, batch 128, seed 0, per channel, 4/3/2 bits,
// evaluated on the 10,000 test images (Chromium, SIMD). `node tests/bench/qat-bench.mjs` runs it alone.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = join(root, 'dist');

// Runs in Node and, serialized, in the page: no closure, imports by URL. `files` gives the data in Node (no fetch).
async function measure({ apiUrl, loaderUrl, simd, accuracy, files }) {
  const { createQuantLab } = await import(apiUrl);
  const { loadFashionMnist, loadTrainedModel, parseIdx, gunzip } = await import(loaderUrl);
  const lab = await createQuantLab({ simd });
  let train;
  let test = null;
  let modelBytes;
  if (files) {
    const idx = async (bytes, kind) => parseIdx(await gunzip(bytes), { kind });
    train = { images: await idx(files.trainImages, 'images'), labels: await idx(files.trainLabels, 'labels') };
    if (accuracy) test = { images: await idx(files.testImages, 'images'), labels: await idx(files.testLabels, 'labels') };
    modelBytes = files.model;
  } else {
    train = await loadFashionMnist('train');
    if (accuracy) test = await loadFashionMnist('test');
    modelBytes = (await loadTrainedModel()).bytes;
  }
  const trainSet = lab.loadDataset(train.images, train.labels, { name: 'training subset', expectedCount: 10000 });
  const testSet = test && lab.loadDataset(test.images, test.labels, { name: 'test', expectedCount: 10000 });
  const fp32 = lab.loadModel(modelBytes);
  const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
  const result = { simd: lab.simd };
  // Timing: 4 bits per channel. Steps: 5 warm-up, then the median of 15 batches of 4 steps (one step is tens of ms).
  const qat = lab.createQatTrainer(trainSet, { model: fp32, bits: 4 });
  qat.run(5);
  const steps = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    qat.run(4);
    steps.push((performance.now() - t0) / 4);
  }
  result.stepMs = median(steps);
  // Epochs: the rest of the current one first, then the median of 3 whole epochs (79 steps each).
  qat.run(qat.stepsPerEpoch - qat.progress.stepInEpoch);
  const epochs = [];
  const cpu = [];
  // In Node, also the process's CPU time: on a machine shared with other work, the figure an idle one would show.
  const cpuNow = () => (typeof process === 'object' && process.cpuUsage ? process.cpuUsage() : null);
  for (let i = 0; i < 3; i++) {
    const c0 = cpuNow();
    const t0 = performance.now();
    qat.run(qat.stepsPerEpoch);
    epochs.push(performance.now() - t0);
    if (c0) {
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
  }
  result.epochMs = median(epochs);
  if (cpu.length) result.epochCpuMs = median(cpu);
  qat.delete();
  if (testSet) {
    result.fp32 = lab.evaluate(fp32, testSet).accuracy;
    result.accuracy = {};
    for (const bits of [4, 3, 2]) {
      const t = lab.createQatTrainer(trainSet, { model: fp32, bits, groupSize: 'channel', learningRate: 1e-3, batchSize: 128, seed: 0 });
      const rtn = t.evaluate(testSet).accuracy;
      const after = [];
      for (let e = 0; e < 2; e++) {
        t.run(t.stepsPerEpoch);
        after.push(t.evaluate(testSet).accuracy);
      }
      result.accuracy[bits] = { rtn, epoch1: after[0], epoch2: after[1] };
      t.delete();
    }
  }
  for (const o of [trainSet, testSet, fp32]) o?.delete();
  return result;
}

export async function qatBench(results, notes, say = console.log) {
  if (!existsSync(join(dist, 'data/fashion-mnist-train-subset-images.idx3.gz'))) {
    notes.push('QAT: dist/data has no training subset (build-scripts/build.sh site), skipped');
    return;
  }
  const read = (p) => new Uint8Array(readFileSync(join(dist, 'data', p)));
  const files = {
    trainImages: read('fashion-mnist-train-subset-images.idx3.gz'),
    trainLabels: read('fashion-mnist-train-subset-labels.idx1.gz'),
    model: read('simplenet-fashion.qlmodel'),
  };
  const args = (simd, accuracy) => ({
    apiUrl: pathToFileURL(join(dist, 'quantlab.js')).href,
    loaderUrl: pathToFileURL(join(dist, 'data-loader.js')).href,
    simd, accuracy, files,
  });
  const node = {};
  for (const simd of [true, false]) {
    say(`QAT in Node ${process.version}, ${simd ? 'SIMD' : 'scalar'} build...`);
    node[simd] = await measure(args(simd, false));
    results[`qat_step_b128_${simd ? '' : 'scalar_'}node_ms`] = node[simd].stepMs;
    results[`qat_epoch_${simd ? '' : 'scalar_'}node_ms`] = node[simd].epochMs;
    results[`qat_epoch_${simd ? '' : 'scalar_'}node_cpu_ms`] = node[simd].epochCpuMs;
  }
  let browserTools;
  try {
    browserTools = await import('../browser/browser.mjs');
  } catch (e) {
    notes.push(`QAT: the browser tests' tools did not load (${e.message}), Chromium skipped`);
    return;
  }
  if (!existsSync(browserTools.CHROMIUM)) {
    notes.push('QAT: no Chromium, skipped');
    return;
  }
  const { url, browser, close } = await browserTools.launch();
  try {
    const page = await browser.newPage();
    await page.goto(url);
    for (const simd of [false, true]) {
      say(`QAT in headless Chromium, ${simd ? 'SIMD build, and the default runs at 4, 3 and 2 bits (about a minute)' : 'scalar build'}...`);
      const r = await page.evaluate(`(${measure})({apiUrl: './quantlab.js', loaderUrl: './data-loader.js', simd: ${simd}, accuracy: ${simd}})`);
      results[`qat_step_b128_${simd ? '' : 'scalar_'}chromium_ms`] = r.stepMs;
      results[`qat_epoch_${simd ? '' : 'scalar_'}chromium_ms`] = r.epochMs;
      if (r.accuracy) {
        for (const bits of [4, 3, 2]) {
          results[`accuracy_qat_int${bits}_channel`] = r.accuracy[bits].epoch2;
          results[`accuracy_qat_int${bits}_channel_epoch1`] = r.accuracy[bits].epoch1;
          results[`accuracy_rtn_int${bits}_channel`] = r.accuracy[bits].rtn;
        }
      }
    }
  } finally {
    await close();
  }
}

export function qatReport(r) {
  const fmt = (v, d = 1) => (typeof v === 'number' ? v.toFixed(d) : '—');
  console.log('\nquantization-aware training, 4 bits per channel, batch 128 (ms)    Node    Chromium');
  for (const [label, key] of [['one step, SIMD', 'qat_step_b128_'], ['one step, scalar', 'qat_step_b128_scalar_'],
    ['one epoch of 10,000 images, SIMD', 'qat_epoch_'], ['one epoch of 10,000 images, scalar', 'qat_epoch_scalar_']]) {
    console.log(`  ${label.padEnd(62)}${fmt(r[`${key}node_ms`]).padStart(8)}${fmt(r[`${key}chromium_ms`]).padStart(12)}`);
  }
  console.log(`  one epoch, CPU time of the Node process (SIMD / scalar): ${fmt(r.qat_epoch_node_cpu_ms)} / ${fmt(r.qat_epoch_scalar_node_cpu_ms)}`);
  console.log('QAT default run (from the trained fp32 model, 2 epochs over the subset, Adam 1e-3), test accuracy');
  console.log('  weights, per channel   RTN      QAT 1 epoch   QAT 2 epochs');
  for (const bits of [4, 3, 2]) {
    console.log(`  ${`${bits}-bit`.padEnd(22)}${fmt(r[`accuracy_rtn_int${bits}_channel`], 4).padStart(6)}` +
      `${fmt(r[`accuracy_qat_int${bits}_channel_epoch1`], 4).padStart(14)}${fmt(r[`accuracy_qat_int${bits}_channel`], 4).padStart(15)}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = {};
  const notes = [];
  await qatBench(results, notes, (l) => console.log(`[qat-bench] ${l}`));
  qatReport(results);
  for (const n of notes) console.log(`note: ${n}`);
}
