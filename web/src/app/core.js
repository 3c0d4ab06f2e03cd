// Loads the WebAssembly core through the public API that dist/ ships at its top level (quantlab.js beside
// quantlab-{simd,scalar}.{mjs,wasm}), and names the other files that live there. Bundled code sits in dist/assets/,
// one folder down (in the dev server, this module is web/src/app/core.js, two folders down). The paths are kept in
// variables so that Vite leaves the imports to run time instead of bundling a second copy of the API.
const ROOT = import.meta.env?.DEV ? '../../' : '../';

/**
 * The URL of a file at the top of dist/: the API, a worker, or a data set or trained model an exercise loads
 * (`name` relative to dist/, e.g. 'data/fashion-mnist-test.bin'). It resolves the same from the page, the workers
 * and a page on another origin that embeds the lab; the build must put the file there (vite.config.js).
 */
export const assetUrl = (name) => new URL(`${ROOT}${name}`, import.meta.url);

let pending = null;

/**
 * The QuantLab API, loaded once per page or worker. A worker passes the page's compiled module
 * ({simd: lab.simd, wasmModule: lab.wasmModule}), so that the WebAssembly is fetched and compiled once.
 * @param {{simd?: 'auto' | boolean, wasmModule?: WebAssembly.Module}} [options]
 * @returns {Promise<import('../../quantlab/quantlab.js').QuantLab>}
 */
export function loadLab(options = { simd: 'auto' }) {
  if (!pending) {
    pending = import(/* @vite-ignore */ assetUrl('quantlab.js').href).then((api) => api.createQuantLab(options));
    pending.catch(() => { pending = null; }); // a later call may try again
    // The heap soak (tests/browser/soak.test.mjs) reads the page's WebAssembly memory through this one function.
    pending.then((lab) => { globalThis.quantlabMemoryStats ??= () => lab.memoryStats(); }, () => {});
  }
  return pending;
}

/**
 * The URL of exercise 4's timing worker, the same module the benchmark drives (start it with module-worker.js's
 * startModuleWorker: it may be on another origin).
 */
export const timingWorkerUrl = () => assetUrl('timing-worker.js');
