// Number formats through the JS API: both WebAssembly builds return exactly what the native core returns on a
// table of values (build/native/tests/cpp/quantlab_float_formats_dump), the results look as documented, and bad
// input gets an error that names it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, before } from 'node:test';

import { createQuantLab, repoRoot, throwsWith } from './load.mjs';

const dumpTool = join(repoRoot, 'build/native/tests/cpp/quantlab_float_formats_dump');
let dump;
function nativeResults() {
  if (!existsSync(dumpTool)) throw new Error(`${dumpTool} is missing: run ./build-scripts/build.sh native`);
  // Non-finite numbers come as the strings "NaN", "Infinity", "-Infinity".
  dump ??= JSON.parse(execFileSync(dumpTool, { encoding: 'utf8', maxBuffer: 16 << 20 }),
    (key, v) => (typeof v === 'string' && /^-?Infinity$|^NaN$/.test(v) ? Number(v) : v));
  return dump;
}

const MODES = [undefined, true, false];
const FLOATS = ['float32', 'float16', 'bfloat16', 'fp8-e4m3', 'fp8-e5m2'];
const f32Bits = (...bits) => new Float32Array(Uint32Array.from(bits).buffer);

for (const simd of [true, false]) {
  describe(`number formats, ${simd ? 'SIMD' : 'scalar'} build`, () => {
    let lab;
    before(async () => {
      lab = await createQuantLab({ simd });
    });

    it('equals the native core on every value of the table, in every format and overflow mode', () => {
      const native = nativeResults();
      assert.deepEqual(native.formats.map((f) => f.name), FLOATS);
      for (const f of native.formats) {
        let i = 0;
        for (const value of native.values) {
          for (const saturate of MODES) {
            const want = f.cases[i++];
            const got = lab.floatFormat(value, f.name, saturate === undefined ? undefined : { saturate });
            const label = `${f.name} ${value} saturate=${saturate}`;
            assert.equal(got.code, want.code, `${label}: code`);
            assert.ok(Object.is(got.stored, want.stored), `${label}: stored ${got.stored} vs ${want.stored}`);
            assert.ok(Object.is(got.error, want.error), `${label}: error ${got.error} vs ${want.error}`);
            assert.equal(got.valueClass, want.class, `${label}: class`);
            const finite = want.class !== 'infinity' && want.class !== 'nan';
            assert.equal(got.exponent, finite ? want.exponent : null, `${label}: exponent`);
            assert.equal(got.significand, finite ? want.significand : null, `${label}: significand`);
            for (const k of ['inexact', 'overflow', 'saturated', 'underflow', 'underflowToZero']) {
              assert.equal(got[k], want[k], `${label}: ${k}`);
            }
          }
        }
        const w = lab.randn(f.tensor.seed, f.tensor.n).map((v) => v * f.tensor.multiplier);
        const scaled = lab.toFormat(w, f.name, { scale: 'amax' });
        assert.deepEqual(Array.from(scaled.codes), f.tensor.amax.codes, `${f.name}: amax-scaled codes`);
        assert.equal(scaled.scale, f.tensor.amax.scale);
        assert.equal(scaled.mse, f.tensor.amax.mse);
        assert.equal(scaled.underflowsToZero, f.tensor.amax.underflowsToZero);
        const plain = lab.toFormat(w, f.name);
        assert.deepEqual(Array.from(plain.codes), f.tensor.plain.codes, `${f.name}: codes`);
        assert.equal(plain.mse, f.tensor.plain.mse);
        const nb = lab.formatNeighbours(f.neighbours.value, f.name, f.neighbours.n);
        assert.deepEqual(Array.from(nb.values), f.neighbours.values, `${f.name}: neighbours`);
        assert.equal(nb.index, f.neighbours.index);
      }
    });

    it('takes a number apart bit by bit', () => {
      const h = lab.floatFormat(0.1, 'float16');
      assert.equal(h.bitString, '0010111001100110');
      assert.equal(h.code, 0x2e66);
      assert.deepEqual([h.sign, h.exponentField, h.mantissaField, h.exponent], [0, 11, 0x266, -4]);
      assert.equal(h.stored, 0.0999755859375);
      assert.equal(h.valueClass, 'normal');
      assert.equal(h.format, 'float16');
      const e4 = lab.floatFormat(500, 'fp8-e4m3');
      assert.equal(e4.stored, 448, 'overflow saturates to 448 by default');
      assert.deepEqual([e4.overflow, e4.saturated, e4.bitString], [true, true, '01111110']);
      const nan = lab.floatFormat(500, 'fp8-e4m3', { saturate: false });
      assert.deepEqual([nan.valueClass, nan.bitString, nan.exponent, nan.significand], ['nan', '01111111', null, null]);
      assert.equal(lab.floatFormat(1e5, 'float16').valueClass, 'infinity');
      assert.equal(lab.floatFormat(1e5, 'float16', { saturate: true }).stored, 65504);
      const sub = lab.floatFormat(1e-6, 'float16');
      assert.deepEqual([sub.valueClass, sub.underflow, sub.underflowToZero], ['subnormal', true, false]);
      assert.equal(lab.floatFormat(1e-9, 'float16').underflowToZero, true);
      assert.equal(lab.floatFormat(-0, 'bfloat16').bitString, '1000000000000000');
      assert.equal(lab.floatFormat(1, 'float32').bitString, '00111111100000000000000000000000');
      const code = lab.floatFormatCode(0x7c, 'fp8-e5m2');
      assert.deepEqual([code.valueClass, code.stored, code.bitString], ['infinity', Infinity, '01111100']);
      assert.equal(lab.floatFormatCode(0x01, 'fp8-e4m3').stored, 2 ** -9);
    });

    it('describes every format, and int8/int4 for memory sizes', () => {
      assert.deepEqual(lab.formatNames(), [...FLOATS, 'int8', 'int4']);
      const e4 = lab.formatInfo('fp8-e4m3');
      assert.deepEqual([e4.bits, e4.bytes, e4.exponentBits, e4.mantissaBits, e4.bias, e4.max, e4.minNormal, e4.minSubnormal],
        [8, 1, 4, 3, 7, 448, 2 ** -6, 2 ** -9]);
      assert.deepEqual([e4.hasInfinity, e4.hasNaN, e4.saturatesByDefault, e4.kind], [false, true, true, 'float']);
      assert.equal(lab.formatInfo('fp8-e5m2').max, 57344);
      assert.equal(lab.formatInfo('float16').max, 65504);
      assert.equal(lab.formatInfo('bfloat16').minNormal, lab.formatInfo('float32').minNormal);
      assert.deepEqual(lab.formatInfo('int4'), { name: 'int4', kind: 'integer', bits: 4, bytes: 0.5, max: 7, min: -8 });
      const bytes = lab.formatNames().map((n) => lab.formatInfo(n).bytes);
      assert.deepEqual(bytes, [4, 2, 2, 1, 1, 1, 0.5]);
      assert.equal(7e9 * lab.formatInfo('float32').bytes / 1e9, 28, '7B parameters: 28 GB in float32');
      assert.equal(7e9 * lab.formatInfo('int4').bytes / 1e9, 3.5, '3.5 GB in int4');
    });

    it('encodes and decodes arrays; a Float32Array keeps its NaN payloads', () => {
      const codes = lab.encodeFormat([1, -2, 0.1, NaN, Infinity, 1e9], 'fp8-e4m3');
      assert.ok(codes instanceof Uint8Array);
      assert.deepEqual(Array.from(codes), [0x38, 0xc0, 0x1d, 0x7f, 0x7e, 0x7e]);
      assert.ok(lab.encodeFormat([1], 'bfloat16') instanceof Uint16Array);
      assert.ok(lab.encodeFormat([1], 'float32') instanceof Uint32Array);
      // 0x7f800001 (signalling NaN) and 0x7fffffff: truncating or rounding the bits would give inf and -0.
      const nans = f32Bits(0x7f800001, 0x7fffffff, 0xffc00000, 0x3f808000, 0x3f818000);
      assert.deepEqual(Array.from(lab.encodeFormat(nans, 'bfloat16')), [0x7fc0, 0x7fff, 0xffc0, 0x3f80, 0x3f82]);
      const all = lab.decodeFormat(Uint8Array.from({ length: 256 }, (_, i) => i), 'fp8-e4m3');
      assert.equal(all.length, 256);
      assert.equal(all.filter(Number.isNaN).length, 2);
      assert.equal(Math.max(...all.filter((v) => !Number.isNaN(v))), 448);
      assert.deepEqual(Array.from(lab.decodeFormat([0x3c00, 0x7c00, 0x0001], 'float16')), [1, Infinity, 2 ** -24]);
      // Every float16 code round-trips through the API (NaNs come back quiet).
      const half = Uint16Array.from({ length: 65536 }, (_, i) => i);
      const back = lab.encodeFormat(lab.decodeFormat(half, 'float16'), 'float16');
      for (let c = 0; c < 65536; c++) {
        const isNaN = (c & 0x7c00) === 0x7c00 && (c & 0x3ff) !== 0;
        if (!isNaN) assert.equal(back[c], c, `float16 code ${c}`);
        else assert.ok((back[c] & 0x7c00) === 0x7c00 && (back[c] & 0x3ff) !== 0, `NaN code ${c}`);
      }
    });

    it('converts a tensor with a per-tensor scale and reports the weight MSE', () => {
      const w = [0.5, -1, 0.25, 2, 0];
      const t = lab.toFormat(w, 'fp8-e4m3', { scale: 'amax' });
      assert.equal(t.scale, 2 / 448);
      assert.equal(t.codes[3], 0x7e);
      assert.ok(t.values instanceof Float64Array);
      assert.equal(t.mse, lab.errorStats(w, t.values).mse);
      assert.equal(t.format, 'fp8-e4m3');
      assert.deepEqual([t.overflows, t.underflowsToZero], [0, 0]);
      const zeros = lab.toFormat([0, 0], 'fp8-e5m2', { scale: 'amax' });
      assert.deepEqual([zeros.scale, zeros.mse, zeros.sqnrDb], [0, 0, Infinity]);
      const over = lab.toFormat([1e5, 1], 'float16');
      assert.deepEqual([over.overflows, over.mse], [1, Infinity]);
      const e5 = lab.toFormat([3, 6], 'fp8-e5m2', { scale: 0.5 });
      assert.deepEqual(Array.from(e5.values), [3, 6]);
    });

    it('lists the values around a number on the number line', () => {
      const nb = lab.formatNeighbours(1, 'fp8-e4m3', 2);
      assert.deepEqual(Array.from(nb.values), [0.875, 0.9375, 1, 1.125, 1.25]);
      assert.deepEqual(Array.from(nb.codes), [0x36, 0x37, 0x38, 0x39, 0x3a]);
      assert.equal(nb.index, 2);
      assert.equal(lab.formatNeighbours(0, 'fp8-e5m2').values.length, 17);
      assert.deepEqual(Array.from(lab.formatNeighbours(1e9, 'fp8-e4m3', 1).values), [416, 448]);
    });

    it('tells the typical bfloat16 and E4M3 mistakes apart from the right answer on a few probes', () => {
      // What a learner check can do with encodeFormat: compare codes on probes that each expose one mistake.
      const probes = f32Bits(0x3f800000, 0x3f80c000, 0x3f808000, 0x3f818000, 0x7f7fffff, 0x7fffffff, 0x7f800001, 0x00018000);
      const bits = new Uint32Array(probes.buffer);
      const isNaN32 = (u) => (u & 0x7f800000) === 0x7f800000 && (u & 0x7fffff) !== 0;
      const right = (u) => (isNaN32(u) ? (u >>> 16) | 0x40 : (u + 0x7fff + ((u >>> 16) & 1)) >>> 16);
      const mistakes = {
        truncation: (u) => u >>> 16,
        'ties away from zero': (u) => (isNaN32(u) ? right(u) : (u + 0x8000) >>> 16),
        'NaN not handled': (u) => (u + 0x7fff + ((u >>> 16) & 1)) >>> 16,
      };
      const core = Array.from(lab.encodeFormat(probes, 'bfloat16'));
      assert.deepEqual(Array.from(bits, right), core, 'the bit-trick solution agrees with the core');
      const wrongAt = (fn) => Array.from(bits, fn).flatMap((c, i) => (c === core[i] ? [] : [i]));
      assert.deepEqual(wrongAt(mistakes.truncation), [1, 3, 4, 6, 7],
        'truncation: above half, a tie to round up, overflow to infinity, a signalling NaN made infinity, a subnormal tie');
      assert.deepEqual(wrongAt(mistakes['ties away from zero']), [2], 'ties away: the tie 1.00390625 that should stay 1');
      assert.deepEqual(wrongAt(mistakes['NaN not handled']), [5, 6], 'NaN 0x7fffffff becomes -0 (0x8000), 0x7f800001 infinity');
      // E4M3: overflow saturates to 448 (not NaN, not an IEEE infinity at 0x78); subnormals are kept.
      const e4 = Array.from(lab.encodeFormat([500, 300, 240, 0.001, 2 ** -10, 464], 'fp8-e4m3'));
      assert.deepEqual(e4, [0x7e, 0x79, 0x77, 0x01, 0x00, 0x7e]);
      assert.deepEqual(Array.from(lab.encodeFormat([500], 'fp8-e4m3', { saturate: false })), [0x7f]);
    });

    it('bad input throws an Error naming it', () => {
      throwsWith(() => lab.floatFormat(1, 'fp8'),
        "format must be one of 'float32', 'float16', 'bfloat16', 'fp8-e4m3', 'fp8-e5m2', got 'fp8'");
      throwsWith(() => lab.floatFormat(1, 'int8'),
        "format 'int8' is an integer format: give a float format, one of 'float32', 'float16', 'bfloat16', 'fp8-e4m3', 'fp8-e5m2'");
      throwsWith(() => lab.formatInfo('int2'),
        "format must be one of 'float32', 'float16', 'bfloat16', 'fp8-e4m3', 'fp8-e5m2', 'int8', 'int4', got 'int2'");
      throwsWith(() => lab.floatFormat(1, 8), "format must be a name such as 'fp8-e4m3', got 8");
      throwsWith(() => lab.floatFormat('1', 'float16'), 'value must be a number, got "1"');
      throwsWith(() => lab.floatFormat(1, 'float16', { saturate: 'yes' }), 'saturate must be true or false, got "yes"');
      throwsWith(() => lab.floatFormat(1, 'float16', { saturation: true }),
        "floatFormat has no option 'saturation': its options are saturate");
      throwsWith(() => lab.toFormat([1], 'float16', { scale: 'max' }), "scale must be a number > 0 or 'amax', got \"max\"");
      throwsWith(() => lab.toFormat([1], 'float16', { scale: -1 }), "scale must be a finite number > 0 (or 'amax'), got -1");
      throwsWith(() => lab.toFormat([1, NaN], 'fp8-e4m3'), 'x[1] is NaN: every value must be a finite number');
      throwsWith(() => lab.toFormat([], 'fp8-e4m3'), 'x is empty: give at least one value');
      throwsWith(() => lab.decodeFormat([1, 256], 'fp8-e5m2'), 'codes[1] is 256: a fp8-e5m2 code is a whole number from 0 to 255');
      throwsWith(() => lab.decodeFormat([-1], 'float16'), 'codes[0] is -1: a float16 code is a whole number from 0 to 65535');
      throwsWith(() => lab.decodeFormat([1.5], 'float16'), 'codes[0] must be an integer, got 1.5');
      throwsWith(() => lab.decodeFormat([-1], 'fp8'),
        "format must be one of 'float32', 'float16', 'bfloat16', 'fp8-e4m3', 'fp8-e5m2', got 'fp8'");
      throwsWith(() => lab.decodeFormat([1], 'int4'), /^format 'int4' is an integer format/);
      throwsWith(() => lab.floatFormatCode(256, 'fp8-e4m3'), 'code must be a whole number from 0 to 255, got 256');
      throwsWith(() => lab.formatNeighbours(NaN, 'float16'), 'value is NaN: NaN has no place on the number line');
      throwsWith(() => lab.formatNeighbours(1, 'float16', 1001), 'n must be a whole number from 0 to 1000, got 1001');
      throwsWith(() => lab.formatNeighbours(1, 'float16', 2.5), 'n must be a whole number from 0 to 1000, got 2.5');
      throwsWith(() => lab.encodeFormat('abc', 'float16'), 'x must be an array or typed array of numbers, got "abc"');
      throwsWith(() => lab.encodeFormat([1], 'float16', null), 'encodeFormat options must be an object such as {saturate: true}, got null');
      assert.equal(lab.floatFormat(1, 'float16').stored, 1, 'still works after errors');
    });
  });
}
