// Exercise 4, learner mode: the learner writes the heart of dynamic int8 quantization (quantize the activation
// vector, the int8 × int8 → int32 dot products, the s_x · s_W rescale and the bias, the whole forward pass), then
// meets the library: the same outputs and the speed of the core's SIMD kernels, printed by Run.
//
// The checks hand the learner's functions plain arrays only (an input vector, a layer's int8 weights, scales and
// biases, read from the model file by reference.js), so that they can cross into the learner's own realm. The code
// itself gets createSimpleNet, quantizeDynamic, int8Layers and now() as globals, made from its own lab; every model
// it creates is freed after a Run or a Check (cleanup).
//
// Code saved for the earlier version of this task (quantizeModel, modelSizes, agreement, timeForward) still runs
// (its globals are still given); its checks fail with "quantizeVector is not defined…", which says what to write.
import { AGREEMENT_INPUT_SEED as INPUTS_SEED, agreementInputs } from '../../../quantlab/agreement.js';
import { expectNumber, expectNumbers, fail, show } from '../../checks/expect.js';
import { accumulators, forwardInt8, int8Linear, layersOf, maxAbs, quantizeVector, rowScale } from './reference.js';

let created = [];

/** What the learner's code may call, made from its own lab; each model is remembered so that cleanup() frees it. */
function globals(lab) {
  const track = (model) => {
    created.push(model);
    return model;
  };
  return {
    createSimpleNet: (seed = 0) => track(lab.createSimpleNet(seed)),
    quantizeDynamic: (model, options) => track(lab.quantizeDynamic(model, options)),
    int8Layers: (model) => {
      if (model?.kind !== 'int8') throw new TypeError('int8Layers takes an int8 model: quantizeDynamic(model) first');
      return layersOf(model.serialize()).map(({ weight, ...layer }) => layer);
    },
    now: () => performance.now(),
  };
}

function cleanup() {
  for (const model of created) model.delete();
  created = [];
}

const GIVEN = `// Given (from the WebAssembly core):
//   createSimpleNet(seed)                 the float32 SimpleNet: 784 -> 256 -> ReLU -> 10
//   quantizeDynamic(model, {perChannel})  its int8 copy; model.forward(x) runs the core's SIMD kernels
//   int8Layers(int8model)                 its layers as plain arrays: [{in, out, q, scales, bias}]
//                                         q: Int8Array of out x in weights, row r at q[r * in ... r * in + in - 1]
//                                         scales: one weight scale (per tensor) or one per row (per channel)
//   now()                                 milliseconds, like performance.now()
//   randn(seed, n)                        np.random.seed(seed); np.random.randn(n)

function roundHalfEven(v) {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
`;

const DEMO = `// Your forward pass against the core's, on input 0 of the page.
const fp32 = createSimpleNet(0);
const int8 = quantizeDynamic(fp32, { perChannel: false });
const layers = int8Layers(int8);
const x = Float32Array.from(randn(${INPUTS_SEED}, 784));

const yours = forwardInt8(x, layers);
const core = int8.forward(x);
const float = fp32.forward(x);
const largest = (a, b) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
console.log('yours:', yours);
console.log('core :', core);
console.log('largest |yours − core int8|:', largest(yours, core));
console.log('largest |float32 − int8|:   ', largest(float, core));

// Speed: warm up first (the engine optimizes code between calls), then time.
function microseconds(f, runs) {
  for (let i = 0; i < 5; i++) f();
  const start = now();
  for (let i = 0; i < runs; i++) f();
  return ((now() - start) * 1000) / runs;
}
console.log('µs per pass, yours (JavaScript):', microseconds(() => forwardInt8(x, layers), 20));
console.log('µs per pass, core int8 (SIMD):  ', microseconds(() => int8.forward(x), 100));
console.log('µs per pass, core float32:      ', microseconds(() => fp32.forward(x), 100));
`;

