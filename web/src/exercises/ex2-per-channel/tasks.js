// Exercise 2, learner mode: starter code, hints, the reference solution and the checks (no DOM).
import { expectMse, expectNumbers, fail, notes } from '../../checks/expect.js';
import { expectQ, expectRecovered, expectScales, quantSpec } from '../../checks/quantization.js';
import { notebookMatrix } from './data.js';

const GIVEN = `// Given, as in exercise 1: rounding like np.round, and per-tensor quantization with one scale.
function roundHalfEven(v) {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function perTensorQuantize(w, bits = 8) {
  const qmax = 2 ** (bits - 1) - 1;
  let maxAbs = 0;
  for (const v of w) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs / qmax;
  const q = qmax <= 127 ? new Int8Array(w.length) : new Int16Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = Math.min(qmax, Math.max(-qmax, roundHalfEven(w[i] / scale)));
  return { q, scale };
}

function perTensorDequantize(q, scale) {
  return Float32Array.from(q, (v) => v * Math.fround(scale)); // float32, as q.astype(np.float32) * scale
}
`;

const DEMO = `// The notebook's matrix: np.random.seed(42); np.random.randn(4, 64), rows scaled by 0.01, 0.1, 1 and 10.
const rows = 4;
const cols = 64;
const weights = randn(42, rows * cols);
const magnitudes = [0.01, 0.1, 1, 10];
for (let r = 0; r < rows; r++) {
  for (let c = 0; c < cols; c++) weights[r * cols + c] *= magnitudes[r];
}

const perTensor = perTensorQuantize(weights, 8);
const perChannel = perChannelQuantize(weights, rows, cols, 8);
const recoveredTensor = perTensorDequantize(perTensor.q, perTensor.scale);
const recoveredChannel = perChannelDequantize(perChannel.q, perChannel.scales, rows, cols);
const mseTensor = mse(weights, recoveredTensor);
const mseChannel = mse(weights, recoveredChannel);
console.log('per-tensor MSE ', mseTensor);
console.log('per-channel MSE', mseChannel);
console.log('improvement    ', (mseTensor / mseChannel).toFixed(1) + 'x');

// The overall ratio hides what happens to each row:
for (let r = 0; r < rows; r++) {
  const row = (a) => a.slice(r * cols, (r + 1) * cols);
  const ratio = mse(row(weights), row(recoveredTensor)) / mse(row(weights), row(recoveredChannel));
  console.log('row', r, 'per-tensor / per-channel MSE:', ratio.toPrecision(4) + 'x');
}
`;

const starter = `// Exercise 2: per-tensor vs per-channel quantization.
// A weight matrix of rows x cols is stored row by row in one flat array: w[r * cols + c] is row r, column c.
// Each row is one output channel. Per-channel quantization gives every row its own scale.

${GIVEN}
// Quantizes each row with its own scale. Returns { q, scales } with one scale per row.
function perChannelQuantize(w, rows, cols, bits = 8) {
  const qmax = 2 ** (bits - 1) - 1;
  const scales = new Float64Array(rows);
  const q = qmax <= 127 ? new Int8Array(rows * cols) : new Int16Array(rows * cols);
  // TODO 1: for every row r, scales[r] = (largest |w| in that row) / qmax.
  //         (In NumPy: np.max(np.abs(w), axis=1) / qmax.)

  // TODO 2: q[r * cols + c] = round(w[r * cols + c] / scales[r]), clipped to [-qmax, qmax].

  return { q, scales };
}

// Back to real numbers: every value times the scale of its own row.
function perChannelDequantize(q, scales, rows, cols) {
  const recovered = new Float64Array(rows * cols);
  // TODO 3: recovered[r * cols + c] = q[r * cols + c] * scales[r].

  return recovered;
}

// The mean squared error between two arrays of the same length, as np.mean((a - b) ** 2).
function mse(a, b) {
  // TODO 4: average the squared differences.
  return 0;
}

${DEMO}`;

const solution = `// Exercise 2: per-tensor vs per-channel quantization (reference solution).

${GIVEN}
function perChannelQuantize(w, rows, cols, bits = 8) {
  const qmax = 2 ** (bits - 1) - 1;
  const scales = new Float64Array(rows);
  const q = qmax <= 127 ? new Int8Array(rows * cols) : new Int16Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let maxAbs = 0;
    for (let c = 0; c < cols; c++) maxAbs = Math.max(maxAbs, Math.abs(w[r * cols + c]));
    scales[r] = maxAbs / qmax;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      q[i] = Math.min(qmax, Math.max(-qmax, roundHalfEven(w[i] / scales[r])));
    }
  }
  return { q, scales };
}

function perChannelDequantize(q, scales, rows, cols) {
  const recovered = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) recovered[r * cols + c] = q[r * cols + c] * scales[r];
  }
  return recovered;
}

function mse(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return sum / a.length;
}

${DEMO}`;

const hints = [
  'Row r occupies w[r * cols] … w[r * cols + cols − 1]. Loop over rows outside and columns inside; the row’s scale is computed before its values are quantized.',
  'One scale per row means scales.length === rows. If you get cols scales, the maximum ran down the columns (NumPy’s axis=0) instead of along each row (axis=1).',
  'A row of zeros has scale 0. Then w / scale is 0 / 0 = NaN, which an Int8Array stores as 0: the row stays all zeros, as the lab’s core does.',
  'Dequantize uses the same index: recovered[r * cols + c] = q[r * cols + c] * scales[r]. Multiplying by scales[c] is the classic slip.',
  'mse: sum (a[i] − b[i]) ** 2 over all i, then divide by a.length. Do not take a square root (that is the RMS error).',
];

// ---- checks ----

