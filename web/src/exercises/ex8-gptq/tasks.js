// Exercise 8, learner mode: the learner writes GPTQ's error-feedback loop for one layer — each column rounded in
// turn, its error divided by U's diagonal and pushed onto the columns not yet quantized — given the layer's
// Hessian H = 2XᵀX and, as a global, the core's upper Cholesky factor U of the damped H⁻¹ (docs/lowbit.md).
// The checks compare the levels with the core's GPTQ (ctx.lab.gptq, one block of columns: exactly the plain
// loop) and recognise the typical mistakes by running them: no feedback (round-to-nearest), the wrong diagonal,
// the wrong sign, H itself in place of its inverse's factor. No DOM: also loaded by the runner worker and Node.
import { expectNumbers, fail, show } from '../../checks/expect.js';
import { sig } from '../../ui/format.js';

const DAMP = 0.01;

/** What the learner's code may call, made from its own lab (plain arrays in, plain arrays out). */
function globals(lab) {
  return {
    layerHessian: (x, cols) => lab.layerHessian(x, cols),
    inverseCholesky: (h, cols, damp = DAMP) => lab.gptqInverseCholesky(h, cols, { damp }).factor,
    outputError: (w, wHat, rows, cols, h) => lab.reconstructionError(w, wHat, rows, cols, { hessian: h }),
  };
}

const GIVEN = `// Given (from the WebAssembly core):
//   layerHessian(x, cols)        H = 2 XᵀX (cols × cols, row-major) of inputs x: rows of \`cols\` values
//   inverseCholesky(h, cols)     U, upper triangular (cols × cols, row-major), with H⁻¹ = UᵀU after GPTQ's
//                                damping (0.01 · mean(diag H) added to the diagonal): U[j][k] = u[j * cols + k]
//   outputError(w, wHat, rows, cols, h)   ‖W Xᵀ − Ŵ Xᵀ‖², the layer's output error on those inputs
//   randn(seed, n)               np.random.seed(seed); np.random.randn(n)

// Rounds half to even, as np.rint (exercise 1).
function roundHalfEven(v) {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
`;

const DEMO = `// Run: a small layer whose inputs move together, quantized to 3 bits both ways.
const rows = 8, cols = 32, samples = 256;
const z = randn(11, samples * cols);
const x = new Float64Array(samples * cols);
for (let s = 0; s < samples; s++) {
  for (let c = 0; c < cols; c++) x[s * cols + c] = z[s * cols + c] + (c > 0 ? 0.9 * x[s * cols + c - 1] : 0);
}
const w = randn(12, rows * cols);
const h = layerHessian(x, cols);
const bits = 3;
const q = gptqLayer(w, rows, cols, h, bits);

// Round-to-nearest with the same scales, for comparison.
const qmax = 2 ** (bits - 1) - 1;
const dequantize = (levels) => levels.map((v, i) => v * maxAbsOfRow(w, Math.floor(i / cols), cols) / qmax);
function maxAbsOfRow(m, r, n) {
  let a = 0;
  for (let c = 0; c < n; c++) a = Math.max(a, Math.abs(m[r * n + c]));
  return a;
}
const rtn = Array.from(w, (v, i) => {
  const s = maxAbsOfRow(w, Math.floor(i / cols), cols) / qmax;
  return s === 0 ? 0 : Math.min(qmax, Math.max(-qmax, roundHalfEven(v / s)));
});
console.log('row 0, GPTQ levels', Array.from(q.slice(0, cols)).join(' '));
console.log('row 0, RTN levels ', rtn.slice(0, cols).join(' '));
console.log('output error, RTN ', outputError(w, dequantize(rtn), rows, cols, h));
console.log('output error, GPTQ', outputError(w, dequantize(Array.from(q)), rows, cols, h));
`;

