// Exercise 0, learner mode: float32 to bfloat16 with round-to-nearest-even, and float32 to fp8 E4M3, both by bit
// manipulation. Every expected code comes from the WebAssembly core (encodeFormat), whose tests hold it to NumPy
// and the OCP FP8 specification. Inputs are Float32Arrays, so NaN payloads reach the learner's code bit for bit;
// any NaN code is accepted for a NaN input. No DOM: this file runs in the runner worker and in Node.
import { fail } from '../../checks/expect.js';
import { float32String } from '../../ui/format.js';

const hex = (v, digits) => `0x${(v >>> 0).toString(16).padStart(digits, '0')}`;
const f32FromBits = (b) => new Float32Array(Uint32Array.of(b).buffer)[0];

const DEMO = `const x = new Float32Array([1, 0.1, -2, 3.14159, 1e-3, 500, NaN]);
console.log('float32: ', Array.from(new Uint32Array(x.buffer), (b) => '0x' + b.toString(16).padStart(8, '0')));
console.log('bfloat16:', Array.from(bfloat16Bits(x) ?? [], (c) => '0x' + c.toString(16).padStart(4, '0')));
console.log('fp8 E4M3:', Array.from(e4m3Bits(x) ?? [], (c) => '0x' + c.toString(16).padStart(2, '0')));
`;

const starter = `// Exercise 0: number formats, bit by bit.
// x is a Float32Array. Read its bits through a Uint32Array view of the same memory:
//   const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
// float32 = sign (1 bit) | exponent (8 bits, bias 127) | mantissa (23 bits).

// bfloat16 is the top 16 bits of a float32, rounded to nearest, ties to even.
// Return a Uint16Array of codes (0x3f80 for 1.0).
function bfloat16Bits(x) {
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const out = new Uint16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const b = bits[i];
    // TODO 1: keep NaN a NaN (exponent all ones, mantissa not zero): return the top 16 bits with a quiet bit set.
    // TODO 2: round the low 16 bits away to nearest, ties to even, then keep the top 16 bits.
    out[i] = 0;
  }
  return out;
}

// Given: round to the nearest integer, ties to even (Math.round sends every half up).
function roundHalfEven(v) {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// fp8 E4M3 (OCP): sign | exponent (4 bits, bias 7) | mantissa (3 bits). No infinity; 448 is the largest value
// (0x7e) and S.1111.111 is the only NaN. Round to nearest even, saturate at ±448, keep subnormals (exponent field
// 0: 0.mmm x 2^-6). Return a Uint8Array of codes (0x38 for 1.0).
function e4m3Bits(x) {
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const out = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    // TODO 3: the sign bit, and NaN (0x7f with the sign).
    // TODO 4: the exponent, the step of the format at that exponent, |x| / step rounded to nearest even.
    // TODO 5: build the code; saturate at 0x7e after rounding.
    out[i] = 0;
  }
  return out;
}

${DEMO}`;

const solution = `// Exercise 0: number formats, bit by bit (reference solution).

function bfloat16Bits(x) {
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const out = new Uint16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const b = bits[i];
    if ((b & 0x7f800000) === 0x7f800000 && (b & 0x007fffff) !== 0) {
      out[i] = (b >>> 16) | 0x0040; // NaN stays NaN: a quiet NaN with the same sign
      continue;
    }
    // Add half a step minus one, plus the bit that will be kept last: exact halves round to the even code.
    const lsb = (b >>> 16) & 1;
    out[i] = (b + 0x7fff + lsb) >>> 16; // a carry moves into the exponent; the largest values round to infinity
  }
  return out;
}

// Given: round to the nearest integer, ties to even (Math.round sends every half up).
function roundHalfEven(v) {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function e4m3Bits(x) {
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const out = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const b = bits[i];
    const sign = (b >>> 24) & 0x80;
    const a = Math.abs(x[i]);
    if (Number.isNaN(a)) {
      out[i] = sign | 0x7f;
      continue;
    }
    // The float32 exponent; below E4M3's smallest normal exponent (-6) the step stays that of the subnormals.
    const e = Math.max(((b >>> 23) & 0xff) - 127, -6);
    const step = 2 ** (e - 3); // 3 mantissa bits: 8 steps per binade
    const m = roundHalfEven(a / step); // 0 to 16: implicit bit included; 16 carries into the next binade
    const code = Math.min(((e + 6) << 3) + m, 0x7e); // saturate after rounding: 448 is 0x7e
    out[i] = sign | code;
  }
  return out;
}

${DEMO}`;

