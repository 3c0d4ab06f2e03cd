// Exercise 5, learner mode: affine quantize and dequantize, checked against the WebAssembly core (which equals
// NumPy), with the zero-point's typical mistakes named. No DOM: also loaded by the runner worker and the Node tests.
import { fail, notes } from '../../checks/expect.js';
import { expectQ, expectRecovered, expectScale, expectZeroPoints, quantSpec } from '../../checks/quantization.js';

const ROUND = `// Rounds half to even, as np.rint (exercise 1).
function roundHalfEven(v) {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
`;

const DEMO = `// Run prints these lines.
const x = [-0.12, 0, 0.05, 0.3, 0.78];
const { q, scale, zeroPoint } = affineQuantize(x, 8);
console.log('q         ', q);
console.log('scale     ', scale, ' zeroPoint', zeroPoint);
console.log('recovered ', affineDequantize(q, scale, zeroPoint));
`;

const starter = `// Exercise 5: affine (asymmetric) quantization with a zero-point.
// Fill in the TODOs. Check compares your functions with NumPy's results (computed by the WebAssembly core).

${ROUND}
// Quantizes x to unsigned levels 0 … 2^bits − 1. Returns { q, scale, zeroPoint }.
function affineQuantize(x, bits = 8) {
  // TODO 1: the largest level: 2^bits − 1 (255 for 8 bits).
  const qmax = 0;

  // TODO 2: the range, widened to include 0: lo = min(min x, 0), hi = max(max x, 0).
  let lo = 0;
  let hi = 0;

  // TODO 3: the scale spreads the levels over the range: (hi − lo) / qmax.
  const scale = 0;

  const q = bits <= 8 ? new Uint8Array(x.length) : new Uint16Array(x.length);
  if (scale === 0) return { q, scale: 0, zeroPoint: 0 }; // all zeros: nothing to spread

  // TODO 4: the zero-point, the level of 0.0: round(−lo / scale), clipped to [0, qmax].
  const zeroPoint = 0;

  for (let i = 0; i < x.length; i++) {
    // TODO 5: round(x / scale) + zeroPoint, clipped to [0, qmax].
    q[i] = 0;
  }
  return { q, scale, zeroPoint };
}

// Back to real numbers: (q − zeroPoint) × scale, in float64.
function affineDequantize(q, scale, zeroPoint) {
  const recovered = new Float64Array(q.length);
  // TODO 6: fill recovered[i].
  return recovered;
}

${DEMO}`;

const solution = `// Exercise 5: affine quantization (reference solution).

${ROUND}
function affineQuantize(x, bits = 8) {
  const qmax = 2 ** bits - 1;
  let lo = 0;
  let hi = 0;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const scale = (hi - lo) / qmax;
  const q = bits <= 8 ? new Uint8Array(x.length) : new Uint16Array(x.length);
  if (scale === 0) return { q, scale: 0, zeroPoint: 0 };
  const zeroPoint = Math.min(qmax, Math.max(0, roundHalfEven(-lo / scale)));
  for (let i = 0; i < x.length; i++) {
    q[i] = Math.min(qmax, Math.max(0, roundHalfEven(x[i] / scale) + zeroPoint));
  }
  return { q, scale, zeroPoint };
}

function affineDequantize(q, scale, zeroPoint) {
  const recovered = new Float64Array(q.length);
  for (let i = 0; i < q.length; i++) recovered[i] = (q[i] - zeroPoint) * scale;
  return recovered;
}

${DEMO}`;

const hints = [
  'qmax = 2 ** bits - 1: unsigned levels run from 0 to 255 at 8 bits, 0 to 15 at 4 bits.',
  'Start lo and hi at 0 and widen them with every value: lo = Math.min(lo, v), hi = Math.max(hi, v). Starting at 0 is what puts 0 inside the range, even when every value is positive (a ReLU output) or negative.',
  'The scale is the width of one step: (hi − lo) / qmax. It uses the range itself, not the largest magnitude: that was the symmetric recipe.',
  'The zero-point is the level that 0.0 lands on. x = lo should become level 0, so 0.0 is −lo / scale steps above it. Round it (roundHalfEven) — it must be a whole level — and clip it into [0, qmax].',
  'q[i] = Math.min(qmax, Math.max(0, roundHalfEven(x[i] / scale) + zeroPoint)): round first, then add the zero-point, then clip to the unsigned range [0, qmax] (not [−128, 127]).',
  'Dequantize: recovered[i] = (q[i] - zeroPoint) * scale. Level zeroPoint comes back as exactly 0.',
];