const starter = `// Exercise 8: GPTQ's error feedback for one layer.
// Fill in the TODOs. Check compares your levels with the core's GPTQ on small layers.

${GIVEN}
// w: rows × cols weights, row-major (w[r * cols + c]); h: the layer's Hessian; bits: 2 to 8.
// Returns the levels q (rows × cols, row-major), each in [−qmax, qmax].
function gptqLayer(w, rows, cols, h, bits) {
  const qmax = 2 ** (bits - 1) - 1;

  // TODO 1: U, the upper Cholesky factor of H⁻¹ (a given function).
  const u = null;

  // TODO 2: one scale per row (per output channel): max |w| over the row / qmax, from the weights as given.
  const scales = new Float64Array(rows);

  const work = Float64Array.from(w); // the weights as GPTQ updates them (w itself stays as it was)
  const q = new Int8Array(rows * cols);
  for (let j = 0; j < cols; j++) { // columns in order: each is final once rounded
    for (let r = 0; r < rows; r++) {
      const scale = scales[r];
      const v = work[r * cols + j];
      // TODO 3: round v (the updated weight) to a level: roundHalfEven(v / scale), clipped to [−qmax, qmax]; 0 when scale is 0.
      const level = 0;
      q[r * cols + j] = level;

      // TODO 4: the error of this weight, divided by U's diagonal entry for column j: (v − level · scale) / U[j][j].
      const err = 0;

      // TODO 5: push err onto the columns not yet quantized: work[r][k] −= err · U[j][k] for every k > j.
    }
  }
  return q;
}

${DEMO}`;

const solution = `// Exercise 8: GPTQ's error feedback (reference solution).

${GIVEN}
function gptqLayer(w, rows, cols, h, bits) {
  const qmax = 2 ** (bits - 1) - 1;
  const u = inverseCholesky(h, cols);
  const scales = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let c = 0; c < cols; c++) m = Math.max(m, Math.abs(w[r * cols + c]));
    scales[r] = m / qmax;
  }
  const work = Float64Array.from(w);
  const q = new Int8Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    for (let r = 0; r < rows; r++) {
      const scale = scales[r];
      const v = work[r * cols + j];
      const level = scale === 0 ? 0 : Math.min(qmax, Math.max(-qmax, roundHalfEven(v / scale)));
      q[r * cols + j] = level;
      const err = (v - level * scale) / u[j * cols + j];
      for (let k = j + 1; k < cols; k++) work[r * cols + k] -= err * u[j * cols + k];
    }
  }
  return q;
}

${DEMO}`;

const hints = [
  'U comes from the given function: const u = inverseCholesky(h, cols). It is a flat array; U[j][k] is u[j * cols + k], and everything below the diagonal is 0.',
  'A row’s scale is its largest magnitude over qmax, as in exercise 2: loop over the row’s cols weights, keep Math.max of Math.abs, divide by qmax. Take it from w, before any column has moved.',
  'Round the weight as it is now, v = work[r * cols + j] — it has already absorbed the errors of the columns before j; rounding w[r * cols + j] instead would be round-to-nearest. level = scale === 0 ? 0 : Math.min(qmax, Math.max(-qmax, roundHalfEven(v / scale))).',
  'The error is the weight minus its quantized value, v − level · scale, divided by the diagonal entry of the column being quantized: u[j * cols + j]. Not U[k][k], not H’s diagonal.',
  'for (let k = j + 1; k < cols; k++) work[r * cols + k] -= err * u[j * cols + k]; — row j of U (u[j * cols + k], not u[k * cols + j]), subtracted, and only for the columns after j: the ones before are final.',
];

// ---- the reference and the mistakes, in plain JavaScript (the same operations, in the same order, as the core) ----

const rint = (v) => {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

function rowScales(w, rows, cols, qmax) {
  const scales = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let c = 0; c < cols; c++) m = Math.max(m, Math.abs(w[r * cols + c]));
    scales[r] = m / qmax;
  }
  return scales;
}

/**
 * The loop with one mistake (or none: 'right'): 'rtn' pushes nothing; 'no-divide', 'times-diagonal' and
 * 'target-diagonal' get the diagonal wrong; 'sign' adds the error; 'hessian' reads H where U belongs.
 */
function simulate({ w, rows, cols, u, h, bits }, mistake) {
  const qmax = 2 ** (bits - 1) - 1;
  const m = mistake === 'hessian' ? h : u;
  const scales = rowScales(w, rows, cols, qmax);
  const work = Float64Array.from(w);
  const q = new Int8Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    for (let r = 0; r < rows; r++) {
      const scale = scales[r];
      const v = work[r * cols + j];
      const level = scale === 0 ? 0 : Math.min(qmax, Math.max(-qmax, rint(v / scale)));
      q[r * cols + j] = level;
      if (mistake === 'rtn') continue;
      const d = m[j * cols + j];
      const e = v - level * scale;
      const err = mistake === 'no-divide' || mistake === 'target-diagonal' ? e : mistake === 'times-diagonal' ? e * d : e / d;
      for (let k = j + 1; k < cols; k++) {
        const push = mistake === 'target-diagonal' ? (err / m[k * cols + k]) * m[j * cols + k] : err * m[j * cols + k];
        work[r * cols + k] += mistake === 'sign' ? push : -push;
      }
    }
  }
  return { q, scales };
}

