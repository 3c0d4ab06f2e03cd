// Checks of quantized results (scales, zero points, integer levels, recovered values), driven by a quantization
// spec, so that every exercise checks its scheme with the same code: symmetric or affine (a zero point), signed or
// unsigned levels, one scale per tensor, per row (per channel) or per group, levels stored in an integer array or
// packed two to a byte (int4). The expected values always come from the reference (the WebAssembly core, or a
// task's own reference); the spec says how to read the learner's answer and how to explain a difference.
import { expectNumber, expectNumbers, fail, maxAbs, near, show } from './expect.js';

const INT_TYPES = {
  Int8Array: [-128, 127], Int16Array: [-32768, 32767], Int32Array: [-(2 ** 31), 2 ** 31 - 1],
  Uint8Array: [0, 255], Uint16Array: [0, 65535], Uint32Array: [0, 2 ** 32 - 1], Uint8ClampedArray: [0, 255],
};
const PACKED_INT4 = 'int4-packed';
const GRANULARITIES = ['tensor', 'row', 'group'];

/** An integer as the pages print it, with a typographic minus. */
const int = (v) => (v < 0 ? `−${-v}` : String(v));

/**
 * A quantization scheme, as the checks see it.
 *   bits         2 to 16
 *   signed       signed levels (default) or unsigned ones, 0 … 2^bits − 1
 *   zeroPoint    false: q = round(x / scale), symmetric around 0; true: q = round(x / scale) + zeroPoint (affine)
 *   granularity  'tensor' (one scale), 'row' (one per row of a rows × cols matrix, row-major: per channel) or
 *                'group' (one per groupSize consecutive values of a row; cols a multiple of groupSize)
 *   rows, cols, groupSize   the shape, for 'row' and 'group'
 *   storage      the array q is stored in: 'Int8Array', 'Int16Array', 'Uint8Array', 'Uint16Array' … (by default the
 *                smallest that holds the levels), or 'int4-packed': a Uint8Array of two levels per byte, the first
 *                in the low nibble, signed levels in two's complement (bits up to 4)
 * The levels: signed without a zero point −qmax … qmax with qmax = 2^(bits−1) − 1 (−2^(bits−1) is left out, so the
 * grid is symmetric); signed with a zero point −2^(bits−1) … 2^(bits−1) − 1; unsigned 0 … 2^bits − 1.
 */
export function quantSpec({ bits = 8, signed = true, zeroPoint = false, granularity = 'tensor', rows = 1, cols, groupSize, storage } = {}) {
  if (!Number.isInteger(bits) || bits < 2 || bits > 16) throw new RangeError(`quantSpec: bits must be an integer from 2 to 16, got ${bits}`);
  if (!GRANULARITIES.includes(granularity)) throw new RangeError(`quantSpec: granularity must be one of ${GRANULARITIES.join(', ')}`);
  if (granularity !== 'tensor' && !(Number.isInteger(rows) && rows > 0 && Number.isInteger(cols) && cols > 0)) {
    throw new RangeError(`quantSpec: granularity '${granularity}' needs rows and cols`);
  }
  if (granularity === 'group' && !(Number.isInteger(groupSize) && groupSize > 0 && cols % groupSize === 0)) {
    throw new RangeError(`quantSpec: groupSize must divide cols (${cols}), got ${groupSize}`);
  }
  const half = 2 ** (bits - 1);
  const [qmin, qmax] = !signed ? [0, 2 ** bits - 1] : zeroPoint ? [-half, half - 1] : [-(half - 1), half - 1];
  const store = storage ?? (signed ? (bits <= 8 ? 'Int8Array' : 'Int16Array') : (bits <= 8 ? 'Uint8Array' : 'Uint16Array'));
  if (store === PACKED_INT4 ? bits > 4 : !INT_TYPES[store]) throw new RangeError(`quantSpec: cannot store ${bits}-bit levels as ${store}`);
  const groupsPerRow = granularity === 'group' ? cols / groupSize : 1;
  const scaleCount = granularity === 'tensor' ? 1 : rows * groupsPerRow;
  return Object.freeze({
    bits,
    signed,
    zeroPoint,
    symmetric: signed && !zeroPoint,
    qmin,
    qmax,
    granularity,
    rows,
    cols,
    groupSize,
    storage: store,
    scaleCount,
    /** Which scale (and zero point) value i uses. */
    scaleIndex(i) {
      if (granularity === 'tensor') return 0;
      const r = Math.floor(i / cols);
      return granularity === 'row' ? r : r * groupsPerRow + Math.floor((i % cols) / groupSize);
    },
    /** The indices of the values that share scale g. */
    members(g, n) {
      if (granularity === 'tensor') return Array.from({ length: n }, (_, i) => i);
      const r = Math.floor(g / groupsPerRow);
      const width = granularity === 'row' ? cols : groupSize;
      const start = r * cols + (g % groupsPerRow) * width;
      return Array.from({ length: width }, (_, k) => start + k);
    },
  });
}

