// Exercise 5's checks: the zero-point's typical mistakes get the message (and the cause) that teaches.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { checkCode, lab, taskOf, withFunction } from './support.mjs';

let ex5;
before(async () => {
  ex5 = await taskOf('ex5');
});

/** The first failing test of `code`: {name, message, cause}. */
async function firstFailure(code) {
  const result = await checkCode(ex5, code, lab);
  const failed = result.tests.find((t) => !t.passed);
  assert.ok(failed, 'some test should fail');
  return failed;
}

// The solution's affineQuantize with one line replaced.
const quantizeWith = (from, to) => {
  assert.ok(ex5.solution.includes(from), `the solution has ${from}`);
  return ex5.solution.replace(from, to);
};

describe('checks that teach (exercise 5, the zero-point)', () => {
  it('the solution passes every test, hidden ones included', async () => {
    const result = await checkCode(ex5, ex5.solution, lab);
    assert.deepEqual(result.tests.filter((t) => !t.passed), []);
    assert.equal(result.ok, true);
  });

  it('the starter fails', async () => {
    const result = await checkCode(ex5, ex5.starter, lab);
    assert.equal(result.ok, false);
    assert.ok(result.tests.every((t) => !t.passed || t.hidden));
  });

  it('a zero-point that is not rounded', async () => {
    const f = await firstFailure(quantizeWith('Math.max(0, roundHalfEven(-lo / scale))', 'Math.max(0, -lo / scale)'));
    assert.equal(f.cause, 'zero-point-not-integer');
    assert.match(f.message, /a whole number\. Round it/);
  });

  it('a zero-point outside the levels (the range does not include 0)', async () => {
    const code = withFunction(ex5, 'affineQuantize', `
function affineQuantize(x, bits = 8) {
  const qmax = 2 ** bits - 1;
  const lo = Math.min(...x);
  const hi = Math.max(...x);
  const scale = (hi - lo) / qmax;
  const q = bits <= 8 ? new Uint8Array(x.length) : new Uint16Array(x.length);
  if (scale === 0) return { q, scale: 0, zeroPoint: 0 };
  const zeroPoint = roundHalfEven(-lo / scale);
  for (let i = 0; i < x.length; i++) q[i] = Math.min(qmax, Math.max(0, roundHalfEven(x[i] / scale) + zeroPoint));
  return { q, scale, zeroPoint };
}`);
    const f = await firstFailure(code);
    assert.equal(f.cause, 'zero-point-out-of-range');
    assert.match(f.message, /outside \[0, 15\].*min\(min x, 0\)/);
  });

  it('the scale from max|x| instead of max − min', async () => {
    const f = await firstFailure(quantizeWith('const scale = (hi - lo) / qmax;', 'const scale = Math.max(...x.map(Math.abs)) / qmax;'));
    assert.equal(f.cause, 'scale-from-max-abs');
    assert.match(f.message, /largest magnitude.*\(max − min\) \/ 255/);
  });

  it('clipping to [−128, 127] instead of [0, 2^b − 1]', async () => {
    const f = await firstFailure(quantizeWith('q[i] = Math.min(qmax, Math.max(0, roundHalfEven(x[i] / scale) + zeroPoint));',
      'q[i] = Math.min(127, Math.max(-128, roundHalfEven(x[i] / scale) + zeroPoint));'));
    assert.equal(f.cause, 'clip-signed-range');
    assert.match(f.message, /stops at 127.*clip to \[0, 255\]/);
  });

  it('the zero-point left out of dequantization', async () => {
    const f = await firstFailure(ex5.solution.replace('recovered[i] = (q[i] - zeroPoint) * scale;', 'recovered[i] = q[i] * scale;'));
    assert.match(f.name, /^affineDequantize/);
    assert.match(f.message, /subtract the zero point first/);
  });
});
