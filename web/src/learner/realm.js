// The learner's realm: where the learner's code runs, one fresh realm (a dedicated worker in the browser,
// learner-worker.js; a worker thread in the Node tests) per Run or Check. Nothing in it is trusted: the code may
// replace any built-in (Array.prototype.map, postMessage, JSON…), so it decides nothing. It runs the code's top
// level and answers the checks' calls with structured clones of what the learner's functions return; the checks
// themselves run in another realm (the runner worker, learner/runner-worker.js) and judge those values there
// (checks/run.js, learner/realm-client.js). A realm that is closed, loops or forges a message can only make its own
// job fail or time out.
//
// Protocol (checks -> realm, realm -> checks):
//   {type: 'init', exercise, simd, wasmModule}   -> {type: 'ready'} or {type: 'ready', error}
//   {type: 'start', code}                        -> {type: 'ran', output, error, defined}
//   {type: 'call', id, name, args}               -> {type: 'calling', id} once the arguments are read (models
//                                                   loaded), then {type: 'returned', id, value, observed}
//                                                   | {type: 'threw', id, error}
//                                                   | {type: 'missing', id} | {type: 'unpostable', id, message}
//   at any time                                  -> {type: 'async-error', error} (an unhandled rejection or an
//                                                   exception thrown by a timer), {type: 'closed'} (the code closed
//                                                   its own realm)
// Values cross as in learner/boundary.js (models as their files).
import { fromWire, toWire } from './boundary.js';
import { describeError, runCode } from './sandbox.js';

/**
 * Serves the protocol above. host: {post(message), listen(handler), loadLab({simd, wasmModule}),
 * loadTask(exercise)}. Returns {asyncError(reason), closing()} for the host's hooks (unhandled rejections,
 * uncaught exceptions, close()).
 */
export function hostLearnerRealm({ post, listen, loadLab, loadTask }) {
  // Captured before any learner code runs: what the code later does to this realm's globals cannot change them.
  const now = performance.now.bind(performance);
  const later = setTimeout;
  const createObject = Object.create;
  let lab = null;
  let task = null;
  let functions = {};
  let phase = 'init';
  const loaded = new Map(); // the models the checks sent, by key (learner/boundary.js)

  const send = (message) => {
    try {
      post(message);
    } catch (e) {
      // a value structured cloning refuses (a function, a symbol…) or whose getters throw
      let text;
      try {
        text = `${e?.name ?? 'Error'}: ${String(e?.message ?? e)}`.slice(0, 300);
      } catch {
        text = 'it cannot be copied';
      }
      post({ type: 'unpostable', id: message.id, message: text });
    }
  };

  async function init({ exercise, simd, wasmModule }) {
    try {
      [lab, task] = await Promise.all([loadLab({ simd, wasmModule }), loadTask(exercise)]);
      if (!task) throw new Error(`no exercise ${String(exercise).slice(0, 20)}`);
      phase = 'ready';
      post({ type: 'ready' });
    } catch (e) {
      post({ type: 'ready', error: `the learner's realm could not start: ${describeError(e).message}` });
    }
  }

  const pause = () => new Promise((resolve) => later(resolve, 0));

  async function start({ code }) {
    phase = 'started';
    const result = runCode(task, typeof code === 'string' ? code : '', lab);
    functions = result.functions;
    // Promise callbacks and zero-delay timers the top level queued run now, as part of this job: an endless loop
    // or an exception there is this Run's, not the next one's.
    await pause();
    await pause();
    const defined = task.functions.filter((name) => typeof functions[name] === 'function');
    send({ type: 'ran', output: result.output, error: result.error, defined, plot: result.plot });
  }

  function watch(model, index, observed) {
    const calls = { count: 0, first: 0, last: 0 };
    const wrapper = createObject(model);
    wrapper.forward = (x, options) => {
      const t = now();
      if (calls.count === 0) calls.first = t;
      calls.count += 1;
      const y = model.forward(x, options);
      calls.last = now();
      return y;
    };
    observed[index] = calls;
    return wrapper;
  }

  function call({ id, name, args }) {
    const fn = typeof name === 'string' && task.functions.includes(name) ? functions[name] : undefined;
    if (typeof fn !== 'function') {
      send({ type: 'missing', id });
      return;
    }
    const observed = [];
    let input;
    try {
      input = fromWire(Array.isArray(args) ? args : [], { load: (bytes) => lab.loadModel(bytes), watch: (m, k) => watch(m, k, observed), loaded });
    } catch (e) {
      send({ type: 'unpostable', id, message: `the checks' arguments could not be read: ${describeError(e).message}` });
      return;
    }
    post({ type: 'calling', id }); // the arguments are ready: the time limit of the call starts now
    let value;
    try {
      value = fn(...input);
    } catch (e) {
      send({ type: 'threw', id, error: describeError(e) });
      return;
    }
    let wire;
    try {
      wire = toWire(value);
    } catch (e) {
      send({ type: 'unpostable', id, message: describeError(e).message });
      return;
    }
    send({ type: 'returned', id, value: wire, observed });
  }

  listen((data) => {
    const type = data?.type;
    if (type === 'init' && phase === 'init') init(data);
    else if (type === 'start' && phase === 'ready') start(data);
    else if (type === 'call' && phase === 'started') call(data);
  });

  return {
    /** An unhandled rejection or an exception thrown outside the top level (a timer): reported, never lost. */
    asyncError(reason) {
      post({ type: 'async-error', error: describeError(reason) });
    },
    /** The learner's code is closing this realm: say so before it goes, or it would look like an endless loop. */
    closing() {
      post({ type: 'closed' });
    },
  };
}