/** The value of a scale or zero point for value i: a number for the whole tensor, or an array indexed by the spec. */
const at = (values, spec, i) => (typeof values === 'number' ? values : values?.[spec.scaleIndex(i)] ?? 0);

/** Which values share scale g, in words: "row 2", "group 5 (row 1, columns 32–63)". */
function groupName(spec, g) {
  if (spec.granularity === 'row') return `row ${g}`;
  const perRow = spec.cols / spec.groupSize;
  const first = (g % perRow) * spec.groupSize;
  return `group ${g} (row ${Math.floor(g / perRow)}, columns ${first}–${first + spec.groupSize - 1})`;
}

// ---- storage: which array holds the levels, and reading packed ones ----

/** The levels of packed int4 bytes: n values, two per byte, the first in the low nibble; signed: two's complement. */
export function unpackInt4(bytes, n, { signed = true, lowFirst = true } = {}) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const byte = bytes[i >> 1] & 0xff;
    const nibble = (i % 2 === 0) === lowFirst ? byte & 0x0f : byte >> 4;
    out[i] = signed && nibble >= 8 ? nibble - 16 : nibble;
  }
  return out;
}

const defaultTypes = (spec) => (spec.signed ? 'Int8Array up to 8 bits and Int16Array above' : 'Uint8Array up to 8 bits and Uint16Array above');

/** Fails unless `got` is the packed bytes of `want` (levels); explains swapped nibbles and offset binary. */
function expectPacked(got, want, spec, what) {
  const type = got?.constructor?.name;
  const bytes = Math.ceil(want.length / 2);
  if (got === null || got === undefined) fail(`${what} is ${got}: return the packed bytes (a Uint8Array).`);
  if (got.length === want.length && want.length > 1) {
    fail(`${what} has ${got.length} values, one per level: pack two ${spec.bits}-bit levels into each byte, a Uint8Array ` +
      `of ${bytes}, the first level in the low 4 bits (byte & 0x0f) and the second in the high 4 bits (byte >> 4).`, { cause: 'not-packed' });
  }
  if (type !== 'Uint8Array') fail(`${what} is ${type ? `a ${type}` : show(got)}: store the packed bytes in a Uint8Array.`);
  if (got.length !== bytes) fail(`${what} has ${got.length} bytes; ${want.length} levels packed two to a byte take ${bytes}.`);
  const levels = unpackInt4(got, want.length, { signed: spec.signed });
  if (levels.some((v, i) => v !== want[i])) {
    if (unpackInt4(got, want.length, { signed: spec.signed, lowFirst: false }).every((v, i) => v === want[i])) {
      fail(`${what} holds the right levels with the two of each byte swapped: the first level of a pair goes into the ` +
        'low 4 bits (byte & 0x0f), the second into the high 4 bits (byte >> 4).', { cause: 'nibbles-swapped' });
    }
    if (spec.signed && unpackInt4(got, want.length, { signed: false }).every((v, i) => v - 8 === want[i])) {
      fail(`${what} stores each level plus 8 (offset binary); this format keeps signed levels in two's complement: ` +
        'store q & 0x0f, so −1 becomes 0xf.', { cause: 'offset-binary' });
    }
  }
  return levels;
}

