// Exercise 9, learner mode: the fake quantizer of one layer (per-channel symmetric scales, levels clamped to
// ±qmax) and the straight-through estimator's backward pass with its mask, under frozen scales so that weights
// that drifted past the clipping range exist and the mask matters. Checked against the core's group quantization
// (docs/qat.md: used = s · clamp(rint(w / s), −qmax, qmax), ∂L/∂w = mask · ∂L/∂used, mask = |rint(w / s)| ≤ qmax).
// No DOM: also loaded by the runner worker and the Node tests.
import { expectNumber, expectNumbers, fail, show } from '../../checks/expect.js';

const ROUND = `// Rounds half to even, as np.rint (exercise 1).
function roundHalfEven(v) {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
`;

const DEMO = `// Run prints these lines: a 2 × 4 layer at 2 bits (levels −1, 0, 1).
const w0 = [0.5, -0.2, 0.1, -0.4, 0.03, 0.06, -0.01, 0.02];
const scales = channelScales(w0, 2, 4, 2);           // frozen: computed once, before training
const w = [0.9, -0.2, 0.1, -0.4, 0.03, 0.06, -0.01, -0.2]; // two weights have drifted past the range
console.log('scales   ', scales);
console.log('q(w)     ', fakeQuantize(w, 2, 4, 2, scales));
console.log('dL/dw    ', steBackward([1, 1, 1, 1, 1, 1, 1, 1], w, 2, 4, 2, scales));
`;

const starter = `// Exercise 9: fake quantization forward, the straight-through estimator backward.
// A layer's weights w are rows × cols numbers, row-major (row r is output channel r). Fill in the TODOs.
// Check compares your functions with the WebAssembly core.

${ROUND}
// One scale per output channel (row): max|w| of the row / qmax.
function channelScales(w, rows, cols, bits) {
  // TODO 1: the largest level of a symmetric b-bit grid: 2^(b−1) − 1 (7 for 4 bits).
  const qmax = 0;
  const scales = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    // TODO 2: the largest magnitude in row r, divided by qmax.
    scales[r] = 0;
  }
  return scales;
}

// The forward pass of QAT: every weight replaced by its quantized value, s · clamp(round(w / s), −qmax, qmax),
// with the (frozen) scales you are given. Returns rows × cols numbers.
function fakeQuantize(w, rows, cols, bits, scales) {
  const qmax = 2 ** (bits - 1) - 1;
  const used = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const s = scales[r];
    if (s === 0) continue; // a row of zeros has the single level 0
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      // TODO 3: round w / s half to even, clamp the level to [−qmax, qmax], and multiply by s again.
      used[i] = w[i];
    }
  }
  return used;
}

// The backward pass: gradUsed is dL/d(used weights) from backpropagation; return dL/dw for the master weights.
// The straight-through estimator treats rounding as the identity, and the clamp as what it is.
function steBackward(gradUsed, w, rows, cols, bits, scales) {
  const qmax = 2 ** (bits - 1) - 1;
  const grad = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const s = scales[r];
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      // TODO 4: pass gradUsed[i] straight through…
      // TODO 5: …but only where the weight was not clipped: |round(w / s)| ≤ qmax (a row whose s is 0: where w is 0).
      grad[i] = 0;
    }
  }
  return grad;
}

${DEMO}`;

const solution = `// Exercise 9: fake quantization and the straight-through estimator (reference solution).

${ROUND}
function channelScales(w, rows, cols, bits) {
  const qmax = 2 ** (bits - 1) - 1;
  const scales = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(w[r * cols + c]));
    scales[r] = max / qmax;
  }
  return scales;
}

function fakeQuantize(w, rows, cols, bits, scales) {
  const qmax = 2 ** (bits - 1) - 1;
  const used = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const s = scales[r];
    if (s === 0) continue;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const level = Math.min(qmax, Math.max(-qmax, roundHalfEven(w[i] / s)));
      used[i] = s * level;
    }
  }
  return used;
}

function steBackward(gradUsed, w, rows, cols, bits, scales) {
  const qmax = 2 ** (bits - 1) - 1;
  const grad = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const s = scales[r];
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const inside = s === 0 ? w[i] === 0 : Math.abs(roundHalfEven(w[i] / s)) <= qmax;
      grad[i] = inside ? gradUsed[i] : 0;
    }
  }
  return grad;
}

${DEMO}`;