const starter = `// Exercise 4: dynamic int8 quantization of SimpleNet, by hand, then against the core.
${GIVEN}
// The activation vector x as int8: { q: Int8Array, scale }, scale = max|x| / 127 (0 for a vector of zeros).
function quantizeVector(x) {
  // TODO 1: the scale, then q[i] = round(x[i] / scale) clipped to [-127, 127].
  return { q: new Int8Array(x.length), scale: 0 };
}

// One linear layer on an int8 input: y[r] = (sum over k of xq[k] * q[r * in + k]) * (xScale * s_W[r]) + bias[r].
function int8Linear(xq, xScale, layer) {
  const y = new Float32Array(layer.out);
  for (let r = 0; r < layer.out; r++) {
    // TODO 2: the int8 x int8 dot product of row r with xq, summed in an integer (int32 in C).
    // TODO 3: back to real numbers: times xScale and the weight scale of row r, plus the bias.
    y[r] = 0;
  }
  return y;
}

// The whole network: every layer quantizes its own input, ReLU between layers (none after the last).
function forwardInt8(x, layers) {
  // TODO 4: loop over the layers with quantizeVector and int8Linear.
  return new Float32Array(layers[layers.length - 1].out);
}

${DEMO}`;

const solution = `// Exercise 4: dynamic int8 quantization of SimpleNet, by hand, then against the core (reference solution).
${GIVEN}
function quantizeVector(x) {
  let maxAbs = 0;
  for (const v of x) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs / 127;
  const q = new Int8Array(x.length);
  if (scale > 0) {
    for (let i = 0; i < x.length; i++) q[i] = Math.min(127, Math.max(-127, roundHalfEven(x[i] / scale)));
  }
  return { q, scale };
}

function int8Linear(xq, xScale, layer) {
  const y = new Float32Array(layer.out);
  for (let r = 0; r < layer.out; r++) {
    let acc = 0; // |acc| <= 784 * 127 * 127: an int32 holds it exactly
    for (let k = 0; k < layer.in; k++) acc += xq[k] * layer.q[r * layer.in + k];
    const wScale = layer.scales.length === 1 ? layer.scales[0] : layer.scales[r];
    y[r] = acc * (xScale * wScale) + layer.bias[r];
  }
  return y;
}

function forwardInt8(x, layers) {
  let h = x;
  layers.forEach((layer, l) => {
    const { q, scale } = quantizeVector(h);
    h = int8Linear(q, scale, layer);
    if (l < layers.length - 1) h = h.map((v) => Math.max(0, v));
  });
  return h;
}

${DEMO}`;

// One hint per TODO, in TODO order, each a nudge before the answer.
const hints = [
  'TODO 1: exercise 1 again, with qmax = 127 and the scale from this one vector: find max|x|, scale = max|x| / 127, then round x[i] / scale half to even and clip to ±127. Guard the zero vector: with scale 0, leave q all 0.',
  'TODO 2: a running sum, let acc = 0, over k from 0 to layer.in − 1 of xq[k] * layer.q[r * layer.in + k]. Row r of the weights starts at r * layer.in (PyTorch’s out × in layout).',
  'TODO 3: acc counts in units of xScale × (the weight scale): y[r] = acc * (xScale * wScale) + layer.bias[r], with wScale = layer.scales[0] for one scale per tensor, layer.scales[r] per channel.',
  'TODO 4: h = x; for each layer: const { q, scale } = quantizeVector(h); h = int8Linear(q, scale, layer); then ReLU (Math.max(0, v)) on every layer but the last. Return h.',
];

// ---- checks ----

/** The int8 layers of SimpleNet(seed) as plain arrays (the core's quantizeDynamic), and the core's outputs for xs. */
function network(lab, seed, perChannel, xs = []) {
  const fp32 = lab.createSimpleNet(seed);
  const int8 = lab.quantizeDynamic(fp32, { perChannel });
  try {
    return {
      layers: layersOf(int8.serialize()).map(({ weight, ...layer }) => layer),
      core: xs.map((x) => int8.forward(x)),
      float: xs.map((x) => fp32.forward(x)),
    };
  } finally {
    int8.delete();
    fp32.delete();
  }
}

const input = (lab, k = 0) => agreementInputs(lab, 1, { seed: INPUTS_SEED + k })[0];

