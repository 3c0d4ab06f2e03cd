// The learner's realm for the Node tests: a worker thread (learner-realm-worker.mjs) that runs
// web/src/learner/realm.js exactly as the browser's learner worker does, so that the exercise tests go through the
// same boundary as the page (structured clones, a fresh realm per Check, the 2-second limit).
import { Worker } from 'node:worker_threads';

import { connectRealm } from '../../web/src/learner/realm-client.js';
import { checkCode as checkInRealm } from '../../web/src/checks/run.js';
import { runInRealm } from '../../web/src/learner/realm-client.js';
import { EXERCISES } from '../../web/src/exercises/registry.js';

const WORKER = new URL('./learner-realm-worker.mjs', import.meta.url);

/** A fresh learner's realm for `exercise` ('ex1'…), connected by realm-client.js. */
export function openNodeRealm(exercise, { simd, wasmModule, limitMs } = {}) {
  const worker = new Worker(WORKER);
  worker.unref();
  const endpoint = {
    post: (message) => worker.postMessage(message),
    listen: (handler) => worker.on('message', handler),
    onExit: (handler) => {
      worker.on('error', (e) => handler(e.message));
      worker.on('exit', (code) => handler(`exit code ${code}`));
    },
    terminate: () => { worker.terminate(); },
  };
  return connectRealm(endpoint, { exercise, simd, wasmModule, ...(limitMs ? { limitMs } : {}) });
}

/** The registry id of a task object (its tasks.js's default export). */
export async function exerciseOf(task) {
  for (const entry of EXERCISES.filter((e) => e.tasks)) if ((await entry.tasks()).default === task) return entry.id;
  throw new Error('this task is not an exercise of the registry');
}

// The exercises' tests are about the checks' messages, not the time limit (grader.test.mjs tests that): a CI machine
// busy with other work must not turn a slow correct answer into a timeout there.
const RELAXED_LIMIT_MS = 15000;

/**
 * checkCode with a fresh Node learner's realm, as the runner worker does with a fresh learner worker. options:
 * {limitMs} (by default a relaxed limit; pass TIME_LIMIT_MS for the page's), {exercise} (the registry id, for a
 * task a test has wrapped: the learner's realm loads the exercise's own tasks.js).
 */
export async function checkCode(task, code, lab, { limitMs = RELAXED_LIMIT_MS, exercise: id } = {}) {
  const exercise = id ?? await exerciseOf(task);
  return checkInRealm(task, code, lab, { openRealm: () => openNodeRealm(exercise, { simd: lab.simd, wasmModule: lab.wasmModule, limitMs }) });
}

/** Run: the code's top level in a fresh Node learner's realm. */
export async function runInNodeRealm(task, code, lab, { limitMs } = {}) {
  const exercise = await exerciseOf(task);
  return runInRealm(() => openNodeRealm(exercise, { simd: lab.simd, wasmModule: lab.wasmModule, limitMs }), code);
}
