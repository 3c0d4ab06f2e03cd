// Exercise 3's checks: inverted or miscounted reduction factors and misplaced MSEs get the message that teaches.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { messageOf, taskOf } from './support.mjs';

let ex3;
before(async () => {
  ex3 = await taskOf('ex3');
});

describe('checks that teach (exercise 3, error vs bit width)', () => {
  it('one factor per error instead of one per pair is called out', async () => {
    const code = ex3.solution.replace('for (let i = 1; i < errors.length; i++)', 'for (let i = 0; i < errors.length; i++)');
    assert.match(await messageOf(ex3, code, 'reductionFactors'), /returned 7 factors for 7 errors: there is one factor per neighbouring pair, so 6/);
  });

  it('an MSE computed with the wrong bit width is named by its place', async () => {
    const code = ex3.solution.replace('bitWidths.map((bits) => quantizeAndMeasureError(x, bits))', 'bitWidths.map((bits) => quantizeAndMeasureError(x, bits + 1))');
    assert.match(await messageOf(ex3, code, 'errorsForBits(weights, [2, …, 8])'), /the MSE at 2 bits \(errors\[0\]\) is 0\.14265281456252\d* but NumPy gives 0\.8194848811442323/);
  });

  it('inverted reduction factors are called out', async () => {
    const code = ex3.solution.replace('errors[i - 1] / errors[i]', 'errors[i] / errors[i - 1]');
    assert.match(await messageOf(ex3, code, 'reductionFactors'), /below 1: divide the error with fewer bits/);
  });
});