async function checkQuantizeVector(ctx, x) {
  const got = await ctx.call('quantizeVector', x);
  if (got === null || typeof got !== 'object') fail(`quantizeVector returned ${String(got)}: return { q, scale }.`, { cause: 'returns' });
  const want = quantizeVector(x);
  const m = maxAbs(x);
  expectNumber(got.scale, 'scale');
  if (!(got.scale === want.scale || Math.abs(got.scale - want.scale) <= 2 ** -23 * want.scale)) {
    if (m > 0 && Math.abs(got.scale - m / 255) <= 1e-6 * want.scale) {
      fail(`scale is max|x| / 255: the activations here are symmetric int8, −127 … 127, so scale = max|x| / 127 (PyTorch's uint8 activations with a zero point use 255 steps).`, { cause: 'qmax-255' });
    }
    if (m > 0 && Math.abs(got.scale - 127 / m) <= 1e-6 * (127 / m)) fail('scale is upside down: max|x| / 127, not 127 / max|x|.', { cause: 'scale-upside-down' });
    if (m > 0 && got.scale === m) fail('scale is max|x| itself: divide it by 127.', { cause: 'scale-no-qmax' });
    fail(`scale is ${show(got.scale)} but max|x| / 127 = ${show(want.scale)}.`);
  }
  if (got.q?.constructor?.name === 'Float32Array' || got.q?.constructor?.name === 'Float64Array') {
    fail(`q is a ${got.q.constructor.name}: store the levels as integers, an Int8Array.`, { cause: 'float-storage' });
  }
  expectNumbers(got.q, 'q', x.length);
  const core32 = (i) => { // the core's float32 quotient x · (127 / max|x|), equally honest
    if (!(m > 0)) return 0;
    return Math.min(127, Math.max(-127, Math.round(Math.fround(Math.fround(x[i]) * Math.fround(127 / Math.fround(m))))));
  };
  for (let i = 0; i < x.length; i++) {
    if (got.q[i] === want.q[i] || got.q[i] === core32(i) || (got.q[i] === 0 && want.q[i] === 0)) continue;
    const t = x[i] / want.scale;
    if (Math.abs((Math.abs(t) % 1) - 0.5) < 1e-9 && Math.abs(got.q[i] - want.q[i]) === 1) continue;
    if (got.q[i] === Math.trunc(t)) fail(`q[${i}] is ${got.q[i]} but x / scale = ${show(t)} rounds to ${want.q[i]}: round to the nearest integer, not towards 0.`, { cause: 'truncated' });
    fail(`q[${i}] is ${got.q[i]} but round(x[${i}] / scale) = round(${show(t)}) = ${want.q[i]}.`);
  }
}

/** Fails with the mistake a wrong output of int8Linear most likely comes from. */
function linearMistake(got, xq, xScale, layer, what) {
  const acc = accumulators(xq, layer);
  const close = (f) => got.every((v, r) => Math.abs(v - f(r)) <= 1e-5 * (Math.abs(f(r)) + 1e-6));
  if (close((r) => acc[r] * xScale * rowScale(layer, r))) fail(`${what}: the bias is missing. Add layer.bias[r] after the rescale.`, { cause: 'no-bias' });
  if (close((r) => acc[r] * rowScale(layer, r) + layer.bias[r])) fail(`${what}: the activation scale xScale is missing from the rescale. The sum counts in units of xScale × s_W.`, { cause: 'no-activation-scale' });
  if (close((r) => acc[r] * xScale + layer.bias[r])) fail(`${what}: the weight scale is missing from the rescale. The sum counts in units of xScale × s_W.`, { cause: 'no-weight-scale' });
  if (close((r) => acc[r] + layer.bias[r]) || close((r) => acc[r])) fail(`${what} are the integer sums: turn them back into real numbers, acc × (xScale × s_W) + bias.`, { cause: 'no-rescale' });
  if (layer.scales.length > 1 && close((r) => acc[r] * xScale * layer.scales[0] + layer.bias[r])) {
    fail(`${what}: every row used the scale of row 0. This layer has one scale per output row (per channel): use layer.scales[r].`, { cause: 'per-channel-scale' });
  }
  const transposed = (r) => {
    let sum = 0;
    for (let k = 0; k < layer.in; k++) sum += xq[k] * (layer.q[k * layer.out + r] ?? 0);
    return sum * xScale * rowScale(layer, r) + layer.bias[r];
  };
  if (close(transposed)) fail(`${what}: the weights were read column by column. Row r of the out × in matrix is q[r * in + k], k = 0 … in − 1.`, { cause: 'transposed' });
}

async function checkLinear(ctx, seed, perChannel, k) {
  const { layers } = network(ctx.lab, seed, perChannel);
  const layer = layers[0];
  const { q, scale } = quantizeVector(input(ctx.lab, k));
  const got = await ctx.call('int8Linear', q, scale, layer);
  const what = `int8Linear's ${layer.out} outputs`;
  expectNumbers(got, `int8Linear(…)`, layer.out);
  const want = int8Linear(q, scale, layer);
  const ys = Array.from(got);
  // float32 or float64 arithmetic: equal to 1e-6 of the largest output
  const tol = 1e-6 * Math.max(...want.map(Math.abs));
  if (ys.every((v, r) => Math.abs(v - want[r]) <= tol)) return;
  linearMistake(ys, q, scale, layer, what);
  const r = ys.findIndex((v, i) => Math.abs(v - want[i]) > tol);
  fail(`${what}: y[${r}] is ${show(ys[r])} but acc × (xScale × s_W) + bias = ${show(want[r])} (acc = ${accumulators(q, layer)[r]}).`);
}