const rowSpec = (rows, cols, bits) => quantSpec({ bits, granularity: 'row', rows, cols });

async function checkPerChannel(ctx, w, rows, cols, bits) {
  const want = ctx.lab.perChannelQuantize(w, rows, cols, bits);
  const got = await ctx.call('perChannelQuantize', w, rows, cols, bits);
  if (got === null || typeof got !== 'object') fail(`perChannelQuantize returned ${String(got)}: return an object { q, scales }.`);
  const spec = rowSpec(rows, cols, bits);
  return notes(expectScales(got.scales, want.scales, spec, { x: w }), expectQ(got.q, want.q, spec, { x: w, scales: want.scales }));
}

async function checkDequantize(ctx, w, rows, cols, bits) {
  const { q, scales } = ctx.lab.perChannelQuantize(w, rows, cols, bits);
  const want = ctx.lab.perChannelDequantize(q, scales, rows, cols);
  const got = await ctx.call('perChannelDequantize', q, scales, rows, cols);
  return expectRecovered(got, want, rowSpec(rows, cols, bits), { q, scales, precision: 'float64' });
}

async function checkMse(ctx, a, b) {
  return expectMse(await ctx.call('mse', a, b), ctx.lab.errorStats(a, b).mse, { n: a.length, what: 'mse(a, b)' });
}

const tests = [
  {
    name: 'perChannelQuantize gives one scale per row: 4 scales for the 4×64 matrix, each max|row| / 127',
    async run(ctx) {
      const w = notebookMatrix(ctx.lab);
      const got = await ctx.call('perChannelQuantize', w, 4, 64, 8);
      if (got === null || typeof got !== 'object') fail(`perChannelQuantize returned ${String(got)}: return an object { q, scales }.`);
      return expectScales(got.scales, ctx.lab.perChannelQuantize(w, 4, 64, 8).scales, rowSpec(4, 64, 8), { x: w });
    },
  },
  {
    name: '…and q = round(w / scale of its row), clipped to ±127, as integers',
    run: (ctx) => checkPerChannel(ctx, notebookMatrix(ctx.lab), 4, 64, 8),
  },
  {
    name: 'perChannelDequantize multiplies every value by the scale of its row',
    run: (ctx) => checkDequantize(ctx, notebookMatrix(ctx.lab), 4, 64, 8),
  },
  {
    name: 'mse(a, b) is the mean of the squared differences, np.mean((a − b) ** 2)',
    run: (ctx) => checkMse(ctx, Array.from(ctx.lab.randn(1, 200)), Array.from(ctx.lab.randn(2, 200))),
  },
  {
    name: 'Whole comparison: per-tensor MSE 0.005130749017167746, per-channel 0.001961771397161954 (2.6×, not the notebook’s ~100×)',
    async run(ctx) {
      const w = notebookMatrix(ctx.lab);
      const { lab } = ctx;
      const t = lab.symmetricQuantize(w, 8);
      const tensorRec = lab.symmetricDequantize(t.q, t.scale);
      const tensorNote = expectMse(await ctx.call('mse', w, tensorRec), lab.errorStats(w, tensorRec).mse, { n: w.length, what: 'per-tensor MSE' });
      const mine = await ctx.call('perChannelQuantize', w, 4, 64, 8);
      if (mine === null || typeof mine !== 'object') fail(`perChannelQuantize returned ${String(mine)}: return an object { q, scales }.`);
      const channelRec = await ctx.call('perChannelDequantize', mine.q, mine.scales, 4, 64);
      const c = lab.perChannelQuantize(w, 4, 64, 8);
      const want = lab.errorStats(w, lab.perChannelDequantize(c.q, c.scales, 4, 64)).mse;
      expectNumbers(channelRec, 'recovered (per channel)', w.length);
      return notes(tensorNote, expectMse(await ctx.call('mse', w, channelRec), want, { n: w.length, what: 'per-channel MSE' }));
    },
  },
  {
    hidden: true,
    name: 'Hidden: a 3×5 matrix (one scale per row, not per column)',
    run: (ctx) => checkPerChannel(ctx, Array.from(ctx.lab.randn(8, 15)), 3, 5, 8),
  },
  {
    hidden: true,
    name: 'Hidden: a square 4×4 matrix with rows of different sizes',
    run: (ctx) => checkPerChannel(ctx, notebookMatrix(ctx.lab, [5, 0.2, 0.03, 1], 4), 4, 4, 8),
  },
  {
    hidden: true,
    name: 'Hidden: a row of zeros keeps scale 0 and q 0',
    async run(ctx) {
      const w = notebookMatrix(ctx.lab, [1, 0, 2], 6);
      return notes(await checkPerChannel(ctx, w, 3, 6, 8), await checkDequantize(ctx, w, 3, 6, 8));
    },
  },
  {
    hidden: true,
    name: 'Hidden: an 8×32 matrix at 4 and at 12 bits',
    async run(ctx) {
      const w = notebookMatrix(ctx.lab, [3, 0.5, 1, 0.01, 7, 0.2, 1e-3, 2], 32);
      const all = [];
      for (const bits of [4, 12]) all.push(await checkPerChannel(ctx, w, 8, 32, bits), await checkDequantize(ctx, w, 8, 32, bits));
      return notes(all);
    },
  },
  {
    hidden: true,
    name: 'Hidden: mse of two identical arrays is 0, and of a single pair is its squared difference',
    run: async (ctx) => notes(await checkMse(ctx, [0.5, -1, 2], [0.5, -1, 2]), await checkMse(ctx, [3], [1.5])),
  },
];

export default {
  functions: ['perChannelQuantize', 'perChannelDequantize', 'mse'],
  starter,
  solution,
  hints,
  tests,
};
