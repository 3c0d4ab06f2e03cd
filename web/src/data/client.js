// Real data for the pages that use it (exercise 4's trained mode, exercises 5 and 6): the Fashion-MNIST files and
// the trained SimpleNet are downloaded on the page (data-loader.js: progress, gzip, checked idx headers, a
// DataFileError with a message for the learner), kept for the page's life, and handed to a module worker
// (worker.js) that runs an exercise's job on them: the 10,000-image evaluations never block the page.
//
// An exercise's jobs are its folder's jobs.js: export default {name: async (ctx) => result} (see worker.js).
import { assetUrl, labWith } from '../app/core.js';
import { exerciseById, exerciseModule } from '../exercises/registry.js';
import { startModuleWorker } from '../app/module-worker.js';
import dataWorkerUrl from './worker.js?worker&url';

const START_LIMIT_MS = 30000;
// Share of the progress bar for the downloads (the rest is the worker's).
const DOWNLOAD_SHARE = 0.4;

let loaderModule = null;
const dataLoader = () => {
  loaderModule ??= import(/* @vite-ignore */ assetUrl('data-loader.js').href);
  loaderModule.catch(() => { loaderModule = null; });
  return loaderModule;
};

const files = new Map(); // 'test' | 'calibration' | 'model' -> Promise of the bytes (kept for the page's life)

function loadFile(name, onProgress, signal) {
  if (!files.has(name)) {
    const promise = dataLoader().then(async (loader) => {
      const baseUrl = assetUrl('');
      if (name === 'model') {
        const { bytes } = await loader.loadTrainedModel({ baseUrl, onProgress: (p) => onProgress(p), signal });
        return { model: bytes };
      }
      const { images, labels } = await loader.loadFashionMnist(name, { baseUrl, onProgress: (p) => onProgress(p), signal });
      return { images: images.bytes, labels: labels.bytes, count: images.count };
    });
    files.set(name, promise);
    promise.catch(() => files.delete(name)); // a failed or cancelled download may be tried again
  }
  return files.get(name);
}

/**
 * The checked bytes of the files `needs` ('train', 'test', 'model'…), downloaded once and kept for the page's life,
 * for a page that runs its own worker (exercise 9's training). onProgress({fraction, text}) over the downloads.
 * Resolves to {name: bytes} as runDataJob hands them to its worker; rejects with the loader's DataFileError.
 */
export function loadDataFiles(needs, { onProgress = () => {}, signal } = {}) {
  const loaded = new Map();
  const report = (name) => ({ loaded: bytes, total }) => {
    loaded.set(name, { bytes, total });
    const all = [...loaded.values()];
    const sum = all.length === needs.length && all.every((p) => p.total) ? all.reduce((s, p) => s + p.total, 0) : null;
    const done = all.reduce((s, p) => s + p.bytes, 0);
    onProgress({ fraction: sum ? Math.min(1, done / sum) : null, text: `Downloading the data: ${(done / 1e6).toFixed(1)} MB${sum ? ` of ${(sum / 1e6).toFixed(1)} MB` : ''}` });
  };
  const size = (f) => Object.values(f).reduce((s, v) => s + (v?.byteLength ?? 0), 0);
  // A file already downloaded (by another page) reports no progress: it counts as done.
  return Promise.all(needs.map((name) => loadFile(name, report(name), signal).then((f) => {
    if (!loaded.has(name)) report(name)({ loaded: size(f), total: size(f) });
    return f;
  })))
    .then((parts) => Object.fromEntries(needs.map((name, i) => [name, parts[i]])));
}

/** Forgets the downloaded files (for the tests of a broken file). */
export const forgetDataFiles = () => files.clear();

const cancelled = () => Object.assign(new Error('cancelled'), { name: 'AbortError' });

/**
 * Runs job `job` of exercise `exercise` ('ex5') on the files it `needs` ('test', 'calibration', 'model') in a fresh
 * worker. onProgress({fraction, text}) as the files download and the job advances. Returns {promise, cancel()}:
 * the promise resolves to the job's result and rejects with the loader's DataFileError, the job's Error, or an
 * AbortError after cancel().
 */
export function runDataJob({ lab, exercise, job, params = {}, needs, onProgress = () => {} }) {
  const controller = new AbortController();
  let worker = null;
  let rejectRun = () => {};
  const promise = new Promise((resolve, reject) => {
    rejectRun = reject;
    const loaded = new Map();
    const report = (name) => ({ loaded: bytes, total }) => {
      loaded.set(name, { bytes, total });
      const all = [...loaded.values()];
      const known = all.length === needs.length && all.every((p) => p.total);
      const done = all.reduce((s, p) => s + p.bytes, 0);
      const sum = known ? all.reduce((s, p) => s + p.total, 0) : null;
      onProgress({ fraction: sum ? DOWNLOAD_SHARE * Math.min(1, done / sum) : null, text: `Downloading the data: ${(done / 1e6).toFixed(1)} MB${sum ? ` of ${(sum / 1e6).toFixed(1)} MB` : ''}` });
    };
    // The worker gets the compiled module the exercise's jobs need (registry `wasm`): the page's own when it holds
    // that much, else loaded on the page once (without it, the worker loads its own).
    const entry = exerciseById(exercise);
    const jobLab = labWith(lab, entry ? exerciseModule(entry) : 'full').catch(() => null);
    Promise.all([Promise.all(needs.map((name) => loadFile(name, report(name), controller.signal))), jobLab]).then(([parts, coreLab]) => {
      if (controller.signal.aborted) throw cancelled();
      const data = Object.fromEntries(needs.map((name, i) => [name, parts[i]]));
      onProgress({ fraction: DOWNLOAD_SHARE, text: 'Starting the worker…' });
      worker = startModuleWorker(dataWorkerUrl, { name: 'quantlab-data' });
      const timer = setTimeout(() => reject(new Error(`the data worker did not start within ${START_LIMIT_MS / 1000} s`)), START_LIMIT_MS);
      worker.addEventListener('message', ({ data: m }) => {
        clearTimeout(timer);
        if (m?.type === 'progress') onProgress({ fraction: DOWNLOAD_SHARE + (1 - DOWNLOAD_SHARE) * m.fraction, text: m.text });
        else if (m?.type === 'done') resolve(m.result);
        else if (m?.type === 'error') reject(new Error(m.message));
      });
      worker.addEventListener('error', (e) => {
        clearTimeout(timer);
        e.preventDefault();
        reject(new Error(`the data worker failed${e.message ? `: ${e.message}` : ''}`));
      });
      const core = { simd: coreLab?.simd ?? 'auto', wasmModule: coreLab?.wasmModule };
      try {
        worker.postMessage({ type: 'init', ...core });
      } catch {
        worker.postMessage({ type: 'init', simd: 'auto' });
      }
      worker.postMessage({ type: 'job', exercise, job, params, files: data });
    }).catch(reject);
  });
  promise.finally(() => worker?.terminate()).catch(() => {});
  return {
    promise,
    cancel() {
      controller.abort();
      worker?.terminate();
      rejectRun(cancelled());
    },
  };
}