const hints = [
  'A NaN has the exponent bits 0x7f800000 all set and a nonzero mantissa (b & 0x007fffff). Its top 16 bits may have a zero mantissa (0x7f800001 → 0x7f80 is infinity!), so set a mantissa bit: (b >>> 16) | 0x0040.',
  'Truncating is b >>> 16. To round to nearest, add half of what you throw away before shifting: (b + 0x8000) >>> 16. For an exact half (low 16 bits 0x8000) that always rounds up; ties to even adds 0x7fff plus the bit you keep last: (b + 0x7fff + ((b >>> 16) & 1)) >>> 16.',
  'The sign is bit 31 of the float32: (b >>> 24) & 0x80 puts it at bit 7. Work with |x| from then on. NaN is sign | 0x7f.',
  'The float32 exponent is ((b >>> 23) & 0xff) − 127. Clamp it at −6 (E4M3\'s smallest normal exponent, 1 − bias) so that tiny numbers keep the subnormal step 2^−9. With 3 mantissa bits the step is 2^(e − 3); m = roundHalfEven(|x| / step) counts steps, from 8 to 16 in a normal binade.',
  'The code is ((e + 6) << 3) + m: for e = −6 and m < 8 that is a subnormal (exponent field 0), and m = 16 carries into the next exponent by itself. Saturate after rounding: Math.min(code, 0x7e), since 0x7f is NaN. 464 lies halfway between 448 and 480 and goes to the even code, 448.',
];

// ---- checks ----

const isBf16Nan = (c) => (c & 0x7f80) === 0x7f80 && (c & 0x007f) !== 0;
const isE4m3Nan = (c) => (c & 0x7f) === 0x7f;

/** The learner's codes for x: an array of whole numbers of the right size. */
async function codesOf(ctx, name, x, bits) {
  const got = await ctx.call(name, x);
  if (got === null || got === undefined) fail(`${name} returned ${got}: return a typed array of codes, one per input.`, { cause: 'no-result' });
  if (typeof got !== 'object' || typeof got.length !== 'number') fail(`${name} should return an array of codes, got ${typeof got}.`, { cause: 'no-result' });
  if (got.length !== x.length) fail(`${name} returned ${got.length} codes for ${x.length} inputs: one code per input.`, { cause: 'length' });
  if (got.length > 1 && Array.prototype.every.call(got, (c) => c === 0)) {
    fail(`${name} returned only zero codes: write the conversion where the TODOs are (the starter leaves every code 0).`, { cause: 'todo' });
  }
  const top = 2 ** bits - 1;
  for (let i = 0; i < got.length; i++) {
    if (!Number.isInteger(got[i]) || got[i] < 0 || got[i] > top) {
      fail(`${name}(…)[${i}] is ${got[i]}: a code is a whole number from 0 to ${hex(top, bits / 4)} (${bits} bits).`, { cause: 'not-a-code' });
    }
  }
  return got;
}

