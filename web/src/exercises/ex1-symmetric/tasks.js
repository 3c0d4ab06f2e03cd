// Exercise 1, learner mode: starter code, hints, the reference solution and the checks. No DOM: also loaded by
// the runner worker and by the Node tests.
import { fail, notes } from '../../checks/expect.js';
import { expectQ, expectRecovered, expectScale, quantSpec } from '../../checks/quantization.js';
import { NOTEBOOK_WEIGHTS as WEIGHTS } from './data.js';

const DEMO = `// Run prints these lines: compare them with the table on the page.
const weights = [${WEIGHTS.join(', ')}];
const { q, scale } = symmetricQuantize(weights, 8);
const recovered = symmetricDequantize(q, scale);
console.log('original ', weights);
console.log('quantized', q);
console.log('scale    ', scale);
console.log('recovered', recovered);
console.log('max error', Math.max(...weights.map((w, i) => Math.abs(w - recovered[i]))));
`;

const starter = `// Exercise 1: symmetric quantization.
// Fill in the TODOs. Run executes this file and shows what it prints;
// Check tests your functions against NumPy's results (computed by the WebAssembly core).

// Rounds v to the nearest integer; a value exactly halfway goes to the even neighbour, as np.round does.
function roundHalfEven(v) {
  // TODO 1: Math.round sends every half up: Math.round(2.5) is 3, but np.round(2.5) is 2.
  // Keep Math.round for everything else, and fix the halves (2.5 -> 2, 3.5 -> 4, -2.5 -> -2).
  return Math.round(v);
}

// Quantizes x to signed integers in [-qmax, qmax] with a single scale. Returns { q, scale }.
function symmetricQuantize(x, bits = 8) {
  // TODO 2: the largest signed level for this many bits (127 for 8 bits).
  const qmax = 0;

  // TODO 3: one scale for the whole vector: the largest magnitude max|x| divided by qmax.
  const scale = 0;

  return { q: quantizeWithScale(x, scale, qmax), scale };
}

// Rounds x / scale, clips the result to [-qmax, qmax] and stores it as integers.
function quantizeWithScale(x, scale, qmax) {
  const q = qmax <= 127 ? new Int8Array(x.length) : new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    // TODO 4: round x[i] / scale with roundHalfEven, then clip it into [-qmax, qmax].
    q[i] = 0;
  }
  return q;
}

// Back to real numbers: q times scale, in float32 as NumPy's q.astype(np.float32) * scale.
function symmetricDequantize(q, scale) {
  const recovered = new Float32Array(q.length); // storing into a Float32Array rounds to float32
  // TODO 5: fill recovered[i] with q[i] * scale.
  return recovered;
}

${DEMO}`;

const solution = `// Exercise 1: symmetric quantization (reference solution).

function roundHalfEven(v) {
  const r = Math.round(v); // halves went up
  // A half that went up to an odd integer goes down to the even one instead.
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function symmetricQuantize(x, bits = 8) {
  const qmax = 2 ** (bits - 1) - 1;
  let maxAbs = 0;
  for (const v of x) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs / qmax; // 0 for an all-zero x: then 0 / 0 is NaN, which an Int8Array stores as 0
  return { q: quantizeWithScale(x, scale, qmax), scale };
}

function quantizeWithScale(x, scale, qmax) {
  const q = qmax <= 127 ? new Int8Array(x.length) : new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    q[i] = Math.min(qmax, Math.max(-qmax, roundHalfEven(x[i] / scale)));
  }
  return q;
}

function symmetricDequantize(q, scale) {
  const recovered = new Float32Array(q.length);
  const scale32 = Math.fround(scale); // NumPy 1.x casts the scalar scale to float32 first
  for (let i = 0; i < q.length; i++) recovered[i] = q[i] * scale32;
  return recovered;
}

${DEMO}`;

const hints = [
  'qmax is the largest level of a signed integer that keeps the range symmetric: 2 ** (bits - 1) - 1, so 127 for 8 bits and 7 for 4 bits (−128 is left unused).',
  'max|x| is the largest absolute value: loop over x with Math.max(m, Math.abs(v)). A negative weight can be the largest magnitude, so max(x) is not enough.',
  'Clipping: Math.min(qmax, Math.max(-qmax, r)). With the scale computed from x itself nothing exceeds qmax, but a scale calibrated on other data (quantizeWithScale) can leave values outside.',
  'Round half to even: Math.round(v) - v is exactly 0.5 only when v was a half that went up. If that result r is odd, the even neighbour is r - 1.',
  'Dequantize: recovered[i] = q[i] * scale. The Float32Array rounds each product to float32, like NumPy does with a float32 array; using Math.fround(scale) first matches NumPy to the last bit.',
];

// ---- checks: every expected value comes from the WebAssembly core, which equals NumPy ----

/** Reference for symmetricQuantize: the core's result for x at `bits`. */
async function checkQuantize(ctx, x, bits) {
  const want = ctx.lab.symmetricQuantize(x, bits);
  const got = await ctx.call('symmetricQuantize', x, bits);
  if (got === null || typeof got !== 'object') fail(`symmetricQuantize returned ${String(got)}: return an object { q, scale }.`);
  const spec = quantSpec({ bits });
  return notes(expectScale(got.scale, want.scale, spec, { x }), expectQ(got.q, want.q, spec, { x, scales: want.scale }));
}

async function checkDequantize(ctx, q, scale) {
  const want = ctx.lab.symmetricDequantize(q, scale);
  const got = await ctx.call('symmetricDequantize', q, scale);
  return expectRecovered(got, want, quantSpec({ bits: 8 }), { q, scales: scale, precision: 'float32' });
}

