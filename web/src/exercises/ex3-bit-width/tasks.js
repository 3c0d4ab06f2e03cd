// Exercise 3, learner mode: the learner writes the round trip's error with a clipping threshold, the sweep over bit
// widths and the sweep over clipping thresholds, and plots both (plot() hands the numbers to the page, which draws
// them beside its own). No DOM.
//
// Code saved for the earlier version of this task (errorsForBits and reductionFactors around a given
// quantizeAndMeasureError) still runs; its checks fail with "clipSweep is not defined…", which says what to write.
import { expectMse, expectNumbers, fail } from '../../checks/expect.js';
import { clipGrid, clippedError, weights } from './data.js';

const GIVEN = `// Given: rounding like np.round (exercise 1).
function roundHalfEven(v) {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function maxAbs(x) {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  return m;
}
`;

const DEMO = `// The page's weights: np.random.seed(42); np.random.randn(1000); heavy tails: every 100th value x10.
const gaussian = randn(42, 1000);
const heavy = Float64Array.from(gaussian);
for (let i = 0; i < heavy.length; i += 100) heavy[i] *= 10;

const bitWidths = [2, 3, 4, 5, 6, 7, 8];
const errors = errorsForBits(gaussian, bitWidths);
plot('bits', bitWidths, errors ?? []);   // drawn on the page's "MSE against bit width" chart
bitWidths.forEach((b, i) => console.log(b, 'bits: MSE', errors?.[i]));

// Where to clip the heavy-tailed weights at 4 bits: 60 thresholds from max|x| / 60 to max|x|.
const clips = [];
for (let i = 1; i <= 60; i++) clips.push((maxAbs(heavy) * i) / 60);
const clipErrors = clipSweep(heavy, 4, clips);
plot('clip', clips, clipErrors ?? []);   // drawn on the page's "clip at" chart
console.log('best clip at 4 bits:', bestClip(clips, clipErrors ?? []));
`;

const starter = `// Exercise 3: the error against bit width, and where to clip.
// Run draws your numbers on the page's charts (plot); Check compares them with NumPy's.

${GIVEN}
// The mean squared error of one symmetric round trip of x at \`bits\`, with the scale set so that
// clipAt lands on the top level: values beyond ±clipAt saturate. By default clipAt = max|x| (no clipping).
function quantizeAndMeasureError(x, bits, clipAt = maxAbs(x)) {
  // TODO 1: qmax and the scale clipAt / qmax; then for each value, round v / scale, clip it into
  // [-qmax, qmax], and add (v - q * scale) ** 2. Return the mean.
  return 0;
}

// One MSE per entry of bitWidths, in the same order (no clipping).
function errorsForBits(x, bitWidths) {
  // TODO 2: the sweep over bit widths.
  return null;
}

// One MSE per clipping threshold in clips, all at \`bits\`.
function clipSweep(x, bits, clips) {
  // TODO 3: the sweep over clipping thresholds.
  return null;
}

// The threshold with the smallest error: { clip, mse }.
function bestClip(clips, errors) {
  // TODO 4: find the smallest error and its threshold.
  return { clip: 0, mse: 0 };
}

${DEMO}`;

const solution = `// Exercise 3: the error against bit width, and where to clip (reference solution).

${GIVEN}
function quantizeAndMeasureError(x, bits, clipAt = maxAbs(x)) {
  const qmax = 2 ** (bits - 1) - 1;
  const scale = clipAt / qmax;
  let sum = 0;
  for (const v of x) {
    const q = Math.min(qmax, Math.max(-qmax, roundHalfEven(v / scale)));
    sum += (v - q * scale) ** 2;
  }
  return sum / x.length;
}

function errorsForBits(x, bitWidths) {
  return bitWidths.map((bits) => quantizeAndMeasureError(x, bits));
}

function clipSweep(x, bits, clips) {
  return clips.map((c) => quantizeAndMeasureError(x, bits, c));
}

function bestClip(clips, errors) {
  let best = 0;
  for (let i = 1; i < errors.length; i++) if (errors[i] < errors[best]) best = i;
  return { clip: clips[best], mse: errors[best] };
}

${DEMO}`;