/** Reads the learner's q as plain levels, failing on an array that cannot hold them. */
function readLevels(got, want, spec, what) {
  if (spec.storage === PACKED_INT4) return expectPacked(got, want, spec, what);
  if (got === null || got === undefined) fail(`${what} is ${got}: return the quantized integers.`);
  const type = got?.constructor?.name;
  if (type === 'Float32Array' || type === 'Float64Array') {
    fail(`${what} is a ${type}: store whole numbers in an integer array, ${defaultTypes(spec)} ` +
      `(like .astype(np.${spec.signed ? 'int8' : 'uint8'})), because storing small integers is what saves memory.`, { cause: 'float-storage' });
  }
  const range = INT_TYPES[type];
  if (range && range[0] === 0 && spec.qmin < 0) {
    fail(`${what} is a ${type}, which has no negative numbers (−3 would become ${type === 'Uint8Array' ? 253 : 'a large positive number'}): use Int8Array or Int16Array.`, { cause: 'unsigned-storage' });
  }
  expectNumbers(got, what, want.length);
  if (range && (spec.qmax > range[1] || spec.qmin < range[0])) {
    if (spec.symmetric) {
      fail(`${what} is an ${type}, which holds only ${range[0]}…${range[1]}, but ${spec.bits} bits need up to ±${spec.qmax}: ` +
        'values wrap around. Choose Int16Array above 8 bits.', { cause: 'storage-too-small' });
    }
    fail(`${what} is a${/^[AEIOU]/.test(type) ? 'n' : ''} ${type}, which holds only ${range[0]}…${range[1]}, but the levels run from ` +
      `${spec.qmin} to ${spec.qmax}: values wrap around. Choose ${spec.storage}.`, { cause: 'storage-too-small' });
  }
  return Array.from(got);
}

// ---- scales ----

// The qmax a scale implies, and what that qmax means (the cause is the same at every bit width).
const LEVEL_CAUSES = (bits) => ({
  [2 ** bits - 1]: 'qmax-unsigned', [2 ** bits]: 'qmax-2^bits', [2 ** (bits - 1)]: 'qmax-one-too-many', [2 ** (bits - 2) - 1]: 'qmax-half',
});
const LEVEL_EXPLANATIONS = (bits, qmax) => ({
  [2 ** bits - 1]: `qmax looks like 2^bits − 1 = ${2 ** bits - 1}, the unsigned range. Symmetric signed quantization ` +
    `uses qmax = 2^(bits−1) − 1 = ${qmax}, so your scale is about 2× too small.`,
  [2 ** bits]: `qmax looks like 2^bits = ${2 ** bits}; symmetric signed quantization uses 2^(bits−1) − 1 = ${qmax}.`,
  [2 ** (bits - 1)]: `qmax looks like 2^(bits−1) = ${2 ** (bits - 1)}: one level too many. The largest level that keeps ` +
    `the range symmetric is 2^(bits−1) − 1 = ${qmax} (−${qmax}…${qmax}).`,
  [2 ** (bits - 2) - 1]: `your scale is 2× too large: is qmax 2^(bits−1) − 1 = ${qmax}? Yours acts like ${2 ** (bits - 2) - 1}.`,
});

function symmetricScaleMistake(got, want, spec, { x, what, of }) {
  const { qmax, bits } = spec;
  const m = maxAbs(x);
  if (got === 0) fail(`${what} is 0, but ${of} is ${show(m)}: the scale is ${of} / qmax.`, { cause: 'scale-zero' });
  if (got < 0) fail(`${what} is negative (${show(got)}): take the largest magnitude, ${of}, not the largest signed value.`, { cause: 'max-not-abs' });
  const maxX = Math.max(...x);
  if (maxX !== m && near(got, maxX / qmax, 1e-12)) {
    fail(`${what} uses max(x) = ${show(maxX)}; the symmetric scale needs the largest magnitude ${of} = ${show(m)}.`, { cause: 'max-not-abs' });
  }
  if (near(got, qmax / m, 1e-12)) fail(`${what} is upside down: qmax / ${of} instead of ${of} / qmax.`, { cause: 'scale-upside-down' });
  if (near(got, m, 1e-12)) fail(`${what} equals ${of} = ${show(m)}: divide it by qmax = ${qmax}.`, { cause: 'scale-no-qmax' });
  const impliedQmax = m / got;
  const known = LEVEL_EXPLANATIONS(bits, qmax)[Math.round(impliedQmax)];
  if (known && near(impliedQmax, Math.round(impliedQmax), 1e-9)) {
    fail(`${known} (${what} is ${show(got)}; NumPy gives ${show(want)}.)`, { cause: LEVEL_CAUSES(bits)[Math.round(impliedQmax)] });
  }
  const ratio = got / want;
  const size = ratio > 1 ? `${ratio.toPrecision(3)}× too large` : `${(1 / ratio).toPrecision(3)}× too small`;
  fail(`${what} is ${show(got)} but NumPy gives ${show(want)} = ${of} / qmax = ${show(m)} / ${qmax} (yours is ${size}).`);
}

