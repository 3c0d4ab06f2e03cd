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

/**
 * The WebAssembly modules, smallest first, as web/quantlab/quantlab.js's WASM_MODULES names them (a test checks that
 * the two lists agree): each holds every binding of the one before it, so a loaded larger module serves a smaller
 * one's pages. A registry entry names the one its page, tasks and jobs need (`wasm`); without it, 'full'.
 */
export const WASM_MODULES = ['core', 'data', 'full'];

const pending = new Map(); // module name (or 'posted') -> Promise of its lab
const loaded = new Set();

/**
 * The QuantLab API, loaded once per page or worker and module. A page asks for the module its exercise needs
 * ({module: entry.wasm}); one it has loaded already serves it if it holds at least that. A worker passes the page's
 * compiled module ({simd: lab.simd, wasmModule: lab.wasmModule}; the module's name is read from it), so that the
 * WebAssembly is fetched and compiled once.
 * @param {{simd?: 'auto' | boolean, module?: 'core' | 'data' | 'full', wasmModule?: WebAssembly.Module}} [options]
 * @returns {Promise<import('../../quantlab/quantlab.js').QuantLab>}
 */
export function loadLab(options = { simd: 'auto' }) {
  const wanted = options.module ?? 'full';
  if (!options.wasmModule) {
    const rank = WASM_MODULES.indexOf(wanted);
    for (const [name, lab] of pending) if (WASM_MODULES.indexOf(name) >= rank) return lab;
  }
  const key = options.wasmModule ? 'posted' : wanted;
  let lab = pending.get(key);
  if (!lab) {
    lab = import(/* @vite-ignore */ assetUrl('quantlab.js').href).then((api) => api.createQuantLab(options));
    pending.set(key, lab);
    lab.catch(() => pending.delete(key)); // a later call may try again
    lab.then((ready) => {
      loaded.add(ready);
      // The heap soak (tests/browser/soak.test.mjs) reads the page's WebAssembly memory through this one function:
      // every module the page has loaded, added up.
      globalThis.quantlabMemoryStats ??= () => [...loaded].map((l) => l.memoryStats()).reduce((a, b) => ({
        heapBytes: a.heapBytes + b.heapBytes, allocatedBytes: a.allocatedBytes + b.allocatedBytes }));
    }, () => {});
  }
  return lab;
}

/**
 * A lab that holds at least `module`: `lab` itself when it does, else that module, loaded on this page once (and kept
 * by loadLab). A page that draws with a smaller module (a registry entry's `pageWasm`) hands its jobs, tasks and
 * workers the larger one the exercise needs (`wasm`) through this, after its first chart.
 * @returns {Promise<import('../../quantlab/quantlab.js').QuantLab>}
 */
export function labWith(lab, module = 'full') {
  return lab && WASM_MODULES.indexOf(lab.module) >= WASM_MODULES.indexOf(module) ? Promise.resolve(lab) : loadLab({ module });
}

/**
 * The URL of exercise 4's timing worker, the same module the benchmark drives (start it with module-worker.js's
 * startModuleWorker: it may be on another origin).
 */
export const timingWorkerUrl = () => assetUrl('timing-worker.js');