// ---- checks ----

async function checkQuantize(ctx, x, bits) {
  const want = ctx.lab.affineQuantize(x, bits);
  const got = await ctx.call('affineQuantize', x, bits);
  if (got === null || typeof got !== 'object') fail(`affineQuantize returned ${String(got)}: return an object { q, scale, zeroPoint }.`);
  const spec = quantSpec({ bits, signed: false, zeroPoint: true });
  // A zero-point outside the levels tells most about the range: say that first.
  if (Number.isInteger(got.zeroPoint) && (got.zeroPoint < spec.qmin || got.zeroPoint > spec.qmax)) {
    expectZeroPoints(got.zeroPoint, want.zeroPoint, spec, { x, scales: want.scale });
  }
  return notes(
    expectScale(got.scale, want.scale, spec, { x }),
    expectZeroPoints(got.zeroPoint, want.zeroPoint, spec, { x, scales: want.scale }),
    expectQ(got.q, want.q, spec, { x, scales: want.scale, zeroPoints: want.zeroPoint }));
}

async function checkDequantize(ctx, x, bits) {
  const { q, scale, zeroPoint } = ctx.lab.affineQuantize(x, bits);
  const want = ctx.lab.affineDequantize(q, scale, zeroPoint);
  const got = await ctx.call('affineDequantize', q, scale, zeroPoint);
  const spec = quantSpec({ bits, signed: false, zeroPoint: true });
  const note = expectRecovered(got, want, spec, { q, scales: scale, zeroPoints: zeroPoint, precision: 'float64' });
  const zero = Array.prototype.indexOf.call(x, 0);
  if (zero >= 0 && got[zero] !== 0) {
    fail(`x[${zero}] = 0 came back as ${got[zero]}: level ${zeroPoint} (the zero-point) must give exactly 0: (q − zeroPoint) × scale.`);
  }
  return note;
}

/** A skewed row of weights: mostly small and positive, a short negative tail. */
const skewed = (lab, seed, n) => Array.from(lab.rand(seed, n), (u) => -0.12 + 0.9 * u * u * u);
/** ReLU outputs: 40% exactly 0, the rest positive. */
const relu = (lab, seed, n) => Array.from(lab.rand(seed, n), (u) => (u < 0.4 ? 0 : 3 * u));

const tests = [
  {
    name: 'affineQuantize: skewed weights (−0.12 … 0.78) at 8 bits',
    run: (ctx) => checkQuantize(ctx, skewed(ctx.lab, 5, 48), 8),
  },
  {
    name: 'affineQuantize: ReLU outputs (all ≥ 0) at 8 bits use the whole grid with zero-point 0',
    run: (ctx) => checkQuantize(ctx, relu(ctx.lab, 7, 40), 8),
  },
  {
    name: 'affineQuantize: values from 2 to 4 at 4 bits (the range must still include 0)',
    run: (ctx) => checkQuantize(ctx, [2, 4, 3, 2.5, 3.75], 4),
  },
  {
    name: 'affineQuantize: values all below 0 at 4 bits (zero-point 15)',
    run: (ctx) => checkQuantize(ctx, [-2, -4, -0.5, -3.1, -1.3], 4),
  },
  {
    name: 'affineDequantize: (q − zeroPoint) × scale, and 0.0 comes back exactly',
    run: (ctx) => checkDequantize(ctx, [...skewed(ctx.lab, 5, 20), 0], 8),
  },
  {
    name: 'Hidden: other data at 3, 6 and 12 bits',
    hidden: true,
    async run(ctx) {
      const x = Array.from(ctx.lab.randn(21, 64), (v) => 0.3 + v);
      return notes(await checkQuantize(ctx, x, 3), await checkQuantize(ctx, x, 6), await checkQuantize(ctx, x, 12), await checkDequantize(ctx, x, 12));
    },
  },
  {
    name: 'Hidden: an all-zero input gives scale 0, zero-point 0 and q = 0',
    hidden: true,
    async run(ctx) {
      const got = await ctx.call('affineQuantize', [0, 0, 0], 8);
      if (got?.scale !== 0 || got?.zeroPoint !== 0 || !got?.q || Array.prototype.some.call(got.q, (v) => v !== 0)) {
        fail(`affineQuantize([0, 0, 0], 8) should give scale 0, zeroPoint 0 and q all 0 (there is no range to spread), got scale ${got?.scale}, zeroPoint ${got?.zeroPoint}.`);
      }
    },
  },
];

export default { functions: ['roundHalfEven', 'affineQuantize', 'affineDequantize'], starter, solution, hints, tests };