const MISTAKES = [
  ['rtn', 'no-feedback', 'Your levels are round-to-nearest’s: no error reached the columns after j. Round the updated weight (work, not w), and push each error onto the columns k > j with row j of U, u[j * cols + k] (U[k][j] is 0 below the diagonal, and the columns before j are already final: changing them changes nothing). Without the feedback GPTQ is plain rounding, and its whole gain is lost.'],
  ['no-divide', 'diagonal', 'You pushed v − level · scale without dividing it by U[j][j]: the error must be divided by the diagonal entry of the column being quantized, u[j * cols + j]. Without it each push has the wrong size, and the later columns over- or under-correct.'],
  ['times-diagonal', 'diagonal', 'You multiplied the error by U[j][j] instead of dividing by it: err = (v − level · scale) / u[j * cols + j]. The pushes have the wrong size, and the later columns over- or under-correct.'],
  ['target-diagonal', 'diagonal', 'You divided by the diagonal of the column receiving the error, U[k][k], instead of the one being quantized, U[j][j]: err = (v − level · scale) / u[j * cols + j], once per weight, before the loop over k.'],
  ['sign', 'sign', 'Your pushes have the wrong sign: you added err · U[j][k] to the later columns. Subtract it (work[r][k] −= err · U[j][k]): a weight rounded up must make the next columns smaller, so that the layer’s output keeps its value. With the sign reversed, the errors add up instead of cancelling.'],
  ['hessian', 'hessian', 'You used H itself where U belongs: the weights of the feedback come from H⁻¹, through its Cholesky factor U = inverseCholesky(h, cols). H says how inputs move together; its inverse says how the other columns should move to cancel an error.'],
];

/** The first mistake of MISTAKES whose levels are exactly `got`'s, or undefined. */
const mistakeOf = (got, L) => (got && typeof got.length === 'number' ? MISTAKES.find(([mistake]) => sameLevels(got, simulate(L, mistake).q)) : undefined);

/** An example layer: inputs whose neighbouring channels move together (as image pixels do), and random weights. */
function layer(lab, { seed, rows, cols, samples, bits }) {
  const z = lab.randn(seed, samples * cols);
  const x = new Float64Array(samples * cols);
  for (let s = 0; s < samples; s++) {
    for (let c = 0; c < cols; c++) x[s * cols + c] = z[s * cols + c] + (c > 0 ? 0.9 * x[s * cols + c - 1] : 0);
  }
  const w = lab.randn(seed + 1, rows * cols);
  const h = lab.layerHessian(x, cols);
  const u = lab.gptqInverseCholesky(h, cols, { damp: DAMP }).factor;
  return { w, x, h, u, rows, cols, bits };
}

const dequantize = (q, scales, cols) => Float64Array.from(q, (v, i) => v * scales[Math.floor(i / cols)]);
const sameLevels = (a, b) => a.length === b.length && Array.prototype.every.call(a, (v, i) => v === b[i]);

