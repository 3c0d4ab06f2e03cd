// QuantLab's JavaScript API: a thin, idiomatic wrapper over the Embind module (cpp/bindings).
//
//   import { createQuantLab } from './quantlab.js';
//   const lab = await createQuantLab();            // {simd: 'auto' | true | false}
//   const { q, scale } = lab.symmetricQuantize([0.247, -0.103], 8);
//
// Works in browsers, Web Workers and Node 20. Every method checks its arguments and throws an Error whose
// message names the problem; the C++ core's own messages come through unchanged.
import { describe } from './describe.js';
import { timeBatches } from './timing.js';

// The timing schedule (timing.js) is part of the API.
export { timeInterleaved, timeInterleavedAsync } from './timing.js';

// A minimal module whose only function uses a SIMD128 instruction (i32.const 0; i8x16.splat): it validates
// exactly when the engine supports WebAssembly SIMD. Exported for the tests only.
export const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, //       type section: () -> v128
  0x03, 0x02, 0x01, 0x00, //                         function section: one function of type 0
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x0b, // code: i32.const 0, i8x16.splat, end
]);

/** True when this JavaScript engine can run the WebAssembly SIMD128 build. */
export function wasmSimdSupported() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

// Compiles a build's .wasm beside this file: streamed in browsers and workers, read from disk in Node (Emscripten
// 3.1.6 would fetch() a file path there).
async function compileModule(name) {
  const url = new URL(`./${name}.wasm`, import.meta.url);
  if (isNode) {
    const fsModule = 'node:fs/promises';
    const { readFile } = await import(/* @vite-ignore */ fsModule);
    return WebAssembly.compile(await readFile(url));
  }
  if (typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(fetch(url, { credentials: 'same-origin' }));
    } catch {
      // e.g. a host that does not send application/wasm: compile from the bytes below
    }
  }
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${name}.wasm could not be loaded: HTTP ${response.status}`);
  return WebAssembly.compile(await response.arrayBuffer());
}

// The Emscripten module of a build, instantiated from `wasmModule` (compiled here when not given): Emscripten
// calls instantiateWasm instead of fetching and compiling the .wasm itself.
async function loadModule(simd, wasmModule) {
  const name = simd ? 'quantlab-simd' : 'quantlab-scalar';
  const [factory, compiled] = await Promise.all([
    (simd ? import('./quantlab-simd.mjs') : import('./quantlab-scalar.mjs')).then((m) => m.default),
    wasmModule ?? compileModule(name),
  ]);
  let failed;
  const instantiationFailed = new Promise((_, reject) => { failed = reject; });
  const module = await Promise.race([instantiationFailed, factory({
    instantiateWasm(imports, receive) {
      WebAssembly.instantiate(compiled, imports).then((instance) => receive(instance, compiled), failed);
      return {};
    },
  })]);
  return { module, compiled };
}

/**
 * Loads the WebAssembly core and returns the API.
 * @param {{simd?: 'auto' | boolean, wasmModule?: WebAssembly.Module}} [options] wasmModule: the compiled module of
 *   another instance (its `wasmModule`, e.g. posted to a worker), instantiated instead of fetching and compiling
 *   the .wasm again; `simd` must then say which build it is (true or false).
 */
export async function createQuantLab(options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('createQuantLab options must be an object such as {simd: "auto"}');
  }
  const requested = options.simd ?? 'auto';
  if (requested !== 'auto' && requested !== true && requested !== false) {
    throw new TypeError(`options.simd must be 'auto', true or false, got ${describe(requested)}`);
  }
  if (typeof WebAssembly !== 'object') {
    throw new Error('this browser has no WebAssembly support: QuantLab needs a browser from 2017 or later');
  }
  const supported = wasmSimdSupported();
  if (requested === true && !supported) {
    throw new Error('this JavaScript engine has no WebAssembly SIMD: use {simd: false} or {simd: "auto"}');
  }
  const { wasmModule } = options;
  if (wasmModule !== undefined) {
    if (!(wasmModule instanceof WebAssembly.Module)) throw new TypeError(`options.wasmModule must be a WebAssembly.Module, got ${describe(wasmModule)}`);
    if (requested === 'auto') throw new TypeError('options.wasmModule needs options.simd: true for the SIMD build\'s module, false for the scalar one');
  }
  const simd = requested === 'auto' ? supported : requested;
  const { module, compiled } = await loadModule(simd, wasmModule);
  return new QuantLab(module, simd, compiled);
}

const TYPED_ARRAYS = [Float64Array, Float32Array, Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array];
const isTypedArray = (v) => TYPED_ARRAYS.some((T) => v instanceof T);

// Arrays of numbers pass through as typed arrays (the bindings copy them in with one bulk set()).
function numbers(value, name) {
  if (value instanceof Float64Array || value instanceof Float32Array) return value;
  if (isTypedArray(value)) return Float64Array.from(value);
  if (!Array.isArray(value)) {
    throw new TypeError(`${name} must be an array or typed array of numbers, got ${describe(value)}`);
  }
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'number') {
      throw new TypeError(`${name}[${i}] is not a number (got ${describe(value[i])})`);
    }
  }
  return Float64Array.from(value);
}

function integers(value, name) {
  if (isTypedArray(value) && !(value instanceof Float64Array || value instanceof Float32Array)) return value;
  const arr = numbers(value, name);
  for (let i = 0; i < arr.length; i++) {
    if (!Number.isInteger(arr[i])) throw new TypeError(`${name}[${i}] must be an integer, got ${arr[i]}`);
  }
  return arr;
}

function float32s(value, name) {
  if (value instanceof Float32Array) return value;
  return Float32Array.from(numbers(value, name));
}

function bytes(value, name) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`${name} must be a Uint8Array or an ArrayBuffer, got ${describe(value)}`);
}

function number(value, name) {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${describe(value)}`);
  return value;
}