const hints = [
  'qmax = 2 ** (bits - 1) - 1: symmetric levels run from −7 to 7 at 4 bits, −1 to 1 at 2 bits (not −8 … 7: the grid stays symmetric).',
  'Row r is w[r * cols] … w[r * cols + cols − 1]. Take the largest Math.abs over that row only — one scale per output channel, not one for the whole matrix — and divide by qmax.',
  'const level = Math.min(qmax, Math.max(-qmax, roundHalfEven(w[i] / s))); used[i] = s * level. Round to the nearest level (not Math.floor, not | 0), then clamp: a weight that drifted past the range lands on ±qmax.',
  'Rounding counts as the identity backward: the gradient that reached the used weight is the master weight’s gradient, unchanged: grad[i] = gradUsed[i].',
  'Now the mask: where the forward pass clamped (|roundHalfEven(w[i] / s)| > qmax), q(w) does not move when w moves, so the true gradient is 0. grad[i] = Math.abs(roundHalfEven(w[i] / s)) <= qmax ? gradUsed[i] : 0 (for s === 0: w[i] === 0 ? gradUsed[i] : 0). Test the rounded level, not |w| ≤ qmax · s: a weight just above qmax · s still rounds to qmax.',
];

// ---- the reference ----

const qmaxOf = (bits) => 2 ** (bits - 1) - 1;
function rint(v) {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
/** The levels of w under given per-row scales, with a rounding and clamp that may be a learner's mistake. */
function levelsOf(w, rows, cols, scales, { qmax, round = rint, lo = -qmax, hi = qmax }) {
  const q = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      q[i] = scales[r] === 0 ? 0 : Math.min(hi, Math.max(lo, round(w[i] / scales[r])));
    }
  }
  return q;
}

/** A layer with rows of very different sizes, and the scales of its starting weights (frozen). */
function layer(lab, { seed, rows, cols, bits }) {
  const z = lab.randn(seed, rows * cols);
  const w0 = Array.from(z, (v, i) => v * 0.02 * 3 ** (Math.floor(i / cols) % 4));
  const { scales } = lab.groupQuantize(w0, rows, cols, { bits, groupSize: 'channel' });
  return { w0, scales: Array.from(scales), rows, cols, bits };
}

/**
 * The weights after some training steps under frozen scales: every 5th weight pushed past the clipping range
 * (|level| from qmax + 1 to qmax + 3), every 7th into the band between qmax · s and (qmax + ½) · s, where it still
 * rounds to ±qmax and is not clipped.
 */
function drifted(lab, { w0, scales, rows, cols, bits }, seed) {
  const qmax = qmaxOf(bits);
  const u = lab.rand(seed, rows * cols);
  return w0.map((v, i) => {
    const s = scales[Math.floor(i / cols)];
    const sign = v < 0 ? -1 : 1;
    if (i % 5 === 2) return sign * s * (qmax + 0.75 + 2 * u[i]);
    if (i % 7 === 3) return sign * s * (qmax + 0.1 + 0.3 * u[i]);
    return v;
  });
}

// ---- checks ----

const close = (a, b) => Math.abs(a - b) <= 1e-6 * Math.abs(b) + 1e-300;

