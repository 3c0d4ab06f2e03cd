// Exercise 4, learner mode: the notebook's tasks on SimpleNet (quantize it dynamically, compare the file sizes,
// time the forward passes) plus the agreement of the two networks. The models live in WebAssembly; the code gets
// createSimpleNet, quantizeDynamic and now() as globals, and every model it or the checks create is freed after a
// Run or a Check (cleanup).
import { AGREEMENT_INPUT_SEED as INPUTS_SEED, agreementInputs, measureAgreement } from '../../../quantlab/agreement.js';
import { expectNumber, fail } from '../../checks/expect.js';

let created = [];

/** The model functions the learner's code may call, each model remembered so that cleanup() can free it. */
function globals(lab) {
  const track = (model) => {
    created.push(model);
    return model;
  };
  return {
    createSimpleNet: (seed = 0) => track(lab.createSimpleNet(seed)),
    quantizeDynamic: (model, options) => track(lab.quantizeDynamic(model, options)),
    now: () => performance.now(),
  };
}

function cleanup() {
  for (const model of created) model.delete();
  created = [];
}

const GIVEN = `// Given (from the WebAssembly core):
//   createSimpleNet(seed)              the float32 SimpleNet: 784 -> 256 -> ReLU -> 10
//   quantizeDynamic(model, {perChannel})  its dynamically quantized int8 copy
//   model.forward(x)                   10 outputs (Float32Array) for 784 inputs
//   model.serialize()                  the model file's bytes (Uint8Array)
//   now()                              milliseconds, like performance.now()
//   randn(seed, n)                     np.random.seed(seed); np.random.randn(n)
`;

const DEMO = `const model = createSimpleNet(0);
const quantized = quantizeModel(model, false);
const sizes = modelSizes(model, quantized);
console.log('sizes (bytes):', sizes);

const inputs = [];
for (let k = 0; k < 20; k++) inputs.push(Float32Array.from(randn(${INPUTS_SEED} + k, 784)));
console.log('agreement on 20 inputs:', agreement(model, quantized, inputs));

const x = inputs[0];
console.log('µs per forward, float32:', timeForward(model, x, 200));
console.log('µs per forward, int8:   ', timeForward(quantized, x, 200));
`;

const starter = `// Exercise 4: quantize SimpleNet dynamically to int8, then compare size, agreement and speed.
${GIVEN}
// The int8 copy of a float32 model (the notebook: torch.quantization.quantize_dynamic).
function quantizeModel(model, perChannel) {
  // TODO 1: quantize the model dynamically to int8, one scale per tensor or per output channel.
  return null;
}

// {fp32Bytes, int8Bytes, ratio}: the size of each model file, and how many times smaller the int8 one is.
function modelSizes(fp32, int8) {
  // TODO 2: the notebook saves each model to a buffer and reads its length; here, serialize() gives the bytes.
  return { fp32Bytes: 0, int8Bytes: 0, ratio: 0 };
}

// {maxAbsDiff, argmaxAgree}: the largest |float32 − int8| over every output of every input, and on how many
// inputs the two models pick the same top class (the index of the largest output).
function agreement(fp32, int8, inputs) {
  // TODO 3: run both models on every input and compare.
  return { maxAbsDiff: 0, argmaxAgree: 0 };
}

// Microseconds per forward pass of model on x, timed over \`runs\` calls.
function timeForward(model, x, runs) {
  // TODO 4: warm up first (the notebook runs 100 forward passes), then time runs calls with now().
  return 0;
}

${DEMO}`;

const solution = `// Exercise 4: quantize SimpleNet dynamically to int8, then compare size, agreement and speed (reference solution).
${GIVEN}
function quantizeModel(model, perChannel) {
  return quantizeDynamic(model, { perChannel });
}

function modelSizes(fp32, int8) {
  const fp32Bytes = fp32.serialize().length;
  const int8Bytes = int8.serialize().length;
  return { fp32Bytes, int8Bytes, ratio: fp32Bytes / int8Bytes };
}

function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

function agreement(fp32, int8, inputs) {
  let maxAbsDiff = 0;
  let argmaxAgree = 0;
  for (const x of inputs) {
    const a = fp32.forward(x);
    const b = int8.forward(x);
    for (let i = 0; i < a.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a[i] - b[i]));
    if (argmax(a) === argmax(b)) argmaxAgree += 1;
  }
  return { maxAbsDiff, argmaxAgree };
}

function timeForward(model, x, runs) {
  for (let i = 0; i < 100; i++) model.forward(x);  // warm-up: V8 optimizes WebAssembly between calls
  const start = now();
  for (let i = 0; i < runs; i++) model.forward(x);
  return ((now() - start) * 1000) / runs;
}

${DEMO}`;