/** The bfloat16 mistake behind a wrong code for the float32 with bits b, in the learner's terms. */
function bf16Mistake(b, got, want) {
  const x = f32FromBits(b);
  const what = `bfloat16 of ${hex(b, 8)} (${float32String(x)}) is ${hex(got, 4)}, but it should be ${hex(want, 4)}`;
  if (isBf16Nan(want)) {
    if ((got & 0x7fff) === 0x7f80) {
      fail(`Your NaN became infinity: ${what}. Cutting ${hex(b, 8)} to its top 16 bits leaves a zero mantissa, which is infinity. Check for NaN first and keep a mantissa bit set.`, { cause: 'nan-to-infinity' });
    }
    fail(`Your NaN became a number: ${what}. Rounding carried the NaN's mantissa into the exponent and sign. Check for NaN (exponent all ones, mantissa not zero) before rounding, and return a NaN code.`, { cause: 'nan-to-number' });
  }
  if (got === (want & 0x7fff) && want !== got) fail(`You lost the sign: ${what}. Keep bit 31 of the float32 as bit 15.`, { cause: 'sign' });
  if (got === b >>> 16) {
    fail(`You truncated instead of rounding: ${what}. Cutting the low 16 bits always rounds toward zero; add half a step first, with ties to even.`, { cause: 'truncates' });
  }
  if ((b & 0xffff) === 0x8000 && got === (b + 0x8000) >>> 16) {
    fail(`Your rounding sends exact halves up: ${what}. The low 16 bits are exactly 0x8000, halfway between two codes; round-to-nearest-even picks the code whose last bit is 0. Add 0x7fff plus the last kept bit, not 0x8000.`, { cause: 'ties-up' });
  }
  fail(`${what}.`, { cause: 'wrong-code' });
}

async function checkBf16(ctx, values) {
  const x = values instanceof Float32Array ? values : Float32Array.from(values);
  const bitsIn = new Uint32Array(x.buffer.slice(0));
  const want = ctx.lab.encodeFormat(x, 'bfloat16');
  const got = await codesOf(ctx, 'bfloat16Bits', x, 16);
  for (let i = 0; i < x.length; i++) {
    if (got[i] === want[i] || (isBf16Nan(want[i]) && isBf16Nan(got[i]) && (got[i] & 0x8000) === (want[i] & 0x8000))) continue;
    bf16Mistake(bitsIn[i], got[i], want[i]);
  }
}

/** The largest E4M3 magnitude code whose value is at most |x| (what truncation toward zero gives). */
function e4m3Truncated(lab, a) {
  const values = lab.decodeFormat(Array.from({ length: 127 }, (_, c) => c), 'fp8-e4m3');
  let c = 0;
  while (c + 1 < 127 && values[c + 1] <= a) c += 1;
  return c;
}

