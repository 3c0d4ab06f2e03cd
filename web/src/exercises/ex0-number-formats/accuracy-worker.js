// Exercise 0's measurement, off the page: the trained SimpleNet with its weights in every format of
// WEIGHT_VARIANTS, each evaluated on Fashion-MNIST's 10,000 test images. Protocol with accuracy.js:
//   page -> worker  {type: 'start', simd, wasmModule}   (the 'data' module, compiled on the page: nothing is compiled twice)
//   worker -> page  {type: 'progress', stage: 'download' | 'evaluate', fraction, done, total}
//                   {type: 'row', index, accuracy, correct, count, mse, maxAbs, sqnrDb, overflows, underflowsToZero}
//                   {type: 'done'} or {type: 'error', message}
// Cancel terminates the worker.
import { assetUrl, loadLab } from '../../app/core.js';
import { WEIGHT_VARIANTS } from './data.js';

async function measure({ simd, wasmModule }) {
  const lab = await loadLab(wasmModule instanceof WebAssembly.Module ? { simd, wasmModule } : { simd: 'auto' });
  const loader = await import(/* @vite-ignore */ assetUrl('data-loader.js').href);
  const parts = { model: 0, data: 0 };
  const download = (name) => ({ fraction }) => {
    if (fraction === null || fraction === undefined) return;
    parts[name] = fraction;
    // The test set is about 4.5 MB, the model 0.8 MB: weigh them so that the bar moves evenly.
    postMessage({ type: 'progress', stage: 'download', fraction: 0.15 * parts.model + 0.85 * parts.data });
  };
  const [{ bytes }, { images, labels }] = await Promise.all([
    loader.loadTrainedModel({ onProgress: download('model') }),
    loader.loadFashionMnist('test', { onProgress: download('data') }),
  ]);
  const test = lab.loadDataset(images, labels, { name: 'test', expectedCount: 10000 });
  const fp32 = lab.loadModel(bytes);
  try {
    const total = WEIGHT_VARIANTS.length;
    postMessage({ type: 'progress', stage: 'evaluate', done: 0, total });
    WEIGHT_VARIANTS.forEach((v, index) => {
      const stored = lab.modelWithWeightsIn(fp32, v.format, { scale: v.scale });
      try {
        const e = lab.evaluate(stored.model, test);
        postMessage({
          type: 'row', index, accuracy: e.accuracy, correct: e.correct, count: e.count, mse: stored.mse,
          maxAbs: stored.maxAbs, sqnrDb: stored.sqnrDb, overflows: stored.overflows, underflowsToZero: stored.underflowsToZero,
        });
      } finally {
        stored.model.delete();
      }
      postMessage({ type: 'progress', stage: 'evaluate', done: index + 1, total });
    });
  } finally {
    fp32.delete();
    test.delete();
  }
  postMessage({ type: 'done' });
}

addEventListener('message', ({ data }) => {
  if (data?.type !== 'start') return;
  measure(data).catch((e) => postMessage({ type: 'error', message: e?.message ?? String(e) }));
});
