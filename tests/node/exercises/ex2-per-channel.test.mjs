// Exercise 2's checks: scales per column and a sum instead of a mean get the message that teaches.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { messageOf, taskOf, withFunction } from './support.mjs';

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
});
