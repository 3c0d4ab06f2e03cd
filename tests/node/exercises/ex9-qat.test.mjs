// Exercise 9's checks: the fake quantizer's and the straight-through estimator's typical mistakes get the message
// (and the cause) that teaches; forgetting the mask first of all.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { checkCode, lab, taskOf, withFunction } from './support.mjs';

let ex9;
before(async () => {
  ex9 = await taskOf('ex9');
});

/** The first failing test of `code`: {name, message, cause}. */
async function firstFailure(code) {
  const result = await checkCode(ex9, code, lab);
  const failed = result.tests.find((t) => !t.passed);
  assert.ok(failed, 'some test should fail');
  return failed;
}

// The solution with one line replaced.
const solutionWith = (from, to) => {
  assert.ok(ex9.solution.includes(from), `the solution has ${from}`);
  return ex9.solution.replace(from, to);
};

describe('checks that teach (exercise 9, fake quantization and the STE)', () => {
  it('the solution passes every test, hidden ones included', async () => {
    const result = await checkCode(ex9, ex9.solution, lab);
    assert.deepEqual(result.tests.filter((t) => !t.passed), []);
    assert.equal(result.ok, true);
  });

  it('the starter fails every visible test, each with a message', async () => {
    const result = await checkCode(ex9, ex9.starter, lab);
    assert.equal(result.ok, false);
    for (const t of result.tests.filter((x) => !x.hidden)) {
      assert.equal(t.passed, false, t.name);
      assert.ok(t.message.length > 20, t.name);
    }
  });

  it('the missing mask: the classic mistake', async () => {
    const f = await firstFailure(solutionWith('grad[i] = inside ? gradUsed[i] : 0;', 'grad[i] = gradUsed[i];'));
    assert.match(f.name, /masked to 0/);
    assert.equal(f.cause, 'no-mask');
    assert.match(f.message, /^There is no mask: \d+ of the 384 weights lie outside the clipping range.*keep drifting further out/);
  });

  it('scales recomputed from the drifted weights instead of the frozen ones: no mask either', async () => {
    const code = withFunction(ex9, 'steBackward', `
function steBackward(gradUsed, w, rows, cols, bits, scales) {
  return Float64Array.from(gradUsed);
}`);
    assert.equal((await firstFailure(code)).cause, 'no-mask');
  });

  it('the mask tested before rounding (|w| ≤ qmax · s)', async () => {
    const f = await firstFailure(solutionWith('Math.abs(roundHalfEven(w[i] / s)) <= qmax;', 'Math.abs(w[i]) <= qmax * s;'));
    assert.equal(f.cause, 'mask-before-rounding');
    assert.match(f.message, /between qmax · s and \(qmax \+ ½\) · s/);
  });

  it('an inverted mask', async () => {
    const result = await checkCode(ex9, solutionWith('grad[i] = inside ? gradUsed[i] : 0;', 'grad[i] = inside ? 0 : gradUsed[i];'), lab);
    const [inside, masked] = result.tests.filter((t) => t.name.startsWith('steBackward'));
    assert.equal(inside.cause, 'zero-gradient'); // no weight is clipped there: nothing gets a gradient
    assert.equal(masked.cause, 'mask-inverted');
    assert.match(masked.message, /^Your mask is upside down/);
  });

  it('one scale for the whole matrix: per-tensor', async () => {
    const code = withFunction(ex9, 'channelScales', `
function channelScales(w, rows, cols, bits) {
  const qmax = 2 ** (bits - 1) - 1;
  let max = 0;
  for (const v of w) max = Math.max(max, Math.abs(v));
  return new Float64Array(rows).fill(max / qmax);
}`);
    const f = await firstFailure(code);
    assert.equal(f.cause, 'per-tensor');
    assert.match(f.message, /^Your scales are one number for the whole matrix.*that is per-tensor/);
  });

  it('rounding with Math.floor', async () => {
    const f = await firstFailure(solutionWith('roundHalfEven(w[i] / s)));', 'Math.floor(w[i] / s)));'));
    assert.equal(f.cause, 'floor');
    assert.match(f.message, /^You round with Math\.floor/);
  });

  it('qmax off by one: in the scales, and in the clamp', async () => {
    const scales = await firstFailure(solutionWith('scales[r] = max / qmax;', 'scales[r] = max / (qmax + 1);'));
    assert.equal(scales.cause, 'qmax-off-by-one');
    assert.match(scales.message, /^Your scales use qmax = 8: at 4 bits the symmetric levels run from −7 to 7/);
    const clamp = await firstFailure(solutionWith('Math.min(qmax, Math.max(-qmax, roundHalfEven', 'Math.min(qmax, Math.max(-qmax - 1, roundHalfEven'));
    assert.equal(clamp.cause, 'qmax-off-by-one');
    assert.match(clamp.message, /You clamp the levels to \[−4, 3\]/);
  });

  it('no clamp in the forward pass', async () => {
    const f = await firstFailure(solutionWith('const level = Math.min(qmax, Math.max(-qmax, roundHalfEven(w[i] / s)));', 'const level = roundHalfEven(w[i] / s);'));
    assert.equal(f.cause, 'no-clip');
    assert.match(f.name, /drifted past/);
  });

  it('no gradient at all (the true derivative of rounding)', async () => {
    const f = await firstFailure(solutionWith('grad[i] = inside ? gradUsed[i] : 0;', 'grad[i] = 0;'));
    assert.equal(f.cause, 'zero-gradient');
    assert.match(f.message, /straight-through estimator pretends rounding is the identity/);
  });
});
