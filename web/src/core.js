// Loads the WebAssembly core through the public API that dist/ ships at its top level (quantlab.js beside
// quantlab-{simd,scalar}.{mjs,wasm}). Bundled code lives in dist/assets/, so the API is one folder up. The path
// is kept in a variable so that Vite leaves the import to run time instead of bundling a second copy.
const API_PATH = '../quantlab.js';
// Exercise 4's timings run in their own worker, the same module the benchmark drives (dist/timing-worker.js).
const TIMINGS_PATH = '../forward-timings.js';
const TIMING_WORKER_PATH = '../timing-worker.js';

let pending = null;

/**
 * The QuantLab API, loaded once per page or worker.
 * @param {{simd?: 'auto' | boolean}} [options]
 * @returns {Promise<import('../quantlab/quantlab.js').QuantLab>}
 */
export function loadLab(options = { simd: 'auto' }) {
  if (!pending) {
    const url = new URL(API_PATH, import.meta.url).href;
    pending = import(/* @vite-ignore */ url).then((api) => api.createQuantLab(options));
    pending.catch(() => { pending = null; }); // a later call may try again
  }
  return pending;
}

/** dist/forward-timings.js (measureAgreement, TIMING_CONFIGS), loaded at run time like the API. */
export function loadTimings() {
  return import(/* @vite-ignore */ new URL(TIMINGS_PATH, import.meta.url).href);
}

/** The URL of the timing worker (start it with module-worker.js's startModuleWorker: it may be on another origin). */
export const timingWorkerUrl = () => new URL(TIMING_WORKER_PATH, import.meta.url);