function affineScaleMistake(got, want, spec, { x, what, of }) {
  const steps = spec.qmax - spec.qmin;
  const lo = Math.min(0, ...x);
  const hi = Math.max(0, ...x);
  const range = hi - lo;
  if (got === 0) fail(`${what} is 0, but ${of} is ${show(range)}: the scale is (max − min) / ${steps}.`, { cause: 'scale-zero' });
  if (got < 0) fail(`${what} is negative (${show(got)}): subtract the smallest value from the largest, (max − min) / ${steps}.`, { cause: 'scale-sign' });
  if (near(got, steps / range, 1e-12)) fail(`${what} is upside down: ${steps} / (max − min) instead of (max − min) / ${steps}.`, { cause: 'scale-upside-down' });
  if (near(got, range, 1e-12)) fail(`${what} equals max − min = ${show(range)}: divide it by the ${steps} steps between the levels.`, { cause: 'scale-no-qmax' });
  if (near(got, range / (steps + 1), 1e-12)) {
    fail(`${what} divides by ${steps + 1}, the number of levels; ${steps + 1} levels have ${steps} steps between them, so divide by ${steps}.`, { cause: 'scale-levels-not-steps' });
  }
  const sym = maxAbs(x) / (2 ** (spec.bits - 1) - 1);
  if (near(got, sym, 1e-12) && !near(sym, want, 1e-12)) {
    fail(`${what} is the symmetric scale max|x| / ${2 ** (spec.bits - 1) - 1}; with a zero point the scale spans the ` +
      `whole range: (max − min) / ${steps}.`, { cause: 'scale-from-max-abs' });
  }
  for (const [k, words] of [[1, 'max|x|'], [2, '2 · max|x|']]) {
    const fromMaxAbs = (k * maxAbs(x)) / steps;
    if (near(got, fromMaxAbs, 1e-12) && !near(fromMaxAbs, want, 1e-12)) {
      fail(`${what} is ${words} / ${steps}: you took the scale from the largest magnitude, as symmetric quantization does. ` +
        `Affine quantization spreads its ${steps + 1} levels over the range the values really have: (max − min) / ${steps}, ` +
        `here (${show(hi)} − ${show(lo)}) / ${steps}.`, { cause: 'scale-from-max-abs' });
    }
  }
  const inner = Math.max(...x) - Math.min(...x);
  if (inner !== range && near(got, inner / steps, 1e-12)) {
    fail(`${what} uses max(x) − min(x) = ${show(inner)}; the range must include 0, so that 0 lands exactly on a level: ` +
      `min(min(x), 0) to max(max(x), 0), here ${show(range)}.`, { cause: 'range-without-zero' });
  }
  const ratio = got / want;
  const size = ratio > 1 ? `${ratio.toPrecision(3)}× too large` : `${(1 / ratio).toPrecision(3)}× too small`;
  fail(`${what} is ${show(got)} but NumPy gives ${show(want)} = (max − min) / ${steps} = ${show(range)} / ${steps} (yours is ${size}).`);
}

/**
 * Checks one scale against the reference `want`. `x` holds the values that share it. A last-digit difference
 * (the scale computed another honest way, or rounded to float32) is accepted, silently. `of` names what the scale
 * is computed from ("max|x|", "max|w| over row 2"). Returns ''.
 */
