// The runner worker: the checks' realm. No DOM, no access to the page, and no learner code ever runs here: for each
// Run or Check it starts a fresh learner's realm (learner-worker.js, a worker of its own, nested in this one, so
// that its messages reach this worker and never the page), runs the code there and, for a Check, runs the task's
// tests here against the learner's functions across that boundary (checks/run.js). Protocol with runner.js:
//   page -> worker  {type: 'init', simd, wasmModule}: instantiate the WebAssembly core (the checks' reference) from
//                   the page's compiled module (or load it, without one); the worker answers {type: 'ready'} or
//                   {type: 'ready', error}. The module is handed on to every learner's realm.
//   page -> worker  {id, action: 'run' | 'check', exercise, code}: the worker answers {type: 'started', id} as it
//                   starts the job and {type: 'result', id, result} when it is done.
// The learner's time limit is kept here (realm-client.js): an endless loop costs a terminated learner's realm and
// a message, and this worker stays. The page keeps a longer limit of its own for the whole job.
import { startModuleWorker } from '../app/module-worker.js';
import { loadLab } from '../app/core.js';
import { checkCode } from '../checks/run.js';
import { connectRealm, runInRealm } from './realm-client.js';
import { loadTask } from './task-files.js';
import learnerWorkerUrl from './learner-worker.js?worker&url';

let labReady = null;
let core = { simd: 'auto' };

function init({ simd, wasmModule }) {
  core = wasmModule instanceof WebAssembly.Module ? { simd, wasmModule } : { simd: 'auto' };
  labReady = loadLab(core);
  labReady.then(
    (lab) => {
      if (core.simd === 'auto') core = { simd: lab.simd, wasmModule: lab.wasmModule };
      postMessage({ type: 'ready', simd: lab.simd });
    },
    (e) => postMessage({ type: 'ready', error: `the WebAssembly core did not load in the worker: ${e.message}` }),
  );
}

/** A fresh learner's realm for `exercise`: a nested module worker, connected by realm-client.js. */
function openRealm(exercise) {
  const worker = startModuleWorker(new URL(learnerWorkerUrl, import.meta.url), { name: 'quantlab-learner-code' });
  const endpoint = {
    post: (message) => worker.postMessage(message),
    listen: (handler) => worker.addEventListener('message', ({ data }) => handler(data)),
    onExit: (handler) => worker.addEventListener('error', (e) => {
      e.preventDefault();
      handler(e.message || 'its script failed to load');
    }),
    terminate: () => worker.terminate(),
  };
  return connectRealm(endpoint, { exercise, ...core });
}

const failure = (message) => ({ ok: false, output: [], error: { name: 'Error', message, line: null } });

addEventListener('message', async ({ data }) => {
  if (data?.type === 'init') {
    if (!labReady) init(data);
    return;
  }
  const { id, action, exercise, code } = data ?? {};
  const pendingTask = loadTask(exercise);
  if (!pendingTask || !labReady || typeof code !== 'string' || (action !== 'run' && action !== 'check')) {
    postMessage({ type: 'result', id, result: failure('unknown job') });
    return;
  }
  let lab;
  let task;
  try {
    [lab, task] = await Promise.all([labReady, pendingTask]);
  } catch (e) {
    postMessage({ type: 'result', id, result: failure(`the exercise could not load: ${e.message}`) });
    return;
  }
  postMessage({ type: 'started', id }); // the page's clock for the whole job starts now
  let result;
  try {
    result = action === 'check'
      ? await checkCode(task, code, lab, { openRealm: () => openRealm(exercise) })
      : await runInRealm(() => openRealm(exercise), code);
  } catch (e) {
    result = failure(`the code runner failed: ${e.message}`);
  }
  postMessage({ type: 'result', id, result });
});
