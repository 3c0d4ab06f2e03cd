// The onnxruntime-web peer of the SimpleNet benchmark: the same 784 -> 256 -> ReLU -> 10 MLP in fp32 and
// dynamically quantized to int8 (onnxruntime's quantize_dynamic graph), run by onnxruntime-web's WebAssembly
// backend in Node, single thread, SIMD, batch 1.
//
//   import { benchOnnxRuntime } from './tests/bench/peers/ort-simplenet.mjs';
//   const r = await benchOnnxRuntime({ fc1Weight, fc1Bias, fc2Weight, fc2Bias, input, warmup, iterations, batches });
//   if (r.skipped) console.log(`onnxruntime-web peer skipped: ${r.skipped}`);
//   else console.log(r.fp32.medianUs, r.int8.medianUs);
//
// onnxruntime-web is an optional dependency: when it is not installed the function resolves to
// { skipped: 'reason' } instead of throwing. Any other failure (a wrong output, an onnxruntime error) throws.
// Every model is validated against the plain-JS references of simplenet-reference.mjs before it is timed.
//
// Run directly (`node tests/bench/peers/ort-simplenet.mjs`) it makes nn.Linear-like weights, benchmarks them
// (warmup 200, 20 batches x 200 runs) and prints a table and the JSON result.

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildFp32Model, buildIdentityModel, buildInt8DynamicModel, IN, OPSET } from './onnx-simplenet.mjs';
import {
  argmax,
  emulateInt8DynamicForward,
  makeInput,
  makeSimpleNetWeights,
  maxAbsDiff,
  referenceForwardFp32,
} from './simplenet-reference.mjs';

// Tolerances of the checks made before timing: max |difference| over the 10 outputs must be at most
// TOLERANCE x max(1, max |fp32 reference output|), so that they also hold for trained weights with larger logits.
export const TOLERANCE = {
  // ORT fp32 vs the JS reference: float32 sums in another order; observed ~3e-7 on outputs of ~0.5.
  fp32: 1e-5,
  // ORT int8 vs the op-by-op JS emulation of the same graph: observed 0 (bit-exact); the bound leaves room for
  // a one-step difference in an activation's rounding (about x_scale * max|W|, < 1e-3 for SimpleNet).
  int8VsEmulation: 1e-3,
  // ORT int8 vs the fp32 reference: the quantization error itself, observed ~3e-3 to 8e-3 for nn.Linear-like
  // weights and MNIST-like inputs. A loose sanity bound: past it the graph is wrong, not merely quantized.
  int8VsFp32: 0.05,
};

const PACKAGE = 'onnxruntime-web';

