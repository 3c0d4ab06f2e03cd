// Exercise 2's checks: scales per column and a sum instead of a mean get the message that teaches.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { groupFailures } from '../../../web/src/checks/group.js';
import { checkCode, lab, messageOf, taskOf, withFunction } from './support.mjs';

let ex2;
before(async () => {
  ex2 = await taskOf('ex2');
});

describe('checks that teach (exercise 2, per-tensor vs per-channel)', () => {
  it('per-column scales are called out', async () => {
    const code = withFunction(ex2, 'perChannelQuantize', `
function perChannelQuantize(w, rows, cols, bits = 8) {
  const qmax = 2 ** (bits - 1) - 1;
  const scales = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    let m = 0;
    for (let r = 0; r < rows; r++) m = Math.max(m, Math.abs(w[r * cols + c]));
    scales[c] = m / qmax;
  }
  const q = new Int8Array(rows * cols);
  for (let i = 0; i < q.length; i++) q[i] = Math.min(qmax, Math.max(-qmax, roundHalfEven(w[i] / scales[i % cols])));
  return { q, scales };
}`);
    assert.match(await messageOf(ex2, code, 'perChannelQuantize gives one scale per row'), /64 scales, one per column.*axis=1/);
    assert.match(await messageOf(ex2, code, 'Hidden: a square'), /maxima of the columns/);
  });

  it('a sum instead of a mean is called out', async () => {
    const code = ex2.solution.replace('return sum / a.length;', 'return sum;');
    assert.match(await messageOf(ex2, code, 'mse(a, b)'), /200× too large: divide the sum of squares by the number of values/);
  });

  it('one scale for the whole matrix copied to every row is named per-tensor, once, first', async () => {
    const code = withFunction(ex2, 'perChannelQuantize', `
function perChannelQuantize(w, rows, cols, bits = 8) {
  const { q, scale } = perTensorQuantize(w, bits);
  return { q, scales: new Float64Array(rows).fill(scale) };
}`);
    const result = await checkCode(ex2, code, lab);
    const groups = groupFailures(result.tests);
    assert.equal(groups[0].cause, 'per-tensor');
    assert.match(groups[0].message, /you computed one scale for the whole matrix: that is per-tensor/);
    assert.ok(groups[0].tests.length >= 2, 'the cause lists the checks it breaks');
    assert.equal(groups.filter((g) => g.cause === 'per-tensor').length, 1);
  });

  it('float32 recovered values pass as well as float64, with no note', async () => {
    const code = withFunction(ex2, 'perChannelDequantize', `
function perChannelDequantize(q, scales, rows, cols) {
  const recovered = new Float32Array(rows * cols);
  for (let i = 0; i < q.length; i++) recovered[i] = q[i] * scales[Math.floor(i / cols)];
  return recovered;
}`);
    const result = await checkCode(ex2, code, lab);
    assert.deepEqual(result.tests.filter((t) => !t.passed).map((t) => t.message), []);
    assert.deepEqual(result.tests.map((t) => t.message).filter(Boolean), []);
  });
});
