// Exercise 7's checks: the typical mistakes of int4 packing and group-wise quantization get the message (and the
// cause) that teaches; and the page's size arithmetic (data.js) equals the model files the core writes.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { configText, LAYERS, layerSchemes, modelBytes } from '../../../web/src/exercises/ex7-low-bit/data.js';
import { checkCode, lab, taskOf, withFunction } from './support.mjs';

let ex7;
before(async () => {
  ex7 = await taskOf('ex7');
});

/** The first failing test of `code`: {name, message, cause}. */
async function firstFailure(code) {
  const result = await checkCode(ex7, code, lab);
  const failed = result.tests.find((t) => !t.passed);
  assert.ok(failed, 'some test should fail');
  return failed;
}

const replace = (from, to) => {
  assert.ok(ex7.solution.includes(from), `the solution has ${from}`);
  return ex7.solution.replace(from, to);
};

describe('checks that teach (exercise 7, below 8 bits)', () => {
  it('the solution passes every test, hidden ones included', async () => {
    const result = await checkCode(ex7, ex7.solution, lab);
    assert.deepEqual(result.tests.filter((t) => !t.passed), []);
    assert.equal(result.ok, true);
  });

  it('the starter fails every visible test', async () => {
    const result = await checkCode(ex7, ex7.starter, lab);
    assert.equal(result.ok, false);
    assert.ok(result.tests.every((t) => !t.passed || t.hidden));
  });

  it('packing: the nibbles swapped', async () => {
    const f = await firstFailure(replace('const low = q[i] & 0xf;\n    const high = i + 1 < q.length ? (q[i + 1] & 0xf) << 4 : 0;',
      'const low = i + 1 < q.length ? q[i + 1] & 0xf : 0;\n    const high = (q[i] & 0xf) << 4;'));
    assert.match(f.name, /^packInt4/);
    assert.equal(f.cause, 'nibbles-swapped');
    assert.match(f.message, /swapped.*q\[2i\], goes into the low 4 bits/);
  });

  it('packing: negative values not masked', async () => {
    const f = await firstFailure(replace('const low = q[i] & 0xf;', 'const low = q[i];'));
    assert.equal(f.cause, 'no-mask');
    assert.match(f.message, /\[0xff, 0x07\] but the core gives \[0x8f, 0x07\].*q & 0xf/);
  });

  it('packing: offset binary instead of two’s complement', async () => {
    const f = await firstFailure(replace('const low = q[i] & 0xf;\n    const high = i + 1 < q.length ? (q[i + 1] & 0xf) << 4 : 0;',
      'const low = q[i] + 8;\n    const high = i + 1 < q.length ? (q[i + 1] + 8) << 4 : 128;'));
    assert.equal(f.cause, 'offset-binary');
  });

  it('packing: an odd count loses its last value', async () => {
    const f = await firstFailure(replace('new Uint8Array(Math.ceil(q.length / 2))', 'new Uint8Array(Math.floor(q.length / 2))'));
    assert.equal(f.cause, 'odd-count');
    assert.match(f.message, /the last value is lost.*Math\.ceil/);
  });

  it('unpacking: the nibble not sign-extended', async () => {
    const f = await firstFailure(replace('q[i] = nibble >= 8 ? nibble - 16 : nibble;', 'q[i] = nibble;'));
    assert.match(f.name, /^unpackInt4/);
    assert.equal(f.cause, 'no-sign-extend');
    assert.match(f.message, /not sign-extended.*nibble − 16/);
  });

  it('unpacking: the wrong nibble order', async () => {
    const f = await firstFailure(replace('i % 2 === 0 ? bytes[i >> 1] & 0xf : bytes[i >> 1] >> 4', 'i % 2 === 1 ? bytes[i >> 1] & 0xf : bytes[i >> 1] >> 4'));
    assert.equal(f.cause, 'nibbles-swapped');
  });

  it('group-wise: one scale per row', async () => {
    const code = withFunction(ex7, 'groupQuantize', `
function groupQuantize(w, rows, cols, bits, groupSize) {
  const qmax = 2 ** (bits - 1) - 1;
  const q = new Int8Array(rows * cols);
  const scales = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(w[r * cols + c]));
    scales[r] = max / qmax;
    for (let c = 0; c < cols; c++) q[r * cols + c] = scales[r] ? Math.min(qmax, Math.max(-qmax, roundHalfEven(w[r * cols + c] / scales[r]))) : 0;
  }
  return { q, scales };
}`);
    const f = await firstFailure(code);
    assert.match(f.name, /^groupQuantize/);
    assert.equal(f.cause, 'per-row-not-group');
    assert.match(f.message, /one per row: that is per channel/);
  });

  it('group-wise: qmax = 2^(b−1) instead of 2^(b−1) − 1', async () => {
    const f = await firstFailure(replace('const qmax = 2 ** (bits - 1) - 1;', 'const qmax = 2 ** (bits - 1);'));
    assert.equal(f.cause, 'qmax-one-too-many');
    assert.match(f.message, /one level too many/);
  });

  it('group-wise: the last, shorter group of a row forgotten (no scale)', async () => {
    const f = await firstFailure(replace('const groups = Math.ceil(cols / groupSize);', 'const groups = Math.floor(cols / groupSize);'));
    assert.equal(f.cause, 'partial-group');
    assert.match(f.message, /the last 8 weights of each row have no group.*Math\.ceil\(40 \/ 16\) = 3/);
  });

  it('group-wise: the last group scaled but never quantized', async () => {
    const f = await firstFailure(replace('for (let c = start; c < end; c++) {\n        q[r * cols + c]', 'for (let c = start; c < end && end - start === groupSize; c++) {\n        q[r * cols + c]'));
    assert.equal(f.cause, 'partial-group');
    assert.match(f.message, /columns 32–39\) all quantize to 0/);
  });

  it('group-wise: one scale for the whole matrix, repeated', async () => {
    const f = await firstFailure(replace('let max = 0;\n      for (let c = start; c < end; c++) max = Math.max(max, Math.abs(w[r * cols + c]));',
      'let max = 0;\n      for (const v of w) max = Math.max(max, Math.abs(v));'));
    assert.equal(f.cause, 'per-tensor');
  });
});

describe('exercise 7’s sizes', () => {
  it('modelBytes equals the model files the core writes, for every layout it stores', () => {
    const fp32 = lab.createSimpleNet(0);
    try {
      const u = (bits, gran) => ({ grid: 'uniform', bits, gran });
      const cases = [
        [layerSchemes({ bits: 4, gran: 'channel', grid: 'uniform' }), { bits: 4 }],
        [layerSchemes({ bits: 3, gran: 'g64', grid: 'uniform' }), { bits: 3, groupSize: 64 }],
        [layerSchemes({ bits: 2, gran: 'tensor', grid: 'uniform' }), { bits: 2, groupSize: 'tensor' }],
        [layerSchemes({ bits: 4, gran: 'g16', grid: 'nf4' }), { method: 'nf4', blockSize: 16 }],
        [layerSchemes({ bits: 8, gran: 'channel', grid: 'uniform' }), { bits: 8, groupSize: 'channel' }],
        [[u(4, 'g128'), u(8, 'tensor')], { layers: [{ bits: 4, groupSize: 128 }, { bits: 8, groupSize: 'tensor' }] }],
      ];
      for (const [schemes, options] of cases) {
        const m = lab.quantizeWeights(fp32, options);
        try {
          assert.equal(modelBytes(schemes, LAYERS), m.serialize().length, configText(schemes));
        } finally {
          m.delete();
        }
      }
    } finally {
      fp32.delete();
    }
  });
});