const hints = [
  'quantizeModel is one call: quantizeDynamic(model, { perChannel }). It returns a new model; the float one is unchanged.',
  'A model file’s size is the length of its bytes: fp32.serialize().length. The ratio divides the float32 size by the int8 size, so it is larger than 1 (about 4).',
  'For agreement, run fp32.forward(x) and int8.forward(x) on each input; keep the largest Math.abs(a[i] − b[i]) and count the inputs where the index of the largest output is the same.',
  'Time with now() around a loop of runs forward passes, after a warm-up loop; now() gives milliseconds, so µs per pass = (end − start) × 1000 / runs.',
];

// ---- checks ----

const isModel = (m) => m !== null && typeof m === 'object' && typeof m.forward === 'function' && typeof m.kind === 'string';

async function checkQuantized(ctx, seed, perChannel) {
  const fp32 = globals(ctx.lab).createSimpleNet(seed);
  const got = await ctx.call('quantizeModel', fp32, perChannel);
  if (got === null || got === undefined) fail(`quantizeModel returned ${got}: return the int8 model, quantizeDynamic(model, { perChannel }).`);
  if (!isModel(got)) fail('quantizeModel should return a model (what quantizeDynamic returns).');
  if (got === fp32 || got.kind === 'fp32') fail('quantizeModel returned a float32 model: return the int8 copy that quantizeDynamic makes.');
  if (got.perChannel !== perChannel) {
    fail(`the model has ${got.perChannel ? 'one scale per output channel' : 'one scale per tensor'}, but perChannel was ${perChannel}: pass { perChannel } to quantizeDynamic.`);
  }
  const want = globals(ctx.lab).quantizeDynamic(fp32, { perChannel });
  const [x] = agreementInputs(ctx.lab, 1);
  const a = got.forward(x);
  const b = want.forward(x);
  if (a.some((v, i) => v !== b[i])) fail('the int8 model’s outputs differ from quantizeDynamic’s on the same input.');
  return '';
}

async function checkSizes(ctx, perChannel) {
  const track = globals(ctx.lab);
  const fp32 = track.createSimpleNet(0);
  const int8 = track.quantizeDynamic(fp32, { perChannel });
  const got = await ctx.call('modelSizes', fp32, int8);
  if (got === null || typeof got !== 'object') fail(`modelSizes returned ${got}: return { fp32Bytes, int8Bytes, ratio }.`);
  const want = { fp32Bytes: fp32.serialize().length, int8Bytes: int8.serialize().length };
  for (const key of ['fp32Bytes', 'int8Bytes']) {
    expectNumber(got[key], key);
    if (got[key] === want[key]) continue;
    if (got[key] === 0) fail(`${key} is 0: measure the model file, serialize().length.`);
    const weights = fp32.layerSizes.slice(1).reduce((sum, out, l) => sum + fp32.layerSizes[l] * out, 0);
    if (got[key] === weights) fail(`${key} is ${got[key]}, the number of weights: count the bytes of the file (serialize().length), ${want[key]}.`);
    fail(`${key} is ${got[key]}, but the file has ${want[key]} bytes (serialize().length).`);
  }
  const ratio = want.fp32Bytes / want.int8Bytes;
  expectNumber(got.ratio, 'ratio');
  if (Math.abs(got.ratio * ratio - 1) < 1e-9) fail(`ratio is ${got.ratio.toFixed(3)}, below 1: divide the float32 size by the int8 size (about ${ratio.toFixed(2)}).`);
  if (Math.abs(got.ratio - ratio) > 1e-12 * ratio) fail(`ratio is ${got.ratio}, but ${want.fp32Bytes} / ${want.int8Bytes} = ${ratio}.`);
  return '';
}

