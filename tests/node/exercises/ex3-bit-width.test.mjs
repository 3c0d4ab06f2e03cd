// Exercise 3's checks: the clipped round trip, the two sweeps and the best threshold; typical mistakes get the
// message that teaches; the reference of the clipped error agrees with the core's; Run hands plot data to the page.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { clipGrid, clippedError, weights } from '../../../web/src/exercises/ex3-bit-width/data.js';
import { runCode } from '../../../web/src/learner/sandbox.js';
import { checkCode, lab, messageOf, taskOf, withFunction } from './support.mjs';

let ex3;
before(async () => {
  ex3 = await taskOf('ex3');
});

describe('checks that teach (exercise 3, error vs bit width, and where to clip)', () => {
  it('the page\'s clipped error agrees with the core (no clipping: quantizationMse; clipped: fakeQuantize)', () => {
    const x = Array.from(weights(lab, 'outliers'));
    const m = Math.max(...x.map(Math.abs));
    for (const bits of [2, 4, 8]) {
      const got = clippedError(x, bits, m).mse;
      const want = lab.quantizationMse(x, bits);
      assert.ok(Math.abs(got - want) <= 1e-12 * want, `${bits} bits: ${got} vs ${want}`);
    }
    for (const c of [0.5, 2, 3.1]) {
      const got = clippedError(x, 4, c);
      const want = lab.fakeQuantize(x, { bits: 4, lo: -c, hi: c, scheme: 'symmetric' }).mse;
      // fakeQuantize keeps its scale in float32, as an activation's: equal to 1e-7 relative.
      assert.ok(Math.abs(got.mse - want) <= 1e-7 * want, `clip ${c}: ${got.mse} vs ${want}`);
      assert.ok(Math.abs(got.rounding + got.clipping - got.mse) <= 1e-15);
    }
  });

  it('an MSE computed with the wrong bit width is named by its place', async () => {
    const code = ex3.solution.replace('bitWidths.map((bits) => quantizeAndMeasureError(x, bits))', 'bitWidths.map((bits) => quantizeAndMeasureError(x, bits + 1))');
    assert.match(await messageOf(ex3, code, 'errorsForBits(weights, [2, …, 8])'), /the MSE at 2 bits \(errors\[0\]\) is 0\.14265281456252\d* but NumPy gives 0\.8194848811442323/);
  });

  it('a scale from max|x| whatever clipAt says is named', async () => {
    const code = ex3.solution.replace('const scale = clipAt / qmax;', 'const scale = maxAbs(x) / qmax;');
    assert.match(await messageOf(ex3, code, '…and clipped'), /the error without clipping: the scale must come from clipAt/);
  });

  it('levels left unclipped are named: the clipping error comes from saturating', async () => {
    const code = ex3.solution.replace('const q = Math.min(qmax, Math.max(-qmax, roundHalfEven(v / scale)));', 'const q = roundHalfEven(v / scale);');
    const result = await checkCode(ex3, code, lab);
    const clipped = result.tests.find((t) => t.name.startsWith('…and clipped'));
    assert.equal(clipped.cause, 'no-clip');
    assert.match(clipped.message, /Clip the level to \[−qmax, qmax\], so that they saturate/);
    assert.equal(result.tests.find((t) => t.name.startsWith('clipSweep')).cause, 'no-clip');
  });

  it('bestClip: the largest error, or the index, are named', async () => {
    const worst = ex3.solution.replace('if (errors[i] < errors[best]) best = i;', 'if (errors[i] > errors[best]) best = i;');
    assert.match(await messageOf(ex3, worst, 'bestClip'), /picked the largest error/);
    const index = ex3.solution.replace('return { clip: clips[best], mse: errors[best] };', 'return { clip: best, mse: errors[best] };');
    assert.match(await messageOf(ex3, index, 'bestClip'), /returned the index \d+: return the threshold itself/);
  });

  it('the code saved for the earlier task fails with a message that names the missing function', async () => {
    const old = `function roundHalfEven(v) { const r = Math.round(v); return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r; }
function quantizeAndMeasureError(x, bits) {
  const qmax = 2 ** (bits - 1) - 1; let m = 0; for (const v of x) m = Math.max(m, Math.abs(v));
  const scale = m / qmax; let sum = 0;
  for (const v of x) { const q = Math.min(qmax, Math.max(-qmax, roundHalfEven(v / scale))); sum += (v - q * scale) ** 2; }
  return sum / x.length;
}
function errorsForBits(x, bitWidths) { return bitWidths.map((b) => quantizeAndMeasureError(x, b)); }
function reductionFactors(errors) { return errors.slice(1).map((e, i) => errors[i] / e); }
`;
    const result = await checkCode(ex3, old, lab);
    assert.equal(result.ok, false);
    assert.match(result.tests.find((t) => t.name.startsWith('clipSweep')).message, /clipSweep is not defined/);
  });

  it('Run hands the learner\'s sweeps to the page as plain plot data', () => {
    const { plot, error } = runCode(ex3, ex3.solution, lab);
    assert.equal(error, null);
    assert.deepEqual(plot.bits.x, [2, 3, 4, 5, 6, 7, 8]);
    assert.equal(plot.bits.y.length, 7);
    const x = Array.from(weights(lab, 'outliers'));
    assert.equal(plot.clip.x.length, clipGrid(x).length);
    assert.deepEqual(structuredClone(plot), plot);
    // Only finite pairs, whatever the code passes.
    const odd = runCode(ex3, `${ex3.starter}\nplot('bits', [1, 2, NaN], [1, Infinity, 3]); plot('x', 'ab', null);`, lab).plot;
    assert.deepEqual(odd.bits, { x: [1], y: [1] });
    assert.deepEqual(odd.x, { x: [], y: [] });
  });
});
