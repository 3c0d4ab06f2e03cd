// Check: runs the learner's code in a realm of its own (learner/realm.js: a fresh worker per Check), then every test
// of the task (visible tests first, then hidden ones) here, in the checks' realm, against the functions the code
// defined. The two realms meet only through ctx.call: the arguments go over as structured clones, the learner's
// function runs there, and its result comes back as a structured clone that the test judges with this realm's own
// built-ins. So nothing the code does to its realm (replacing Array.prototype.map, posting messages, closing
// itself) can change a test's verdict. No DOM: runs in the runner worker and in Node.
//
// A task (an exercise's tasks.js) is {functions, starter, solution, hints, tests, globals?, cleanup?}; a test is
// {name, hidden?, async run(ctx)}: run() calls the learner's functions through `await ctx.call(name, ...args)`,
// compares with the WebAssembly reference ctx.lab using the helpers of checks/expect.js and checks/quantization.js,
// and fails by throwing CheckFailure (fail(message, {cause})). A passed test shows nothing: what run() returns is
// ignored. The results carry each failure's cause, so that the page can group them (checks/group.js).
// A model of the core passed to ctx.call crosses as its file (learner/boundary.js); ctx.observe(model) passes one
// whose forward calls are counted ({calls: {count, first, last}} after the call).
import { fromWire, Observed, sentModels, toWire } from '../learner/boundary.js';
import { RealmStopped } from '../learner/realm-client.js';
import { describeError } from '../learner/sandbox.js';
import { CheckFailure, fail } from './expect.js';

const where = (line) => (line ? ` (line ${line})` : '');
const finite = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function makeContext(lab, realm, created) {
  const sent = sentModels();
  return {
    lab,
    /** A model for ctx.call whose forward calls are counted: read .calls after the call. */
    observe: (model) => new Observed(model),
    /** Calls the learner's function `name`; a missing function or an exception fails the test with a message. */
    async call(name, ...args) {
      const observed = [];
      const reply = await realm.call(name, toWire(args, observed, sent));
      if (reply.type === 'missing') {
        fail(`${name} is not defined: keep a function named ${name} in your code (Reset brings the starter back).`);
      }
      if (reply.type === 'threw') fail(`${name} threw ${reply.error.name}: ${reply.error.message}${where(reply.error.line)}.`);
      if (reply.type === 'unpostable') {
        fail(`${name} returned a value the checks cannot receive (${reply.message}): return numbers, arrays, typed arrays or plain objects.`);
      }
      observed.forEach((o, i) => {
        const calls = reply.observed[i];
        if (calls && typeof calls === 'object') Object.assign(o.calls, { count: finite(calls.count), first: finite(calls.first), last: finite(calls.last) });
      });
      try {
        return fromWire(reply.value, { load: (bytes) => { const m = lab.loadModel(bytes); created.push(m); return m; } });
      } catch (e) {
        return fail(`${name} returned a model the checks could not read (${describeError(e).message}).`);
      }
    },
  };
}

/**
 * Runs the code in a fresh realm from `openRealm()` (learner/realm-client.js's connectRealm), then every test of
 * the task. Returns {ok, output, error, tests: [{name, hidden, passed, message, cause}], passed, total}; a syntax
 * error runs no test;
 * message and cause are '' and null on a pass. When the realm's time limit stops the job: {timedOut: true, where, ...}.
 */
export async function checkCode(task, code, lab, { openRealm } = {}) {
  if (typeof openRealm !== 'function') {
    throw new TypeError('checkCode(task, code, lab, {openRealm}): the learner\'s code runs in a realm of its own (learner/realm-client.js)');
  }
  const created = [];
  let realm = null;
  try {
    realm = await openRealm();
    return await checkTests(task, code, lab, realm, created);
  } catch (e) {
    if (!(e instanceof RealmStopped)) throw e;
    return stopped(e, task);
  } finally {
    realm?.close();
    for (const model of created) model.delete();
    task.cleanup?.(); // e.g. free the WebAssembly models the tests created
  }
}

function stopped(e, task) {
  const total = task.tests.length;
  if (e.reason === 'time') return { ok: false, timedOut: true, where: e.where, output: [], error: null, tests: [], passed: 0, total };
  const message = e.reason === 'closed'
    ? 'your code closed its own worker (self.close() or close()), so the checks could not call your functions. Leave close() out.'
    : e.message;
  return { ok: false, output: [], error: { name: 'Error', message, line: null }, tests: [], passed: 0, total };
}

async function checkTests(task, code, lab, realm, created) {
  const run = await realm.run(code);
  if (run.error?.name === 'SyntaxError') return { ok: false, output: run.output, error: run.error, tests: [], passed: 0, total: task.tests.length };
  const ctx = makeContext(lab, realm, created);
  const tests = [];
  for (const test of task.tests) tests.push(await runTest(test, ctx));
  const passed = tests.filter((t) => t.passed).length;
  const error = run.error ?? realm.asyncErrors[0] ?? null;
  const plot = run.plot && Object.keys(run.plot).length ? { plot: run.plot } : {};
  return { ok: passed === tests.length, output: run.output, error, ...plot, tests, passed, total: tests.length };
}

// One test, awaited. A stopped realm (time limit, closed) stops the whole Check.
async function runTest(test, ctx) {
  try {
    await test.run(ctx);
    return { name: test.name, hidden: !!test.hidden, passed: true, message: '', cause: null };
  } catch (e) {
    if (e instanceof RealmStopped) throw e;
    const message = e instanceof CheckFailure ? e.message : `the test itself failed: ${describeError(e).message}`;
    const cause = e instanceof CheckFailure && typeof e.cause === 'string' ? e.cause : null;
    return { name: test.name, hidden: !!test.hidden, passed: false, message, cause };
  }
}