// One hint per TODO, in TODO order, each a nudge before the answer.
const hints = [
  'TODO 1: it is exercise 1’s round trip with one change: the scale comes from clipAt instead of max|x|. qmax = 2 ** (bits - 1) - 1, scale = clipAt / qmax; the clip to [−qmax, qmax] is what makes values beyond clipAt saturate. Sum (v − q · scale)² and divide by x.length.',
  'TODO 2: one call of quantizeAndMeasureError(x, bits) per bit width, in order: bitWidths.map(…).',
  'TODO 3: the same sweep with the threshold changing instead of the bit width: clips.map((c) => quantizeAndMeasureError(x, bits, c)).',
  'TODO 4: keep the index of the smallest error while you loop over errors, then return { clip: clips[best], mse: errors[best] }.',
];

// ---- checks ----

const gaussian = (lab) => Array.from(weights(lab, 'gaussian'));
const heavy = (lab, seed = 42) => Array.from(weights(lab, 'outliers', { seed }));
// The learner's sum runs in the order of the values, NumPy's pairwise: equal to 1e-9 relative.
const REL = 1e-9;

function mseMistake(got, want, x, bits, clipAt, what) {
  const noClip = clippedError(x, bits, Math.max(...x.map(Math.abs))).mse;
  if (clipAt !== undefined && Math.abs(got - noClip) <= REL * noClip && Math.abs(want - noClip) > REL * noClip) {
    fail(`${what} is ${got.toPrecision(4)}, the error without clipping: the scale must come from clipAt (clipAt / qmax), ` +
      'not from max|x|.', { cause: 'clip-ignored' });
  }
  if (clipAt !== undefined) {
    const qmax = 2 ** (bits - 1) - 1;
    const scale = clipAt / qmax;
    const unclipped = x.reduce((s, v) => {
      const r = Math.round(v / scale);
      return s + (v - r * scale) ** 2;
    }, 0) / x.length;
    if (Math.abs(got - unclipped) <= 1e-6 * unclipped && Math.abs(want - unclipped) > 1e-6 * want) {
      fail(`${what} is ${got.toPrecision(4)}: the values beyond ±clipAt kept levels outside [−qmax, qmax]. Clip the level ` +
        'to [−qmax, qmax], so that they saturate: that is where the clipping error comes from.', { cause: 'no-clip' });
    }
  }
  expectMse(got, want, { n: x.length, what, rel: REL });
}

async function checkError(ctx, x, bits, clipAt) {
  const args = clipAt === undefined ? [x, bits] : [x, bits, clipAt];
  const got = await ctx.call('quantizeAndMeasureError', ...args);
  const what = clipAt === undefined ? `quantizeAndMeasureError(x, ${bits})` : `quantizeAndMeasureError(x, ${bits}, ${clipAt.toPrecision(3)})`;
  const value = typeof got === 'number' ? got : NaN;
  if (typeof got !== 'number') fail(`${what} returned ${String(got)}: return the mean squared error, a number.`, { cause: 'mse-not-number' });
  if (value === 0) fail(`${what} is 0: add up (v − q · scale)² over the values and divide by their count.`, { cause: 'mse-zero' });
  const want = clipAt === undefined ? ctx.lab.quantizationMse(x, bits) : clippedError(x, bits, clipAt).mse;
  mseMistake(value, want, x, bits, clipAt, what);
}

async function checkErrors(ctx, x, bitWidths) {
  const got = await ctx.call('errorsForBits', x, bitWidths);
  if (got === null || got === undefined) fail(`errorsForBits returned ${got}: return an array with one MSE per bit width.`, { cause: 'sweep-missing' });
  expectNumbers(got, 'errorsForBits(…)', bitWidths.length);
  bitWidths.forEach((bits, i) => mseMistake(got[i], ctx.lab.quantizationMse(x, bits), x, bits, undefined, `the MSE at ${bits} bits (errors[${i}])`));
}

