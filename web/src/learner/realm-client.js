// The checks' side of the learner's realm (learner/realm.js): starts the realm, runs the code's top level and calls
// the learner's functions, each answer a structured clone. It keeps the time limit itself: the top level, and each
// call, must answer within `limitMs`; when one does not, or when the realm closes itself, the realm is terminated
// and the job stops with RealmStopped, which names what was running.
// Every message from the realm is checked for its shape; anything else is ignored. Plain JavaScript, no DOM: the
// runner worker (browser) and the Node tests (tests/node/learner-realm.mjs) give it their own endpoint.
import { plotOf } from './result.js';

export const TIME_LIMIT_MS = 2000;
const START_LIMIT_MS = 20000;
const MAX_ASYNC_ERRORS = 3;

/** The job cannot go on: reason 'time' (the limit, while `where` ran), 'closed' or 'failed' (the realm died). */
export class RealmStopped extends Error {
  constructor(reason, where, message) {
    super(message ?? `the learner's realm stopped (${reason}) in ${where}`);
    this.reason = reason;
    this.where = where;
  }
}

const isRecord = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v, max) => (typeof v === 'string' ? v.slice(0, max) : '');

/** {name, message, line} as the realm describes an error, with every field checked and bounded. */
export function errorOf(e) {
  if (!isRecord(e)) return { name: 'Error', message: 'an error that could not be described', line: null };
  const line = Number.isInteger(e.line) && e.line > 0 && e.line < 1e6 ? e.line : null;
  return { name: text(e.name, 100) || 'Error', message: text(e.message, 2000), line };
}

/**
 * Connects to a learner's realm. endpoint: {post(message), listen(handler), onExit(handler(reason)), terminate()}.
 * Resolves once the realm is ready (its core instantiated, the exercise's task loaded); rejects with RealmStopped
 * ('failed') when it cannot start.
 */
export async function connectRealm(endpoint, { exercise, simd, wasmModule, limitMs = TIME_LIMIT_MS, startLimitMs = START_LIMIT_MS }) {
  let waiter = null; // {accept(message) -> boolean, stop(error)}
  let gone = null; // a RealmStopped once the realm has closed or failed
  const asyncErrors = [];

  endpoint.listen((data) => {
    if (!isRecord(data)) return;
    if (data.type === 'async-error') {
      if (asyncErrors.length < MAX_ASYNC_ERRORS) asyncErrors.push(errorOf(data.error));
      return;
    }
    if (data.type === 'closed') {
      finish(new RealmStopped('closed', 'your code'));
      return;
    }
    waiter?.accept(data);
  });
  endpoint.onExit((reason) => finish(new RealmStopped('failed', 'your code', `the learner's realm ended: ${reason}`)));

  function finish(error) {
    if (gone) return;
    gone = error;
    endpoint.terminate();
    waiter?.stop(error);
  }

  // Waits for the message `accept` takes, at most `limit` ms.
  function waitFor(accept, where, limit = limitMs) {
    if (gone) return Promise.reject(gone);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new RealmStopped('time', where)), limit);
      const done = () => {
        clearTimeout(timer);
        waiter = null;
      };
      waiter = {
        accept(data) {
          const value = accept(data);
          if (value === undefined) return;
          done();
          resolve(value);
        },
        stop(error) {
          done();
          reject(error);
        },
      };
    });
  }

  endpoint.post({ type: 'init', exercise, simd, wasmModule });
  try {
    const ready = await waitFor((d) => (d.type === 'ready' ? d : undefined), 'starting', startLimitMs);
    if (ready.error !== undefined) finish(new RealmStopped('failed', 'starting', text(ready.error, 500) || 'the code runner did not start'));
  } catch (e) {
    if (e.reason === 'time') gone = new RealmStopped('failed', 'starting', `the code runner did not start within ${startLimitMs / 1000} s`);
  }
  if (gone) throw gone;

  let nextId = 1;
  return {
    /** Errors the code raised outside its calls (unhandled rejections, timers), as {name, message, line}. */
    asyncErrors,
    /** Runs the top level: {output: string[], error, defined: names of the task's functions the code defines, plot}. */
    run(code) {
      endpoint.post({ type: 'start', code });
      return waitFor((d) => {
        if (d.type !== 'ran') return undefined;
        const output = Array.isArray(d.output) ? d.output.slice(0, 400).map((line) => text(line, 40_000)) : [];
        const defined = Array.isArray(d.defined) ? d.defined.filter((n) => typeof n === 'string') : [];
        return { output, error: d.error === null || d.error === undefined ? null : errorOf(d.error), defined, plot: plotOf(d.plot) };
      }, 'the top level of your code');
    },
    /**
     * Calls the learner's function `name` with `args` (already through boundary.js's toWire). Resolves to
     * {type: 'returned', value, observed} | {type: 'threw', error} | {type: 'missing'} | {type: 'unpostable', message}.
     */
    async call(name, args) {
      const id = nextId++;
      endpoint.post({ type: 'call', id, name, args });
      // Loading the models among the arguments can take a while on a slow machine: the 2 s start when the realm says
      // it calls the function (or answers at once).
      const first = await waitFor((d) => (d.id === id && (d.type === 'calling' || reply(d)) ? d : undefined), `${name}(…)`, startLimitMs);
      if (first.type !== 'calling') return reply(first);
      return waitFor((d) => (d.id === id ? reply(d) : undefined), `${name}(…)`);
    },
    close() {

      if (!gone) gone = new RealmStopped('closed', 'the checks');
      endpoint.terminate();
    },
  };
}

/** A reply of the realm to a call, checked for its shape; undefined for anything else. */
function reply(d) {
  if (d.type === 'returned') return { type: 'returned', value: d.value, observed: Array.isArray(d.observed) ? d.observed : [] };
  if (d.type === 'threw') return { type: 'threw', error: errorOf(d.error) };
  if (d.type === 'missing') return { type: 'missing' };
  if (d.type === 'unpostable') return { type: 'unpostable', message: text(d.message, 300) };
  return undefined;
}

/** What a Run reports when its realm stopped: a time limit, or the code closing its own realm. */
export function stoppedResult(e) {
  if (e.reason === 'time') return { timedOut: true, where: e.where };
  const message = e.reason === 'closed'
    ? 'your code closed its own worker (self.close() or close()), so nothing after that could run. Leave close() out.'
    : e.message;
  return { ok: false, output: [], error: { name: 'Error', message, line: null } };
}

/** Run: the code's top level in a fresh realm; {ok, output, error} or stoppedResult(). */
export async function runInRealm(openRealm, code) {
  let realm;
  try {
    realm = await openRealm();
    const run = await realm.run(code);
    const error = run.error ?? realm.asyncErrors[0] ?? null;
    return { ok: !error, output: run.output, error, ...(Object.keys(run.plot).length ? { plot: run.plot } : {}) };
  } catch (e) {
    if (e instanceof RealmStopped) return stoppedResult(e);
    throw e;
  } finally {
    realm?.close();
  }
}