async function checkScales(ctx, { w0, rows, cols, bits }) {
  const want = Array.from(ctx.lab.groupQuantize(w0, rows, cols, { bits, groupSize: 'channel' }).scales);
  const got = expectNumbers(await ctx.call('channelScales', w0, rows, cols, bits), 'channelScales(…)');
  if (got.length === rows && Array.prototype.every.call(got, (v) => v === 0 || !Number.isFinite(v))) {
    fail(`channelScales returns ${show(got[0])} for every row: each row's scale is its largest magnitude max|w| divided by qmax = ${qmaxOf(bits)}.`, { cause: 'scales-missing' });
  }
  if (got.length === 1 || (got.length === rows && rows > 1 && Array.prototype.every.call(got, (v) => v === got[0]) && want.some((v) => !close(v, want[0])))) {
    fail(`Your scales are one number for the whole matrix (${show(got[0])}): that is per-tensor. Each output channel (row) needs its own max|w| / qmax; rows of small weights then keep their resolution instead of rounding to 0.`, { cause: 'per-tensor' });
  }
  expectNumbers(got, 'channelScales(…)', rows);
  const qmax = qmaxOf(bits);
  for (let r = 0; r < rows; r++) {
    if (close(got[r], want[r])) continue;
    const ratio = got[r] / want[r];
    if (close(ratio, qmax / (qmax + 1)) || close(ratio, qmax / (qmax - 1))) {
      fail(`Your scales use qmax = ${close(ratio, qmax / (qmax + 1)) ? qmax + 1 : qmax - 1}: at ${bits} bits the symmetric levels run from −${qmax} to ${qmax}, so qmax = 2^(b−1) − 1 = ${qmax}.`, { cause: 'qmax-off-by-one' });
    }
    const rowMax = Math.max(...w0.slice(r * cols, r * cols + cols));
    if (close(got[r], rowMax / qmax)) fail(`Row ${r}'s scale uses the largest value, not the largest magnitude: take max|w| (Math.abs), or a row whose biggest weight is negative clips it.`, { cause: 'max-not-abs' });
    fail(`channelScales: row ${r}'s scale is ${show(got[r])}, expected max|w| / qmax = ${show(want[r])}.`);
  }
}

async function checkForward(ctx, L, w, what) {
  const { rows, cols, bits, scales } = L;
  const qmax = qmaxOf(bits);
  const got = expectNumbers(await ctx.call('fakeQuantize', w, rows, cols, bits, scales), 'fakeQuantize(…)', rows * cols);
  const levels = levelsOf(w, rows, cols, scales, { qmax });
  // The core dequantizes the levels: s · q per row, float64 (the learner may answer in float32 as well).
  const want = ctx.lab.groupDequantize(Int8Array.from(levels), scales, rows, cols, { groupSize: 'channel' });
  const bad = [];
  for (let i = 0; i < want.length; i++) if (!close(got[i], want[i])) bad.push(i);
  if (!bad.length) return;
  const implied = (i) => (scales[Math.floor(i / cols)] === 0 ? 0 : got[i] / scales[Math.floor(i / cols)]);
  const matches = (q) => bad.every((i) => Math.abs(implied(i) - q[i]) < 1e-6);
  const i0 = bad[0];
  const where = `w[${i0}] = ${show(w[i0])} (scale ${show(scales[Math.floor(i0 / cols)])}) gave ${show(got[i0])}, expected ${show(want[i0])}`;
  if (matches(levelsOf(w, rows, cols, scales, { qmax, round: Math.floor }))) {
    fail(`You round with Math.floor: that always goes down, so every weight moves by half a step on average in one direction (${where}). Round to the nearest level, half to even (roundHalfEven).`, { cause: 'floor' });
  }
  if (matches(levelsOf(w, rows, cols, scales, { qmax, round: Math.trunc }))) {
    fail(`You truncate towards zero (| 0 or Math.trunc) instead of rounding (${where}): round to the nearest level with roundHalfEven.`, { cause: 'truncate' });
  }
  if (matches(levelsOf(w, rows, cols, scales, { qmax, lo: -Infinity, hi: Infinity }))) {
    fail(`A weight past the clipping range is not clipped: ${where}. With frozen scales, weights drift beyond ±qmax · s; clamp the level to [−${qmax}, ${qmax}] so that it lands on the edge of the grid.`, { cause: 'no-clip' });
  }
  for (const [lo, hi] of [[-qmax - 1, qmax], [-qmax - 1, qmax + 1], [-qmax, qmax + 1]]) {
    if (matches(levelsOf(w, rows, cols, scales, { qmax, lo, hi }))) {
      fail(`You clamp the levels to [${String(lo).replace("-", "−")}, ${String(hi).replace("-", "−")}]: qmax is off by one (${where}). The symmetric grid at ${bits} bits is −${qmax} … ${qmax}, qmax = 2^(b−1) − 1.`, { cause: 'qmax-off-by-one' });
    }
  }
  if (bad.every((i) => close(got[i], w[i]))) fail(`fakeQuantize returns the weights unchanged (${where}): replace each by s · clamp(round(w / s), −qmax, qmax).`, { cause: 'not-quantized' });
  if (matches(levelsOf(w, rows, cols, scales, { qmax, round: (v) => (Math.abs(v % 1) === 0.5 ? Math.round(v) : rint(v)) }))) {
    fail(`A tie (w / s exactly halfway between two levels) rounds up: ${where}. np.rint rounds half to even; use roundHalfEven.`, { cause: 'half-up' });
  }
  if (bad.every((i) => Number.isInteger(got[i]))) fail(`fakeQuantize returns the levels (${where}): multiply them by the row's scale, so that the forward pass sees real-valued weights on the grid.`, { cause: 'levels-not-values' });
  fail(`fakeQuantize (${what}): ${where}.`);
}

