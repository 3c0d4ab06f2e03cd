// Exercise 6, learner mode: percentile calibration and the MSE-optimal clip search, checked against the core's
// calibrate() (which equals NumPy), with the typical mistakes named. No DOM: also loaded by the runner worker and
// the Node tests.
//
// Percentiles: NumPy's default ('linear': index (n − 1) · p / 100, interpolated) is the reference. An answer
// between the two sorted values around that index (NumPy's 'lower', 'higher', 'nearest' and 'midpoint', and the
// nearest-rank definition where it lands there) is accepted: each is a percentile, right in substance for
// calibration. An index that is off by one (n · p / 100) or unsorted data are not.
import { fail, show } from '../../checks/expect.js';

const GIVEN = `// Rounds half to even, as np.rint (exercise 1).
function roundHalfEven(v) {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
`;

const DEMO = `// Run prints these lines.
const acts = [0, 0, 0.4, 1.2, 0, 2.5, 0.7, 9.5, 0.1, 1.9, 0, 3.3];
console.log('99th percentile', percentile(acts, 99));
console.log('fake-quantized at [0, 4], 3 bits', fakeQuantize(acts, 0, 4, 3));
console.log('MSE-optimal range at 3 bits', mseSearch(acts, 3, 20));
`;

const starter = `// Exercise 6: calibration. Fill in the TODOs; Check compares with the core's calibrate().

${GIVEN}
// The p-th percentile of values (p from 0 to 100), as np.percentile computes it by default.
function percentile(values, p) {
  // TODO 1: sort a copy in increasing order (for numbers: .sort((a, b) => a - b)).
  const sorted = values;
  // TODO 2: the position of the percentile in the sorted list: (n − 1) · p / 100.
  const index = 0;
  // TODO 3: interpolate between sorted[Math.floor(index)] and sorted[Math.ceil(index)].
  return sorted[index];
}

// Quantize-dequantize x on the affine grid of the range [lo, hi] with 2^bits levels (exercise 5). Returns x̂.
function fakeQuantize(x, lo, hi, bits) {
  const qmax = 2 ** bits - 1;
  lo = Math.min(lo, 0);
  hi = Math.max(hi, 0);
  const scale = (hi - lo) / qmax;
  const out = new Float64Array(x.length);
  if (scale === 0) return out;
  const zeroPoint = Math.min(qmax, Math.max(0, roundHalfEven(-lo / scale)));
  for (let i = 0; i < x.length; i++) {
    // TODO 4: q = round(x / scale) + zeroPoint, clipped to [0, qmax]; then x̂ = (q − zeroPoint) × scale.
    out[i] = x[i];
  }
  return out;
}

// The range with the smallest quantization MSE among [lo0·i/steps, hi0·i/steps], i = 1 … steps.
function mseSearch(values, bits = 8, steps = 100) {
  let lo0 = 0;
  let hi0 = 0;
  for (const v of values) {
    lo0 = Math.min(lo0, v);
    hi0 = Math.max(hi0, v);
  }
  let best = { lo: lo0, hi: hi0 };
  // TODO 5: for every candidate i = 1 … steps, the range [lo0 * i / steps, hi0 * i / steps];
  // TODO 6: its MSE: the mean of (values[k] − x̂[k])² over all the values, with x̂ = fakeQuantize(values, lo, hi, bits);
  // TODO 7: keep the candidate with the smallest MSE (the first one on a tie).
  return best;
}

${DEMO}`;

const solution = `// Exercise 6: calibration (reference solution).

${GIVEN}
function percentile(values, p) {
  const sorted = Array.from(values).sort((a, b) => a - b);
  const index = ((sorted.length - 1) * p) / 100;
  const below = Math.floor(index);
  const above = Math.ceil(index);
  return sorted[below] + (sorted[above] - sorted[below]) * (index - below);
}

function fakeQuantize(x, lo, hi, bits) {
  const qmax = 2 ** bits - 1;
  lo = Math.min(lo, 0);
  hi = Math.max(hi, 0);
  const scale = (hi - lo) / qmax;
  const out = new Float64Array(x.length);
  if (scale === 0) return out;
  const zeroPoint = Math.min(qmax, Math.max(0, roundHalfEven(-lo / scale)));
  for (let i = 0; i < x.length; i++) {
    const q = Math.min(qmax, Math.max(0, roundHalfEven(x[i] / scale) + zeroPoint));
    out[i] = (q - zeroPoint) * scale;
  }
  return out;
}

function mseSearch(values, bits = 8, steps = 100) {
  let lo0 = 0;
  let hi0 = 0;
  for (const v of values) {
    lo0 = Math.min(lo0, v);
    hi0 = Math.max(hi0, v);
  }
  let best = { lo: lo0, hi: hi0 };
  let bestMse = Infinity;
  for (let i = 1; i <= steps; i++) {
    const lo = (lo0 * i) / steps;
    const hi = (hi0 * i) / steps;
    const recovered = fakeQuantize(values, lo, hi, bits);
    let sum = 0;
    for (let k = 0; k < values.length; k++) sum += (values[k] - recovered[k]) ** 2;
    const mse = sum / values.length;
    if (mse < bestMse) {
      bestMse = mse;
      best = { lo, hi };
    }
  }
  return best;
}

${DEMO}`;

