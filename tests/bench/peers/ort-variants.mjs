// Diagnostic, run by hand (not used by the benchmark or the tests): the variants of the onnxruntime-web peer
// side by side, timed in turn within each batch so that a busy machine slows them alike:
// fp32 as MatMul + Add or as Gemm (transB = 1), int8 per tensor or per channel, and graph optimization levels.
//
//   node tests/bench/peers/ort-variants.mjs [batches = 30]

import { buildFp32Model, buildIdentityModel, buildInt8DynamicModel, IN } from './onnx-simplenet.mjs';
import { loadOnnxRuntime } from './ort-simplenet.mjs';
import { makeInput, makeSimpleNetWeights } from './simplenet-reference.mjs';

const ort = await loadOnnxRuntime();
if (!ort) {
  console.log('onnxruntime-web is not installed: nothing to measure');
  process.exit(0);
}
ort.env.wasm.numThreads = 1;

const w = makeSimpleNetWeights(0);
const x = makeInput(1);
const variants = [
  ['fp32 MatMul+Add', buildFp32Model(w), 'all'],
  ['fp32 Gemm transB=1', buildFp32Model(w, { op: 'gemm' }), 'all'],
  ['fp32 MatMul+Add', buildFp32Model(w), 'extended'],
  ['fp32 MatMul+Add', buildFp32Model(w), 'basic'],
  ['fp32 MatMul+Add', buildFp32Model(w), 'disabled'],
  ['int8 per tensor', buildInt8DynamicModel(w), 'all'],
  ['int8 per channel', buildInt8DynamicModel(w, { perChannel: true }), 'all'],
  ['int8 per tensor', buildInt8DynamicModel(w), 'extended'],
  ['int8 per tensor', buildInt8DynamicModel(w), 'basic'],
  ['int8 per tensor', buildInt8DynamicModel(w), 'disabled'],
  [`Identity [1, ${IN}]`, buildIdentityModel(IN), 'all'],
  ['Identity [1, 10]', buildIdentityModel(10), 'all'],
];
const sessions = [];
const feeds = [];
for (const [name, bytes, graphOptimizationLevel] of variants) {
  sessions.push(await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel }));
  const n = name === 'Identity [1, 10]' ? 10 : IN;
  feeds.push({ input: new ort.Tensor('float32', x.slice(0, n), [1, n]) });
}
for (const [k, s] of sessions.entries()) for (let i = 0; i < 300; i++) await s.run(feeds[k]);

const batches = Number(process.argv[2] ?? 30);
const iterations = 200;
const us = sessions.map(() => []);
for (let b = 0; b < batches; b++) {
  for (const [k, s] of sessions.entries()) {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) await s.run(feeds[k]);
    us[k].push(((performance.now() - t0) * 1000) / iterations);
  }
}
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
console.log(`onnxruntime-web ${ort.env.versions.web}, 1 thread, batch 1; µs per session.run over ${batches} batches of ${iterations}`);
console.log(`${'model'.padEnd(22)}${'optimization'.padEnd(14)}${'median'.padStart(8)}${'min'.padStart(8)}`);
for (const [k, [name, , level]] of variants.entries()) {
  console.log(`${name.padEnd(22)}${level.padEnd(14)}${median(us[k]).toFixed(1).padStart(8)}${Math.min(...us[k]).toFixed(1).padStart(8)}`);
}
for (const s of sessions) await s.release();
