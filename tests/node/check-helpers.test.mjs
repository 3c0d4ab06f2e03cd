// The check helpers (web/src/checks/quantization.js) on the schemes the coming exercises need, against the core:
// affine (a zero point, unsigned levels), per row, per group and packed int4. A right answer passes; a typical
// mistake gets the message that names it. (Symmetric per-tensor and per-row checks are exercised, with their
// messages, by exercises 1 and 2's tests.)
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { CheckFailure } from '../../web/src/checks/expect.js';
import {
  expectQ, expectRecovered, expectScale, expectScales, expectZeroPoints, quantSpec, unpackInt4,
} from '../../web/src/checks/quantization.js';
import { createQuantLab } from './load.mjs';

let lab;
before(async () => {
  lab = await createQuantLab();
});

/** Asserts that fn() fails the check with a message matching `message`. */
const failsWith = (fn, message) => assert.throws(fn, (e) => {
  assert.ok(e instanceof CheckFailure, `not a check failure: ${e}`);
  assert.match(e.message, message);
  return true;
});

describe('quantSpec', () => {
  it('gives the levels and the default storage of each scheme', () => {
    const range = (options) => {
      const s = quantSpec(options);
      return [s.qmin, s.qmax, s.storage];
    };
    assert.deepEqual(range({ bits: 8 }), [-127, 127, 'Int8Array']);
    assert.deepEqual(range({ bits: 12 }), [-2047, 2047, 'Int16Array']);
    assert.deepEqual(range({ bits: 8, signed: false, zeroPoint: true }), [0, 255, 'Uint8Array']);
    assert.deepEqual(range({ bits: 8, zeroPoint: true }), [-128, 127, 'Int8Array']);
    assert.deepEqual(range({ bits: 4, storage: 'int4-packed' }), [-7, 7, 'int4-packed']);
  });

  it('maps every value to its scale: per tensor, per row, per group', () => {
    const tensor = quantSpec({ bits: 8 });
    const row = quantSpec({ bits: 8, granularity: 'row', rows: 2, cols: 6 });
    const group = quantSpec({ bits: 8, granularity: 'group', rows: 2, cols: 6, groupSize: 3 });
    const indices = (s) => Array.from({ length: 12 }, (_, i) => s.scaleIndex(i));
    assert.deepEqual(indices(tensor), Array(12).fill(0));
    assert.deepEqual(indices(row), [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    assert.deepEqual(indices(group), [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    assert.deepEqual([group.scaleCount, row.scaleCount, group.members(3, 12)], [4, 2, [9, 10, 11]]);
  });

  it('refuses a spec that cannot be', () => {
    assert.throws(() => quantSpec({ bits: 17 }), /bits must be an integer from 2 to 16/);
    assert.throws(() => quantSpec({ granularity: 'group', rows: 2, cols: 6, groupSize: 4 }), /groupSize must divide cols/);
    assert.throws(() => quantSpec({ granularity: 'row' }), /needs rows and cols/);
    assert.throws(() => quantSpec({ bits: 8, storage: 'int4-packed' }), /cannot store 8-bit levels/);
  });
});

describe('affine checks (a zero point, levels 0…255)', () => {
  const spec = quantSpec({ bits: 8, signed: false, zeroPoint: true });
  const data = () => Array.from(lab.randn(3, 200), (v) => v + 0.7);

  it('pass the core\'s own answer', () => {
    const x = data();
    const want = lab.affineQuantize(x, 8);
    assert.equal(expectScale(want.scale, want.scale, spec, { x }), '');
    assert.equal(expectZeroPoints(want.zeroPoint, want.zeroPoint, spec, { x, scales: want.scale }), '');
    assert.equal(expectQ(Uint8Array.from(want.q), want.q, spec, { x, scales: want.scale, zeroPoints: want.zeroPoint }), '');
    const recovered = lab.affineDequantize(want.q, want.scale, want.zeroPoint);
    assert.equal(expectRecovered(Array.from(recovered), recovered, spec, { q: want.q, scales: want.scale, zeroPoints: want.zeroPoint, precision: 'float64' }), '');
  });

  it('name the scale mistakes', () => {
    const x = data();
    const { scale } = lab.affineQuantize(x, 8);
    const range = Math.max(0, ...x) - Math.min(0, ...x);
    failsWith(() => expectScale(range / 256, scale, spec, { x }), /divides by 256, the number of levels/);
    failsWith(() => expectScale(Math.max(...x.map(Math.abs)) / 127, scale, spec, { x }), /the symmetric scale max\|x\| \/ 127/);
    failsWith(() => expectScale(range, scale, spec, { x }), /equals max − min/);
    const positive = x.map((v) => Math.abs(v) + 0.5);
    failsWith(() => expectScale((Math.max(...positive) - Math.min(...positive)) / 255, lab.affineQuantize(positive, 8).scale, spec, { x: positive }),
      /the range must include 0/);
  });

  it('name the zero-point mistakes', () => {
    const x = data();
    const want = lab.affineQuantize(x, 8);
    failsWith(() => expectZeroPoints(-want.zeroPoint, want.zeroPoint, spec, { x, scales: want.scale }), /the sign is flipped/);
    failsWith(() => expectZeroPoints(want.zeroPoint + 0.4, want.zeroPoint, spec, { x, scales: want.scale }), /a whole number\. Round it/);
    const q = Int16Array.from(want.q, (v) => v - want.zeroPoint);
    failsWith(() => expectQ(q, want.q, quantSpec({ bits: 8, signed: false, zeroPoint: true, storage: 'Uint16Array' }),
      { x, scales: want.scale, zeroPoints: want.zeroPoint }), /the zero point \(\d+\) is missing/);
    const clipped = Uint8Array.from(want.q, (v) => Math.max(0, v - want.zeroPoint));
    failsWith(() => expectQ(clipped, want.q, spec, { x, scales: want.scale, zeroPoints: want.zeroPoint }), /the zero point \(\d+\) is missing/);
    const recovered = lab.affineDequantize(want.q, want.scale, want.zeroPoint);
    failsWith(() => expectRecovered(Array.from(want.q, (v) => v * want.scale), recovered, spec, { q: want.q, scales: want.scale, zeroPoints: want.zeroPoint, precision: 'float64' }),
      /subtract the zero point first/);
  });

  it('name the storage mistakes', () => {
    const x = data();
    const want = lab.affineQuantize(x, 8);
    failsWith(() => expectQ(Int8Array.from(want.q), want.q, spec, { x, scales: want.scale, zeroPoints: want.zeroPoint }),
      /Int8Array, which holds only -128…127, but the levels run from 0 to 255: values wrap around\. Choose Uint8Array/);
    failsWith(() => expectQ(Float32Array.from(want.q), want.q, spec, { x, scales: want.scale, zeroPoints: want.zeroPoint }), /Uint8Array up to 8 bits/);
  });

  it('check one scale and zero point per row', () => {
    const w = Array.from(lab.randn(5, 4 * 16), (v, i) => v * (1 + (i >> 4)));
    const rowSpec = quantSpec({ bits: 8, signed: false, zeroPoint: true, granularity: 'row', rows: 4, cols: 16 });
    const want = lab.affinePerChannelQuantize(w, 4, 16, 8);
    assert.equal(expectScales(Array.from(want.scales), want.scales, rowSpec, { x: w }), '');
    assert.equal(expectZeroPoints(Array.from(want.zeroPoints), want.zeroPoints, rowSpec, { x: w, scales: want.scales }), '');
    assert.equal(expectQ(want.q, want.q, rowSpec, { x: w, scales: want.scales, zeroPoints: want.zeroPoints }), '');
    failsWith(() => expectZeroPoints(3, want.zeroPoints, rowSpec, { x: w, scales: want.scales }), /a single number: return one zero point per row/);
    const shifted = Array.from(want.scales, (s, r) => (r === 2 ? s * 2 : s));
    failsWith(() => expectScales(shifted, want.scales, rowSpec, { x: w }), /scales\[2\] is .* \(yours is 2\.00× too large\)/);
  });
});

describe('per-group checks', () => {
  // Per group of 16 along the rows of a 4 × 64 matrix = per row of the same values as a 16 × 16 matrix.
  const spec = quantSpec({ bits: 4, granularity: 'group', rows: 4, cols: 64, groupSize: 16 });
  const setup = () => {
    const w = Array.from(lab.randn(42, 256), (v, i) => v * 10 ** ((i % 64) >> 4) / 100);
    return { w, want: lab.perChannelQuantize(w, 16, 16, 4) };
  };

  it('pass the right scales and levels', () => {
    const { w, want } = setup();
    assert.equal(expectScales(Array.from(want.scales), want.scales, spec, { x: w }), '');
    assert.equal(expectQ(Int8Array.from(want.q), want.q, spec, { x: w, scales: want.scales }), '');
  });

  it('name one scale per row or per tensor, and point at the group of a wrong scale', () => {
    const { w, want } = setup();
    const perRow = lab.perChannelQuantize(w, 4, 64, 4);
    failsWith(() => expectScales(perRow.scales, want.scales, spec, { x: w }), /You returned 4 scales, one per row; .*4 per row, 16 in all/);
    failsWith(() => expectScales(0.1, want.scales, spec, { x: w }), /one scale for the whole matrix: that is per-tensor quantization/);
    const scales = Array.from(want.scales);
    scales[5] = 0;
    failsWith(() => expectScales(scales, want.scales, spec, { x: w }), /scales\[5\] is 0, but max\|w\| over group 5 \(row 1, columns 16–31\)/);
    failsWith(() => expectQ(perRow.q, want.q, spec, { x: w, scales: want.scales }), /q\[\d+\] is -?\d+ but NumPy gives -?\d+ \(\d+ of 256 values differ\)/);
  });
});

describe('packed int4 checks', () => {
  const spec = quantSpec({ bits: 4, storage: 'int4-packed' });
  const pack = (levels, nibble = (v) => v & 0x0f, lowFirst = true) => {
    const bytes = new Uint8Array(Math.ceil(levels.length / 2));
    levels.forEach((v, i) => { bytes[i >> 1] |= nibble(v) << ((i % 2 === 0) === lowFirst ? 0 : 4); });
    return bytes;
  };
  const setup = () => {
    const x = Array.from(lab.randn(7, 33));
    return { x, want: lab.symmetricQuantize(x, 4) };
  };

  it('unpack two levels per byte, the first in the low nibble, in two\'s complement', () => {
    assert.deepEqual(unpackInt4(Uint8Array.of(0x21, 0xf9), 4), [1, 2, -7, -1]);
    assert.deepEqual(unpackInt4(Uint8Array.of(0x21, 0x0f), 3, { signed: false }), [1, 2, 15]);
  });

  it('pass the right bytes, odd length included', () => {
    const { x, want } = setup();
    assert.equal(expectQ(pack(want.q), want.q, spec, { x, scales: want.scale }), '');
  });

  it('name unpacked levels, swapped nibbles, offset binary and the wrong array', () => {
    const { x, want } = setup();
    failsWith(() => expectQ(Int8Array.from(want.q), want.q, spec, { x, scales: want.scale }), /one per level: pack two 4-bit levels into each byte, a Uint8Array of 17/);
    failsWith(() => expectQ(pack(want.q, undefined, false), want.q, spec, { x, scales: want.scale }), /with the two of each byte swapped/);
    failsWith(() => expectQ(pack(want.q, (v) => v + 8), want.q, spec, { x, scales: want.scale }), /each level plus 8 \(offset binary\)/);
    failsWith(() => expectQ(Int8Array.from(pack(want.q)), want.q, spec, { x, scales: want.scale }), /store the packed bytes in a Uint8Array/);
    failsWith(() => expectQ(pack(want.q.slice(0, 31)), want.q, spec, { x, scales: want.scale }), /has 16 bytes; 33 levels packed two to a byte take 17/);
  });
});