async function checkBackward(ctx, L, w, gradUsed, { onlyInside = false } = {}) {
  const { rows, cols, bits, scales } = L;
  const qmax = qmaxOf(bits);
  const got = expectNumbers(await ctx.call('steBackward', gradUsed, w, rows, cols, bits, scales), 'steBackward(…)', rows * cols);
  const levels = levelsOf(w, rows, cols, scales, { qmax, lo: -Infinity, hi: Infinity });
  const inside = Array.from(levels, (q, i) => (scales[Math.floor(i / cols)] === 0 ? w[i] === 0 : Math.abs(q) <= qmax));
  const want = gradUsed.map((g, i) => (inside[i] ? g : 0));
  const bad = [];
  for (let i = 0; i < want.length; i++) if (!(got[i] === want[i] || close(got[i], want[i]))) bad.push(i);
  if (!bad.length) return;
  const ins = bad.filter((i) => inside[i]);
  const out = bad.filter((i) => !inside[i]);
  if (ins.length) {
    const i = ins[0];
    const band = ins.filter((k) => got[k] === 0);
    if (band.length && band.length === ins.length && band.every((k) => Math.abs(w[k] / scales[Math.floor(k / cols)]) >= qmax - 1e-9)) {
      const k = band[0];
      fail(`You masked weights between qmax · s and (qmax + ½) · s (w[${k}] = ${show(w[k])}, w / s = ${show(w[k] / scales[Math.floor(k / cols)])}): they round to ±${qmax}, so the forward pass did not clip them and they must keep their gradient. Test the rounded level: |round(w / s)| ≤ qmax.`, { cause: 'mask-before-rounding' });
    }
    if (!onlyInside && out.length && ins.every((k) => got[k] === 0) && out.every((k) => close(got[k], gradUsed[k]))) {
      fail(`Your mask is upside down: the clipped weights get the gradient and the others get 0. Keep gradUsed where |round(w / s)| ≤ qmax, 0 elsewhere.`, { cause: 'mask-inverted' });
    }
    if (ins.every((k) => got[k] === 0)) {
      fail(`No gradient reaches weights inside the range (dL/dw[${i}] is 0, expected ${show(want[i])}): rounding's true derivative is 0 almost everywhere, which would stop all learning. The straight-through estimator pretends rounding is the identity: pass gradUsed[i] through unchanged.`, { cause: 'zero-gradient' });
    }
    if (ins.every((k) => close(got[k], gradUsed[k] * scales[Math.floor(k / cols)]))) {
      fail(`You multiplied the gradient by the scale (dL/dw[${i}] = ${show(got[i])}, expected ${show(want[i])}): q(w) = s · round(w / s) has slope 1 in w when rounding counts as the identity (s / s = 1). Pass gradUsed through as it is.`, { cause: 'grad-times-scale' });
    }
    fail(`dL/dw[${i}] is ${show(got[i])}, expected ${show(want[i])}: inside the clipping range the straight-through estimator passes gradUsed[${i}] through unchanged.`, { cause: 'ste-inside' });
  }
  if (onlyInside) return;
  if (out.length) {
    const i = out[0];
    const s = scales[Math.floor(i / cols)];
    if (out.every((k) => close(got[k], gradUsed[k]))) {
      fail(`There is no mask: ${out.length} of the ${w.length} weights lie outside the clipping range (w[${i}] = ${show(w[i])}: round(w / s) = ${rint(w[i] / s)}, beyond ±${qmax}) and still get their gradient. The forward pass clipped them, so moving them changes nothing, yet they keep drifting further out and their master values stop meaning anything. Multiply by 0 where |round(w / s)| > qmax, using the frozen scales you are given.`, { cause: 'no-mask' });
    }
    fail(`dL/dw[${i}] is ${show(got[i])}: w[${i}] = ${show(w[i])} is outside the clipping range (round(w / s) = ${rint(w[i] / s)}), so its gradient must be 0.`, { cause: 'mask-outside' });
  }
}