async function checkAgreement(ctx, seed, count) {
  const track = globals(ctx.lab);
  const fp32 = track.createSimpleNet(seed);
  const int8 = track.quantizeDynamic(fp32);
  const inputSeed = INPUTS_SEED + 500 * seed;
  const inputs = agreementInputs(ctx.lab, count, { seed: inputSeed });
  // Both orders: |a − b| is symmetric, so a signed difference shows up in one of them.
  for (const [first, second] of [[fp32, int8], [int8, fp32]]) {
    const got = await ctx.call('agreement', first, second, inputs);
    if (got === null || typeof got !== 'object') fail(`agreement returned ${got}: return { maxAbsDiff, argmaxAgree }.`);
    const want = measureAgreement(ctx.lab, first, second, { count, seed: inputSeed });
    expectNumber(got.maxAbsDiff, 'maxAbsDiff');
    expectNumber(got.argmaxAgree, 'argmaxAgree');
    if (got.maxAbsDiff !== want.maxAbsDiff) {
      if (got.maxAbsDiff === want.maxSignedDiff) {
        fail('maxAbsDiff is the largest signed difference: take Math.abs(a[i] − b[i]), the int8 output can be above or below.');
      }
      if (got.maxAbsDiff === 0) fail(`maxAbsDiff is 0, but the outputs differ by up to ${want.maxAbsDiff}: compare every output of every input.`);
      fail(`maxAbsDiff is ${got.maxAbsDiff}, but the largest |float32 − int8| over the ${count} inputs is ${want.maxAbsDiff}.`);
    }
    if (got.argmaxAgree !== want.argmaxAgree) {
      if (Math.abs(got.argmaxAgree * count - want.argmaxAgree) < 1e-9) fail(`argmaxAgree is ${got.argmaxAgree}, a fraction: count the inputs (${want.argmaxAgree} of ${count}).`);
      fail(`argmaxAgree is ${got.argmaxAgree}, but the top class is the same on ${want.argmaxAgree} of the ${count} inputs: compare the index of the largest output, not the value.`);
    }
  }
  return '';
}

async function checkTiming(ctx, runs) {
  const track = globals(ctx.lab);
  const int8 = track.quantizeDynamic(track.createSimpleNet(0));
  // The model crosses into the learner's realm wrapped so that its forward calls are counted there (checks/run.js).
  const watched = ctx.observe(int8);
  const { calls } = watched;
  const [x] = agreementInputs(ctx.lab, 1);
  const got = await ctx.call('timeForward', watched, x, runs);
  expectNumber(got, `timeForward(model, x, ${runs})`);
  if (calls.count < runs) fail(`forward ran ${calls.count} times: time ${runs} calls (the third argument).`);
  if (calls.count === runs) {
    fail('forward ran exactly runs times: warm up first. V8 compiles WebAssembly in tiers and swaps in the optimized code between calls, so the first calls are slow; run a few dozen before starting the clock, as the notebook does.');
  }
  if (!(got > 0)) fail(`timeForward returned ${got}: return the microseconds per forward pass, (end − start) × 1000 / runs.`);
  const average = ((calls.last - calls.first) * 1000) / calls.count;  // µs per call, warm-up included
  if (got < average / 50) fail(`${got.toPrecision(3)} µs per pass looks ${got * 1000 < average * 20 ? 'like milliseconds' : 'too small'}: now() counts milliseconds, so multiply by 1000, and divide by runs.`);
  if (got > average * 50) fail(`${got.toPrecision(3)} µs per pass is far more than the calls took: divide the total by runs.`);
  return '';
}

const tests = [
  { name: 'quantizeModel(SimpleNet(0), false) is its int8 copy, one scale per tensor', run: (ctx) => checkQuantized(ctx, 0, false) },
  { name: 'quantizeModel(model, true) keeps one scale per output channel', run: (ctx) => checkQuantized(ctx, 0, true) },
  { name: 'modelSizes: 814,172 bytes in float32, 204,388 in int8, 3.98× smaller', run: (ctx) => checkSizes(ctx, false) },
  { name: 'agreement on 10 inputs: the largest |float32 − int8| and the top-class count', run: (ctx) => checkAgreement(ctx, 0, 10) },
  // 200 runs take a millisecond or more: a worker's now() moves in steps of 100 µs, and a run of a few hundred µs
  // could read as 0 on a fast machine and fail a correct solution.
  { name: 'timeForward warms up, then times runs calls, in µs per pass', run: (ctx) => checkTiming(ctx, 200) },
  { hidden: true, name: 'Hidden: modelSizes with one scale per channel (205,444 bytes)', run: (ctx) => checkSizes(ctx, true) },
  { hidden: true, name: 'Hidden: agreement on 30 inputs of another network (seed 7)', run: (ctx) => checkAgreement(ctx, 7, 30) },
  { hidden: true, name: 'Hidden: quantizeModel of another network (seed 3)', run: (ctx) => checkQuantized(ctx, 3, false) },
];

export default {
  functions: ['quantizeModel', 'modelSizes', 'agreement', 'timeForward'],
  starter,
  solution,
  hints,
  tests,
  globals,
  cleanup,
};
