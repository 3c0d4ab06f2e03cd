// Exercise 9's training worker: one per page, alive between runs, so that a run can pause and resume with its
// trainer where it stopped (the data worker, ../../data/worker.js, runs one job and ends). Protocol:
//   page -> worker  {type: 'init', simd, wasmModule, files}: the page's compiled WebAssembly and the checked bytes
//                   of the training subset, the test set and the trained model ({train, test: {images, labels,
//                   count}, model: {model}})
//   worker -> page  {type: 'ready', fp32}: the float32 model's test accuracy
//   page -> worker  {type: 'start', run: {id, bits, group, lr, epochs}}: a new run (the previous trainer is freed)
//   worker -> page  {type: 'stage', id, text, fraction}  round-to-nearest and GPTQ being measured
//                   {type: 'baseline', id, rtn, gptq}      their test accuracies (integer weights, as exercise 8)
//                   {type: 'loss', id, step, epoch, loss, accuracy, clipped, total}   every CHUNK_STEPS steps
//                   {type: 'test', id, step, accuracy}     the fake-quantized network on the test images
//                   {type: 'paused', id, step} … {type: 'done', id, qat, fakeQuant}
//   page -> worker  {type: 'pause'} / {type: 'resume'}: between two chunks; Cancel terminates the worker.
//   worker -> page  {type: 'error', id, message} when anything fails.
import { loadLab } from '../../app/core.js';
import { CHUNK_STEPS, EVAL_EVERY, GPTQ_IMAGES, groupSize } from './data.js';

let state = null; // {lab, train, test, fp32}
let run = null; // {id, qat, total, paused, looping, epochs}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
const error = (id, e) => postMessage({ type: 'error', id, message: e instanceof Error ? e.message : String(e) });

async function init({ simd, wasmModule, files }) {
  const lab = await loadLab(wasmModule instanceof WebAssembly.Module ? { simd, wasmModule } : { simd: 'auto' });
  const dataset = (name) => lab.loadDataset(files[name].images, files[name].labels, { name: name === 'train' ? 'training subset' : name, expectedCount: files[name].count });
  const train = dataset('train');
  const test = dataset('test');
  const fp32 = lab.loadModel(files.model.model);
  state = { lab, train, test, fp32 };
  postMessage({ type: 'ready', fp32: lab.evaluate(fp32, test).accuracy });
}

/** Test accuracy of a model with integer weights (2-4 bits on the int4 kernels, 8 bits int8), freed after. */
function accuracyOf(model) {
  try {
    return state.lab.evaluate(model, state.test).accuracy;
  } finally {
    model.delete();
  }
}

async function start({ id, bits, group, lr, epochs }) {
  run?.qat.delete();
  run = null;
  const { lab, train, fp32 } = state;
  const scheme = { bits, groupSize: groupSize(group) };
  postMessage({ type: 'stage', id, fraction: 0, text: 'Round-to-nearest: quantizing and evaluating on the 10,000 test images…' });
  const rtn = accuracyOf(lab.quantizeWeights(fp32, scheme));
  await nextTask();
  postMessage({ type: 'stage', id, fraction: 0, text: `GPTQ with ${GPTQ_IMAGES.toLocaleString('en-US')} training images, then the test images…` });
  const gptq = accuracyOf(lab.gptqModel(fp32, train, { ...scheme, count: GPTQ_IMAGES }));
  postMessage({ type: 'baseline', id, rtn, gptq });
  await nextTask();
  const qat = lab.createQatTrainer(train, { model: fp32, ...scheme, learningRate: lr, optimizer: 'adam', seed: 0 });
  run = { id, qat, epochs, total: epochs * qat.stepsPerEpoch, paused: false, looping: false, lastEval: 0 };
  postMessage({ type: 'test', id, step: 0, accuracy: qat.evaluate(state.test).accuracy });
  await loop(run);
}

async function loop(r) {
  if (r.looping) return;
  r.looping = true;
  try {
    const { qat } = r;
    while (run === r && !r.paused) {
      const { epoch, stepInEpoch, stepsDone } = qat.progress;
      if (stepsDone >= r.total) break;
      const report = qat.run(Math.min(CHUNK_STEPS, qat.stepsPerEpoch - stepInEpoch, r.total - stepsDone));
      postMessage({ type: 'loss', id: r.id, step: report.stepsDone, epoch: report.epoch, loss: report.loss, accuracy: report.accuracy,
        clipped: report.clippedWeights, total: r.total, epochStart: epoch });
      const epochEnd = report.stepInEpoch === 0;
      if (epochEnd || report.stepsDone - r.lastEval >= EVAL_EVERY) {
        r.lastEval = report.stepsDone;
        postMessage({ type: 'test', id: r.id, step: report.stepsDone, accuracy: qat.evaluate(state.test).accuracy, epochEnd });
      }
      await nextTask(); // a pause or a new run is heard here
    }
    if (run !== r) return;
    if (r.paused) {
      postMessage({ type: 'paused', id: r.id, step: qat.progress.stepsDone });
      return;
    }
    const scheme = { bits: qat.bits, groupSize: qat.groupSize };
    // The trained network on the same integer kernels as round-to-nearest and GPTQ: with scales max|w| / qmax, the
    // quantized weights are already on their grid, so quantizeWeights gives back exactly their levels.
    const qatAccuracy = accuracyOf(state.lab.quantizeWeights(qat.quantizedModel(), scheme));
    postMessage({ type: 'done', id: r.id, qat: qatAccuracy, step: qat.progress.stepsDone });
  } catch (e) {
    error(r.id, e);
  } finally {
    r.looping = false;
  }
}

addEventListener('message', async ({ data }) => {
  try {
    if (data?.type === 'init') await init(data);
    else if (data?.type === 'start') await start(data.run);
    else if (data?.type === 'pause' && run) run.paused = true;
    else if (data?.type === 'resume' && run?.paused) {
      run.paused = false;
      await loop(run);
    }
  } catch (e) {
    error(data?.run?.id ?? run?.id ?? null, e);
  }
});