async function checkClipSweep(ctx, x, bits, clips) {
  const got = await ctx.call('clipSweep', x, bits, clips);
  if (got === null || got === undefined) fail(`clipSweep returned ${got}: return an array with one MSE per threshold.`, { cause: 'sweep-missing' });
  expectNumbers(got, 'clipSweep(…)', clips.length);
  clips.forEach((c, i) => mseMistake(got[i], clippedError(x, bits, c).mse, x, bits, c, `the MSE clipped at ${c.toPrecision(3)} (errors[${i}])`));
}

async function checkBest(ctx, clips, errors) {
  const got = await ctx.call('bestClip', clips, errors);
  if (got === null || typeof got !== 'object') fail(`bestClip returned ${String(got)}: return { clip, mse }.`);
  let best = 0;
  for (let i = 1; i < errors.length; i++) if (errors[i] < errors[best]) best = i;
  let worst = 0;
  for (let i = 1; i < errors.length; i++) if (errors[i] > errors[worst]) worst = i;
  if (got.clip === clips[worst] && worst !== best) fail('bestClip picked the largest error: keep the smallest.', { cause: 'best-is-worst' });
  if (got.clip === best && clips[best] !== best) fail(`bestClip returned the index ${best}: return the threshold itself, clips[${best}] = ${clips[best]}.`, { cause: 'best-index' });
  if (got.clip !== clips[best]) fail(`bestClip's clip is ${String(got.clip)}, but the smallest error, ${errors[best].toPrecision(4)}, is at ${clips[best]}.`);
  if (got.mse !== errors[best]) fail(`bestClip's mse is ${String(got.mse)}: return the error at the best threshold, ${errors[best]}.`);
}

const tests = [
  {
    name: 'quantizeAndMeasureError without clipping: the 8-bit MSE of the 1000 Gaussian weights (≈ 7.638e−05)',
    run: (ctx) => checkError(ctx, gaussian(ctx.lab), 8),
  },
  {
    name: '…and clipped: at 4 bits, heavy-tailed weights clipped at 3 saturate beyond ±3',
    run: (ctx) => checkError(ctx, heavy(ctx.lab), 4, 3),
  },
  {
    name: 'errorsForBits(weights, [2, …, 8]): one MSE per bit width, in order',
    run: (ctx) => checkErrors(ctx, gaussian(ctx.lab), [2, 3, 4, 5, 6, 7, 8]),
  },
  {
    name: 'errorsForBits keeps the order of bitWidths: [8, 2, 5]',
    run: (ctx) => checkErrors(ctx, gaussian(ctx.lab), [8, 2, 5]),
  },
  {
    name: 'clipSweep: the heavy-tailed weights at 4 bits, 60 thresholds up to max|x|',
    run(ctx) {
      const x = heavy(ctx.lab);
      return checkClipSweep(ctx, x, 4, clipGrid(x));
    },
  },
  {
    name: 'bestClip: the threshold of the smallest error, and that error',
    run(ctx) {
      const x = heavy(ctx.lab);
      const clips = clipGrid(x);
      return checkBest(ctx, clips, clips.map((c) => clippedError(x, 4, c).mse));
    },
  },
  {
    hidden: true,
    name: 'Hidden: 500 uniform values, 2 to 12 bits',
    run: (ctx) => checkErrors(ctx, Array.from(weights(ctx.lab, 'uniform', { seed: 9, n: 500 })), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
  },
  {
    hidden: true,
    name: 'Hidden: heavy tails of another seed at 3 bits, 25 thresholds',
    run(ctx) {
      const x = heavy(ctx.lab, 17);
      return checkClipSweep(ctx, x, 3, clipGrid(x, 25));
    },
  },
  {
    hidden: true,
    name: 'Hidden: bestClip when the last threshold is best',
    run: (ctx) => checkBest(ctx, [0.5, 1, 2], [0.3, 0.2, 0.1]),
  },
];

export default {
  functions: ['quantizeAndMeasureError', 'errorsForBits', 'clipSweep', 'bestClip'],
  starter,
  solution,
  hints,
  tests,
};