const hints = [
  'Sort a copy: Array.from(values).sort((a, b) => a - b). Without the comparison function, sort() compares numbers as text (10 before 9).',
  'The percentile’s position runs from 0 (p = 0, the smallest value) to n − 1 (p = 100, the largest): index = (n − 1) · p / 100. With n · p / 100 the position is shifted by up to one place.',
  'Between the two neighbours: lower = sorted[Math.floor(index)], upper = sorted[Math.ceil(index)], result = lower + (upper − lower) · (index − Math.floor(index)). (Taking just one of the two neighbours is also accepted: it is another common definition.)',
  'fakeQuantize: q = Math.min(qmax, Math.max(0, roundHalfEven(x[i] / scale) + zeroPoint)), then out[i] = (q − zeroPoint) * scale. Both the rounding and the clipping matter: they are the two errors the search balances.',
  'The search: for (let i = 1; i <= steps; i++) { const lo = lo0 * i / steps, hi = hi0 * i / steps; … }. Narrow both ends together: a range that keeps lo0 while hi shrinks is another search.',
  'The MSE counts every value, the clipped ones included: sum (values[k] − x̂[k])² over all k, divided by values.length. Leaving the clipped values out makes the narrowest range look best.',
  'Keep the smallest: if (mse < bestMse) { bestMse = mse; best = { lo, hi }; } — with < (not <=), the first candidate wins a tie, as np.argmin.',
];

// ---- checks ----

const close = (a, b, rel = 1e-12) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));
const sortedCopy = (x) => Array.from(x).sort((a, b) => a - b);
const lerpAt = (s, index) => s[Math.floor(index)] + (s[Math.ceil(index)] - s[Math.floor(index)]) * (index - Math.floor(index));
const between = (v, s, index) => v >= s[Math.floor(index)] - 1e-12 * Math.max(1, Math.abs(s[Math.floor(index)])) && v <= s[Math.ceil(index)] + 1e-12 * Math.max(1, Math.abs(s[Math.ceil(index)]));

async function checkPercentile(ctx, x, p) {
  const want = ctx.lab.calibrate(x, { method: 'percentile', percentile: p, scheme: 'symmetric' }).hi; // x ≥ 0: percentile(|x|, p)
  const got = await ctx.call('percentile', x, p);
  const call = `percentile(x, ${p}) of these ${x.length} values`;
  if (typeof got !== 'number' || !Number.isFinite(got)) {
    fail(`${call} returned ${show(got)}, not a number. Is the index inside the list? p is a percentage, 0 to 100: the position is (n − 1) · p / 100, from 0 to n − 1.`, { cause: 'percentile-index' });
  }
  const s = sortedCopy(x);
  const index = ((x.length - 1) * p) / 100;
  if (close(got, want) || between(got, s, index)) return '';
  const raw = Array.from(x);
  if ([lerpAt(raw, index), raw[Math.floor(index)], raw[Math.ceil(index)], raw[Math.round(index)]].some((v) => close(got, v))) {
    fail(`${call} is ${show(got)} but NumPy gives ${show(want)}: that is the value at position ${sig(index)} of the list as it came, unsorted. Sort a copy first (with (a, b) => a − b).`, { cause: 'not-sorted' });
  }
  const textSorted = Array.from(x).sort();
  if (textSorted.some((v, i) => v !== s[i]) && (close(got, lerpAt(textSorted, index)) || between(got, textSorted, index))) {
    fail(`${call} is ${show(got)} but NumPy gives ${show(want)}: sort() without a comparison function orders numbers as text (10 before 9). Use .sort((a, b) => a − b).`, { cause: 'not-sorted' });
  }
  for (const shifted of [(x.length * p) / 100, ((x.length + 1) * p) / 100 - 1, (x.length * p) / 100 - 1]) {
    if (shifted >= 0 && shifted <= x.length - 1 && shifted !== index && (close(got, lerpAt(s, shifted)) || between(got, s, shifted))) {
      fail(`${call} is ${show(got)} but NumPy gives ${show(want)}: your position in the sorted list is off by up to one place. NumPy’s position is (n − 1) · p / 100 = ${sig(index)}, from 0 for p = 0 to n − 1 for p = 100.`, { cause: 'percentile-index' });
    }
  }
  const there = Number.isInteger(index) ? `the value ${show(s[index])}` : `between ${show(s[Math.floor(index)])} and ${show(s[Math.ceil(index)])}`;
  fail(`${call} is ${show(got)} but NumPy gives ${show(want)}: position (n − 1) · p / 100 = ${sig(index)} in the sorted list, ${there}.`);
}

