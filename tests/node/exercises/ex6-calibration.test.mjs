// Exercise 6's checks: percentile and MSE-search mistakes get the message (and the cause) that teaches.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { checkCode, lab, taskOf, withFunction } from './support.mjs';

let ex6;
before(async () => {
  ex6 = await taskOf('ex6');
});

async function firstFailure(code) {
  const result = await checkCode(ex6, code, lab);
  const failed = result.tests.find((t) => !t.passed);
  assert.ok(failed, 'some test should fail');
  return failed;
}

const replaced = (from, to) => {
  assert.ok(ex6.solution.includes(from), `the solution has ${from}`);
  return ex6.solution.replace(from, to);
};

describe('checks that teach (exercise 6, calibration)', () => {
  it('the solution passes every test, hidden ones included; the starter fails', async () => {
    const good = await checkCode(ex6, ex6.solution, lab);
    assert.deepEqual(good.tests.filter((t) => !t.passed), []);
    const starter = await checkCode(ex6, ex6.starter, lab);
    assert.equal(starter.ok, false);
  });

  it('NumPy’s other percentile definitions (lower, higher, nearest) pass', async () => {
    for (const pick of ['sorted[below]', 'sorted[above]', 'sorted[Math.round(index)]']) {
      const result = await checkCode(ex6, replaced('return sorted[below] + (sorted[above] - sorted[below]) * (index - below);', `return ${pick};`), lab);
      assert.deepEqual(result.tests.filter((t) => !t.passed).map((t) => t.name), [], pick);
    }
  });

  it('a percentile index off by one', async () => {
    const f = await firstFailure(replaced('const index = ((sorted.length - 1) * p) / 100;', 'const index = Math.min(sorted.length - 1, (sorted.length * p) / 100);'));
    assert.equal(f.cause, 'percentile-index');
    assert.match(f.message, /off by up to one place.*\(n − 1\) · p \/ 100/);
  });

  it('p taken as a fraction', async () => {
    const f = await firstFailure(replaced('const index = ((sorted.length - 1) * p) / 100;', 'const index = (sorted.length - 1) * p;'));
    assert.equal(f.cause, 'percentile-index');
    assert.match(f.message, /not a number.*p is a percentage/);
  });

  it('unsorted data, and sort() without a comparison', async () => {
    let f = await firstFailure(replaced('const sorted = Array.from(values).sort((a, b) => a - b);', 'const sorted = Array.from(values);'));
    assert.equal(f.cause, 'not-sorted');
    f = await firstFailure(replaced('const sorted = Array.from(values).sort((a, b) => a - b);', 'const sorted = Array.from(values).sort();'));
    assert.equal(f.cause, 'not-sorted');
    assert.match(f.message, /as text/);
  });

  it('fakeQuantize without clipping', async () => {
    const f = await firstFailure(replaced('const q = Math.min(qmax, Math.max(0, roundHalfEven(x[i] / scale) + zeroPoint));', 'const q = roundHalfEven(x[i] / scale) + zeroPoint;'));
    assert.equal(f.cause, 'no-clipping');
  });

  it('the MSE over the values inside the range only', async () => {
    const code = replaced('for (let k = 0; k < values.length; k++) sum += (values[k] - recovered[k]) ** 2;\n    const mse = sum / values.length;',
      'let n = 0;\n    for (let k = 0; k < values.length; k++) if (values[k] >= lo && values[k] <= hi) { sum += (values[k] - recovered[k]) ** 2; n++; }\n    const mse = sum / n;');
    const f = await firstFailure(code);
    assert.equal(f.cause, 'mse-inside-only');
    assert.match(f.message, /leaves out the clipped values/);
  });

  it('searching one side only', async () => {
    const f = await firstFailure(replaced('const lo = (lo0 * i) / steps;', 'const lo = lo0;'));
    assert.equal(f.cause, 'one-side');
    assert.match(f.name, /negative side/);
  });

  it('no rounding error in the search: the full range', async () => {
    const code = withFunction(ex6, 'mseSearch', `
function mseSearch(values, bits = 8, steps = 100) {
  let lo0 = 0;
  let hi0 = 0;
  for (const v of values) { lo0 = Math.min(lo0, v); hi0 = Math.max(hi0, v); }
  let best = { lo: lo0, hi: hi0 };
  let bestMse = Infinity;
  for (let i = 1; i <= steps; i++) {
    const lo = (lo0 * i) / steps;
    const hi = (hi0 * i) / steps;
    let sum = 0;
    for (const v of values) sum += (v - Math.min(hi, Math.max(lo, v))) ** 2;
    if (sum / values.length < bestMse) { bestMse = sum / values.length; best = { lo, hi }; }
  }
  return best;
}`);
    const f = await firstFailure(code);
    assert.equal(f.cause, 'full-range');
  });

  it('keeping the largest MSE', async () => {
    const f = await firstFailure(replaced('let bestMse = Infinity;', 'let bestMse = -Infinity;').replace('if (mse < bestMse) {', 'if (mse > bestMse) {'));
    assert.equal(f.cause, 'argmax');
  });
});
