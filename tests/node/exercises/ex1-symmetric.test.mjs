// Exercise 1's checks: every typical mistake gets the message that teaches (rounding, qmax, max|x|, clipping, integer
// arrays, float64 accepted, errors with their line).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { groupFailures } from '../../../web/src/checks/group.js';
import { checkCode, lab, messageOf, taskOf, withFunction } from './support.mjs';

let ex1;
before(async () => {
  ex1 = await taskOf('ex1');
});

describe('checks that teach (exercise 1, symmetric quantization)', () => {
  it('Math.round instead of round-half-to-even names the tie and NumPy', async () => {
    const code = withFunction(ex1, 'roundHalfEven', 'function roundHalfEven(v) { return Math.round(v); }');
    assert.match(await messageOf(ex1, code, 'roundHalfEven'), /2\.5 is exactly halfway.*np\.round picks the even neighbour, 2/);
    assert.match(await messageOf(ex1, code, 'Exact ties'), /Math\.round\(2\.5\) = 3 rounds halves up.*np\.round rounds halves to the even integer/);
  });

  it('qmax = 2^bits - 1 says the scale is about 2x too small', async () => {
    const code = ex1.solution.replace('const qmax = 2 ** (bits - 1) - 1;', 'const qmax = 2 ** bits - 1;');
    assert.match(await messageOf(ex1, code, "The notebook's weights"), /2\^bits − 1 = 255.*2\^\(bits−1\) − 1 = 127.*2× too small/);
  });

  it('qmax = 2^(bits-2) - 1 says the scale is 2x too large', async () => {
    const code = ex1.solution.replace('const qmax = 2 ** (bits - 1) - 1;', 'const qmax = 2 ** (bits - 2) - 1;');
    assert.match(await messageOf(ex1, code, "The notebook's weights"), /2× too large: is qmax 2\^\(bits−1\) − 1 = 127\?/);
  });

  it('max(x) instead of max|x| is named', async () => {
    const code = ex1.solution.replace('maxAbs = Math.max(maxAbs, Math.abs(v))', 'maxAbs = Math.max(maxAbs, v)');
    const result = await checkCode(ex1, code, lab);
    const hidden = result.tests.find((t) => t.name.includes('largest magnitude is negative'));
    assert.equal(hidden.passed, false);
    assert.match(hidden.message, /max\(x\).*largest magnitude max\|x\|/);
  });

  it('a missing clip is caught by quantizeWithScale', async () => {
    const code = ex1.solution.replace('Math.min(qmax, Math.max(-qmax, roundHalfEven(x[i] / scale)))', 'roundHalfEven(x[i] / scale)');
    assert.match(await messageOf(ex1, code, 'quantizeWithScale clips'), /228\.6.* beyond ±127\. Clip .*saturates at 127 \(the unclipped level 229 wrapped around to -27 in the Int8Array\)/);
  });

  it('floats instead of integers', async () => {
    const code = ex1.solution.replace('const q = qmax <= 127 ? new Int8Array(x.length) : new Int16Array(x.length);', 'const q = new Float64Array(x.length);');
    assert.match(await messageOf(ex1, code, '…and q ='), /Float64Array: store whole numbers in an integer array/);
  });

  it('an Int8Array at 16 bits wraps', async () => {
    const code = ex1.solution.replace('const q = qmax <= 127 ? new Int8Array(x.length) : new Int16Array(x.length);', 'const q = new Int8Array(x.length);');
    assert.match(await messageOf(ex1, code, '16 bits'), /Int8Array, which holds only -128…127/);
  });

  it('every honest q × scale passes, silently: the literal TODO 5, float32 with a float32 scale, float64', async () => {
    for (const body of [
      'function symmetricDequantize(q, scale) {\n  const recovered = new Float32Array(q.length);\n  for (let i = 0; i < q.length; i++) recovered[i] = q[i] * scale;\n  return recovered;\n}',
      'function symmetricDequantize(q, scale) {\n  const s = Math.fround(scale);\n  return Float32Array.from(q, (v) => v * s);\n}',
      'function symmetricDequantize(q, scale) { return Array.from(q, (v) => v * scale); }',
    ]) {
      const result = await checkCode(ex1, withFunction(ex1, 'symmetricDequantize', body), lab);
      assert.equal(result.ok, true, body);
      assert.deepEqual(result.tests.map((t) => t.message).filter(Boolean), [], 'no note on a pass');
    }
  });

  it('the starter with only TODO 5 filled in literally passes the dequantize check', async () => {
    const code = ex1.starter.replace('  // TODO 5: fill recovered[i] with q[i] * scale.\n', '  for (let i = 0; i < q.length; i++) recovered[i] = q[i] * scale;\n');
    assert.notEqual(code, ex1.starter);
    const result = await checkCode(ex1, code, lab);
    assert.equal(result.tests.find((t) => t.name.startsWith('symmetricDequantize')).passed, true);
  });

  it('qmax = 255 is one cause that breaks several checks', async () => {
    const code = ex1.solution.replace('const qmax = 2 ** (bits - 1) - 1;', 'const qmax = 2 ** bits - 1;');
    const result = await checkCode(ex1, code, lab);
    const failed = result.tests.filter((t) => !t.passed);
    assert.ok(failed.length >= 3);
    assert.ok(failed.every((t) => t.cause === 'qmax-unsigned'), failed.map((t) => `${t.name}: ${t.cause}`).join('\n'));
    const groups = groupFailures(result.tests);
    assert.equal(groups.length, 1);
    assert.equal(groups[0].tests.length, failed.length);
    assert.match(groups[0].message, /^qmax looks like 2\^bits − 1 = 255/);
  });

  it('an exception names the function and the line', async () => {
    const code = withFunction(ex1, 'symmetricDequantize', 'function symmetricDequantize(q, scale) {\n  return q.nope.x;\n}');
    const line = code.split('\n').findIndex((l) => l.includes('q.nope.x')) + 1;
    assert.match(await messageOf(ex1, code, 'symmetricDequantize'), new RegExp(`symmetricDequantize threw TypeError: .*\\(line ${line}\\)`));
  });

  it('a syntax error is reported as such, with no test run', async () => {
    const result = await checkCode(ex1, 'function (', lab);
    assert.equal(result.error.name, 'SyntaxError');
    assert.equal(result.tests.length, 0);
  });

  it('a runtime error at top level keeps its line, and the functions are still checked', async () => {
    const code = `${ex1.solution}\nnull.boom;\n`;
    const line = code.split('\n').indexOf('null.boom;') + 1;
    const result = await checkCode(ex1, code, lab);
    assert.equal(result.error.line, line);
    assert.equal(result.ok, true);
  });
});