// The bindings return a JS Error object instead of throwing through WebAssembly frames.
function unwrap(result) {
  if (result instanceof Error) {
    Error.captureStackTrace?.(result, unwrap);
    throw result;
  }
  return result;
}

/** A multilayer perceptron living in WebAssembly memory. Call delete() when done with it. */
class Model {
  #handle;
  #lab;

  constructor(handle, lab) {
    this.#handle = handle;
    this.#lab = lab;
    const info = handle.info();
    /** 'fp32' or 'int8' */
    this.kind = info.kind;
    /** int8 models: true when every output channel has its own weight scale */
    this.perChannel = info.perChannel;
    /** [inputs, hidden..., outputs], e.g. [784, 256, 10] */
    this.layerSizes = Array.from(info.layerSizes);
    /** Size of serialize()'s bytes */
    this.sizeBytes = info.sizeBytes;
    Object.freeze(this.layerSizes);
  }

  get inputSize() { return this.layerSizes[0]; }
  get outputSize() { return this.layerSizes[this.layerSizes.length - 1]; }
  get deleted() { return this.#handle === null; }

  /** Internal: the Embind handle, checked to be alive and to belong to `lab`. */
  handleFor(lab) {
    if (this.#handle === null) throw new Error('this model was deleted: create or load it again');
    if (lab !== this.#lab) throw new Error('this model belongs to another QuantLab instance: move it with serialize() and loadModel()');
    return this.#handle;
  }

  /** Outputs for x: inputSize values (batch 1) or a multiple of it (a batch, row after row). */
  forward(x, { kernels = 'auto' } = {}) {
    return unwrap(this.handleFor(this.#lab).forward(float32s(x, 'x'), kernels));
  }

  /** The model file (docs/model-format.md) as bytes. */
  serialize() {
    return unwrap(this.handleFor(this.#lab).serialize());
  }

  /** Frees the WebAssembly memory. Safe to call twice. */
  delete() {
    if (this.#handle === null) return;
    this.#handle.delete();
    this.#handle = null;
  }
}

class QuantLab {
  #m;

  constructor(module, simd, wasmModule) {
    this.#m = module;
    /** True when the WebAssembly SIMD128 build is in use. */
    this.simd = simd;
    /** The compiled WebAssembly module: post it to a worker and pass it to createQuantLab there ({simd, wasmModule}). */
    this.wasmModule = wasmModule;
    /** The kernel set forward() uses by default: 'wasmsimd' or 'scalar'. */
    this.kernels = module.buildInfo().kernels;
  }

  /** The notebook's SimpleNet, 784 -> 256 -> ReLU -> 10 in fp32, initialised like nn.Linear from `seed`. */
  createSimpleNet(seed = 0) {
    return new Model(unwrap(this.#m.createSimpleNet(number(seed, 'seed'))), this);
  }

  /** int8 weights (per tensor, or per output channel), fp32 biases, activations quantized per call. */
  quantizeDynamic(model, { perChannel = false } = {}) {
    if (!(model instanceof Model)) throw new TypeError(`model must be a Model, got ${describe(model)}`);
    if (typeof perChannel !== 'boolean') throw new TypeError(`perChannel must be true or false, got ${describe(perChannel)}`);
    return new Model(unwrap(model.handleFor(this).quantizeDynamic(perChannel)), this);
  }

  /** A model from serialize()'s bytes; throws (and changes nothing) on a truncated, corrupt or unknown file. */
  loadModel(data) {
    return new Model(unwrap(this.#m.loadModel(bytes(data, 'data'))), this);
  }

  /**
   * Times forward passes inside WebAssembly: warm-up, then `batches` batches of about `batchMs` each.
   * Returns {medianUs, minUs, maxUs, samplesUs, iterations, batches, kernels, batch} (µs per forward).
   */
  benchmark(model, { kernels = 'auto', batch = 1, input, ...timing } = {}) {
    const run = this.forwardTimer(model, { kernels, batch, input });
    return { ...timeBatches(run, timing), kernels: kernels === 'auto' ? this.kernels : kernels, batch: run.batch };
  }

  /**
   * A function run(iterations) that runs `iterations` forward passes inside WebAssembly and returns the
   * elapsed microseconds: what benchmark() times, for timeInterleaved() with other runs.
   */
  forwardTimer(model, { kernels = 'auto', batch = 1, input } = {}) {
    if (!(model instanceof Model)) throw new TypeError(`model must be a Model, got ${describe(model)}`);
    const handle = model.handleFor(this);
    const x = input === undefined
      ? Float32Array.from(this.randn(0, number(batch, 'batch') * model.inputSize))
      : float32s(input, 'input');
    const run = (iterations) => unwrap(handle.timeForward(x, kernels, iterations));
    run.batch = x.length / model.inputSize;
    return run;
  }

  /** Times C[m x n] = A[m x k] . B[n x k]^T; returns the timing plus `gmacs` (10^9 multiply-adds per second). */
  benchmarkGemm({ dtype = 'int8', m = 256, n = 256, k = 784, kernels = 'auto', ...timing } = {}) {
    const result = timeBatches(this.gemmTimer({ dtype, m, n, k, kernels }), timing);
    return { ...result, dtype, m, n, k, kernels, gmacs: (m * n * k) / result.medianUs / 1e3 };
  }

  /** run(iterations) -> elapsed µs of that many GEMMs on seeded random data (for timeInterleaved). */
  gemmTimer({ dtype = 'int8', m = 256, n = 256, k = 784, kernels = 'auto' } = {}) {
    return (iterations) => unwrap(this.#m.timeGemm(dtype, m, n, k, kernels, iterations));
  }

  /**
   * The throughput of i32x4.dot_i16x8_s in a register-only loop: a reference for the int8 GEMM, not a bound (an
   * engine may run the GEMM faster than this probe).
   */
  measureDotPeak(timing = {}) {
    const run = this.dotPeakTimer();
    const result = timeBatches(run, timing);
    return { ...result, gmacs: run.macsPerIteration / result.medianUs / 1e3 };
  }

  /** run(units) -> elapsed µs of units x 1000 probe iterations; run.macsPerIteration is per unit. */
  dotPeakTimer() {
    const run = (units) => unwrap(this.#m.timeDotPeak(units * 1000));
    run.macsPerIteration = 1000 * this.#m.buildInfo().dotPeakMacsPerIteration;
    return run;
  }

  /** WebAssembly memory in use: {heapBytes: the linear memory's size, allocatedBytes: bytes malloc holds}. */
  memoryStats() {
    return { heapBytes: this.#m.HEAP8.length, allocatedBytes: this.#m.allocatedBytes() };
  }

  /** NumPy's legacy `np.random.seed(seed); np.random.randn(n)`, bit for bit. */
  randn(seed, n) {
    return unwrap(this.#m.randn(number(seed, 'seed'), number(n, 'n')));
  }

  /** NumPy's legacy `np.random.seed(seed); np.random.rand(n)`, bit for bit. */
  rand(seed, n) {
    return unwrap(this.#m.rand(number(seed, 'seed'), number(n, 'n')));
  }

  /** Symmetric per-tensor quantization: {q, scale, bits, qmax, allZero}. q is Int8Array up to 8 bits, else Int16Array. */
  symmetricQuantize(x, bits = 8) {
    return unwrap(this.#m.symmetricQuantize(numbers(x, 'x'), number(bits, 'bits')));
  }

  /** NumPy's `q.astype(np.float32) * scale`: a Float32Array. */
  symmetricDequantize(q, scale) {
    return unwrap(this.#m.symmetricDequantize(integers(q, 'q'), number(scale, 'scale')));
  }

  /** `q * scale` in float64 (the notebook's exercise 3). */
  symmetricDequantizeF64(q, scale) {
    return unwrap(this.#m.symmetricDequantizeF64(integers(q, 'q'), number(scale, 'scale')));
  }

  /** One symmetric scale per row of a row-major rows x cols matrix: {q, scales, rows, cols, bits, qmax, zeroRows}. */
  perChannelQuantize(w, rows, cols, bits = 8) {
    return unwrap(this.#m.perChannelQuantize(numbers(w, 'w'), number(rows, 'rows'), number(cols, 'cols'), number(bits, 'bits')));
  }

  /** NumPy's `q.astype(np.float32) * scales[:, None]` (float64). */
  perChannelDequantize(q, scales, rows, cols) {
    return unwrap(this.#m.perChannelDequantize(integers(q, 'q'), numbers(scales, 'scales'), number(rows, 'rows'), number(cols, 'cols')));
  }

  /** Asymmetric quantization to [0, 2^bits - 1] with a zero point: {q, scale, zeroPoint, bits, qmax, allZero}. */
  affineQuantize(x, bits = 8) {
    return unwrap(this.#m.affineQuantize(numbers(x, 'x'), number(bits, 'bits')));
  }

  /** `(q - zeroPoint) * scale` in float64. */
  affineDequantize(q, scale, zeroPoint) {
    return unwrap(this.#m.affineDequantize(integers(q, 'q'), number(scale, 'scale'), number(zeroPoint, 'zeroPoint')));
  }

  /** One scale and zero point per row: {q, scales, zeroPoints, rows, cols, bits, qmax, zeroRows}. */
  affinePerChannelQuantize(w, rows, cols, bits = 8) {
    return unwrap(this.#m.affinePerChannelQuantize(numbers(w, 'w'), number(rows, 'rows'), number(cols, 'cols'), number(bits, 'bits')));
  }

  affinePerChannelDequantize(q, scales, zeroPoints, rows, cols) {
    return unwrap(this.#m.affinePerChannelDequantize(integers(q, 'q'), numbers(scales, 'scales'),
      integers(zeroPoints, 'zeroPoints'), number(rows, 'rows'), number(cols, 'cols')));
  }

  /** {mse, maxAbs, sqnrDb, signalPower}; sqnrDb is Infinity when the reconstruction is exact. */
  errorStats(x, recovered) {
    return unwrap(this.#m.errorStats(numbers(x, 'x'), numbers(recovered, 'recovered')));
  }

  /** errorStats for every row of a rows x cols matrix. */
  perChannelErrorStats(x, recovered, rows, cols) {
    return unwrap(this.#m.perChannelErrorStats(numbers(x, 'x'), numbers(recovered, 'recovered'), number(rows, 'rows'), number(cols, 'cols')));
  }

  /** The notebook's exercise-3 error: MSE of the float64 symmetric round trip. */
  quantizationMse(x, bits = 8) {
    return unwrap(this.#m.quantizationMse(numbers(x, 'x'), number(bits, 'bits')));
  }

  /** [{bits, scale, mse, maxAbs, sqnrDb, signalPower}] for every bit width from minBits to maxBits. */
  errorVsBits(x, minBits = 2, maxBits = 8) {
    return unwrap(this.#m.errorVsBits(numbers(x, 'x'), number(minBits, 'minBits'), number(maxBits, 'maxBits')));
  }
}
