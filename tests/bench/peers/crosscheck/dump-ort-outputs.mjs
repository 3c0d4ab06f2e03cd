// One-off cross-check, step 1 of 2 (not part of the tests): writes the ONNX models of onnx-simplenet.mjs, the
// weights, a few inputs and onnxruntime-web's outputs for them to a folder, for check-with-numpy.py to verify
// with an independent NumPy implementation of the ONNX ops (and with PyTorch).
//
//   node tests/bench/peers/crosscheck/dump-ort-outputs.mjs [folder = /tmp/ort-crosscheck]
import fs from 'node:fs';
import path from 'node:path';
import { buildFp32Model, buildInt8DynamicModel } from '../onnx-simplenet.mjs';
import { loadOnnxRuntime } from '../ort-simplenet.mjs';
import { makeInput, makeSimpleNetWeights } from '../simplenet-reference.mjs';

const dir = process.argv[2] ?? '/tmp/ort-crosscheck';
fs.mkdirSync(dir, { recursive: true });
const ort = await loadOnnxRuntime();
if (!ort) throw new Error('onnxruntime-web is not installed');
ort.env.wasm.numThreads = 1;

const weights = makeSimpleNetWeights(0);
const inputs = Array.from({ length: 8 }, (_, i) => makeInput(1 + i));
const models = {
  fp32_matmul: buildFp32Model(weights),
  fp32_gemm: buildFp32Model(weights, { op: 'gemm' }),
  int8_per_tensor: buildInt8DynamicModel(weights),
  int8_per_channel: buildInt8DynamicModel(weights, { perChannel: true }),
};
const outputs = {};
for (const [name, bytes] of Object.entries(models)) {
  fs.writeFileSync(path.join(dir, `${name}.onnx`), bytes);
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  outputs[name] = [];
  for (const x of inputs) {
    const r = await session.run({ input: new ort.Tensor('float32', x, [1, x.length]) });
    outputs[name].push(Array.from(r.output.data));
  }
  await session.release();
}
const list = (a) => Array.from(a);
const data = {
  version: ort.env.versions.web,
  weights: Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, list(v)])),
  inputs: inputs.map(list),
  outputs,
};
fs.writeFileSync(path.join(dir, 'data.json'), JSON.stringify(data));
console.log(`wrote ${Object.keys(models).length} models and data.json to ${dir}`);
