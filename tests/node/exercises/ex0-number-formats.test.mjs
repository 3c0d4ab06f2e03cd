// Exercise 0's checks: each typical mistake in converting float32 to bfloat16 and fp8 E4M3 by bit manipulation
// gets the message that names it (the probes of docs/float-formats.md's typical mistakes).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { checkCode, lab, messageOf, taskOf } from './support.mjs';

let ex0;
before(async () => {
  ex0 = await taskOf('ex0');
});

/** The solution with `from` (which must occur) replaced by `to`. */
function mistake(from, to) {
  assert.ok(ex0.solution.includes(from), `the solution has no ${from}`);
  return ex0.solution.replace(from, to);
}

const BF16_ROUND = 'out[i] = (b + 0x7fff + lsb) >>> 16;';
const BF16_NAN = `if ((b & 0x7f800000) === 0x7f800000 && (b & 0x007fffff) !== 0) {
      out[i] = (b >>> 16) | 0x0040; // NaN stays NaN: a quiet NaN with the same sign
      continue;
    }`;
const E4M3_CODE = 'const code = Math.min(((e + 6) << 3) + m, 0x7e); // saturate after rounding: 448 is 0x7e';

describe('checks that teach (exercise 0, number formats)', () => {
  it('the solution passes every check, hidden ones included; the starter passes none', async () => {
    const good = await checkCode(ex0, ex0.solution, lab);
    assert.equal(good.passed, good.total, good.tests.filter((t) => !t.passed).map((t) => `${t.name}: ${t.message}`).join('\n'));
    const starter = await checkCode(ex0, ex0.starter, lab);
    assert.equal(starter.passed, 0);
  });

  it('bfloat16: truncating instead of rounding (0x3f80c000 → 0x3f80, not 0x3f81)', async () => {
    const message = await messageOf(ex0, mistake(BF16_ROUND, 'out[i] = b >>> 16;'), 'bfloat16Bits rounds to nearest');
    assert.match(message, /^You truncated instead of rounding: bfloat16 of 0x3f80c000 \(1\.0058594\) is 0x3f80, but it should be 0x3f81/);
  });

  it('bfloat16: exact halves rounded up instead of to even (0x3f818000 → 0x3f82, 0x3f808000 → 0x3f80)', async () => {
    const message = await messageOf(ex0, mistake(BF16_ROUND, 'out[i] = (b + 0x8000) >>> 16;'), 'bfloat16Bits: exact halves');
    assert.match(message, /^Your rounding sends exact halves up: bfloat16 of 0x3f808000 .* is 0x3f81, but it should be 0x3f80/);
  });

  it('bfloat16: a NaN rounded like a number becomes −0 (0x7fffffff → 0x8000)', async () => {
    const message = await messageOf(ex0, mistake(BF16_NAN, ''), 'bfloat16Bits keeps NaN');
    assert.match(message, /^Your NaN became a number: bfloat16 of 0x7fffffff \(NaN\) is 0x8000/);
  });

  it('bfloat16: a NaN cut to its top bits becomes infinity (0x7f800001 → 0x7f80)', async () => {
    const code = mistake(BF16_NAN, '').replace(BF16_ROUND, 'out[i] = b >>> 16;');
    const message = await messageOf(ex0, code, 'bfloat16Bits keeps NaN');
    assert.match(message, /^Your NaN became infinity: bfloat16 of 0x7f800001 \(NaN\) is 0x7f80/);
  });

  it('bfloat16: the sign dropped', async () => {
    const message = await messageOf(ex0, mistake(BF16_ROUND, 'out[i] = ((b + 0x7fff + lsb) >>> 16) & 0x7fff;'), 'bfloat16Bits: values');
    assert.match(message, /^You lost the sign: bfloat16 of 0xc0000000 \(-2\) is 0x4000, but it should be 0xc000/);
  });

  it('E4M3: overflow not saturated (500 → 0x7e; without the clamp the code runs into the sign bit)', async () => {
    const message = await messageOf(ex0, mistake(E4M3_CODE, 'const code = ((e + 6) << 3) + m;'), 'e4m3Bits saturates');
    assert.match(message, /^Your overflow is not saturated to 448: E4M3 of 500 is 0x80, but it should be 0x7e/);
  });

  it('E4M3: overflow made NaN, as a non-saturating cast would (500 → 0x7f)', async () => {
    const code = mistake('const sign = (b >>> 24) & 0x80;', 'const sign = (b >>> 24) & 0x80;\n    if (Math.abs(x[i]) > 448) { out[i] = sign | 0x7f; continue; }');
    const message = await messageOf(ex0, code, 'e4m3Bits saturates');
    assert.match(message, /^Your overflow became NaN: E4M3 of 500 is 0x7f, but it should be 0x7e\. E4M3 has no infinity/);
  });

  it('E4M3: clamping only codes above 0x7f lets 470 round to NaN (rounding past 448)', async () => {
    const code = mistake(E4M3_CODE, 'const raw = ((e + 6) << 3) + m;\n    const code = raw > 0x7f ? 0x7e : raw;');
    const message = await messageOf(ex0, code, 'e4m3Bits saturates');
    assert.match(message, /^Your rounding went past 448 and landed on NaN: E4M3 of 470 is 0x7f, but it should be 0x7e/);
  });

  it('E4M3 treated as IEEE (largest 240, so 256 is not 0x78)', async () => {
    const message = await messageOf(ex0, mistake(E4M3_CODE, 'const code = Math.min(((e + 6) << 3) + m, 0x77);'), 'e4m3Bits: 1');
    assert.match(message, /^You treated E4M3 like an IEEE format: E4M3 of 256 is 0x77, but it should be 0x78/);
  });

  it('E4M3: subnormals flushed to zero (0.001 → 0x01)', async () => {
    const code = mistake('const sign = (b >>> 24) & 0x80;', 'const sign = (b >>> 24) & 0x80;\n    if (Math.abs(x[i]) < 2 ** -6) { out[i] = sign; continue; }');
    const message = await messageOf(ex0, code, 'e4m3Bits keeps subnormals');
    assert.match(message, /^Your subnormals are flushed to zero: E4M3 of 0\.001 is 0x00, but it should be 0x01/);
  });

  it('E4M3: the exponent not clamped at −6, so subnormals get the wrong step', async () => {
    const code = mistake('const e = Math.max(((b >>> 23) & 0xff) - 127, -6);', 'const e = ((b >>> 23) & 0xff) - 127;');
    const message = await messageOf(ex0, code, 'e4m3Bits keeps subnormals');
    assert.match(message, /^Your subnormal rounding is off: E4M3 of 0\.001 is 0x[0-9a-f]{2}, but it should be 0x01/);
  });

  it('E4M3: the wrong bias (1.0 → 0x40 instead of 0x38)', async () => {
    const message = await messageOf(ex0, mistake(E4M3_CODE, 'const code = Math.min(((e + 7) << 3) + m, 0x7e);'), 'e4m3Bits: 1');
    assert.match(message, /^Your exponent bias is off: E4M3 of 1 is 0x40, but it should be 0x38, a value 2× too large/);
  });

  it('E4M3: the sign dropped (−2 → 0xc0)', async () => {
    const message = await messageOf(ex0, mistake('out[i] = sign | code;', 'out[i] = code;'), 'e4m3Bits: 1');
    assert.match(message, /^You lost the sign: E4M3 of -2 is 0x40, but it should be 0xc0/);
  });

  it('E4M3: −0 loses its sign (−0 → 0x80)', async () => {
    const code = mistake('const sign = (b >>> 24) & 0x80;', 'const sign = x[i] < 0 ? 0x80 : 0;');
    const message = await messageOf(ex0, code, 'e4m3Bits: 1');
    assert.match(message, /^You lost the sign: E4M3 of −0 is 0x00, but it should be 0x80\. .*also for −0/);
  });

  it('E4M3: NaN turned into a number', async () => {
    const code = mistake(`if (Number.isNaN(a)) {
      out[i] = sign | 0x7f;
      continue;
    }`, '');
    const message = await messageOf(ex0, code, 'e4m3Bits keeps NaN');
    assert.match(message, /^Your NaN became a number: E4M3 of NaN is 0x00/);
  });

  it('E4M3: truncating and rounding halves up are told apart', async () => {
    const truncates = await messageOf(ex0, mistake('const m = roundHalfEven(a / step);', 'const m = Math.floor(a / step);'), 'e4m3Bits rounds');
    assert.match(truncates, /^You truncated instead of rounding: E4M3 of 1\.1 is 0x38, but it should be 0x39/);
    const up = await messageOf(ex0, mistake('const m = roundHalfEven(a / step);', 'const m = Math.round(a / step);'), 'e4m3Bits rounds');
    assert.match(up, /^Your rounding sends exact halves up: E4M3 of 1\.0625 is 0x39, but it should be 0x38/);
  });
});