/** The learner's levels against the core's GPTQ, with the mistake named when one of them gives exactly these. */
async function checkLayer(ctx, spec) {
  const { lab } = ctx;
  const L = layer(lab, spec);
  const { w, h, rows, cols, bits } = L;
  const qmax = 2 ** (bits - 1) - 1;
  const want = lab.gptq(w, rows, cols, { hessian: h, bits, groupSize: 'channel', damp: DAMP, blockSize: Math.max(128, cols) });
  const got = await ctx.call('gptqLayer', Float64Array.from(w), rows, cols, Float64Array.from(h), bits);
  expectNumbers(got, 'gptqLayer’s result', rows * cols);
  for (let i = 0; i < got.length; i++) {
    if (!Number.isInteger(got[i])) fail(`q[${i}] is ${show(got[i])}: levels are whole numbers. Round with roundHalfEven(v / scale).`, { cause: 'not-integer' });
    if (Math.abs(got[i]) > qmax) {
      fail(`q[${i}] is ${got[i]}, outside [−${qmax}, ${qmax}] for ${bits} bits: clip each level (the pushes can carry a weight beyond the row’s largest).`, { cause: 'no-clip' });
    }
  }
  if (sameLevels(got, want.q)) return;
  if (Array.prototype.every.call(got, (v) => v === 0)) {
    fail('Every level is 0: nothing was quantized yet. Compute each row’s scale (max |w| of the row / qmax, TODO 2) and round the updated weight to its level (TODO 3).', { cause: 'all-zero' });
  }
  let found = mistakeOf(got, L);
  if (found?.[0] === 'rtn') {
    // A loop that gets U's diagonal wrong or reads H pushes next to nothing when those numbers are small, and
    // looks like no feedback at all. GPTQ itself does not depend on H's scale: ask again with H scaled down.
    const scaled = { ...L, h: Float64Array.from(h, (v) => v * 1e-4) };
    scaled.u = lab.gptqInverseCholesky(scaled.h, cols, { damp: DAMP }).factor;
    const again = await ctx.call('gptqLayer', Float64Array.from(w), rows, cols, Float64Array.from(scaled.h), bits);
    const other = mistakeOf(again, scaled);
    if (other && other[0] !== 'rtn') found = other;
  }
  if (found) fail(found[2], { cause: found[1] });
  // Another honest order of the same float operations can flip a level that sits within rounding of a tie; the
  // flip then moves that row's later columns a little. Accept that when the output error is the core's.
  const scales = rowScales(w, rows, cols, qmax);
  const mine = lab.reconstructionError(w, dequantize(got, scales, cols), rows, cols, { hessian: h });
  const core = lab.reconstructionError(w, want.dequantized, rows, cols, { hessian: h });
  let differ = 0;
  for (let i = 0; i < got.length; i++) if (got[i] !== want.q[i]) differ++;
  if (differ <= Math.max(1, got.length / 100) && Math.abs(mine - core) <= 1e-6 * core) return;
  const first = Array.prototype.findIndex.call(got, (v, i) => v !== want.q[i]);
  const r = Math.floor(first / cols);
  const c = first % cols;
  fail(`Row ${r}, column ${c}: your level is ${got[first]}, GPTQ’s is ${want.q[first]} (${differ} of ${got.length} levels differ; ` +
    `output error ${sig(mine, 4)} against GPTQ’s ${sig(core, 4)}). ${c === 0 ? 'Column 0 has received no error yet: check the scales (max |w| of the row / qmax) and the rounding.' : 'Columns before it agree: look at how the errors are pushed.'}`);
}

const tests = [
  {
    name: 'gptqLayer: 4 bits, a 4 × 12 layer — the core’s GPTQ levels',
    run: (ctx) => checkLayer(ctx, { seed: 3, rows: 4, cols: 12, samples: 64, bits: 4 }),
  },
  {
    name: 'gptqLayer: 3 bits, 8 × 32, inputs that move together',
    run: (ctx) => checkLayer(ctx, { seed: 11, rows: 8, cols: 32, samples: 256, bits: 3 }),
  },
  {
    name: 'gptqLayer: 2 bits (levels −1, 0, 1), 8 × 32',
    run: (ctx) => checkLayer(ctx, { seed: 21, rows: 8, cols: 32, samples: 256, bits: 2 }),
  },
  {
    name: 'Hidden: 3 bits, 16 × 48, another layer',
    hidden: true,
    run: (ctx) => checkLayer(ctx, { seed: 31, rows: 16, cols: 48, samples: 200, bits: 3 }),
  },
  {
    name: 'Hidden: 4 bits with a row of zeros (its scale is 0: every level 0, no NaN)',
    hidden: true,
    async run(ctx) {
      const spec = { seed: 41, rows: 5, cols: 16, samples: 64, bits: 4 };
      const L = layer(ctx.lab, spec);
      const w = Float64Array.from(L.w);
      w.fill(0, 2 * L.cols, 3 * L.cols);
      const want = ctx.lab.gptq(w, L.rows, L.cols, { hessian: L.h, bits: 4, groupSize: 'channel', damp: DAMP, blockSize: 128 });
      const got = await ctx.call('gptqLayer', w, L.rows, L.cols, Float64Array.from(L.h), 4);
      expectNumbers(got, 'gptqLayer’s result', L.rows * L.cols);
      if (Array.prototype.some.call(got, (v) => Number.isNaN(v))) fail('A level is NaN: a row of zeros has scale 0. Give it level 0 instead of dividing by 0.', { cause: 'zero-scale' });
      if (!sameLevels(got, want.q)) {
        const i = Array.prototype.findIndex.call(got, (v, k) => v !== want.q[k]);
        fail(`Row ${Math.floor(i / L.cols)}, column ${i % L.cols}: your level is ${got[i]}, GPTQ’s is ${want.q[i]} (row 2 is all zeros: its levels must all be 0).`);
      }
    },
  },
];

export default { functions: ['roundHalfEven', 'gptqLayer'], starter, solution, hints, tests, globals };
