// How numbers and values are shown (ui/format.js): NumPy's digits where they are meant to be compared, a
// typographic minus for reading, symbols instead of NaN, and console-like printing of the learner's values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { dB, exact, fixed, float32String, formatValue, num, short, sig, times, twoDigitExponent } from '../../web/src/ui/format.js';

describe('number formatting', () => {
  it('exact: the shortest round-trip digits, laid out as NumPy prints them', () => {
    assert.equal(exact(0.002456692913385827), '0.002456692913385827');
    assert.equal(exact(7.638162935494301e-05), '7.638162935494301e-05');
    assert.equal(exact(1e-5), '1e-05');
    assert.equal(exact(-2.5e-7), '-2.5e-07');
    assert.equal(exact(1e16), '1e+16');
    assert.equal(exact(0), '0');
    assert.deepEqual([NaN, Infinity, -Infinity].map(exact), ['—', '∞', '−∞']);
    assert.equal(twoDigitExponent('8.19e-1'), '8.19e-01');
    assert.equal(twoDigitExponent('8.19e-10'), '8.19e-10');
  });

  it('sig, fixed, num, short: for reading, with a typographic minus', () => {
    assert.equal(sig(0.0024566929), '0.002457');
    assert.equal(sig(-0.1234567, 3), '−0.123');
    assert.equal(sig(0.00012345, 3), '1.23e−4');
    assert.equal(sig(1234567), '1.235e+6');
    assert.equal(sig(0), '0');
    assert.equal(sig(1071.4, 3), '1070');
    assert.equal(sig(-6.4371e-9), '−6.437e−9', 'one minus sign style, the exponent\'s too');
    assert.equal(num(-1e-7), '−1e−07');
    assert.equal(fixed(-1.25, 1), '−1.3');
    assert.equal(fixed(NaN, 1), '—');
    assert.equal(num(-0.156), '−0.156');
    assert.equal(short(0.01), '0.01');
    assert.equal(short(-10), '−10');
    assert.equal(short(0.123456789), '0.123');
  });

  it('dB and times', () => {
    assert.equal(dB(46.54), '46.5 dB');
    assert.equal(dB(Infinity), '∞ dB');
    assert.equal(times(2.6154), '2.6×');
    assert.equal(times(44527.3), '44,527×');
    assert.equal(times(Infinity), '∞');
  });
});

describe('printing values (the output pane, the checks\' messages)', () => {
  it('prints numbers, strings and nested values like a console', () => {
    assert.equal(formatValue('text'), 'text');
    assert.equal(formatValue(['a', 1]), '["a", 1]');
    assert.equal(formatValue(-0), '-0');
    assert.equal(formatValue(NaN), 'NaN');
    assert.equal(formatValue(null), 'null');
    assert.equal(formatValue(undefined), 'undefined');
    assert.equal(formatValue({ q: Int8Array.of(1, -2), scale: 0.5 }), '{ q: Int8Array(2) [1, -2], scale: 0.5 }');
    assert.equal(formatValue(function f() {}), '[function f]');
    assert.equal(formatValue(new RangeError('bad')), 'RangeError: bad');
    assert.equal(formatValue([[[[1]]]]), '[[[[…]]]]');
  });

  it('abbreviates long arrays and prints float32 values with float32 digits', () => {
    assert.equal(formatValue(Array.from({ length: 25 }, (_, i) => i)), `[${Array.from({ length: 20 }, (_, i) => i).join(', ')}, … 5 more]`);
    assert.equal(formatValue(Float32Array.of(0.248125985)), 'Float32Array(1) [0.24812599]');
    assert.equal(float32String(Math.fround(0.1)), '0.1');
    assert.equal(float32String(3), '3');
  });
});
