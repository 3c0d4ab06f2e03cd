// The onnxruntime-web peer of the benchmark (tests/bench/peers/): the ONNX models built in JS must give the
// outputs of the plain-JS references. Skipped, with the reason, when the optional onnxruntime-web is missing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildFp32Model,
  buildIdentityModel,
  buildInt8DynamicModel,
  quantizeWeightSymmetric,
  roundHalfEven,
} from '../bench/peers/onnx-simplenet.mjs';
import { benchOnnxRuntime, loadOnnxRuntime, openOrtSimpleNet, profileModel, runOnce, TOLERANCE } from '../bench/peers/ort-simplenet.mjs';
import {
  emulateInt8DynamicForward,
  makeInput,
  makeSimpleNetWeights,
  maxAbsDiff,
  referenceForwardFp32,
} from '../bench/peers/simplenet-reference.mjs';

const ort = await loadOnnxRuntime();
const skip = ort ? false : 'onnxruntime-web is not installed (optional dependency): npm ci installs it';
if (ort) ort.env.wasm.numThreads = 1;

// The outputs of a model for each of the inputs xs (one session).
async function runAll(bytes, xs) {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    const ys = [];
    for (const x of xs) ys.push(await runOnce(ort, session, x));
    return ys;
  } finally {
    await session.release();
  }
}

test('weights are quantized like quantize_dynamic: symmetric int8, max|w| / 127, round half to even', () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(roundHalfEven), [0, 2, 2, -0, -2, -2, 2, -3]);
  // wT is [in = 2, out = 3]
  const wT = Float32Array.from([0.5, -1, 0.25, -0.254, 0.002, 0.1]);
  const t = quantizeWeightSymmetric(wT, 2, 3);
  assert.deepEqual(Array.from(t.scales), [Math.fround(1 / 127)]);
  assert.deepEqual(Array.from(t.q), [64, -127, 32, -32, 0, 13]);
  const c = quantizeWeightSymmetric(wT, 2, 3, true); // one scale per output column
  assert.deepEqual(Array.from(c.scales), [0.5, 1, 0.25].map((m) => Math.fround(m / 127)));
  assert.deepEqual(Array.from(c.q), [127, -127, 127, -65, 0, 51]);
});

test('the ONNX builders reject weights of the wrong size', () => {
  const w = makeSimpleNetWeights(3);
  assert.throws(() => buildFp32Model({ ...w, fc1Bias: new Float32Array(10) }), /fc1Bias must have 256 values/);
  assert.throws(() => buildFp32Model(w, { op: 'conv' }), /op must be 'matmul' or 'gemm'/);
});

test('ORT fp32 (MatMul+Add and Gemm) matches the JS reference', { skip }, async () => {
  const w = makeSimpleNetWeights(7);
  const xs = [makeInput(11), makeInput(12)];
  for (const op of ['matmul', 'gemm']) {
    const ys = await runAll(buildFp32Model(w, { op }), xs);
    xs.forEach((x, i) => {
      const d = maxAbsDiff(ys[i], referenceForwardFp32(w, x));
      assert.ok(d <= TOLERANCE.fp32, `${op}: max |diff| ${d} > ${TOLERANCE.fp32}`);
    });
  }
});

test('ORT int8 dynamic (per tensor, per channel) matches the JS emulation and is close to fp32', { skip }, async () => {
  const w = makeSimpleNetWeights(8);
  const xs = [makeInput(21), makeInput(22)];
  for (const perChannel of [false, true]) {
    const ys = await runAll(buildInt8DynamicModel(w, { perChannel }), xs);
    xs.forEach((x, i) => {
      const dEmu = maxAbsDiff(ys[i], emulateInt8DynamicForward(w, x, { perChannel }));
      const dRef = maxAbsDiff(ys[i], referenceForwardFp32(w, x));
      assert.ok(dEmu <= TOLERANCE.int8VsEmulation, `perChannel ${perChannel}: vs emulation ${dEmu}`);
      assert.ok(dRef <= TOLERANCE.int8VsFp32, `perChannel ${perChannel}: vs fp32 ${dRef}`);
      assert.ok(dRef > 0, 'the int8 output should differ from fp32 a little: is the graph really quantized?');
    });
  }
});

test('ORT Identity returns its input', { skip }, async () => {
  const x = makeInput(5);
  const [y] = await runAll(buildIdentityModel(x.length), [x]);
  assert.deepEqual(Array.from(y), Array.from(x));
});

test('benchOnnxRuntime returns the documented shape (tiny run)', { skip }, async () => {
  const w = makeSimpleNetWeights(9);
  const input = makeInput(9);
  const r = await benchOnnxRuntime({ ...w, input, warmup: 2, iterations: 3, batches: 2, checkInputs: 1, profile: false });
  assert.equal(r.version, '1.30.0');
  for (const k of ['fp32', 'int8', 'identity']) {
    assert.ok(r[k].medianUs > 0 && r[k].minUs > 0 && r[k].minUs <= r[k].medianUs, `${k} timings`);
  }
  assert.ok(r.fp32.output instanceof Float32Array && r.fp32.output.length === 10);
  assert.ok(r.int8.output instanceof Float32Array && r.int8.output.length === 10);
  assert.ok(maxAbsDiff(r.fp32.output, referenceForwardFp32(w, input)) <= TOLERANCE.fp32);
  assert.equal(r.config.numThreads, 1);
  assert.ok(Array.isArray(r.notes) && r.notes.length > 0);
});

test("the graphs after onnxruntime's optimization, read from its profiler (version pinned)", { skip }, async () => {
  const w = makeSimpleNetWeights(12);
  const input = makeInput(12);
  const ops = async (bytes) => (await profileModel(ort, bytes, input, { runs: 3 })).nodes.map((n) => n.op);
  assert.deepEqual(await ops(buildFp32Model(w)), ['FusedGemm', 'Gemm']);
  assert.deepEqual(await ops(buildInt8DynamicModel(w)), ['DynamicQuantizeMatMul', 'Relu', 'DynamicQuantizeMatMul']);
});

test('benchOnnxRuntime rejects an input that is not a Float32Array(784)', { skip }, async () => {
  const w = makeSimpleNetWeights(9);
  await assert.rejects(benchOnnxRuntime({ ...w, input: new Float32Array(10) }), /input must be a Float32Array\(784\)/);
});

test('openOrtSimpleNet gives validated sessions that a harness can time itself', { skip }, async () => {
  const w = makeSimpleNetWeights(10);
  const input = makeInput(10);
  const peer = await openOrtSimpleNet({ ...w, input, checkInputs: 0, overhead: false });
  try {
    assert.deepEqual(peer.names, ['fp32', 'int8']);
    assert.ok(peer.validation.fp32MaxAbsDiffVsReference <= TOLERANCE.fp32);
    assert.ok(maxAbsDiff(peer.outputs.int8, emulateInt8DynamicForward(w, input)) <= TOLERANCE.int8VsEmulation);
    for (const name of peer.names) assert.ok((await peer.timeBatch(name, 3)) > 0);
  } finally {
    await peer.release();
  }
});

test('a model whose output is off the reference throws instead of being timed', { skip }, async () => {
  const w = makeSimpleNetWeights(11);
  w.fc2Bias[3] = NaN; // NaN outputs: no tolerance accepts them
  await assert.rejects(benchOnnxRuntime({ ...w, input: makeInput(11), warmup: 1, iterations: 1, batches: 1 }), /over the tolerance/);
});