export function expectScale(got, want, spec, { x, what = 'scale', of } = {}) {
  expectNumber(got, what);
  if (got === want || near(got, want, 4e-16) || got === Math.fround(want)) return '';
  const from = of ?? (spec.zeroPoint ? 'max − min' : 'max|x|');
  if (spec.zeroPoint) return affineScaleMistake(got, want, spec, { x, what, of: from });
  return symmetricScaleMistake(got, want, spec, { x, what, of: from });
}

/**
 * Checks the scales of a per-row or per-group spec (one per row, or per group of a row) against the reference.
 * `x` is the whole matrix, `name` its name in messages ('w'). Returns the notes of accepted last-digit differences.
 */
export function expectScales(got, want, spec, { x, what = 'scales', name = 'w' } = {}) {
  const { rows, cols, granularity } = spec;
  const one = granularity === 'row' ? 'one scale per row' : `one scale per group of ${spec.groupSize} values of a row`;
  if (got === null || got === undefined) fail(`${what} is ${got}: return { q, scales } with ${one}.`);
  if (typeof got === 'number') {
    fail(`You returned one scale for the whole matrix: that is per-tensor quantization. Return ${one}.`, { cause: 'per-tensor' });
  }
  expectNumbers(got, what);
  if (granularity === 'row') {
    if (got.length === cols && cols !== rows) {
      fail(`You returned ${cols} scales, one per column; the matrix has ${rows} rows. Per-channel means one scale per ` +
        `row: take the maximum along each row (NumPy's axis=1), over ${name}[r * cols] … ${name}[r * cols + cols − 1].`, { cause: 'per-column' });
    }
    if (got.length !== rows) fail(`${what} has ${got.length} values; the ${rows}×${cols} matrix needs ${rows}, one per row.`, { cause: 'scale-count' });
    if (rows === cols && spec.symmetric && got.some((s, r) => s !== want[r])) {
      const colMax = Array.from({ length: cols }, (_, c) => maxAbs(Array.from({ length: rows }, (_, r) => x[r * cols + c])) / spec.qmax);
      if (got.every((s, c) => s === colMax[c])) {
        fail('Your scales are the maxima of the columns. Per-channel means one scale per row: the maximum along each row (axis=1).', { cause: 'per-column' });
      }
    }
  } else {
    if (got.length === rows && spec.scaleCount !== rows) {
      fail(`You returned ${rows} scales, one per row; per-group quantization gives every ${spec.groupSize} consecutive ` +
        `values of a row their own scale: ${cols / spec.groupSize} per row, ${spec.scaleCount} in all.`, { cause: 'per-row-not-group' });
    }
    if (got.length !== spec.scaleCount) {
      fail(`${what} has ${got.length} values; ${rows} rows of ${cols / spec.groupSize} groups need ${spec.scaleCount}, ` +
        `in order: the groups of row 0, then those of row 1, …`, { cause: 'scale-count' });
    }
  }
  // Every scale equal to the whole matrix's: one scale computed for the whole matrix and copied to every row.
  const members = (g) => spec.members(g, x.length).map((i) => x[i]);
  const distinctWant = new Set(Array.from(want)).size > 1;
  if (distinctWant && got.length > 1 && Array.prototype.every.call(got, (s) => s === got[0])) {
    const whole = spec.zeroPoint
      ? (Math.max(0, ...x) - Math.min(0, ...x)) / (spec.qmax - spec.qmin)
      : maxAbs(x) / spec.qmax;
    if (near(got[0], whole, 1e-9)) {
      fail(`All your ${got.length} scales are equal (${show(got[0])}): you computed one scale for the whole matrix: that ` +
        `is per-tensor. ${granularity === 'row' ? 'Per-channel gives each row its own scale, max|row| / qmax' : `Give each group its own scale`}.`, { cause: 'per-tensor' });
    }
  }
  const from = spec.zeroPoint ? 'max − min' : `max|${name}|`;
  Array.from(want, (s, g) => expectScale(got[g], s, spec, { x: members(g), what: `${what}[${g}]`, of: `${from} over ${groupName(spec, g)}` }));
  return '';
}

// ---- zero points ----

/**
 * Checks zero points (a number per tensor, or an array per row or group) against the reference. `x` holds the
 * data and `scales` the reference scales, to explain a difference.
 */