function e4m3Mistake(lab, x, got, want) {
  const what = `E4M3 of ${Object.is(x, -0) ? '−0' : float32String(x)} is ${hex(got, 2)}, but it should be ${hex(want, 2)}`;
  const gotValue = isE4m3Nan(got) ? NaN : lab.decodeFormat([got], 'fp8-e4m3')[0];
  const wantValue = lab.decodeFormat([want], 'fp8-e4m3')[0];
  const a = Math.abs(x);
  if (Number.isNaN(x)) fail(`Your NaN became a number: ${what}. NaN must stay NaN: in E4M3 that is S.1111.111 (0x7f or 0xff).`, { cause: 'nan-to-number' });
  if (got === (want & 0x7f) && want !== got) fail(`You lost the sign: ${what}. The sign of the float32 (bit 31) becomes bit 7${Object.is(x, -0) ? ', also for −0 (0x80)' : ''}.`, { cause: 'sign' });
  if (a >= 240 && [0x77, 0x78].includes(got & 0x7f) && (got & 0x7f) !== (want & 0x7f)) {
    fail(`You treated E4M3 like an IEEE format: ${what}. In E4M3 the exponent field 1111 is an ordinary binade (256 to 448): 0x78 is 256, not infinity. Only S.1111.111 is NaN, and there is no infinity.`, { cause: 'e4m3-ieee' });
  }
  if (a > 448 && (want & 0x7f) === 0x7e) {
    if (isE4m3Nan(got) && a > 464 && a < 480) {
      fail(`Your rounding went past 448 and landed on NaN: ${what}. ${a} rounds up to 480, which E4M3 does not have (the code after 0x7e is 0x7f, NaN). Round first, then clamp the code at 0x7e: values up to 464 go to 448 by rounding, larger ones by saturation.`, { cause: 'overflow-after-rounding' });
    }
    if (isE4m3Nan(got)) {
      fail(`Your overflow became NaN: ${what}. E4M3 has no infinity, and scaled fp8 casts saturate: anything beyond 448 is stored as ±448 (0x7e / 0xfe).`, { cause: 'not-saturated' });
    }
    fail(`Your overflow is not saturated to 448: ${what}. Clamp the code at 0x7e (±448) after rounding; a larger code runs into the sign bit.`, { cause: 'not-saturated' });
  }
  if (a > 0 && a < 2 ** -6) {
    if (got === 0 && want !== 0 && (want & 0x7f) < 0x08) {
      fail(`Your subnormals are flushed to zero: ${what}. Below 2^−6 = 0.015625 E4M3 keeps going with exponent field 0: 0.mmm × 2^−6, steps of 2^−9.`, { cause: 'flush-subnormals' });
    }
    fail(`Your subnormal rounding is off: ${what}. Below 2^−6 the step is 2^−9 everywhere (do not let the exponent go below −6), and exact halves go to the even code: 2^−10 → 0, 3 × 2^−10 → 0x02.`, { cause: 'subnormal-rounding' });
  }
  if (gotValue !== 0 && wantValue !== 0 && [2, 0.5, 4, 0.25].some((k) => gotValue === wantValue * k)) {
    fail(`Your exponent bias is off: ${what}, a value ${gotValue / wantValue}× too ${gotValue > wantValue ? 'large' : 'small'}. E4M3's bias is 7: 1.0 has exponent field 0111 (0x38).`, { cause: 'bias' });
  }
  const below = e4m3Truncated(lab, a);
  const [lo, hi] = lab.decodeFormat([below, Math.min(below + 1, 0x7e)], 'fp8-e4m3');
  if (lo + hi === 2 * a && (got & 0x7f) === below + 1) {
    fail(`Your rounding sends exact halves up: ${what}. ${a} lies exactly halfway between ${lo} and ${hi}; round-to-nearest-even picks the code whose last bit is 0. Math.round always rounds halves up.`, { cause: 'ties-up' });
  }
  if (got === below && (got & 0x7f) !== (want & 0x7f)) {
    fail(`You truncated instead of rounding: ${what}. Round |x| / step to the nearest whole number, ties to even, before you build the code.`, { cause: 'truncates' });
  }
  fail(`${what}.`, { cause: 'wrong-code' });
}

async function checkE4m3(ctx, values) {
  const x = values instanceof Float32Array ? values : Float32Array.from(values);
  const want = ctx.lab.encodeFormat(x, 'fp8-e4m3');
  const got = await codesOf(ctx, 'e4m3Bits', x, 8);
  for (let i = 0; i < x.length; i++) {
    if (got[i] === want[i] || (isE4m3Nan(want[i]) && isE4m3Nan(got[i]))) continue;
    e4m3Mistake(ctx.lab, x[i], got[i], want[i]);
  }
}

const fromBits = (...bits) => new Float32Array(Uint32Array.from(bits).buffer);