const sig = (v) => String(Number(v.toPrecision(6)));

async function checkFakeQuantize(ctx, x, lo, hi, bits) {
  const ref = ctx.lab.fakeQuantize(x, { lo, hi, bits });
  const want = ref.recovered;
  const got = await ctx.call('fakeQuantize', x, lo, hi, bits);
  const call = `fakeQuantize(x, ${lo}, ${hi}, ${bits})`;
  if (!got || typeof got.length !== 'number' || got.length !== want.length) fail(`${call} should return ${want.length} values, got ${show(got)}.`);
  const tol = 1e-6 * ref.scale; // float32 or float64 results are both right
  const bad = Array.prototype.findIndex.call(got, (v, i) => !(Math.abs(v - want[i]) <= tol));
  if (bad < 0) return '';
  if (Array.prototype.every.call(got, (v, i) => v === x[i])) {
    fail(`${call} returns x unchanged: quantize (round(x / scale) + zeroPoint, clipped) and dequantize ((q − zeroPoint) × scale).`, { cause: 'no-rounding' });
  }
  if (x[bad] > hi && Math.abs(got[bad] - want[bad]) > ref.scale / 2) {
    fail(`${call}: x[${bad}] = ${show(x[bad])} lies beyond hi = ${hi} and should be clipped to ${show(want[bad])}, got ${show(got[bad])}. Clip q to [0, qmax] after rounding.`, { cause: 'no-clipping' });
  }
  fail(`${call}: x̂[${bad}] is ${show(got[bad])} but should be ${show(want[bad])} (scale ${show(ref.scale)}, zero-point ${ref.zeroPoint}).`);
}

/** Which candidate i (1 … steps) a range is, or 0. */
function candidateOf(got, lo0, hi0, steps) {
  const span = hi0 - lo0;
  for (let i = 1; i <= steps; i++) {
    if (Math.abs(got.lo - (lo0 * i) / steps) <= 1e-9 * span && Math.abs(got.hi - (hi0 * i) / steps) <= 1e-9 * span) return i;
  }
  return 0;
}

/** argmin over i of the MSE computed only over the values inside the range (a mistake to recognise). */
function insideOnlyChoice(lab, x, bits, steps, lo0, hi0) {
  let best = 0;
  let bestMse = Infinity;
  for (let i = 1; i <= steps; i++) {
    const lo = (lo0 * i) / steps;
    const hi = (hi0 * i) / steps;
    const inside = x.filter((v) => v >= lo && v <= hi);
    if (!inside.length) continue;
    const mse = lab.fakeQuantize(inside, { lo, hi, bits }).mse;
    if (mse < bestMse) {
      bestMse = mse;
      best = i;
    }
  }
  return best;
}