export function expectZeroPoints(got, want, spec, { x, scales, what = 'zeroPoint' } = {}) {
  const single = spec.granularity === 'tensor';
  const values = single ? [got] : got;
  const wants = single ? [want] : Array.from(want);
  if (!single) {
    if (typeof got === 'number') fail(`${what} is a single number: return one zero point per ${spec.granularity}, like the scales.`, { cause: 'zero-point-count' });
    expectNumbers(got, what, wants.length);
  }
  wants.forEach((z, g) => {
    const name = single ? what : `${what}[${g}]`;
    const v = expectNumber(values[g], name);
    if (v === z) return;
    if (!Number.isInteger(v)) {
      fail(`${name} is ${show(v)}: a zero point is a level, a whole number. Round it (np.rint): with a fractional zero ` +
        'point, 0.0 falls between two levels and is no longer exact.', { cause: 'zero-point-not-integer' });
    }
    if (v === -z && z !== 0) fail(`${name} is ${int(v)} but NumPy gives ${int(z)}: the sign is flipped. The zero point is the level of 0.0: qmin − round(min / scale).`, { cause: 'zero-point-sign' });
    if (v < spec.qmin || v > spec.qmax) {
      fail(`${name} = ${int(v)} is outside [${int(spec.qmin)}, ${int(spec.qmax)}]: a zero point must be one of the levels. ` +
        'It falls outside when the range leaves out 0: widen it to min(min x, 0) … max(max x, 0), or clip the zero point.', { cause: 'zero-point-out-of-range' });
    }
    const members = single ? Array.from(x) : spec.members(g, x.length).map((i) => x[i]);
    const s = single ? scales : scales[g];
    const lo = Math.min(0, ...members);
    if (spec.qmin !== 0 && s > 0 && v === Math.round(-lo / s)) {
      fail(`${name} is ${int(v)} but NumPy gives ${int(z)}: the levels start at ${int(spec.qmin)}, not 0, so the zero point is ${int(spec.qmin)} − round(min / scale).`, { cause: 'zero-point-qmin' });
    }
    fail(`${name} is ${int(v)} but NumPy gives ${int(z)}: the zero point is the level 0.0 lands on, qmin − round(min / scale), clipped to [${int(spec.qmin)}, ${int(spec.qmax)}].`);
  });
  return '';
}

// ---- levels ----

/**
 * Checks quantized levels against the reference `want` (plain levels, one per value).
 *   x: the inputs; scales: the reference scale(s), a number or an array indexed by the spec; zeroPoints likewise
 *   (affine specs); what: the name shown.
 * Ties (x / scale exactly k + ½ in float64) must round half to even, as np.round does. A value within 1e-9 of a
 * tie may be off by one step, because another honest order of float operations can land on the other side.
 */
