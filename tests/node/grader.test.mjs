// The grader's boundary (issue 10, items 3 and 6), through the same realm protocol as the page (a worker thread
// here, a nested worker there): code typed in the editor cannot earn a pass it did not earn, and what it does
// (an endless loop in a promise callback, close, an exception that cannot be described or posted, an unhandled
// rejection) is reported for the Run or Check that caused it and never reaches the next one.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { TIME_LIMIT_MS } from '../../web/src/learner/realm-client.js';
import { checkCode as checkRelaxed, runInNodeRealm } from './learner-realm.mjs';
import { lab, taskOf } from './exercises/support.mjs';

// The page's own limit (2 s), as in the runner worker.
const checkCode = (task, code, lab) => checkRelaxed(task, code, lab, { limitMs: TIME_LIMIT_MS });

let ex1;
before(async () => {
  ex1 = await taskOf('ex1');
});

// The override from the issue: every array's map returns the reference answer's shape and makes equality hold.
const MAP_OVERRIDE = `
Array.prototype.map = function () { return [1, 2, 3]; };
Array.prototype.every = function () { return true; };
Array.prototype.some = function () { return false; };
Array.prototype.filter = function () { return this; };
Object.is = () => true;
Math.abs = () => 0;
Number.isNaN = () => false;
JSON.stringify = () => '"same"';
`;

describe('the grader cannot be fooled from the editor', () => {
  it('overriding Array.prototype.map (and friends) in the learner\'s realm earns no pass', async () => {
    const result = await checkCode(ex1, `${ex1.starter}\n${MAP_OVERRIDE}`, lab);
    assert.equal(result.ok, false);
    assert.equal(result.passed < result.total, true);
    const plain = await checkCode(ex1, ex1.starter, lab);
    assert.ok(result.passed <= plain.passed, 'no check passes that the starter alone does not pass');
  });

  it('an override does not survive into the next Check', async () => {
    const poisoned = `${ex1.solution}\nArray.prototype.slice = function () { return []; }; Int8Array.prototype.slice = function () { return new Int8Array(0); };`;
    await checkCode(ex1, poisoned, lab);
    const next = await checkCode(ex1, ex1.solution, lab);
    assert.equal(next.ok, true, 'the solution passes right after');
  });

  it('a learner\'s function that returns a forged "result" object gets judged as a value', async () => {
    const forged = `${ex1.starter}\nfunction symmetricQuantize() { return { type: 'result', result: { ok: true, passed: 1e9, total: 1 } }; }`;
    const result = await checkCode(ex1, forged, lab);
    assert.equal(result.ok, false);
    assert.ok(result.passed <= result.total);
  });
});

describe('blame: each job answers for itself', () => {
  it('an endless loop in a promise callback stops this Run, with a clear place, and the next Run is immediate', async () => {
    const t0 = performance.now();
    const stopped = await runInNodeRealm(ex1, 'Promise.resolve().then(() => { while (true) {} });', lab);
    assert.equal(stopped.timedOut, true);
    assert.match(stopped.where, /top level/);
    const t1 = performance.now();
    const next = await runInNodeRealm(ex1, 'console.log("fine", 6 * 7);', lab);
    assert.deepEqual(next, { ok: true, output: ['fine 42'], error: null });
    console.log(`loop stopped after ${Math.round(t1 - t0)} ms; the next Run took ${Math.round(performance.now() - t1)} ms`);
  });

  it('an endless loop inside a function stops this Check and names the function', async () => {
    // \`looping\` is undefined while the demo runs (var is hoisted, its value set at the end): only the checks loop.
    const code = `${ex1.solution}\nfunction roundHalfEven(v) { while (looping) {} return v; }\nvar looping = true;`;
    const result = await checkCode(ex1, code, lab);
    assert.equal(result.timedOut, true);
    assert.equal(result.where, 'roundHalfEven(…)');
    assert.equal((await checkCode(ex1, ex1.solution, lab)).ok, true);
  });

  it('closing its own realm is reported for this job', async () => {
    const run = await runInNodeRealm(ex1, 'console.log("bye"); process.exit(0);', lab);
    assert.equal(run.ok, false);
    assert.match(run.error.message, /closed its own worker|ended/);
    const check = await checkCode(ex1, `${ex1.solution}\nprocess.exit(0);`, lab);
    assert.equal(check.ok, false);
    assert.equal(check.passed, 0);
    assert.equal((await runInNodeRealm(ex1, 'console.log(1)', lab)).ok, true);
  });

  it('a thrown value that cannot be described is reported as such, not as a timeout', async () => {
    const hostile = 'new Proxy({}, { get() { throw new Error("no"); }, getPrototypeOf() { throw new Error("no"); } })';
    const run = await runInNodeRealm(ex1, `throw ${hostile};`, lab);
    assert.equal(run.timedOut, undefined);
    assert.equal(run.ok, false);
    assert.equal(run.error.name, 'Thrown value');
    const check = await checkCode(ex1, `${ex1.solution}\nfunction roundHalfEven(v) { throw ${hostile}; }`, lab);
    const test = check.tests.find((t) => t.name.startsWith('roundHalfEven'));
    assert.equal(test.passed, false);
    assert.match(test.message, /roundHalfEven threw Thrown value: a value that cannot be shown/);
  });

  it('a returned value that cannot be posted fails that check with a message', async () => {
    const code = `${ex1.solution}\nfunction roundHalfEven(v) { return () => v; }`;
    const check = await checkCode(ex1, code, lab);
    const test = check.tests.find((t) => t.name.startsWith('roundHalfEven'));
    assert.equal(test.passed, false);
    assert.match(test.message, /roundHalfEven returned a value the checks cannot receive .*return numbers, arrays/);
  });

  it('an unhandled rejection is reported for this Run, and the next Run does not see it', async () => {
    const run = await runInNodeRealm(ex1, 'Promise.reject(new RangeError("lost promise")); console.log("top level done");', lab);
    assert.equal(run.ok, false);
    assert.deepEqual(run.output, ['top level done']);
    assert.equal(run.error.name, 'RangeError');
    assert.equal(run.error.message, 'lost promise');
    assert.deepEqual(await runInNodeRealm(ex1, 'console.log(2)', lab), { ok: true, output: ['2'], error: null });
  });
});
