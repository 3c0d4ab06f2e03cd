// The worker that runs a learner's code: no DOM, no access to the page. It loads the WebAssembly core (the
// reference for the checks, and NumPy's random generators for the learner), says "ready", then answers jobs
// {id, action: 'run' | 'check', exercise, code} with {type: 'started', id} as it starts one and {id, result}. An endless loop never returns: the page
// (runner.js) terminates this worker after its time limit and starts a fresh one.
import { checkCode, runCode } from './checker.js';
import { loadLab } from './core.js';
import ex1 from './ex1-tasks.js';
import ex2 from './ex2-tasks.js';
import ex3 from './ex3-tasks.js';
import ex4 from './ex4-tasks.js';

const TASKS = { ex1, ex2, ex3, ex4 };

const labReady = loadLab();
labReady.then(
  (lab) => postMessage({ type: 'ready', simd: lab.simd }),
  (e) => postMessage({ type: 'ready', error: `the WebAssembly core did not load in the worker: ${e.message}` }),
);

addEventListener('message', async ({ data }) => {
  const { id, action, exercise, code } = data ?? {};
  const task = Object.hasOwn(TASKS, exercise) ? TASKS[exercise] : null;
  if (!task || typeof code !== 'string') {
    postMessage({ type: 'result', id, result: { ok: false, output: [], error: { name: 'Error', message: 'unknown job', line: null } } });
    return;
  }
  const lab = await labReady;
  postMessage({ type: 'started', id }); // the page's clock for the time limit starts now
  let result;
  if (action === 'check') {
    result = checkCode(task, code, lab);
  } else {
    result = runCode(task, code, lab);
    task.cleanup?.(); // models the code created (exercise 4) are freed after a Run
  }
  delete result.functions; // functions cannot be posted
  postMessage({ type: 'result', id, result });
});
