// QuantLab's JavaScript API: a thin, idiomatic wrapper over the Embind module (cpp/bindings).
//
//   import { createQuantLab } from './quantlab.js';
//   const lab = await createQuantLab();            // {simd: 'auto' | true | false}
//   const { q, scale } = lab.symmetricQuantize([0.247, -0.103], 8);
//
// Works in browsers, Web Workers and Node 20. Every method checks its arguments and throws an Error whose
// message names the problem; the C++ core's own messages come through unchanged.

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

async function loadModule(simd) {
  const name = simd ? 'quantlab-simd' : 'quantlab-scalar';
  const factory = simd
    ? (await import('./quantlab-simd.mjs')).default
    : (await import('./quantlab-scalar.mjs')).default;
  const options = {};
  if (isNode) {
    // Emscripten 3.1.6 would fetch() a file path under Node: hand it the bytes instead.
    const fsModule = 'node:fs/promises';
    const { readFile } = await import(/* @vite-ignore */ fsModule);
    options.wasmBinary = await readFile(new URL(`./${name}.wasm`, import.meta.url));
  }
  return factory(options);
}

/**
 * Loads the WebAssembly core and returns the API.
 * @param {{simd?: 'auto' | boolean}} [options]
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
  const simd = requested === 'auto' ? supported : requested;
  return new QuantLab(await loadModule(simd), simd);
}

function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const name = value.constructor?.name;
  if (!name || name === 'Object') return 'an object';
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
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

const now = () => performance.now();

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// Times several `run(iterations)` functions (each returns the elapsed microseconds it measured itself, e.g.
// inside WebAssembly) the way V8 and browsers need. For each run: the iteration count doubles until one call
// takes >= 2 ms (page clocks are coarsened to 100 µs), then calls repeat until `warmupMs` has passed (V8 swaps
// in optimized code only between calls). When optimized code arrives during the warm-up and a call drops below
// 2 ms again, the count doubles again: a call read on a coarse clock must stay long enough to measure (a call
// of 200 µs can read as 0 µs on a jittered 100 µs clock). Then `batches` rounds, each timing every run once for
// about `batchMs`, round-robin, so a machine that slows down for a while slows all of them alike and the ratios
// stay honest. Returns {id: {medianUs, minUs, maxUs, samplesUs, iterations, batches}} in µs per iteration.
// The schedule, as a generator: it yields [id, iterations] and is sent back the microseconds measured, so one
// schedule drives both synchronous runs (timeInterleaved) and runs that return promises (timeInterleavedAsync).
const MIN_CALL_US = 2000;
const MAX_ITERATIONS = 1e8;

function checkTimingOptions({ warmupMs, batches, batchMs }) {
  if (!Number.isInteger(batches) || batches < 1 || batches > 1000) {
    throw new RangeError(`batches must be an integer from 1 to 1000, got ${describe(batches)}`);
  }
  if (typeof warmupMs !== 'number' || !(warmupMs >= 0 && warmupMs <= 60000)) {
    throw new RangeError(`warmupMs must be a number from 0 to 60000, got ${describe(warmupMs)}`);
  }
  if (typeof batchMs !== 'number' || !(batchMs > 0 && batchMs <= 60000)) {
    throw new RangeError(`batchMs must be a number above 0 and at most 60000, got ${describe(batchMs)}`);
  }
}

function microseconds(id, us) {
  if (typeof us === 'number' && us >= 0 && us < Infinity) return us;
  throw new RangeError(`the timing of '${id}' returned ${describe(us)}, not a number of microseconds`);
}

function* calibrate(id, warmupMs) {
  const start = now();
  let n = 1;
  let perIteration = Infinity;
  for (;;) {
    const us = microseconds(id, yield [id, n]);
    const readable = us >= MIN_CALL_US || n >= MAX_ITERATIONS;
    if (readable) perIteration = Math.min(perIteration, us / n);
    else n = Math.min(n * 2, MAX_ITERATIONS);
    if (readable && now() - start >= warmupMs) break;
  }
  if (perIteration === 0) {
    throw new RangeError(`the clock did not advance while '${id}' ran ${n} times: it cannot be timed here`);
  }
  return perIteration;
}

function* interleavedSchedule(ids, { warmupMs = 150, batches = 15, batchMs = 25, onProgress } = {}) {
  checkTimingOptions({ warmupMs, batches, batchMs });
  const iterations = {};
  for (const id of ids) {
    const perIteration = yield* calibrate(id, warmupMs);
    iterations[id] = Math.min(MAX_ITERATIONS, Math.max(1, Math.ceil((batchMs * 1000) / perIteration)));
  }
  const samples = Object.fromEntries(ids.map((id) => [id, []]));
  let done = 0;
  for (let b = 0; b < batches; b++) {
    for (const id of ids) {
      samples[id].push(microseconds(id, yield [id, iterations[id]]) / iterations[id]);
      onProgress?.(++done, batches * ids.length, id);
    }
  }
  return Object.fromEntries(ids.map((id) => [id, {
    medianUs: median(samples[id]),
    minUs: Math.min(...samples[id]),
    maxUs: Math.max(...samples[id]),
    samplesUs: samples[id],
    iterations: iterations[id],
    batches,
  }]));
}

export function timeInterleaved(runs, options) {
  const schedule = interleavedSchedule(Object.keys(runs), options);
  let step = schedule.next();
  while (!step.done) step = schedule.next(runs[step.value[0]](step.value[1]));
  return step.value;
}

/** timeInterleaved for runs that may return a Promise of the microseconds (e.g. another runtime's session.run). */
export async function timeInterleavedAsync(runs, options) {
  const schedule = interleavedSchedule(Object.keys(runs), options);
  let step = schedule.next();
  while (!step.done) step = schedule.next(await runs[step.value[0]](step.value[1]));
  return step.value;
}

