// The module worker of the real-data pages (client.js starts one per job). Protocol:
//   page -> worker  {type: 'init', simd, wasmModule}: the WebAssembly the job needs, compiled on the page (nothing fetched again)
//   page -> worker  {type: 'job', exercise, job, params, files}: files holds the checked idx bytes
//                   ({test|calibration: {images, labels, count}}) and the model's bytes ({model: {model}})
//   worker -> page  {type: 'progress', fraction, text} … then {type: 'done', result} or {type: 'error', message}
// A job is a function of an exercise's jobs.js (exercises/<id>-<slug>/jobs.js), found by folder as the runner
// worker finds tasks. It receives ctx = {lab, params, progress(fraction, text), dataset(name), model()}; datasets
// and models it gets from ctx are freed when it returns. Cancel terminates the worker.
import { loadLab } from '../app/core.js';

const JOB_FILES = import.meta.glob('../exercises/*/jobs.js');
let labReady = null;

async function runJob({ exercise, job, params, files }) {
  const lab = await labReady;
  const file = Object.keys(JOB_FILES).find((path) => typeof exercise === 'string' && path.startsWith(`../exercises/${exercise}-`));
  const jobs = file ? (await JOB_FILES[file]()).default : null;
  if (typeof jobs?.[job] !== 'function') throw new Error(`no data job '${job}' for exercise ${exercise}`);
  const owned = [];
  const own = (x) => { owned.push(x); return x; };
  const ctx = {
    lab,
    params: params ?? {},
    progress: (fraction, text) => postMessage({ type: 'progress', fraction: Math.max(0, Math.min(1, fraction)), text }),
    dataset(name) {
      const f = files?.[name];
      if (!f) throw new Error(`the job needs the ${name} data, which the page did not load`);
      return own(lab.loadDataset(f.images, f.labels, { name, expectedCount: f.count }));
    },
    model: () => own(lab.loadModel(files.model.model)),
    own,
  };
  try {
    return await jobs[job](ctx);
  } finally {
    for (const x of owned) x.delete();
  }
}

addEventListener('message', async ({ data }) => {
  if (data?.type === 'init') {
    labReady ??= loadLab(data.wasmModule instanceof WebAssembly.Module ? { simd: data.simd, wasmModule: data.wasmModule } : { simd: 'auto' });
    return;
  }
  if (data?.type !== 'job') return;
  try {
    postMessage({ type: 'done', result: await runJob(data) });
  } catch (e) {
    postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
});