// Resolves to the onnxruntime-web module, or to null when the package is not installed.
export async function loadOnnxRuntime() {
  try {
    return await import(PACKAGE);
  } catch (err) {
    if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes(PACKAGE)) return null;
    throw err;
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

function sessionOptions(graphOptimizationLevel) {
  return { executionProviders: ['wasm'], graphOptimizationLevel };
}

/** One batch-1 run of `session` on `input`: its output, copied out. */
export async function runOnce(ort, session, input) {
  const result = await session.run({ input: new ort.Tensor('float32', input, [1, input.length]) });
  return Float32Array.from(result.output.data);
}

// onnxruntime-web's wasm build writes the profile as JSON to stdout (fd 1) when the profiling ends; catch it.
function captureStdout(fn) {
  const original = fs.writeSync;
  let text = '';
  fs.writeSync = (fd, data, ...rest) => {
    if (fd === 1 && typeof data === 'string') {
      text += data;
      return data.length;
    }
    return original.call(fs, fd, data, ...rest);
  };
  try {
    fn();
  } finally {
    fs.writeSync = original;
  }
  return text;
}

// Runs a model `runs` times with onnxruntime's profiler on, and reads back which kernels ran (the graph after
// optimization) and onnxruntime's own time per run (model_run) and per kernel, as medians over the runs
// after the first. The profiler's own cost inflates these (by several µs per node): use them for shares and to
// see which ops ran, not as absolute times. Null when no profile could be read.
export async function profileModel(ort, bytes, input, { runs = 100, graphOptimizationLevel = 'all' } = {}) {
  const session = await ort.InferenceSession.create(bytes, { ...sessionOptions(graphOptimizationLevel), enableProfiling: true });
  try {
    const feeds = { input: new ort.Tensor('float32', input, [1, input.length]) };
    for (let i = 0; i < runs; i++) await session.run(feeds);
    const text = captureStdout(() => session.endProfiling());
    let events;
    try {
      events = JSON.parse(text);
    } catch {
      return null;
    }
    const ops = new Map(); // node name -> { op, provider, us: [] }
    const runUs = [];
    const kernelUs = [];
    let kernelSum = 0;
    for (const e of events) {
      if (e.cat === 'Node' && e.name.endsWith('_kernel_time')) {
        const name = e.name.slice(0, -'_kernel_time'.length);
        if (!ops.has(name)) ops.set(name, { node: name, op: e.args.op_name, provider: e.args.provider, us: [] });
        ops.get(name).us.push(e.dur);
        kernelSum += e.dur;
      } else if (e.cat === 'Session' && e.name === 'model_run') {
        runUs.push(e.dur);
        kernelUs.push(kernelSum);
        kernelSum = 0;
      }
    }
    return {
      nodes: [...ops.values()].map(({ node, op, provider, us }) => ({ node, op, provider, medianUs: median(us.slice(1)) })),
      modelRunUs: median(runUs.slice(1)),
      kernelsUs: median(kernelUs.slice(1)),
    };
  } finally {
    await session.release();
  }
}

function validate(weights, outputs) {
  const { fp32, int8, input, perChannel } = outputs;
  const ref = referenceForwardFp32(weights, input);
  const emulated = emulateInt8DynamicForward(weights, input, { perChannel });
  const v = {
    fp32MaxAbsDiffVsReference: maxAbsDiff(fp32, ref),
    int8MaxAbsDiffVsEmulation: maxAbsDiff(int8, emulated),
    int8MaxAbsDiffVsFp32: maxAbsDiff(int8, ref),
  };
  const scale = Math.max(1, ...ref.map(Math.abs));
  const check = (what, got, tol) => {
    if (!(got <= tol * scale)) {
      throw new Error(`onnxruntime-web ${what}: max |diff| ${got} is over the tolerance ${tol} x ${scale}`);
    }
  };
  check('fp32 output vs the JS reference', v.fp32MaxAbsDiffVsReference, TOLERANCE.fp32);
  check('int8 output vs the JS emulation of its graph', v.int8MaxAbsDiffVsEmulation, TOLERANCE.int8VsEmulation);
  check('int8 output vs the fp32 reference', v.int8MaxAbsDiffVsFp32, TOLERANCE.int8VsFp32);
  return v;
}

// Opens the validated sessions, for a harness that times batches itself (e.g. interleaved with other peers).
// Resolves to null when onnxruntime-web is not installed. Options: see benchOnnxRuntime. Returns
//   { ort, version, names: ['fp32', 'int8', 'identity'?], models: {name: Uint8Array}, outputs: {name: Float32Array},
//     validation, timeBatch(name, iterations) -> Promise<µs per session.run on `input`>, release() }
// Every session has been checked against the JS references (see TOLERANCE) before this resolves.
export async function openOrtSimpleNet({
  fc1Weight,
  fc1Bias,
  fc2Weight,
  fc2Bias,
  input,
  fp32Op = 'matmul',
  perChannel = false,
  graphOptimizationLevel = 'all',
  checkInputs = 4,
  overhead = true,
}) {
  const ort = await loadOnnxRuntime();
  if (!ort) return null;
  if (!(input instanceof Float32Array) || input.length !== IN) {
    throw new Error(`input must be a Float32Array(${IN}) (batch 1), got ${input?.constructor?.name}(${input?.length})`);
  }
  ort.env.wasm.numThreads = 1; // before the first session: the wasm runtime starts with this many threads
  ort.env.wasm.simd = true; // fail rather than run without SIMD (1.30 ships only SIMD builds anyway)
  ort.env.wasm.proxy = false; // run in this thread, not in a worker

  const weights = { fc1Weight, fc1Bias, fc2Weight, fc2Bias };
  const models = {
    fp32: buildFp32Model(weights, { op: fp32Op }),
    int8: buildInt8DynamicModel(weights, { perChannel }),
  };
  if (overhead) models.identity = buildIdentityModel(IN);
  const sessions = {};
  const release = async () => {
    for (const s of Object.values(sessions)) await s.release();
  };
  try {
    for (const [name, bytes] of Object.entries(models)) {
      sessions[name] = await ort.InferenceSession.create(bytes, sessionOptions(graphOptimizationLevel));
    }
    // Correctness first: the given input, then a few random ones for the int8-vs-fp32 statistics.
    const outputs = {};
    for (const name of Object.keys(models)) outputs[name] = await runOnce(ort, sessions[name], input);
    if (overhead && maxAbsDiff(outputs.identity, input) !== 0) throw new Error('onnxruntime-web Identity changed its input');
    const validation = validate(weights, { ...outputs, input, perChannel });
    let argmaxAgree = Number(argmax(outputs.fp32) === argmax(outputs.int8));
    let worst = validation.int8MaxAbsDiffVsFp32;
    for (let s = 0; s < checkInputs; s++) {
      const x = makeInput(1000 + s);
      const fp32 = await runOnce(ort, sessions.fp32, x);
      const int8 = await runOnce(ort, sessions.int8, x);
      worst = Math.max(worst, validate(weights, { fp32, int8, input: x, perChannel }).int8MaxAbsDiffVsFp32);
      argmaxAgree += Number(argmax(fp32) === argmax(int8));
    }
    Object.assign(validation, {
      inputs: 1 + checkInputs,
      int8MaxAbsDiffVsFp32AllInputs: worst,
      int8ArgmaxAgreesWithFp32: `${argmaxAgree}/${1 + checkInputs}`,
      tolerance: TOLERANCE,
    });

    const feeds = { input: new ort.Tensor('float32', input, [1, IN]) };
    const timeBatch = async (name, iterations) => {
      const session = sessions[name];
      const t0 = performance.now();
      for (let i = 0; i < iterations; i++) await session.run(feeds);
      return ((performance.now() - t0) * 1000) / iterations;
    };
    const version = ort.env.versions?.web ?? 'unknown';
    return { ort, version, names: Object.keys(models), models, outputs, validation, timeBatch, release };
  } catch (err) {
    await release();
    throw err;
  }
}

// The benchmark. Weights in PyTorch nn.Linear layout (Float32Array), input a Float32Array(784) (batch 1).
// Resolves to { skipped: 'reason' } when onnxruntime-web is not installed; throws on any other failure.
// µs per batch-1 session.run: median and min over `batches` batches of `iterations` calls, after `warmup`
// calls of each model; the models are timed in turn within each batch (round robin), so that the drifts of a
// shared machine hit them alike. Options past the required ones:
//   fp32Op: 'matmul' (MatMul + Add, default) or 'gemm' (Gemm, transB = 1)
//   perChannel: int8 weights with one scale per output feature instead of one per tensor (default false)
//   graphOptimizationLevel: onnxruntime's 'disabled' | 'basic' | 'extended' | 'all' (default 'all')
//   checkInputs: how many extra random inputs the int8-vs-fp32 comparison uses (default 4)
//   profile: read the optimized graph and onnxruntime's own run time with its profiler (default true)
//   overhead: also time an Identity graph [1, 784] -> [1, 784], the cost of a session.run alone (default true)
export async function benchOnnxRuntime({ warmup = 200, iterations = 200, batches = 20, profile = true, ...options }) {
  const { fp32Op = 'matmul', perChannel = false, graphOptimizationLevel = 'all', overhead = true } = options;
  const peer = await openOrtSimpleNet(options);
  if (!peer) return { skipped: `${PACKAGE} is not installed (an optional dependency of the benchmark: run npm ci)` };
  const { ort, names, models, outputs, validation, timeBatch } = peer;
  try {
    const us = Object.fromEntries(names.map((name) => [name, []]));
    for (const name of names) await timeBatch(name, warmup);
    for (let b = 0; b < batches; b++) for (const name of names) us[name].push(await timeBatch(name, iterations));
    const timed = (name) => ({ medianUs: median(us[name]), minUs: Math.min(...us[name]) });

    const v = validation;
    const result = {
      version: peer.version,
      fp32: { ...timed('fp32'), output: outputs.fp32, graph: fp32Op === 'gemm' ? 'Gemm(transB=1) -> Relu -> Gemm(transB=1)' : 'MatMul+Add -> Relu -> MatMul+Add' },
      int8: { ...timed('int8'), output: outputs.int8, graph: `quantize_dynamic, ${perChannel ? 'per-channel' : 'per-tensor'} symmetric int8 weights` },
      config: {
        executionProvider: 'wasm',
        numThreads: ort.env.wasm.numThreads,
        simd: true,
        graphOptimizationLevel,
        opset: OPSET,
        warmup,
        iterations,
        batches,
      },
      validation,
      notes: [
        `onnxruntime-web ${peer.version} (wasm backend, ort-wasm-simd-threaded.wasm) in Node ${process.versions.node}, 1 thread, SIMD, proxy off`,
        `µs per batch-1 session.run, median (and min) over ${batches} batches of ${iterations} calls after ${warmup} warm-up calls; the models are timed in turn within each batch`,
        "each session.run includes onnxruntime-web's JS side: copying the input into the wasm heap, the run, copying the output out into a new tensor",
        `checked before timing (max |diff|; tolerance x max(1, max |output|)): fp32 vs JS reference ${v.fp32MaxAbsDiffVsReference.toExponential(2)} (tol ${TOLERANCE.fp32}); ` +
          `int8 vs JS emulation of its graph ${v.int8MaxAbsDiffVsEmulation.toExponential(2)} (tol ${TOLERANCE.int8VsEmulation}); ` +
          `int8 vs fp32 ${v.int8MaxAbsDiffVsFp32AllInputs.toExponential(2)} over ${v.inputs} inputs (tol ${TOLERANCE.int8VsFp32}), argmax agrees ${v.int8ArgmaxAgreesWithFp32}`,
      ],
    };
    if (overhead) result.identity = { ...timed('identity'), graph: `Identity [1, ${IN}] (the cost of a session.run without compute)` };
    if (profile) {
      for (const name of names) {
        const p = await profileModel(ort, models[name], options.input, { graphOptimizationLevel });
        if (!p) {
          result.notes.push(`${name}: the profile could not be read`);
          continue;
        }
        result[name].profile = p;
        result.notes.push(
          `${name} after graph optimization ('${graphOptimizationLevel}'): ${p.nodes.map((n) => n.op).join(' -> ')}; ` +
            `onnxruntime's model_run ${p.modelRunUs} µs, kernels ${p.kernelsUs} µs (profiled, median)`,
        );
      }
      result.notes.push("the profiler's own cost inflates its times (model_run, kernels): use them for shares, not as absolute times");
    }
    if (overhead) {
      for (const name of ['fp32', 'int8']) {
        const share = (100 * result.identity.medianUs) / result[name].medianUs;
        result.notes.push(
          `${name}: ~${result.identity.medianUs.toFixed(1)} of ${result[name].medianUs.toFixed(1)} µs per run (${share.toFixed(0)}%) ` +
            `is the per-call overhead an Identity graph also pays; the rest, ~${(result[name].medianUs - result.identity.medianUs).toFixed(1)} µs, is compute`,
        );
      }
    }
    return result;
  } finally {
    await peer.release();
  }
}

// ---------------------------------------------------------------------------------------------------------
// CLI

function printTable(r) {
  const rows = [
    ['fp32', r.fp32],
    ['int8 dynamic', r.int8],
  ];
  if (r.identity) rows.push(['identity (overhead)', r.identity]);
  const pad = (s, n) => String(s).padEnd(n);
  const lpad = (s, n) => String(s).padStart(n);
  console.log(`onnxruntime-web ${r.version}, ${r.config.numThreads} thread, SIMD, graph optimization '${r.config.graphOptimizationLevel}', Node ${process.versions.node}`);
  console.log(`${pad('model', 22)}${lpad('median µs', 11)}${lpad('min µs', 9)}${lpad('ORT run µs', 12)}${lpad('kernels µs', 12)}  ops after optimization (profiled µs)`);
  for (const [name, m] of rows) {
    const p = m.profile;
    console.log(
      pad(name, 22) +
        lpad(m.medianUs.toFixed(1), 11) +
        lpad(m.minUs.toFixed(1), 9) +
        lpad(p ? p.modelRunUs : '-', 12) +
        lpad(p ? p.kernelsUs : '-', 12) +
        '  ' +
        (p ? p.nodes.map((n) => `${n.op} ${n.medianUs}`).join(', ') : m.graph),
    );
  }
  console.log(`int8 / fp32 speed-up: ${(r.fp32.medianUs / r.int8.medianUs).toFixed(2)}x`);
  console.log(`fp32 output: ${Array.from(r.fp32.output, (v) => v.toFixed(4)).join(' ')}`);
  console.log(`int8 output: ${Array.from(r.int8.output, (v) => v.toFixed(4)).join(' ')}`);
  for (const n of r.notes) console.log(`- ${n}`);
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const weights = makeSimpleNetWeights(0);
  const input = makeInput(1);
  const r = await benchOnnxRuntime({ ...weights, input, warmup: 200, iterations: 200, batches: 20 });
  if (r.skipped) {
    console.log(`onnxruntime-web peer skipped: ${r.skipped}`);
  } else {
    printTable(r);
    const json = JSON.stringify(r, (k, v) => (v instanceof Float32Array ? Array.from(v) : v), 2);
    console.log(json);
  }
}

