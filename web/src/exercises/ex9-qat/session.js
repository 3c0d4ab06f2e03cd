// The page's side of exercise 9's training worker (worker.js): downloads the training subset, the test images and
// the trained model once (../../data/client.js keeps the bytes for the page's life), starts the worker with the
// full WebAssembly module, compiled on the page once (labWith: the page itself draws with the smallest), and passes
// Start, Pause and Resume to it. Cancel terminates the worker; the next Start makes a new one from the bytes
// already on the page. Loaded when the learner first presses Start.
import { labWith } from '../../app/core.js';
import { startModuleWorker } from '../../app/module-worker.js';
import { loadDataFiles } from '../../data/client.js';
import workerUrl from './worker.js?worker&url';

const START_LIMIT_MS = 60000;
const NEEDS = ['train', 'test', 'model'];

/**
 * A training session. on(message) receives every message of the worker (see worker.js) plus
 * {type: 'download', fraction, text} while the data downloads and {type: 'error', message} on any failure.
 */
export function trainingSession({ lab, on }) {
  let worker = null;
  let ready = null; // Promise of the fp32 accuracy, once the worker has loaded everything
  let controller = null;
  let nextId = 0;

  function boot() {
    controller = new AbortController();
    const { signal } = controller;
    // The page drew with the smallest module; training needs the full one (compiled on the page once, posted below).
    const full = labWith(lab, 'full').catch(() => null);
    ready = Promise.all([loadDataFiles(NEEDS, { signal, onProgress: (p) => on({ type: 'download', ...p }) }), full]).then(([files, fullLab]) => new Promise((resolve, reject) => {
      if (signal.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
      on({ type: 'download', fraction: null, text: 'Starting the training worker: loading 10,000 training and 10,000 test images into it…' });
      const w = startModuleWorker(workerUrl, { name: 'quantlab-qat' });
      worker = w;
      const timer = setTimeout(() => reject(new Error(`the training worker did not start within ${START_LIMIT_MS / 1000} s`)), START_LIMIT_MS);
      w.addEventListener('message', ({ data: m }) => {
        if (worker !== w) return;
        if (m?.type === 'ready') {
          clearTimeout(timer);
          resolve(m.fp32);
        } else if (m?.type === 'error' && m.id === null) {
          clearTimeout(timer);
          reject(new Error(m.message));
        } else {
          on(m);
        }
      });
      w.addEventListener('error', (e) => {
        e.preventDefault();
        clearTimeout(timer);
        const message = `the training worker failed${e.message ? `: ${e.message}` : ''}`;
        reject(new Error(message));
        if (worker === w) on({ type: 'error', id: null, message });
      });
      try {
        w.postMessage({ type: 'init', simd: fullLab?.simd ?? 'auto', wasmModule: fullLab?.wasmModule, files });
      } catch {
        w.postMessage({ type: 'init', simd: 'auto', files });
      }
    }));
    ready.catch(() => stop());
    return ready;
  }

  function stop() {
    controller?.abort();
    worker?.terminate();
    worker = null;
    ready = null;
  }

  return {
    /** Starts a run ({bits, group, lr, epochs}); resolves to {id, fp32} once the worker has it. */
    async start(settings) {
      const fp32 = await (ready ?? boot());
      const id = ++nextId;
      worker.postMessage({ type: 'start', run: { id, ...settings } });
      return { id, fp32 };
    },
    pause: () => worker?.postMessage({ type: 'pause' }),
    resume: () => worker?.postMessage({ type: 'resume' }),
    /** Stops everything at once (the download too); the next start() begins again. */
    cancel: stop,
  };
}
