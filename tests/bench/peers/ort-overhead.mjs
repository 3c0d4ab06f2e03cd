// Diagnostic, run by hand (not used by the benchmark or the tests): where does a batch-1 session.run of
// onnxruntime-web spend its time? It times, for an Identity graph, SimpleNet fp32 and SimpleNet int8:
//   - the whole `await session.run(feeds)`, as the benchmark does;
//   - the time inside onnxruntime's C entry point OrtRun (the graph execution: InferenceSession::Run).
// The difference is onnxruntime-web's JS side: checking the feeds, creating the input tensor in the wasm heap
// (malloc + copy + OrtCreateTensor), run options, reading the output back into a new JS tensor, freeing.
//
// To see inside OrtRun it wraps that wasm export, whose minified name it reads from onnxruntime-web's own
// Emscripten glue (the `_OrtRun=c.XX` assignment), by patching WebAssembly.instantiate before onnxruntime-web
// is loaded. That ties it to the glue's layout: it stops with a message if it does not find the export.
//
//   node tests/bench/peers/ort-overhead.mjs

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildFp32Model, buildIdentityModel, buildInt8DynamicModel, IN } from './onnx-simplenet.mjs';
import { makeInput, makeSimpleNetWeights } from './simplenet-reference.mjs';

let glue;
try {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-web');
  glue = fs.readFileSync(path.join(path.dirname(entry), 'ort-wasm-simd-threaded.mjs'), 'utf8');
} catch {
  console.log('onnxruntime-web is not installed: nothing to measure');
  process.exit(0);
}
const exportName = glue.match(/_OrtRun=\w+\.(\w+)[;,]/)?.[1];
if (!exportName) throw new Error('could not find the OrtRun export in onnxruntime-web\'s glue code');

let insideMs = 0;
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async (...args) => {
  const result = await instantiate(...args);
  const run = result.instance?.exports?.[exportName];
  if (typeof run !== 'function') return result;
  const exports = { ...result.instance.exports };
  exports[exportName] = (...a) => {
    const t0 = performance.now();
    try {
      return run(...a);
    } finally {
      insideMs += performance.now() - t0;
    }
  };
  return { module: result.module, instance: { exports } };
};

const ort = await import('onnxruntime-web');
ort.env.wasm.numThreads = 1;
const weights = makeSimpleNetWeights(0);
const models = [
  ['identity', buildIdentityModel(IN)],
  ['fp32', buildFp32Model(weights)],
  ['int8', buildInt8DynamicModel(weights)],
];
const feeds = { input: new ort.Tensor('float32', makeInput(1), [1, IN]) };
const sessions = [];
for (const [, bytes] of models) sessions.push(await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] }));
for (const s of sessions) for (let i = 0; i < 1000; i++) await s.run(feeds);

const batches = 20;
const iterations = 300;
const rows = sessions.map(() => []);
for (let b = 0; b < batches; b++) {
  for (const [k, s] of sessions.entries()) {
    insideMs = 0;
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) await s.run(feeds);
    const total = ((performance.now() - t0) * 1000) / iterations;
    const inside = (insideMs * 1000) / iterations;
    rows[k].push({ total, inside });
  }
}
console.log(`onnxruntime-web ${ort.env.versions.web}, 1 thread, batch 1; medians over ${batches} batches of ${iterations} runs (µs per run)`);
console.log('model       session.run   inside OrtRun   outside (JS side)');
for (const [k, [name]] of models.entries()) {
  const r = rows[k].sort((a, b) => a.total - b.total)[rows[k].length >> 1]; // the batch with the median total
  console.log(
    `${name.padEnd(12)}${r.total.toFixed(1).padStart(11)}${r.inside.toFixed(1).padStart(16)}${(r.total - r.inside).toFixed(1).padStart(20)}`,
  );
}
for (const s of sessions) await s.release();
