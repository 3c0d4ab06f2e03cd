// Exercise 3, learner mode: starter code, hints, the reference solution and the checks (no DOM).
import { expectMse, expectNumbers, fail, notes } from '../../checks/expect.js';
import { weights } from './data.js';

const GIVEN = `// Given: round like np.round, and the error of one symmetric round trip in float64
// (the notebook's quantize_and_measure_error).
function roundHalfEven(v) {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function quantizeAndMeasureError(x, bits) {
  const qmax = 2 ** (bits - 1) - 1;
  let maxAbs = 0;
  for (const v of x) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs / qmax;
  let sum = 0;
  for (const v of x) {
    const q = Math.min(qmax, Math.max(-qmax, roundHalfEven(v / scale)));
    sum += (v - q * scale) ** 2;
  }
  return sum / x.length;
}
`;

const DEMO = `// np.random.seed(42); weights = np.random.randn(1000)
const weights = randn(42, 1000);
const bitWidths = [2, 3, 4, 5, 6, 7, 8];
const errors = errorsForBits(weights, bitWidths);
const factors = reductionFactors(errors);
console.log('bits  MSE');
bitWidths.forEach((b, i) => console.log(String(b).padStart(4), ' ', errors?.[i]));
console.log('error reduction per extra bit:', factors);
`;

const starter = `// Exercise 3: quantization error against bit width.
// The page draws the chart; here you compute the numbers behind it.

${GIVEN}
// The MSE for every bit width in bitWidths, in the same order.
function errorsForBits(x, bitWidths) {
  // TODO 1: one quantizeAndMeasureError(x, bits) per entry of bitWidths.
  return null;
}

// How much the error shrinks from each bit width to the next: errors[i - 1] / errors[i].
function reductionFactors(errors) {
  // TODO 2: one factor per neighbouring pair (so one fewer than errors). About 4 means 6 dB per bit.
  return null;
}

${DEMO}`;

const solution = `// Exercise 3: quantization error against bit width (reference solution).

${GIVEN}
function errorsForBits(x, bitWidths) {
  return bitWidths.map((bits) => quantizeAndMeasureError(x, bits));
}

function reductionFactors(errors) {
  const factors = [];
  for (let i = 1; i < errors.length; i++) factors.push(errors[i - 1] / errors[i]);
  return factors;
}

${DEMO}`;

const hints = [
  'errorsForBits is one line with map: bitWidths.map((bits) => quantizeAndMeasureError(x, bits)).',
  'A reduction factor compares a bit width with the next one: the error with fewer bits divided by the error with one more bit, so factors are larger than 1.',
  'For n errors there are n − 1 factors: start the loop at i = 1 and divide errors[i − 1] by errors[i].',
  'Each extra bit doubles the number of levels and halves the step; the MSE of rounding is about step² / 12, so it falls about 4× (6.02 dB) per bit once the grid is fine.',
];

// ---- checks ----

const gaussian = (lab) => Array.from(weights(lab, 'gaussian'));

async function checkErrors(ctx, x, bitWidths) {
  const got = await ctx.call('errorsForBits', x, bitWidths);
  if (got === null || got === undefined) fail(`errorsForBits returned ${got}: return an array with one MSE per bit width.`);
  expectNumbers(got, 'errorsForBits(…)', bitWidths.length);
  return notes(bitWidths.map((bits, i) => expectMse(got[i], ctx.lab.quantizationMse(x, bits), {
    n: x.length,
    what: `the MSE at ${bits} bits (errors[${i}])`,
  })));
}

async function checkFactors(ctx, errors) {
  const got = await ctx.call('reductionFactors', errors);
  if (got === null || got === undefined) fail(`reductionFactors returned ${got}: return an array of errors[i − 1] / errors[i].`);
  if (typeof got !== 'object' || typeof got.length !== 'number') fail('reductionFactors should return an array of numbers.');
  const want = errors.slice(1).map((e, i) => errors[i] / e);
  if (got.length === errors.length) {
    fail(`reductionFactors returned ${got.length} factors for ${errors.length} errors: there is one factor per neighbouring pair, so ${want.length}.`);
  }
  expectNumbers(got, 'reductionFactors(…)', want.length);
  want.forEach((w, i) => {
    if (got[i] === w || Math.abs(got[i] - w) <= 1e-12 * w) return;
    if (Math.abs(got[i] * w - 1) < 1e-9) {
      fail(`factor ${i} is ${got[i].toPrecision(4)}, below 1: divide the error with fewer bits by the error with more bits (errors[i − 1] / errors[i]).`);
    }
    fail(`factor ${i} is ${got[i]} but errors[${i}] / errors[${i + 1}] = ${w}.`);
  });
  return '';
}

const tests = [
  {
    name: 'quantizeAndMeasureError at 8 bits on the 1000 seed-42 weights is 7.638162935494301e-05 (given code: this one passes from the start)',
    async run(ctx) {
      const x = gaussian(ctx.lab);
      return expectMse(await ctx.call('quantizeAndMeasureError', x, 8), ctx.lab.quantizationMse(x, 8), { n: x.length, what: 'the 8-bit MSE' });
    },
  },
  {
    name: 'errorsForBits(weights, [2, …, 8]) gives NumPy’s seven MSEs, from 0.8194848811442323 down to 7.638162935494301e-05',
    run: (ctx) => checkErrors(ctx, gaussian(ctx.lab), [2, 3, 4, 5, 6, 7, 8]),
  },
  {
    name: 'errorsForBits keeps the order of bitWidths: [8, 2, 5]',
    run: (ctx) => checkErrors(ctx, gaussian(ctx.lab), [8, 2, 5]),
  },
  {
    name: 'reductionFactors(errors) = errors[i − 1] / errors[i]: 5.74, 5.66, 4.85, 3.98, 4.17, 4.10 for the seven MSEs',
    async run(ctx) {
      const errors = ctx.lab.errorVsBits(gaussian(ctx.lab), 2, 8).map((p) => p.mse);
      return checkFactors(ctx, errors);
    },
  },
  {
    hidden: true,
    name: 'Hidden: 500 uniform values, 2 to 12 bits',
    run: (ctx) => checkErrors(ctx, Array.from(weights(ctx.lab, 'uniform', { seed: 9, n: 500 })), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
  },
  {
    hidden: true,
    name: 'Hidden: heavy tails (every 100th value ×10), bit widths [3, 6, 10]',
    run: (ctx) => checkErrors(ctx, Array.from(weights(ctx.lab, 'outliers', { seed: 17 })), [3, 6, 10]),
  },
  {
    hidden: true,
    name: 'Hidden: reductionFactors of two errors is one factor, of one error none',
    async run(ctx) {
      await checkFactors(ctx, [0.5, 0.125]);
      return checkFactors(ctx, [0.25]);
    },
  },
];

export default {
  functions: ['quantizeAndMeasureError', 'errorsForBits', 'reductionFactors'],
  starter,
  solution,
  hints,
  tests,
};
