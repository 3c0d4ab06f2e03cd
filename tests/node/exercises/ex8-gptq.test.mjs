// Exercise 8's checks: GPTQ's error-feedback loop with each typical mistake gets the message (and the cause) that
// teaches; a correct loop written another way passes.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { checkCode, lab, taskOf } from './support.mjs';

let ex8;
before(async () => {
  ex8 = await taskOf('ex8');
});

async function firstFailure(code) {
  const result = await checkCode(ex8, code, lab);
  const failed = result.tests.find((t) => !t.passed);
  assert.ok(failed, 'some test should fail');
  return failed;
}

const replaced = (from, to) => {
  assert.ok(ex8.solution.includes(from), `the solution has ${from}`);
  return ex8.solution.replace(from, to);
};

const PUSH = 'for (let k = j + 1; k < cols; k++) work[r * cols + k] -= err * u[j * cols + k];';
const ERR = 'const err = (v - level * scale) / u[j * cols + j];';

describe('checks that teach (exercise 8, GPTQ)', () => {
  it('the solution passes every test, hidden ones included; the starter fails every visible one', async () => {
    const good = await checkCode(ex8, ex8.solution, lab);
    assert.deepEqual(good.tests.filter((t) => !t.passed), []);
    assert.equal(good.ok, true);
    const starter = await checkCode(ex8, ex8.starter, lab);
    assert.equal(starter.ok, false);
    assert.ok(starter.tests.every((t) => !t.passed || t.hidden));
    const first = starter.tests.find((t) => !t.passed);
    assert.equal(first.cause, 'all-zero');
    assert.match(first.message, /^Every level is 0/);
  });

  it('the same loop written column-major, errors kept per column, passes', async () => {
    const code = replaced(`  for (let j = 0; j < cols; j++) {
    for (let r = 0; r < rows; r++) {
      const scale = scales[r];
      const v = work[r * cols + j];
      const level = scale === 0 ? 0 : Math.min(qmax, Math.max(-qmax, roundHalfEven(v / scale)));
      q[r * cols + j] = level;
      ${ERR}
      ${PUSH}
    }
  }`, `  for (let j = 0; j < cols; j++) {
    const errs = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const v = work[r * cols + j];
      const level = scales[r] === 0 ? 0 : Math.min(qmax, Math.max(-qmax, roundHalfEven(v / scales[r])));
      q[r * cols + j] = level;
      errs[r] = (v - level * scales[r]) / u[j * cols + j];
    }
    for (let k = j + 1; k < cols; k++) {
      const f = u[j * cols + k];
      for (let r = 0; r < rows; r++) work[r * cols + k] -= f * errs[r];
    }
  }`);
    const result = await checkCode(ex8, code, lab);
    assert.deepEqual(result.tests.filter((t) => !t.passed).map((t) => `${t.name}: ${t.message}`), []);
  });

  it('no error feedback is round-to-nearest', async () => {
    const f = await firstFailure(replaced(PUSH, ''));
    assert.equal(f.cause, 'no-feedback');
    assert.match(f.message, /^Your levels are round-to-nearest’s/);
  });

  it('rounding the original weight instead of the updated one is round-to-nearest too', async () => {
    const f = await firstFailure(replaced('const v = work[r * cols + j];', 'const v = w[r * cols + j];'));
    assert.equal(f.cause, 'no-feedback');
  });

  it('reading U transposed (U[k][j], 0 below the diagonal) pushes nothing', async () => {
    const f = await firstFailure(replaced(PUSH, 'for (let k = j + 1; k < cols; k++) work[r * cols + k] -= err * u[k * cols + j];'));
    assert.equal(f.cause, 'no-feedback');
    assert.match(f.message, /U\[k\]\[j\] is 0 below the diagonal/);
  });

  it('updating the columns already quantized (k < j) instead of the later ones', async () => {
    const f = await firstFailure(replaced(PUSH, 'for (let k = 0; k < j; k++) work[r * cols + k] -= err * u[k * cols + j];'));
    assert.equal(f.cause, 'no-feedback');
    assert.match(f.message, /the columns before j are already final/);
  });

  it('the wrong diagonal: none, multiplied, or the receiving column’s', async () => {
    const cases = [
      ['const err = (v - level * scale);', /without dividing it by U\[j\]\[j\]/],
      ['const err = (v - level * scale) * u[j * cols + j];', /multiplied the error by U\[j\]\[j\]/],
    ];
    for (const [line, message] of cases) {
      const f = await firstFailure(replaced(ERR, line));
      assert.equal(f.cause, 'diagonal', line);
      assert.match(f.message, message);
    }
    const f = await firstFailure(replaced(ERR, 'const err = v - level * scale;').replace(PUSH,
      'for (let k = j + 1; k < cols; k++) work[r * cols + k] -= (err / u[k * cols + k]) * u[j * cols + k];'));
    assert.equal(f.cause, 'diagonal');
    assert.match(f.message, /the column receiving the error, U\[k\]\[k\]/);
  });

  it('the wrong sign', async () => {
    const f = await firstFailure(replaced(PUSH, 'for (let k = j + 1; k < cols; k++) work[r * cols + k] += err * u[j * cols + k];'));
    assert.equal(f.cause, 'sign');
    assert.match(f.message, /wrong sign/);
  });

  it('H where its inverse’s Cholesky factor belongs', async () => {
    const f = await firstFailure(replaced('const u = inverseCholesky(h, cols);', 'const u = h;'));
    assert.equal(f.cause, 'hessian');
    assert.match(f.message, /^You used H itself where U belongs/);
  });

  it('no clipping: a pushed weight beyond the grid is named', async () => {
    const f = await firstFailure(replaced('Math.min(qmax, Math.max(-qmax, roundHalfEven(v / scale)))', 'roundHalfEven(v / scale)'));
    assert.equal(f.cause, 'no-clip');
    assert.match(f.message, /outside \[−1, 1\] for 2 bits: clip each level/);
  });

  it('GPTQ beats round-to-nearest on the layer’s output error in the Run demo, and the check would see a wrong level', async () => {
    // The demo's numbers, as the learner sees them after Run.
    const result = await checkCode(ex8, ex8.solution, lab);
    assert.equal(result.ok, true);
    const rows = 8;
    const cols = 32;
    const z = lab.randn(11, 256 * cols);
    const x = new Float64Array(256 * cols);
    for (let s = 0; s < 256; s++) for (let c = 0; c < cols; c++) x[s * cols + c] = z[s * cols + c] + (c > 0 ? 0.9 * x[s * cols + c - 1] : 0);
    const w = lab.randn(12, rows * cols);
    const h = lab.layerHessian(x, cols);
    const g = lab.gptq(w, rows, cols, { hessian: h, bits: 3, groupSize: 'channel' });
    const r = lab.groupQuantize(w, rows, cols, { bits: 3, groupSize: 'channel' });
    const rtn = Float64Array.from(r.q, (v, i) => v * r.scales[Math.floor(i / cols)]);
    const eG = lab.reconstructionError(w, g.dequantized, rows, cols, { hessian: h });
    const eR = lab.reconstructionError(w, rtn, rows, cols, { hessian: h });
    assert.ok(eG < 0.5 * eR, `GPTQ ${eG} against RTN ${eR}`);
    // One level off in the last column (no later column to absorb it): a plain mismatch, named by position.
    const f = await firstFailure(replaced('  return q;\n}', '  q[cols - 1] = q[cols - 1] === qmax ? qmax - 1 : q[cols - 1] + 1;\n  return q;\n}'));
    assert.match(f.message, /^Row 0, column \d+: your level is/);
  });
});