describe("exercise 1's page: weights whose scale float32 cannot hold (issue 10)", () => {
  // The page's own numbers: the core quantizes in float64 (it refuses only a float64-subnormal scale) and the
  // recovered values are float32, so 3e-308 at 2 bits has q = 1 and comes back as 0. The page must say why.
  it('says the scale is below float32\'s normal range and what float32 makes of it (0, or a subnormal)', async () => {
    const { float32ScaleNote } = await import('../../../web/src/exercises/ex1-symmetric/lab.js');
    const note = (w, bits) => {
      const r = lab.symmetricQuantize(w, bits);
      return { r, rec: lab.symmetricDequantize(r.q, r.scale), text: float32ScaleNote({ maxAbs: Math.max(...w.map(Math.abs)), scale: r.scale, qmax: r.qmax, bits }) };
    };
    const gone = note([3e-308], 2);
    assert.deepEqual([Array.from(gone.r.q), Array.from(gone.rec)], [[1], [0]]);
    assert.match(gone.text, /max\|w\| = 3e−308 gives a scale of 3e−308 \/ 1 = 3\.000e−308 at 2 bits, below the smallest normal float32 \(1\.175e−38\)/);
    assert.match(gone.text, /float32 stores this scale as 0 .*every weight comes back as 0.*Multiply the weights by 2\^896 first/);
    assert.ok(Math.fround(3e-308 * 2 ** 896) >= 2 ** -126 && Math.fround(3e-308 * 2 ** 895) < 2 ** -126, 'the power of two named is the smallest that works');
    const subnormal = note([1e-39, -5e-40], 8);
    assert.match(subnormal.text, /stores this scale as the subnormal 7\.874e−42, with 13 significant bits instead of 24/);
    assert.equal(note([1e-30, 0.5e-30], 8).text, ''); // scale 7.9e-33: a normal float32
    assert.equal(note([0, 0], 8).text, ''); // all zero: scale 0, nothing lost
  });
});