async function checkSearch(ctx, x, bits, steps) {
  const want = ctx.lab.calibrate(x, { method: 'mse', bits, steps, scheme: 'affine' });
  const got = await ctx.call('mseSearch', x, bits, steps);
  const call = `mseSearch(x, ${bits}, ${steps})`;
  if (got === null || typeof got !== 'object' || typeof got.lo !== 'number' || typeof got.hi !== 'number') {
    fail(`${call} returned ${show(got)}: return the range as an object { lo, hi }.`);
  }
  const lo0 = Math.min(0, ...x);
  const hi0 = Math.max(0, ...x);
  const i = candidateOf(got, lo0, hi0, steps);
  const chosen = want.best + 1;
  if (i === chosen) return '';
  if (i && want.scores[i - 1] <= want.scores[want.best] * (1 + 1e-9)) return ''; // a tie, up to the order of the sums
  const range = (r) => `[${sig(r.lo)}, ${sig(r.hi)}]`;
  const is = `${call} chose ${range(got)} but the smallest MSE is at ${range(want)} (candidate ${chosen} of ${steps})`;
  if (i === steps) {
    fail(`${is}. You returned the full range [min, max]: either the search did not replace it, or its MSE has no rounding error (then clipping is the only cost and the widest range always wins). Check the loop and that fakeQuantize rounds.`, { cause: 'full-range' });
  }
  if (lo0 < 0 && Math.abs(got.lo - lo0) <= 1e-9 * (hi0 - lo0) && Math.abs(want.lo - lo0) > 1e-9 * (hi0 - lo0)) {
    fail(`${is}. Your range keeps lo at min(x) = ${sig(lo0)} and narrows only hi: that searches one side. The candidates narrow both ends together, [lo0 · i / steps, hi0 · i / steps].`, { cause: 'one-side' });
  }
  let insideOnly = i && i === insideOnlyChoice(ctx.lab, x, bits, steps, lo0, hi0);
  let largest = i && want.scores[i - 1] === Math.max(...want.scores);
  if (insideOnly && largest) {
    // Both mistakes pick the narrowest range here: values from 5 to 10 tell them apart (inside-only skips the
    // ranges that hold no value, and then prefers the narrowest that holds some).
    const probe = Array.from(ctx.lab.rand(4, 200), (u) => 5 + 5 * u);
    const answer = await ctx.call('mseSearch', probe, bits, steps);
    const j = answer && typeof answer === 'object' ? candidateOf(answer, 0, Math.max(...probe), steps) : 0;
    insideOnly = j === insideOnlyChoice(ctx.lab, probe, bits, steps, 0, Math.max(...probe));
    largest = !insideOnly;
  }
  if (insideOnly) {
    fail(`${is}. Your MSE leaves out the clipped values, so clipping looks free and a narrow range wins. Average (x − x̂)² over all the values, the clipped ones included: their error is the clipping error.`, { cause: 'mse-inside-only' });
  }
  if (largest) {
    fail(`${is}. You kept the candidate with the largest MSE: keep the smallest (mse < bestMse).`, { cause: 'argmax' });
  }
  if (!i) {
    fail(`${is}. Your range is none of the candidates [lo0 · i / steps, hi0 · i / steps] for i = 1 … ${steps}, with lo0 = min(min x, 0) = ${sig(lo0)} and hi0 = max(max x, 0) = ${sig(hi0)}.`, { cause: 'not-a-candidate' });
  }
  fail(`${is}: your candidate ${i} has MSE ${show(want.scores[i - 1])}, candidate ${chosen} ${show(want.scores[want.best])}. Compare the MSE over all values, x̂ from fakeQuantize.`);
}

/** Activations after a ReLU: zero for half, a long tail of large values. */
const relu = (lab, seed, n) => Array.from(lab.randn(seed, n), (v) => (v > 0 ? v * v : 0));
/** Skewed values with a negative side: a long positive tail, a short negative one. */
const skewed = (lab, seed, n) => Array.from(lab.randn(seed, n), (v) => (v > 0 ? v * v : 0.6 * v));

const tests = [
  {
    name: 'percentile(x, 90) of 11 values',
    run: (ctx) => checkPercentile(ctx, [3.5, 0, 7, 1, 9.5, 2, 10, 4, 6, 0, 8], 90),
  },
  {
    name: 'percentile(x, 75) of 10 values: between two of them',
    run: (ctx) => checkPercentile(ctx, [12, 3, 9, 0, 5, 30, 7, 1, 2, 4], 75),
  },
  {
    name: 'percentile(x, 99.9) of 2,000 ReLU activations',
    run: (ctx) => checkPercentile(ctx, relu(ctx.lab, 3, 2000), 99.9),
  },
  {
    name: 'fakeQuantize: the affine grid of [0, 4] at 4 bits, values beyond it clipped',
    run: (ctx) => checkFakeQuantize(ctx, [0, 0.1, 1.37, 2.5, 3.9, 4, 5.5, 12], 0, 4, 4),
  },
  {
    name: 'mseSearch on 2,000 ReLU activations at 4 bits, 50 candidates',
    run: (ctx) => checkSearch(ctx, relu(ctx.lab, 3, 2000), 4, 50),
  },
  {
    name: 'mseSearch on skewed values with a negative side, 4 bits',
    run: (ctx) => checkSearch(ctx, skewed(ctx.lab, 8, 1500), 4, 40),
  },
  {
    name: 'Hidden: the median (p = 50), p = 100 (the largest value) and p = 99.99',
    hidden: true,
    async run(ctx) {
      const x = relu(ctx.lab, 11, 101);
      await checkPercentile(ctx, x.slice(0, 100), 50);
      await checkPercentile(ctx, x, 100);
      await checkPercentile(ctx, x, 99.99);
    },
  },
  {
    name: 'Hidden: mseSearch at 8 and 3 bits on other activations',
    hidden: true,
    async run(ctx) {
      const x = relu(ctx.lab, 19, 3000);
      await checkSearch(ctx, x, 8, 100);
      await checkSearch(ctx, x, 3, 30);
    },
  },
];

export default { functions: ['roundHalfEven', 'percentile', 'fakeQuantize', 'mseSearch'], starter, solution, hints, tests };
