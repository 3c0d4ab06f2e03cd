// Check: runs the learner's code in the sandbox (learner/sandbox.js), then every test of the task against the
// functions it defined (visible tests first, then hidden ones). No DOM: runs in the runner worker and in Node.
//
// A task (an exercise's tasks.js) is {functions, starter, solution, hints, tests, globals?, cleanup?}; a test is
// {name, hidden?, async run(ctx)}: run() calls the learner's functions through `await ctx.call(name, ...args)`, compares with
// the WebAssembly reference ctx.lab using the helpers of checks/expect.js and checks/quantization.js, and fails
// by throwing CheckFailure (fail(message, {cause})). A passed test shows nothing: what run() returns is ignored.
// The results carry each failure's cause, so that the page can group them (checks/group.js).
import { describeError, runCode } from '../learner/sandbox.js';
import { CheckFailure, fail } from './expect.js';

const where = (line) => (line ? ` (line ${line})` : '');

// Inputs handed to learner functions are copies, so that a function that modifies its input cannot change what
// the reference sees.
const copy = (v) => (Array.isArray(v) || ArrayBuffer.isView(v) ? v.slice() : v);

function makeContext(lab, functions) {
  return {
    lab,
    /** Calls the learner's function `name`; a missing function or an exception fails the test with a message. */
    call(name, ...args) {
      const fn = functions[name];
      if (typeof fn !== 'function') {
        fail(`${name} is not defined: keep a function named ${name} in your code (Reset brings the starter back).`);
      }
      try {
        return fn(...args.map(copy));
      } catch (e) {
        if (e instanceof CheckFailure) throw e;
        const d = describeError(e);
        fail(`${name} threw ${d.name}: ${d.message}${where(d.line)}.`);
      }
    },
  };
}

/**
 * Runs the code, then every test of the task. Returns {ok, output, error, tests: [{name, hidden, passed,
 * message, cause}], passed, total}; a syntax error runs no test. message and cause are '' and null on a pass.
 */
export async function checkCode(task, code, lab) {
  try {
    return await checkTests(task, code, lab);
  } finally {
    task.cleanup?.(); // e.g. free the WebAssembly models the code and the tests created
  }
}

async function checkTests(task, code, lab) {
  const { functions, ...run } = runCode(task, code, lab);
  if (run.error?.name === 'SyntaxError') return { ...run, tests: [], passed: 0, total: task.tests.length };
  const ctx = makeContext(lab, functions);
  const tests = [];
  for (const test of task.tests) tests.push(await runTest(test, ctx));
  const passed = tests.filter((t) => t.passed).length;
  return { ok: passed === tests.length, output: run.output, error: run.error, plot: run.plot, tests, passed, total: tests.length };
}

// One test, awaited: a test's run() is async, and ctx.call will cross into the learner's own realm.
async function runTest(test, ctx) {
  try {
    await test.run(ctx);
    return { name: test.name, hidden: !!test.hidden, passed: true, message: '', cause: null };
  } catch (e) {
    const failure = e instanceof CheckFailure;
    const message = failure ? e.message : `the test itself failed: ${describeError(e).message}`;
    return { name: test.name, hidden: !!test.hidden, passed: false, message, cause: failure ? e.cause : null };
  }
}