const timeBatches = (run, options) => timeInterleaved({ run }, options).run;

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

  constructor(module, simd) {
    this.#m = module;
    /** True when the WebAssembly SIMD128 build is in use. */
    this.simd = simd;
    /** The kernel set forward() uses by default: 'wasmsimd' or 'scalar'. */
    this.kernels = module.buildInfo().kernels;
    LOW_BIT_MODULES.set(this, module);
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

  /** The throughput of i32x4.dot_i16x8_s in a register-only loop: the ceiling for the int8 GEMM. */
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

// ---- Weights below 8 bits (issue 13): group-wise quantization, int4 bytes, NF4, sizes, GPTQ, AWQ ----
// Installed on QuantLab.prototype; the Embind module comes from LOW_BIT_MODULES (filled by the constructor).

const LOW_BIT_MODULES = new WeakMap();

// groupSize: 'tensor', 'channel' or a whole number of weights per scale along a row.
function groupSpec(groupSize) {
  if (groupSize === 'tensor' || groupSize === 'channel') return [groupSize, 0];
  if (typeof groupSize === 'number' && Number.isInteger(groupSize) && groupSize >= 1) return ['group', groupSize];
  throw new TypeError(`groupSize must be 'tensor', 'channel' or a whole number >= 1, got ${describe(groupSize)}`);
}

function options(value, name) {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object of options, got ${describe(value)}`);
  }
  return value;
}

function callback(value, name) {
  if (value !== undefined && typeof value !== 'function') throw new TypeError(`${name} must be a function, got ${describe(value)}`);
  return value;
}

function withGroupSize(result) {
  const { groupKind, group, ...rest } = result;
  return { ...rest, groupSize: groupKind === 'group' ? group : groupKind };
}

const HESSIAN_CHUNK = 256; // calibration examples per progress report while H accumulates

const lowBitMethods = {
  /**
   * Symmetric quantization with a scale per group of `groupSize` consecutive weights of a row ('channel': one per
   * row, 'tensor': one in all): {q, scales, rows, cols, bits, qmax, groupSize, groupLength, zeroGroups}.
   */
  groupQuantize(w, rows, cols, opts) {
    const { bits = 4, groupSize = 'channel' } = options(opts, 'options');
    const [kind, size] = groupSpec(groupSize);
    const m = LOW_BIT_MODULES.get(this);
    return withGroupSize(unwrap(m.groupQuantize(numbers(w, 'w'), number(rows, 'rows'), number(cols, 'cols'), number(bits, 'bits'), kind, size)));
  },

  /** q x scale (float64), each weight with its group's scale. */
  groupDequantize(q, scales, rows, cols, opts) {
    const { groupSize = 'channel' } = options(opts, 'options');
    const [kind, size] = groupSpec(groupSize);
    return unwrap(LOW_BIT_MODULES.get(this).groupDequantize(integers(q, 'q'), numbers(scales, 'scales'),
      number(rows, 'rows'), number(cols, 'cols'), kind, size));
  },

  /** Two 4-bit values per byte: element 2i in the low nibble, 2i+1 in the high nibble, two's complement in [-8, 7]. */
  packInt4(q) {
    return unwrap(LOW_BIT_MODULES.get(this).packInt4(integers(q, 'q')));
  },

  /** The first `count` values (default: two per byte) of packInt4's bytes, as an Int8Array. */
  unpackInt4(packed, count) {
    const data = bytes(packed, 'packed');
    return unwrap(LOW_BIT_MODULES.get(this).unpackInt4(data, count === undefined ? 2 * data.length : number(count, 'count')));
  },

  /** QLoRA's 16 NF4 levels (Float32Array, -1 ... 0 ... 1), derived from normal quantiles. */
  nf4Codebook() {
    return LOW_BIT_MODULES.get(this).nf4Codebook();
  },

  /** NF4: per block of `blockSize` weights of a row, absmax and the nearest level's code: {codes, absmax, rows, cols, blockSize, blocksPerRow}. */
  nf4Quantize(w, rows, cols, opts) {
    const { blockSize = 64 } = options(opts, 'options');
    return unwrap(LOW_BIT_MODULES.get(this).nf4Quantize(numbers(w, 'w'), number(rows, 'rows'), number(cols, 'cols'), number(blockSize, 'blockSize')));
  },

  /** codebook[code] x absmax (float64). */
  nf4Dequantize(codes, absmax, rows, cols, opts) {
    const { blockSize = 64 } = options(opts, 'options');
    return unwrap(LOW_BIT_MODULES.get(this).nf4Dequantize(integers(codes, 'codes'), numbers(absmax, 'absmax'),
      number(rows, 'rows'), number(cols, 'cols'), number(blockSize, 'blockSize')));
  },

  /**
   * Bytes a rows x cols weight matrix takes: values bit-packed (rows rounded up to whole bytes) plus float32
   * scales (format 'int') or absmax values (format 'nf4'): {weightBytes, scaleBytes, totalBytes, bitsPerWeight}.
   */
  quantizedSize(rows, cols, opts) {
    const { format = 'int', bits = 4, groupSize = 'channel', blockSize = 64 } = options(opts, 'options');
    const m = LOW_BIT_MODULES.get(this);
    if (format === 'nf4') return unwrap(m.nf4ByteCost(number(rows, 'rows'), number(cols, 'cols'), number(blockSize, 'blockSize')));
    if (format !== 'int') throw new TypeError(`format must be 'int' or 'nf4', got ${describe(format)}`);
    const [kind, size] = groupSpec(groupSize);
    return unwrap(m.groupByteCost(number(rows, 'rows'), number(cols, 'cols'), number(bits, 'bits'), kind, size));
  },

  /** H = 2 X^T X (Float64Array, cols x cols) of calibration inputs given as rows of `cols` values. */
  layerHessian(inputs, cols, opts) {
    const { onProgress } = options(opts, 'options');
    return accumulateHessian(LOW_BIT_MODULES.get(this), float32s(inputs, 'inputs'), number(cols, 'cols'),
      callback(onProgress, 'onProgress'), 0, 0);
  },

  /**
   * What GPTQ does to H before quantizing: dead inputs (diagonal 0) get 1, damp x mean(diag H) is added to the
   * diagonal, then U with H^-1 = U^T U. {factor (cols x cols, upper), dead (Uint8Array), deadInputs, damping}.
   */
  gptqInverseCholesky(hessian, cols, opts) {
    const { damp = 0.01 } = options(opts, 'options');
    return unwrap(LOW_BIT_MODULES.get(this).inverseCholesky(numbers(hessian, 'hessian'), number(cols, 'cols'), number(damp, 'damp')));
  },

  /**
   * GPTQ for one layer (rows x cols weights) from its calibration inputs (`inputs`, rows of `cols` values) or
   * their Hessian (`hessian`, 2 X^T X). onProgress({stage, done, total}) after every step: 'hessian' (256
   * examples), 'factor', 'columns' (one block). Returns groupQuantize's fields plus {dequantized, deadInputs,
   * damping, blockSize}.
   */
  gptq(w, rows, cols, opts) {
    const { inputs, hessian, bits = 4, groupSize = 'channel', damp = 0.01, blockSize = 128, onProgress } = options(opts, 'options');
    const progress = callback(onProgress, 'onProgress');
    if ((inputs === undefined) === (hessian === undefined)) {
      throw new TypeError('gptq needs exactly one of options.inputs (calibration inputs) and options.hessian (2 X^T X)');
    }
    const m = LOW_BIT_MODULES.get(this);
    const c = number(cols, 'cols');
    const weights = numbers(w, 'w');
    const [kind, size] = groupSpec(groupSize);
    // Steps: the Hessian's chunks, the factorization, one per block of columns (rounded up to whole groups).
    const block = kind === 'group' && size < c ? Math.ceil(blockSize / size) * size : blockSize;
    const x = inputs === undefined ? null : float32s(inputs, 'inputs');
    let done = x ? Math.ceil(x.length / c / HESSIAN_CHUNK) : 0;
    let total = done + 1 + Math.ceil(c / block);
    const h = x ? accumulateHessian(m, x, c, progress, 0, total) : numbers(hessian, 'hessian');
    const handle = unwrap(m.createGptq(weights, number(rows, 'rows'), c, h, number(bits, 'bits'), kind, size,
      number(damp, 'damp'), number(blockSize, 'blockSize')));
    try {
      total = done + handle.stepsTotal();
      for (let more = true; more;) {
        more = unwrap(handle.step());
        done += 1;
        progress?.({ stage: handle.stepsDone() === 1 ? 'factor' : 'columns', done, total });
      }
      return withGroupSize(unwrap(handle.result()));
    } finally {
      handle.delete();
    }
  },

  /**
   * AWQ for one layer: input scales s = mean|x|^alpha, W^ = Q(W diag(s)) diag(1/s), alpha searched on `alphas`
   * (default 0, 0.05, ..., 1) by the calibration error. Returns groupQuantize's fields (of W diag(s)) plus
   * {alpha, inputScales, dequantized, alphas, errors}. `hessian` (2 X^T X), when given, is not recomputed.
   * onProgress({stage, done, total}) after every step: 'hessian' (256 examples, unless given), 'alpha' (one each).
   */
  awq(w, rows, cols, inputs, opts) {
    const { bits = 4, groupSize = 'channel', alphas = [], hessian, onProgress } = options(opts, 'options');
    const progress = callback(onProgress, 'onProgress');
    const [kind, size] = groupSpec(groupSize);
    const m = LOW_BIT_MODULES.get(this);
    const c = number(cols, 'cols');
    const x = float32s(inputs, 'inputs');
    const grid = numbers(alphas, 'alphas');
    let done = hessian === undefined ? Math.ceil(x.length / c / HESSIAN_CHUNK) : 0;
    let total = done + (grid.length || 21);
    const h = hessian === undefined ? accumulateHessian(m, x, c, progress, 0, total) : numbers(hessian, 'hessian');
    const handle = unwrap(m.createAwq(numbers(w, 'w'), number(rows, 'rows'), c, x, number(bits, 'bits'), kind, size, grid, h));
    try {
      total = done + handle.stepsTotal();
      for (let more = true; more;) {
        more = unwrap(handle.step());
        progress?.({ stage: 'alpha', done: ++done, total });
      }
      return withGroupSize(unwrap(handle.result()));
    } finally {
      handle.delete();
    }
  },

  /** ||W X^T - W^ X^T||^2 over the calibration inputs, from `inputs` or from `hessian` (2 X^T X). */
  reconstructionError(w, wHat, rows, cols, opts) {
    const { inputs, hessian } = options(opts, 'options');
    if ((inputs === undefined) === (hessian === undefined)) {
      throw new TypeError('reconstructionError needs exactly one of options.inputs and options.hessian');
    }
    const m = LOW_BIT_MODULES.get(this);
    const args = [numbers(w, 'w'), numbers(wHat, 'wHat'), number(rows, 'rows'), number(cols, 'cols')];
    return unwrap(inputs === undefined
      ? m.reconstructionErrorHessian(...args, numbers(hessian, 'hessian'))
      : m.reconstructionError(...args, float32s(inputs, 'inputs')));
  },
};

// H from x in chunks of HESSIAN_CHUNK examples, reporting progress as steps `offset + 1 ... offset + chunks` of `total`.
function accumulateHessian(m, x, cols, onProgress, offset, total) {
  const handle = unwrap(m.createHessian(cols));
  try {
    const step = HESSIAN_CHUNK * cols;
    if (x.length === 0 || x.length % cols !== 0) unwrap(handle.add(x)); // the core's message
    const chunks = Math.ceil(x.length / step);
    for (let i = 0; i < chunks; i++) {
      unwrap(handle.add(x.subarray(i * step, (i + 1) * step)));
      onProgress?.({ stage: 'hessian', done: offset + i + 1, total: total || chunks });
    }
    return unwrap(handle.hessian());
  } finally {
    handle.delete();
  }
}

for (const [name, method] of Object.entries(lowBitMethods)) {
  Object.defineProperty(QuantLab.prototype, name, { value: method, writable: true, configurable: true });
}