const visible = { seed: 9, rows: 8, cols: 48, bits: 3 };

const tests = [
  {
    name: 'channelScales: one scale per row of a layer whose rows differ in size (4 bits)',
    run: (ctx) => checkScales(ctx, layer(ctx.lab, { ...visible, bits: 4 })),
  },
  {
    name: 'fakeQuantize: the starting weights land on their grid (3 bits)',
    async run(ctx) {
      const L = layer(ctx.lab, visible);
      const got = await ctx.call('fakeQuantize', L.w0, L.rows, L.cols, L.bits, L.scales);
      const want = ctx.lab.groupDequantize(ctx.lab.groupQuantize(L.w0, L.rows, L.cols, { bits: L.bits, groupSize: 'channel' }).q, L.scales, L.rows, L.cols, { groupSize: 'channel' });
      expectNumbers(got, 'fakeQuantize(…)', want.length);
      if (Array.prototype.some.call(got, (v, i) => !close(v, want[i]))) await checkForward(ctx, L, L.w0, 'the starting weights');
    },
  },
  {
    name: 'fakeQuantize: weights that drifted past the frozen range are clipped to ±qmax · s',
    async run(ctx) {
      const L = layer(ctx.lab, visible);
      await checkForward(ctx, L, drifted(ctx.lab, L, 10), 'drifted weights');
    },
  },
  {
    name: 'steBackward: inside the range the gradient passes straight through',
    async run(ctx) {
      const L = layer(ctx.lab, visible);
      const grad = Array.from(ctx.lab.randn(11, L.rows * L.cols));
      await checkBackward(ctx, L, L.w0, grad, { onlyInside: true });
    },
  },
  {
    name: 'steBackward: the gradient is masked to 0 where the weight is clipped',
    async run(ctx) {
      const L = layer(ctx.lab, visible);
      await checkBackward(ctx, L, drifted(ctx.lab, L, 10), Array.from(ctx.lab.randn(12, L.rows * L.cols)));
    },
  },
  {
    name: 'Hidden: 2 and 8 bits, other layers, a row of zeros',
    hidden: true,
    async run(ctx) {
      for (const [seed, bits] of [[21, 2], [22, 8], [23, 4]]) {
        const L = layer(ctx.lab, { seed, rows: 5, cols: 33, bits });
        await checkScales(ctx, L);
        const w = drifted(ctx.lab, L, seed + 1);
        await checkForward(ctx, L, w, `${bits} bits`);
        await checkBackward(ctx, L, w, Array.from(ctx.lab.randn(seed + 2, L.rows * L.cols)));
      }
      const zeros = { w0: [0, 0, 0, 0, 1, -2, 0.5, 0.25], rows: 2, cols: 4, bits: 4 };
      const got = expectNumbers(await ctx.call('channelScales', zeros.w0, 2, 4, 4), 'channelScales(…)', 2);
      expectNumber(got[0], 'the scale of a row of zeros');
      if (got[0] !== 0) fail(`A row of zeros should get scale 0 (max|w| = 0), got ${show(got[0])}.`);
    },
  },
];

export default { functions: ['roundHalfEven', 'channelScales', 'fakeQuantize', 'steBackward'], starter, solution, hints, tests };