export function expectQ(got, want, spec, { x, scales, zeroPoints = 0, what = 'q' } = {}) {
  const levels = readLevels(got, want, spec, what);
  const { qmin, qmax, symmetric } = spec;
  const bounds = symmetric ? `[−${qmax}, ${qmax}]` : `[${int(qmin)}, ${int(qmax)}]`;
  const zpAt = (i) => (spec.zeroPoint ? at(zeroPoints, spec, i) : 0);
  for (let i = 0; i < levels.length; i++) {
    if (!Number.isInteger(levels[i])) {
      fail(`${what}[${i}] = ${show(levels[i])} is not a whole number: round x / scale to the nearest integer.`, { cause: 'not-rounded' });
    }
  }
  if (!spec.signed && Array.prototype.some.call(want, (v) => v > 2 ** (spec.bits - 1) - 1)) {
    const [lo, hi] = [-(2 ** (spec.bits - 1)), 2 ** (spec.bits - 1) - 1];
    if (levels.every((v, i) => v === Math.min(hi, Math.max(lo, want[i])))) {
      fail(`${what} stops at ${hi}: you clipped to [${lo}, ${hi}], the signed range. These levels are unsigned, ` +
        `0 … 2^bits − 1 = ${spec.qmax}: clip to [0, ${spec.qmax}], or the upper half of the range is lost.`, { cause: 'clip-signed-range' });
    }
  }
  if (spec.zeroPoint) zeroPointMistake(levels, want, spec, { zpAt, what });
  for (let i = 0; i < levels.length; i++) {
    if (levels[i] > qmax || levels[i] < qmin) {
      fail(symmetric
        ? `${what}[${i}] = ${levels[i]} is outside [−${qmax}, ${qmax}]: clip after rounding (values beyond the calibrated range must saturate at ±qmax).`
        : `${what}[${i}] = ${levels[i]} is outside ${bounds}: clip after rounding (values beyond the calibrated range must saturate at ${int(qmin)} or ${int(qmax)}).`, { cause: 'no-clip' });
    }
  }
  if (levels.every((v) => v === 0) && Array.prototype.some.call(want, (v) => v !== 0)) {
    fail(spec.zeroPoint
      ? `${what} is all 0: every value should become round(x / scale) + zero point, clipped to ${bounds}.`
      : `${what} is all 0: every value should become round(x / scale), clipped to ${bounds}.`, { cause: 'q-all-zero' });
  }
  const wrong = [];
  for (let i = 0; i < levels.length; i++) {
    if (levels[i] === want[i] || (levels[i] === 0 && want[i] === 0)) continue;
    const t = x[i] / at(scales, spec, i);
    const fromTie = Math.abs((Math.abs(t) % 1) - 0.5);
    // A hair from a tie, another honest order of float operations can land on the other side: accepted.
    if (fromTie > 0 && fromTie < 1e-9 * Math.max(1, Math.abs(t)) && Math.abs(levels[i] - want[i]) === 1) continue;
    wrong.push({ i, t, zp: zpAt(i) });
  }
  if (wrong.length) explainLevels(levels, want, spec, { got, wrong, what, bounds });
  return '';
}

/** Fails when the levels are the reference's without its zero point, or with it subtracted (clipped or not). */
function zeroPointMistake(levels, want, spec, { zpAt, what }) {
  const clip = (v) => Math.min(spec.qmax, Math.max(spec.qmin, v));
  const first = levels.findIndex((v, i) => v !== want[i]);
  if (first < 0) return;
  const is = `${what}[${first}] is ${levels[first]} but NumPy gives ${want[first]}`;
  const shifted = (k) => levels.every((v, i) => v === want[i] + k * zpAt(i) || v === clip(want[i] + k * zpAt(i)));
  if (shifted(-1)) fail(`${is}: the zero point (${zpAt(first)}) is missing. Add it after rounding: round(x / scale) + zero point.`, { cause: 'zero-point-missing' });
  if (shifted(-2)) fail(`${is}: the zero point was subtracted. Add it after rounding: round(x / scale) + zero point.`, { cause: 'zero-point-subtracted' });
}

function explainLevels(levels, want, spec, { got, wrong, what, bounds }) {
  const { qmin, qmax, symmetric } = spec;
  const { i, t, zp } = wrong[0];
  const count = wrong.length > 1 ? ` (${wrong.length} of ${levels.length} values differ)` : '';
  const is = `${what}[${i}] is ${levels[i]} but NumPy gives ${want[i]}${count}`;
  const quotient = spec.zeroPoint ? `x / scale + zero point = ${show(t)} + ${zp}` : `x / scale = ${show(t)}`;
  const isTie = Math.abs(t % 1) === 0.5;
  if (isTie && levels[i] === Math.round(t) + zp) {
    fail(`${is}: x / scale = ${show(t)} is a tie. ` +
      `Math.round(${show(t)}) = ${Math.round(t)} rounds halves up, but np.round rounds halves to the even integer ` +
      `(np.round(2.5) = 2, np.round(3.5) = 4). Use roundHalfEven.`, { cause: 'half-up' });
  }
  if (t + zp > qmax + 0.5 || t + zp < qmin - 0.5) {
    const r = Math.round(t) + zp;
    const type = got?.constructor?.name;
    const range = spec.storage !== PACKED_INT4 ? INT_TYPES[type] : undefined;
    const span = range ? range[1] - range[0] + 1 : 0;
    const wrapped = range && levels[i] === ((((r - range[0]) % span) + span) % span) + range[0]
      ? ` (the unclipped level ${r} wrapped around to ${levels[i]} in the ${type})` : '';
    fail(symmetric
      ? `${is}: x / scale = ${show(t)} lies beyond ±${qmax}. Clip to [−qmax, qmax] after rounding, so that it saturates at ${want[i]}${wrapped}.`
      : `${is}: ${quotient} lies outside ${bounds}. Clip after rounding, so that it saturates at ${want[i]}${wrapped}.`, { cause: 'no-clip' });
  }
  const wrongEverywhere = (f) => wrong.every(({ i: k, t: tk, zp: zk }) => levels[k] === f(tk) + zk);
  if (wrongEverywhere(Math.trunc)) {
    fail(`${is}: x / scale = ${show(t)} was cut towards 0 (Math.trunc, | 0 or parseInt?). Round to the nearest integer instead.`, { cause: 'truncated' });
  }
  if (wrongEverywhere(Math.floor)) {
    fail(`${is}: ${show(t)} was rounded down (Math.floor?). Round to the nearest integer instead.`, { cause: 'floor' });
  }
  fail(`${is}: ${quotient}${isTie ? ', a tie that rounds to the even integer' : ''}.`);
}