const tests = [
  {
    name: 'bfloat16Bits: values bfloat16 holds exactly keep their top 16 bits: 1 → 0x3f80, −2 → 0xc000, 0.5, 256, 0, −0, ±∞',
    run: (ctx) => checkBf16(ctx, [1, -2, 0.5, 256, 0, -0, Infinity, -Infinity]),
  },
  {
    name: 'bfloat16Bits rounds to nearest: 0x3f80c000 → 0x3f81, 0x3f80ffff → 0x3f81, 0.1 → 0x3dcd, π → 0x4049',
    run: (ctx) => checkBf16(ctx, [...fromBits(0x3f80c000, 0x3f80ffff, 0x3f807fff), 0.1, Math.PI, -0.1]),
  },
  {
    name: 'bfloat16Bits: exact halves go to the even code: 0x3f818000 → 0x3f82, 0x3f808000 → 0x3f80',
    run: (ctx) => checkBf16(ctx, fromBits(0x3f818000, 0x3f808000, 0xbf818000, 0x3f828000)),
  },
  {
    name: 'bfloat16Bits keeps NaN a NaN: 0x7fffffff, 0x7f800001 and 0xffc00000 are NaN in bfloat16 too (any NaN code)',
    run: (ctx) => checkBf16(ctx, fromBits(0x7fffffff, 0x7f800001, 0xffc00000, 0x7fc00000)),
  },
  {
    name: 'e4m3Bits: 1 → 0x38, −2 → 0xc0, 0.5 → 0x30, 256 → 0x78 (finite: E4M3 has no infinity), 448 → 0x7e, 0, −0 → 0x80',
    run: (ctx) => checkE4m3(ctx, [1, -2, 0.5, 256, 448, 0, -0, 1.125, -3.5]),
  },
  {
    name: 'e4m3Bits rounds to nearest even: 1.0625 → 0x38 (a tie), 1.1 → 0x39, 3.14159 → 0x45, 300 → 0x79, 0.3 → 0x2a',
    run: (ctx) => checkE4m3(ctx, [1.0625, 1.1, 3.14159, 300, 0.3, -0.3, 1.1875, 100]),
  },
  {
    name: 'e4m3Bits saturates after rounding: 500 and 1e6 → 448 (0x7e), ∞ → 448, −500 → 0xfe, and 460, 464, 470 → 448 too',
    run: (ctx) => checkE4m3(ctx, [500, 1e6, Infinity, -500, -Infinity, 460, 464, 470]),
  },
  {
    name: 'e4m3Bits keeps subnormals: 0.001 → 0x01, 2^−10 → 0 (a tie), 3 × 2^−10 → 0x02, 7.5 × 2^−9 → 0x08',
    run: (ctx) => checkE4m3(ctx, [0.001, 2 ** -10, 3 * 2 ** -10, 7.5 * 2 ** -9, 2 ** -9, 5 * 2 ** -9, -0.004, 1e-6, 1e-40]),
  },
  {
    name: 'e4m3Bits keeps NaN a NaN: NaN → 0x7f (or 0xff)',
    run: (ctx) => checkE4m3(ctx, fromBits(0x7fc00000, 0x7fffffff, 0xffc00000, 0x7f800001)),
  },
  {
    hidden: true,
    name: 'Hidden: bfloat16Bits on 2,000 random float32 bit patterns (NaN, subnormals and ties included)',
    run(ctx) {
      const r = ctx.lab.rand(23, 4000);
      const bits = new Uint32Array(2000);
      for (let i = 0; i < 2000; i++) {
        bits[i] = (Math.floor(r[2 * i] * 65536) * 65536 + Math.floor(r[2 * i + 1] * 65536)) >>> 0;
        if (i % 7 === 0) bits[i] = (bits[i] & 0xffff0000 | 0x8000) >>> 0; // exact ties
      }
      return checkBf16(ctx, new Float32Array(bits.buffer));
    },
  },
  {
    hidden: true,
    name: 'Hidden: e4m3Bits on every E4M3 value, every midpoint between neighbours and 1,000 random values of both signs',
    run(ctx) {
      const values = Array.from(ctx.lab.decodeFormat(Array.from({ length: 127 }, (_, c) => c), 'fp8-e4m3'));
      const mids = values.slice(1).map((v, i) => (v + values[i]) / 2);
      const random = Array.from(ctx.lab.randn(31, 1000), (v, i) => v * 2 ** ((i % 24) - 12));
      const all = [...values, ...mids, ...random];
      return checkE4m3(ctx, [...all, ...all.map((v) => -v)]);
    },
  },
];

export default {
  functions: ['bfloat16Bits', 'e4m3Bits'],
  starter,
  solution,
  hints,
  tests,
};