/** Rounds v through the core: symmetricQuantize([127, v]) has scale exactly 1, so q[1] is np.round(v). */
const npRound = (lab, v) => lab.symmetricQuantize([127, v], 8).q[1];

const tests = [
  {
    name: 'roundHalfEven rounds halves to the even integer, as np.round: 2.5 → 2, 3.5 → 4, −2.5 → −2, 0.5 → 0',
    async run(ctx) {
      for (const v of [2.5, 3.5, -2.5, -3.5, 0.5, -0.5, 1.5, 2.4, -2.6, 7]) {
        const want = npRound(ctx.lab, v);
        const got = await ctx.call('roundHalfEven', v);
        if (typeof got !== 'number' || Number.isNaN(got)) fail(`roundHalfEven(${v}) returned ${String(got)}: return a number.`);
        if (got !== want && !(got === 0 && want === 0)) {
          const why = Math.abs(v % 1) === 0.5
            ? ` ${v} is exactly halfway: np.round picks the even neighbour, ${want}; Math.round(${v}) gives ${Math.round(v)} (always up).`
            : '';
          fail(`roundHalfEven(${v}) is ${got} but np.round(${v}) is ${want}.${why}`);
        }
      }
    },
  },
  {
    name: "The notebook's weights at 8 bits: scale = 0.312 / 127 ≈ 0.002457",
    async run(ctx) {
      const got = await ctx.call('symmetricQuantize', WEIGHTS, 8);
      if (got === null || typeof got !== 'object') fail(`symmetricQuantize returned ${String(got)}: return an object { q, scale }.`);
      return expectScale(got.scale, ctx.lab.symmetricQuantize(WEIGHTS, 8).scale, quantSpec({ bits: 8 }), { x: WEIGHTS });
    },
  },
  {
    name: "…and q = [101, −42, 36, −63, 127, −113], as NumPy prints (the notebook's comment says 100 for 0.247: 0.247 / scale = 100.54 rounds to 101)",
    run: (ctx) => checkQuantize(ctx, WEIGHTS, 8),
  },
  {
    name: 'Exact ties follow NumPy: [127, 2.5, −0.5, 1.5, −3.5] has scale 1 and q = [127, 2, 0, 2, −4]',
    run: (ctx) => checkQuantize(ctx, [127, 2.5, -0.5, 1.5, -3.5], 8),
  },
  {
    name: 'quantizeWithScale clips: with a scale calibrated on max|x| = 0.5, the value 0.9 saturates at 127',
    async run(ctx) {
      const calibrationMax = 0.5;
      const scale = calibrationMax / 127;
      const x = [0.9, -0.75, 0.25, -0.5, 0.1];
      // The core quantizes [0.5, clip(x, ±0.5)...]: same scale, and clipping the value or its level agrees.
      const clipped = x.map((v) => Math.min(calibrationMax, Math.max(-calibrationMax, v)));
      const want = ctx.lab.symmetricQuantize([calibrationMax, ...clipped], 8).q.slice(1);
      const got = await ctx.call('quantizeWithScale', x, scale, 127);
      return expectQ(got, want, quantSpec({ bits: 8 }), { x, scales: scale });
    },
  },
  {
    name: 'symmetricDequantize returns q × scale in float32, like q.astype(np.float32) * scale',
    async run(ctx) {
      const { q, scale } = ctx.lab.symmetricQuantize(WEIGHTS, 8);
      return checkDequantize(ctx, q, scale);
    },
  },
  {
    name: '16 bits: levels reach ±32767 (an Int8Array would wrap around)',
    run: (ctx) => checkQuantize(ctx, WEIGHTS, 16),
  },
  {
    name: 'All zeros: scale 0, q all 0, nothing NaN',
    async run(ctx) {
      const note = await checkQuantize(ctx, [0, 0, 0, 0], 8);
      const rec = await ctx.call('symmetricDequantize', new Int8Array(4), 0);
      expectRecovered(rec, ctx.lab.symmetricDequantize(new Int8Array(4), 0), quantSpec({ bits: 8 }), { q: [0, 0, 0, 0], scales: 0, precision: 'float32' });
      return note;
    },
  },
  {
    hidden: true,
    name: 'Hidden: 1000 Gaussian values (NumPy seed 3) at 4 bits',
    run: (ctx) => checkQuantize(ctx, Array.from(ctx.lab.randn(3, 1000)), 4),
  },
  {
    hidden: true,
    name: 'Hidden: the largest magnitude is negative',
    run: (ctx) => checkQuantize(ctx, [-0.8, 0.3, 0.1, -0.05], 8),
  },
  {
    hidden: true,
    name: 'Hidden: 300 uniform values at every bit width from 2 to 16',
    async run(ctx) {
      const x = Array.from(ctx.lab.rand(11, 300), (u) => 2 * u - 1);
      const all = [];
      for (let bits = 2; bits <= 16; bits++) all.push(await checkQuantize(ctx, x, bits));
      return notes(all);
    },
  },
  {
    hidden: true,
    name: 'Hidden: dequantize 500 levels at 12 bits',
    async run(ctx) {
      const { q, scale } = ctx.lab.symmetricQuantize(ctx.lab.randn(5, 500), 12);
      return checkDequantize(ctx, q, scale);
    },
  },
];

export default {
  functions: ['roundHalfEven', 'symmetricQuantize', 'quantizeWithScale', 'symmetricDequantize'],
  starter,
  solution,
  hints,
  tests,
};
