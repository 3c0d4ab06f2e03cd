// The worker that runs a learner's code: no DOM, no access to the page. Protocol with runner.js:
//   page -> worker  {type: 'init', simd, wasmModule}: instantiate the WebAssembly core (the reference for the
//                   checks, and NumPy's random generators for the learner) from the page's compiled module
//                   (or load it, without one); the worker answers {type: 'ready'} or {type: 'ready', error}
//   page -> worker  {id, action: 'run' | 'check', exercise, code}: the worker answers {type: 'started', id} as it
//                   starts the job and {type: 'result', id, result} when it is done
// An endless loop never returns: the page terminates this worker after its time limit and starts a fresh one.
import { loadLab } from '../app/core.js';
import { checkCode } from '../checks/run.js';
import { runCode } from './sandbox.js';

// The tasks of every exercise folder, exercises/<id>-<slug>/tasks.js (the files the registry's `tasks` loaders
// name), each loaded when a job first needs it. The worker finds them by folder rather than through the registry,
// which would make the worker's bundle carry a copy of every exercise's page as well.
const TASK_FILES = import.meta.glob('../exercises/*/tasks.js');
const tasks = new Map(); // exercise id -> Promise of its task
let labReady = null;

function taskOf(exercise) {
  if (typeof exercise !== 'string' || !/^ex\d{1,2}$/.test(exercise)) return null;
  const file = Object.keys(TASK_FILES).find((path) => path.startsWith(`../exercises/${exercise}-`));
  if (!file) return null;
  if (!tasks.has(exercise)) tasks.set(exercise, TASK_FILES[file]().then((m) => m.default));
  return tasks.get(exercise);
}

function init({ simd, wasmModule }) {
  labReady = loadLab(wasmModule instanceof WebAssembly.Module ? { simd, wasmModule } : { simd: 'auto' });
  labReady.then(
    (lab) => postMessage({ type: 'ready', simd: lab.simd }),
    (e) => postMessage({ type: 'ready', error: `the WebAssembly core did not load in the worker: ${e.message}` }),
  );
}

addEventListener('message', async ({ data }) => {
  if (data?.type === 'init') {
    if (!labReady) init(data);
    return;
  }
  const { id, action, exercise, code } = data ?? {};
  const pendingTask = taskOf(exercise);
  if (!pendingTask || !labReady || typeof code !== 'string') {
    postMessage({ type: 'result', id, result: { ok: false, output: [], error: { name: 'Error', message: 'unknown job', line: null } } });
    return;
  }
  let lab;
  let task;
  try {
    [lab, task] = await Promise.all([labReady, pendingTask]);
  } catch (e) {
    postMessage({ type: 'result', id, result: { ok: false, output: [], error: { name: 'Error', message: `the exercise could not load: ${e.message}`, line: null } } });
    return;
  }
  postMessage({ type: 'started', id }); // the page's clock for the time limit starts now
  let result;
  if (action === 'check') {
    result = await checkCode(task, code, lab);
  } else {
    const { functions, ...run } = runCode(task, code, lab); // functions cannot be posted
    result = run;
    task.cleanup?.(); // models the code created (exercise 4) are freed after a Run
  }
  postMessage({ type: 'result', id, result });
});