// ---- recovered values ----

/**
 * Checks dequantized values: (q − zero point) × scale. `want` is the reference; q (plain levels), scales and
 * zeroPoints rebuild it. Every honest reading of "q times scale" passes, silently: the float64 product, the float32
 * product with the scale rounded to float32 first (NumPy 1's value-based casting), the float64 product rounded to
 * float32 (NumPy 2, NEP 50, stored into a Float32Array). `precision` (NumPy's, 'float32' or 'float64') is kept for
 * callers but no longer decides anything.
 */
export function expectRecovered(got, want, spec, { q, scales, zeroPoints = 0, precision, what = 'recovered' } = {}) {
  expectNumbers(got, what, want.length);
  const scale = (i) => at(scales, spec, i);
  const level = (i) => q[i] - (spec.zeroPoint ? at(zeroPoints, spec, i) : 0);
  const f64 = (i) => level(i) * scale(i);
  const f32 = (i) => Math.fround(level(i) * Math.fround(scale(i)));
  const honest = (v, k) => v === want[k] || v === f64(k) || v === f32(k) || v === Math.fround(f64(k)) ||
    Math.abs(v - f64(k)) <= 2 ** -23 * Math.abs(f64(k)); // within a float32 rounding of q × scale
  void precision;
  if (Array.prototype.every.call(got, honest)) return '';
  const i = Array.prototype.findIndex.call(got, (v, k) => !honest(v, k));
  if (Array.prototype.every.call(got, (v) => v === 0) && Array.prototype.some.call(want, (v) => v !== 0)) {
    fail(spec.zeroPoint ? `${what} is all 0: fill it with (q[i] − zero point) × scale.` : `${what} is all 0: fill it with q[i] × scale.`, { cause: 'recovered-all-zero' });
  }
  if (Array.prototype.every.call(got, (v, k) => v === q[k])) fail(`${what} equals q: multiply each q by its scale.`, { cause: 'recovered-is-q' });
  if (spec.zeroPoint && Array.prototype.every.call(got, (v, k) => near(v, q[k] * scale(k), 1e-6))) {
    fail(`${what} looks like q × scale: subtract the zero point first, (q − zero point) × scale.`, { cause: 'recovered-no-zero-point' });
  }
  if (Array.prototype.every.call(got, (v, k) => near(v, level(k) / scale(k), 1e-6))) {
    fail(`${what} looks like q / scale: multiply by the scale to go back to real numbers.`, { cause: 'recovered-divided' });
  }
  if (spec.granularity === 'row' && spec.rows === spec.cols &&
      Array.prototype.every.call(got, (v, k) => near(v, level(k) * at(scales, spec, k % spec.cols), 1e-6))) {
    fail(`${what} multiplies each value by the scale of its column: use the scale of its row, scales[r].`, { cause: 'per-column' });
  }
  fail(`${what}[${i}] is ${show(got[i])} but ${spec.zeroPoint ? `(q[${i}] − zero point)` : `q[${i}]`} × scale = ${show(want[i])}.`);
}