async function checkForward(ctx, seed, perChannel, ks) {
  const xs = ks.map((k) => input(ctx.lab, k));
  const { layers, core, float } = network(ctx.lab, seed, perChannel, xs);
  for (let j = 0; j < xs.length; j++) {
    const got = await ctx.call('forwardInt8', xs[j], layers);
    expectNumbers(got, 'forwardInt8(…)', 10);
    const ys = Array.from(got);
    const want = core[j];
    const top = Math.max(...want.map(Math.abs));
    // Your float64 arithmetic against the core's float32: equal to 1e-3 of the largest output (a level that rounds
    // the other way at a near-tie moves an output by less than that; float32 activations move it by about 2e-2).
    const tol = 1e-3 * top;
    if (ys.every((v, i) => Math.abs(v - want[i]) <= tol)) continue;
    const near = (ref) => ys.every((v, i) => Math.abs(v - ref[i]) <= tol);
    if (near(float[j])) fail('forwardInt8 gives the float32 network’s outputs: quantize each layer’s input with quantizeVector and use the int8 weights.', { cause: 'not-quantized' });
    const noRelu = (() => {
      let h = Float64Array.from(xs[j]);
      for (const layer of layers) {
        const v = quantizeVector(h);
        h = int8Linear(v.q, v.scale, layer);
      }
      return h;
    })();
    if (near(noRelu)) fail('forwardInt8 has no ReLU between the layers: after every layer but the last, h = max(0, h).', { cause: 'no-relu' });
    const reluLast = forwardInt8(xs[j], layers).map((v) => Math.max(0, v));
    if (near(reluLast)) fail('forwardInt8 applies ReLU after the last layer too: the 10 outputs are logits, and can be negative.', { cause: 'relu-last' });
    const once = (() => { // the input quantized once, the hidden layer's output not re-quantized
      const v = quantizeVector(xs[j]);
      const h = int8Linear(v.q, v.scale, layers[0]).map((u) => Math.max(0, u));
      const out = layers[1];
      return Float64Array.from({ length: out.out }, (_, r) => {
        let s = 0;
        for (let k = 0; k < out.in; k++) s += h[k] * out.q[r * out.in + k] * rowScale(out, r);
        return s + out.bias[r];
      });
    })();
    if (near(once)) fail('The second layer gets the hidden activations unquantized: quantize every layer’s input with its own scale (that is what makes it dynamic).', { cause: 'requantize' });
    const i = ys.findIndex((v, k) => Math.abs(v - want[k]) > tol);
    fail(`forwardInt8(input ${ks[j]})[${i}] is ${show(ys[i])} but the core's int8 network gives ${show(want[i])}.`);
  }
}

const tests = [
  { name: 'quantizeVector: input 0 (784 values) as int8, scale = max|x| / 127', run: (ctx) => checkQuantizeVector(ctx, input(ctx.lab)) },
  { name: 'quantizeVector of a zero vector: scale 0 and q all 0, no NaN', run: (ctx) => checkQuantizeVector(ctx, new Float32Array(16)) },
  { name: 'int8Linear: SimpleNet’s first layer (one weight scale), the int32 sums rescaled, plus the bias', run: (ctx) => checkLinear(ctx, 0, false, 0) },
  { name: 'int8Linear with one weight scale per output row (per channel)', run: (ctx) => checkLinear(ctx, 0, true, 1) },
  { name: 'forwardInt8 gives the core’s int8 outputs on input 0', run: (ctx) => checkForward(ctx, 0, false, [0]) },
  { hidden: true, name: 'Hidden: quantizeVector when the largest magnitude is negative', run: (ctx) => checkQuantizeVector(ctx, Float32Array.from([0.25, -2, 1.5, 0.125, -0.75])) },
  { hidden: true, name: 'Hidden: forwardInt8 on three more inputs, per channel, another network (seed 7)', run: (ctx) => checkForward(ctx, 7, true, [3, 4, 5]) },
];

export default {
  functions: ['quantizeVector', 'int8Linear', 'forwardInt8'],
  starter,
  solution,
  hints,
  tests,
  globals,
  cleanup,
};
