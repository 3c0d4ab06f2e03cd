// QuantLab's JavaScript API: a thin, idiomatic wrapper over the Embind module (cpp/bindings).
//
//   import { createQuantLab } from './quantlab.js';
//   const lab = await createQuantLab();            // {simd: 'auto' | true | false, module: 'full' | 'data' | 'core'}
//   const { q, scale } = lab.symmetricQuantize([0.247, -0.103], 8);
//
// Works in browsers, Web Workers and Node 20. Every method checks its arguments and throws an Error whose
// message names the problem; the C++ core's own messages come through unchanged.
import { checkOptionNames, describe, optionsOf } from './describe.js';
import { TIMING_OPTIONS, checkTimingOptions, timeBatches } from './timing.js';

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

/**
 * The WebAssembly modules, smallest first. Each is a link of the same core with a subset of the bindings
 * (cpp/bindings/CMakeLists.txt) and holds every binding of the one before it: 'core' (random numbers,
 * quantization and its errors), 'data' (core + models and their kernels, number formats, datasets, evaluation,
 * calibration, a model's weights in a format), 'full' (everything: low-bit weights, GPTQ, AWQ, training, QAT).
 * createQuantLab loads 'full' unless told.
 */
export const WASM_MODULES = Object.freeze(['core', 'data', 'full']);

// The files of a module's build, and its Emscripten glue (named one by one, so that a bundler sees each import).
const fileOf = (module, simd) => `quantlab-${module === 'full' ? '' : `${module}-`}${simd ? 'simd' : 'scalar'}`;
const GLUE = {
  'quantlab-simd': () => import('./quantlab-simd.mjs'),
  'quantlab-scalar': () => import('./quantlab-scalar.mjs'),
  'quantlab-data-simd': () => import('./quantlab-data-simd.mjs'),
  'quantlab-data-scalar': () => import('./quantlab-data-scalar.mjs'),
  'quantlab-core-simd': () => import('./quantlab-core-simd.mjs'),
  'quantlab-core-scalar': () => import('./quantlab-core-scalar.mjs'),
};

/** The tag the build writes into each module ({module, simd}, cpp/bindings/tag-wasm.mjs), or null. */
function tagOf(wasmModule) {
  try {
    const [section] = WebAssembly.Module.customSections(wasmModule, 'quantlab.module');
    const tag = section && JSON.parse(new TextDecoder().decode(section));
    return WASM_MODULES.includes(tag?.module) && typeof tag.simd === 'boolean' ? tag : null;
  } catch {
    return null;
  }
}

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
async function loadModule(module, simd, wasmModule) {
  const name = fileOf(module, simd);
  const [factory, compiled] = await Promise.all([
    GLUE[name]().then((m) => m.default),
    wasmModule ?? compileModule(name),
  ]);
  let failed;
  const instantiationFailed = new Promise((_, reject) => { failed = reject; });
  const emscripten = await Promise.race([instantiationFailed, factory({
    instantiateWasm(imports, receive) {
      WebAssembly.instantiate(compiled, imports).then((instance) => receive(instance, compiled), failed);
      return {};
    },
  })]);
  return { emscripten, compiled };
}

// A smaller module lacks the bindings of the larger ones: the facade's call of one of them names the module to
// load instead of failing with "... is not a function". (Emscripten keeps its own reference to the module object,
// so only the facade's lookups go through this.)
function withMissingBindings(emscripten, module) {
  if (module === 'full') return emscripten;
  return new Proxy(emscripten, {
    get(target, key) {
      if (key in target || typeof key !== 'string' || !/^[a-z]/.test(key)) return target[key];
      return () => {
        throw new Error(`this QuantLab was created with the '${module}' WebAssembly module, which has no '${key}': ` +
          "create it with createQuantLab({module: 'full'}) (the default) for this method");
      };
    },
  });
}

/**
 * Loads the WebAssembly core and returns the API.
 * @param {{simd?: 'auto' | boolean, module?: 'core' | 'data' | 'full', wasmModule?: WebAssembly.Module}} [options]
 *   module: which WebAssembly module (WASM_MODULES; default 'full', every method); wasmModule: the compiled module of
 *   another instance (its `wasmModule`, e.g. posted to a worker), instantiated instead of fetching and compiling
 *   the .wasm again; `simd` must then say which build it is (true or false), and the module is the one it was
 *   compiled from (`module`, when given, must name it).
 */
export async function createQuantLab(options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('createQuantLab options must be an object such as {simd: "auto"}');
  }
  checkOptionNames(options, 'createQuantLab', ['simd', 'module', 'wasmModule']);
  const requested = options.simd ?? 'auto';
  if (requested !== 'auto' && requested !== true && requested !== false) {
    throw new TypeError(`options.simd must be 'auto', true or false, got ${describe(requested)}`);
  }
  if (options.module !== undefined && !WASM_MODULES.includes(options.module)) {
    throw new TypeError(`options.module must be ${WASM_MODULES.map((m) => `'${m}'`).join(', ')}, got ${describe(options.module)}`);
  }
  if (typeof WebAssembly !== 'object') {
    throw new Error('this browser has no WebAssembly support: QuantLab needs a browser from 2017 or later');
  }
  const supported = wasmSimdSupported();
  if (requested === true && !supported) {
    throw new Error('this JavaScript engine has no WebAssembly SIMD: use {simd: false} or {simd: "auto"}');
  }
  const { wasmModule } = options;
  let module = options.module ?? 'full';
  if (wasmModule !== undefined) {
    if (!(wasmModule instanceof WebAssembly.Module)) throw new TypeError(`options.wasmModule must be a WebAssembly.Module, got ${describe(wasmModule)}`);
    if (requested === 'auto') throw new TypeError('options.wasmModule needs options.simd: true for the SIMD build\'s module, false for the scalar one');
    const tag = tagOf(wasmModule);
    if (tag) {
      if (options.module !== undefined && options.module !== tag.module) {
        throw new TypeError(`options.module is '${options.module}', but options.wasmModule is the '${tag.module}' module`);
      }
      if (tag.simd !== requested) {
        throw new TypeError(`options.simd is ${requested}, but options.wasmModule is the ${tag.simd ? 'SIMD' : 'scalar'} build`);
      }
      module = tag.module;
    }
  }
  const simd = requested === 'auto' ? supported : requested;
  const { emscripten, compiled } = await loadModule(module, simd, wasmModule);
  return new QuantLab(withMissingBindings(emscripten, module), simd, compiled, module);
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

// Quantized values cross as int32: a typed array that cannot hold anything else passes through; any other (a
// Uint32Array, floats, a plain array) is checked, so that 1e10 or 4294967295 is an error, not a wrapped int32.
const INT32_SAFE = [Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array];

function quantizedValues(value, name) {
  if (INT32_SAFE.some((T) => value instanceof T)) return value;
  const arr = integers(value, name);
  for (let i = 0; i < arr.length; i++) {
    if (arr[i] < -2147483648 || arr[i] > 2147483647) {
      throw new RangeError(`${name}[${i}] is ${arr[i]}: quantized values must be integers from -2147483648 to 2147483647`);
    }
  }
  return arr;
}

// Affine zero points: whole numbers in [0, 65535], with the core's message (checked here too, before they are
// narrowed to int32).
function zeroPointValues(value, name) {
  const arr = integers(value, name);
  for (let i = 0; i < arr.length; i++) {
    if (!(arr[i] >= 0 && arr[i] <= 65535)) throw new RangeError(`${name}[${i}] must be a whole number from 0 to 65535, got ${arr[i]}`);
  }
  return arr;
}

// Strings the core checks itself (its message names the accepted values); anything else is stopped here.
function kernelsName(value) {
  if (typeof value !== 'string') throw new TypeError(`kernels must be 'auto', 'simd' or 'scalar', got ${describe(value)}`);
  return value;
}

function dtypeName(value) {
  if (typeof value !== 'string') throw new TypeError(`dtype must be 'int8' or 'fp32', got ${describe(value)}`);
  return value;
}

const FORWARD_TIMER_OPTIONS = ['kernels', 'batch', 'input'];
const GEMM_OPTIONS = ['dtype', 'm', 'n', 'k', 'kernels'];
/** The largest batch benchmark() and forwardTimer() generate an input for. */
const MAX_BENCHMARK_BATCH = 4096;

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
    /** Each layer's scheme: {kind: 'fp32'|'int8'|'int2'|'int3'|'int4'|'nf4', bits, groupSize, inputScales} (issue 13) */
    this.layerSchemes = Object.freeze(Array.from(info.layers, (l) => Object.freeze({ ...l })));
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
  forward(x, options) {
    const { kernels = 'auto' } = optionsOf(options, 'forward', "{kernels: 'auto'}", ['kernels']);
    kernelsName(kernels);
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

  constructor(module, simd, wasmModule, moduleName = 'full') {
    this.#m = module;
    moduleOf.set(this, module); // for the methods the data section below adds
    /** True when the WebAssembly SIMD128 build is in use. */
    this.simd = simd;
    /** The compiled WebAssembly module: post it to a worker and pass it to createQuantLab there ({simd, wasmModule}). */
    this.wasmModule = wasmModule;
    /** Which WebAssembly module (WASM_MODULES) this is: 'full' unless createQuantLab was told otherwise. */
    this.module = moduleName;
    /** The kernel set forward() uses by default: 'wasmsimd' or 'scalar'. */
    // (A module without models, 'core', has no kernels to ask: the build says which set it would be.)
    this.kernels = 'buildInfo' in module ? module.buildInfo().kernels : simd ? 'wasmsimd' : 'scalar';
    LOW_BIT_MODULES.set(this, module);
  }

  /** The notebook's SimpleNet, 784 -> 256 -> ReLU -> 10 in fp32, initialised like nn.Linear from `seed`. */
  createSimpleNet(seed = 0) {
    return new Model(unwrap(this.#m.createSimpleNet(number(seed, 'seed'))), this);
  }

  /** int8 weights (per tensor, or per output channel), fp32 biases, activations quantized per call. */
  quantizeDynamic(model, options) {
    if (!(model instanceof Model)) throw new TypeError(`model must be a Model, got ${describe(model)}`);
    const { perChannel = false } = optionsOf(options, 'quantizeDynamic', '{perChannel: true}', ['perChannel']);
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
  benchmark(model, options) {
    const example = "{kernels: 'auto', batch: 1}";
    const { kernels = 'auto', batch = 1, input, ...timing } =
      optionsOf(options, 'benchmark', example, [...FORWARD_TIMER_OPTIONS, ...TIMING_OPTIONS]);
    const { warmupMs = 150, batches = 15, batchMs = 25, onProgress } = timing;
    checkTimingOptions({ warmupMs, batches, batchMs, onProgress });
    const run = this.forwardTimer(model, { kernels, batch, input });
    return { ...timeBatches(run, timing, 'benchmark'), kernels: kernels === 'auto' ? this.kernels : kernels, batch: run.batch };
  }

  /**
   * A function run(iterations) that runs `iterations` forward passes inside WebAssembly and returns the
   * elapsed microseconds: what benchmark() times, for timeInterleaved() with other runs.
   */
  forwardTimer(model, options) {
    if (!(model instanceof Model)) throw new TypeError(`model must be a Model, got ${describe(model)}`);
    const { kernels = 'auto', batch = 1, input } = optionsOf(options, 'forwardTimer', "{kernels: 'auto', batch: 1}", FORWARD_TIMER_OPTIONS);
    kernelsName(kernels);
    if (!Number.isInteger(batch) || batch < 1 || batch > MAX_BENCHMARK_BATCH) {
      throw new RangeError(`batch must be an integer from 1 to ${MAX_BENCHMARK_BATCH}, got ${describe(batch)}`);
    }
    model.handleFor(this);
    const x = input === undefined ? Float32Array.from(this.randn(0, batch * model.inputSize)) : float32s(input, 'input');
    // The handle is looked up at every call: a model deleted meanwhile (say in onProgress) gives the named error.
    const run = (iterations) => unwrap(model.handleFor(this).timeForward(x, kernels, iterations));
    run.batch = x.length / model.inputSize;
    return run;
  }

  /** Times C[m x n] = A[m x k] . B[n x k]^T; returns the timing plus `gmacs` (10^9 multiply-adds per second). */
  benchmarkGemm(options) {
    const example = "{dtype: 'int8', m: 256, n: 256, k: 784}";
    const { dtype = 'int8', m = 256, n = 256, k = 784, kernels = 'auto', ...timing } =
      optionsOf(options, 'benchmarkGemm', example, [...GEMM_OPTIONS, ...TIMING_OPTIONS]);
    const run = this.gemmTimer({ dtype, m, n, k, kernels });
    try {
      const result = timeBatches(run, timing, 'benchmarkGemm');
      return { ...result, dtype, m, n, k, kernels, gmacs: (m * n * k) / result.medianUs / 1e3 };
    } finally {
      run.release();
    }
  }

  /**
   * run(iterations) -> elapsed µs of that many GEMMs on seeded random data (for timeInterleaved); run.release()
   * frees the operands kept between calls. m and n from 1 to 1024, k from 1 to 4096, m·n·k at most 2^28.
   */
  gemmTimer(options) {
    const example = "{dtype: 'int8', m: 256, n: 256, k: 784}";
    const { dtype = 'int8', m = 256, n = 256, k = 784, kernels = 'auto' } = optionsOf(options, 'gemmTimer', example, GEMM_OPTIONS);
    dtypeName(dtype);
    kernelsName(kernels);
    unwrap(this.#m.checkGemmShape(number(m, 'm'), number(n, 'n'), number(k, 'k')));
    const run = (iterations) => unwrap(this.#m.timeGemm(dtype, m, n, k, kernels, iterations));
    run.release = () => this.#m.releaseGemmOperands();
    return run;
  }

  /**
   * The throughput of i32x4.dot_i16x8_s in a register-only loop: a reference for the int8 GEMM, not a bound (an
   * engine may run the GEMM faster than this probe).
   */
  measureDotPeak(options) {
    const timing = optionsOf(options, 'measureDotPeak', '{batches: 15}', TIMING_OPTIONS);
    const run = this.dotPeakTimer();
    const result = timeBatches(run, timing, 'measureDotPeak');
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
    return unwrap(this.#m.symmetricDequantize(quantizedValues(q, 'q'), number(scale, 'scale')));
  }

  /** `q * scale` in float64 (the notebook's exercise 3). */
  symmetricDequantizeF64(q, scale) {
    return unwrap(this.#m.symmetricDequantizeF64(quantizedValues(q, 'q'), number(scale, 'scale')));
  }

  /** One symmetric scale per row of a row-major rows x cols matrix: {q, scales, rows, cols, bits, qmax, zeroRows}. */
  perChannelQuantize(w, rows, cols, bits = 8) {
    return unwrap(this.#m.perChannelQuantize(numbers(w, 'w'), number(rows, 'rows'), number(cols, 'cols'), number(bits, 'bits')));
  }

  /** NumPy's `q.astype(np.float32) * scales[:, None]` (float64). */
  perChannelDequantize(q, scales, rows, cols) {
    return unwrap(this.#m.perChannelDequantize(quantizedValues(q, 'q'), numbers(scales, 'scales'), number(rows, 'rows'), number(cols, 'cols')));
  }

  /** Asymmetric quantization to [0, 2^bits - 1] with a zero point: {q, scale, zeroPoint, bits, qmax, allZero}. */
  affineQuantize(x, bits = 8) {
    return unwrap(this.#m.affineQuantize(numbers(x, 'x'), number(bits, 'bits')));
  }

  /** `(q - zeroPoint) * scale` in float64. */
  affineDequantize(q, scale, zeroPoint) {
    return unwrap(this.#m.affineDequantize(quantizedValues(q, 'q'), number(scale, 'scale'), number(zeroPoint, 'zeroPoint')));
  }

  /** One scale and zero point per row: {q, scales, zeroPoints, rows, cols, bits, qmax, zeroRows}. */
  affinePerChannelQuantize(w, rows, cols, bits = 8) {
    return unwrap(this.#m.affinePerChannelQuantize(numbers(w, 'w'), number(rows, 'rows'), number(cols, 'cols'), number(bits, 'bits')));
  }

  affinePerChannelDequantize(q, scales, zeroPoints, rows, cols) {
    return unwrap(this.#m.affinePerChannelDequantize(quantizedValues(q, 'q'), numbers(scales, 'scales'),
      zeroPointValues(zeroPoints, 'zeroPoints'), number(rows, 'rows'), number(cols, 'cols')));
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

  // --- Number formats: float32, float16, bfloat16, fp8 E4M3/E5M2 bit by bit (cpp/include/quantlab/float_formats.hpp,
  // docs/float-formats.md). Formats by name; fp8 saturates by default, the IEEE formats overflow to infinity. ---

  /** Every format name: the float formats, then 'int8' and 'int4' (for memory sizes). */
  formatNames() {
    return Array.from(this.#m.formatNames());
  }

  /** {name, kind, bits, bytes, max, min} and, for floats, exponentBits, mantissaBits, bias, minNormal, ... */
  formatInfo(format) {
    return unwrap(this.#m.formatInfo(formatName(format)));
  }

  /** How `value` is stored in `format`: its bits and fields, the stored value, the rounding error and flags. */
  floatFormat(value, format, options) {
    const { saturate } = formatOptions(options, 'floatFormat', ['saturate']);
    return withBitString(unwrap(this.#m.floatFormat(number(value, 'value'), formatName(format), saturate)), this);
  }

  /** A code (the bits as an integer) taken apart: fields, class and value. */
  floatFormatCode(code, format) {
    return withBitString(unwrap(this.#m.floatFormatCode(number(code, 'code'), formatName(format))), this);
  }

  /** The values of `format` around `value` on a number line: {values, codes, index of value's stored value}. */
  formatNeighbours(value, format, n = 8) {
    return unwrap(this.#m.formatNeighbours(number(value, 'value'), formatName(format), number(n, 'n')));
  }

  /** The code of every value (NaN and infinities allowed; a Float32Array keeps its NaN payloads). */
  encodeFormat(x, format, options) {
    const { saturate } = formatOptions(options, 'encodeFormat', ['saturate']);
    return unwrap(this.#m.encodeFormat(numbers(x, 'x'), formatName(format), saturate));
  }

  /** The exact value of every code, as float64. */
  decodeFormat(codes, format) {
    const name = formatName(format);
    return unwrap(this.#m.decodeFormat(formatCodes(codes, name, this), name));
  }

  /**
   * A tensor stored in `format` with one scale: codes of x / scale, values = stored * scale, the weight MSE.
   * scale: a number > 0 (default 1) or 'amax' (max|x| / the format's max: amax / 448 for fp8-e4m3).
   */
  toFormat(x, format, options) {
    const { scale, saturate } = formatOptions(options, 'toFormat', ['scale', 'saturate']);
    if (scale !== undefined && scale !== 'amax' && typeof scale !== 'number') {
      throw new TypeError(`scale must be a number > 0 or 'amax', got ${describe(scale)}`);
    }
    return unwrap(this.#m.toFormat(numbers(x, 'x'), formatName(format), scale, saturate));
  }
}

// Helpers of the number-format methods above.
function formatName(format) {
  if (typeof format !== 'string') {
    throw new TypeError(`format must be a name such as 'fp8-e4m3', got ${describe(format)}`);
  }
  return format;
}

function formatOptions(options, method, allowed) {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${method} options must be an object such as {saturate: true}, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${method} has no option '${key}': its options are ${allowed.join(', ')}`);
    }
  }
  if (options.saturate !== undefined && typeof options.saturate !== 'boolean') {
    throw new TypeError(`saturate must be true or false, got ${describe(options.saturate)}`);
  }
  return options;
}

// Codes are checked here (whole numbers that fit the format) before they become a Uint32Array. A name that is not
// a float format is left to the core, which rejects it before it looks at the codes.
function formatCodes(codes, name, lab) {
  const arr = integers(codes, 'codes');
  const info = lab.formatNames().includes(name) ? lab.formatInfo(name) : null;
  if (info?.kind === 'float') {
    const top = 2 ** info.bits - 1;
    for (let i = 0; i < arr.length; i++) {
      if (!(arr[i] >= 0 && arr[i] <= top)) throw new RangeError(`codes[${i}] is ${arr[i]}: a ${name} code is a whole number from 0 to ${top}`);
    }
  }
  return Uint32Array.from(arr);
}

function withBitString(parts, lab) {
  const { bits } = lab.formatInfo(parts.format);
  parts.bitString = parts.code.toString(2).padStart(bits, '0');
  return parts;
}

// ---- Datasets, evaluation, calibration and training (issue 12) ------------------------------------------------
// Appended as one self-contained section: the classes below and the QuantLab methods they add at the end
// (installed on QuantLab.prototype). The module of a QuantLab comes from `moduleOf`, filled by its constructor.

const moduleOf = new WeakMap();

function optionsObject(value, name) {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object, got ${describe(value)}`);
  }
  return value;
}

function oneOf(value, choices, name) {
  if (!choices.includes(value)) {
    throw new TypeError(`${name} must be ${choices.map((c) => `'${c}'`).join(', ').replace(/, ([^,]*)$/, ' or $1')}, got ${describe(value)}`);
  }
  return value;
}

function finite(value, name) {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${name} must be a finite number, got ${describe(value)}`);
  return value;
}

// idx bytes: a Uint8Array/ArrayBuffer, or what data-loader.js's loadIdx returns ({bytes, ...}).
function idxBytes(value, name) {
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer) && 'bytes' in value) {
    return bytes(value.bytes, `${name}.bytes`);
  }
  return bytes(value, name);
}

// One activation range per hidden layer: a single {bits, lo, hi, scheme} stands for [it].
function activationRanges(value, name) {
  const list = Array.isArray(value) ? value : [value];
  return list.map((r, i) => {
    const where = Array.isArray(value) ? `${name}[${i}]` : name;
    const o = optionsObject(r, where);
    return {
      bits: number(o.bits ?? 8, `${where}.bits`),
      lo: finite(o.lo, `${where}.lo`),
      hi: finite(o.hi, `${where}.hi`),
      scheme: oneOf(o.scheme ?? 'affine', ['symmetric', 'affine'], `${where}.scheme`),
    };
  });
}

// {accuracy, perClass, confusion, predictions, ...} as the bindings return it.
function evaluation(result) {
  const e = unwrap(result);
  return {
    count: e.count,
    correct: e.correct,
    accuracy: e.accuracy,
    perClass: Array.from(e.perClass),
    classCounts: Array.from(e.classCounts),
    confusion: Array.from(e.confusion, (row) => Array.from(row)),
    predictions: e.predictions,
  };
}

/** A labelled image dataset (idx files) held in WebAssembly memory. Call delete() when done with it. */
class Dataset {
  #handle;
  #lab;

  constructor(handle, lab) {
    this.#handle = handle;
    this.#lab = lab;
    const info = handle.info();
    /** Number of examples */
    this.count = info.count;
    this.rows = info.rows;
    this.cols = info.cols;
    /** rows x cols */
    this.imageSize = info.rows * info.cols;
    /** One label per example (a copy) */
    this.labels = handle.labels();
  }

  get deleted() { return this.#handle === null; }

  /** Internal: the Embind handle, checked to be alive and to belong to `lab`. */
  handleFor(lab) {
    if (this.#handle === null) throw new Error('this dataset was deleted: load it again');
    if (lab !== this.#lab) throw new Error('this dataset belongs to another QuantLab instance: load it there');
    return this.#handle;
  }

  /** The pixels of examples first .. first + count - 1, row after row (a copy). */
  images(first = 0, count = this.count - first) {
    return unwrap(this.handleFor(this.#lab).images(number(first, 'first'), number(count, 'count')));
  }

  /** The pixels of example i (rows x cols bytes). */
  image(i) {
    return this.images(i, 1);
  }

  /** A new Dataset of examples first .. first + count - 1 (e.g. the first n calibration images). */
  slice(first, count) {
    return new Dataset(unwrap(this.handleFor(this.#lab).slice(number(first, 'first'), number(count, 'count'))), this.#lab);
  }

  /** Frees the WebAssembly memory. Safe to call twice. */
  delete() {
    if (this.#handle === null) return;
    this.#handle.delete();
    this.#handle = null;
  }
}

// What a Trainer and a QatTrainer share: the WebAssembly handle, the options it settled, run(steps), delete(). A
// subclass reaches the live handle and the lab through the two symbols below (private fields do not inherit).
const LIVE = Symbol('live handle');
const LAB = Symbol('lab');

class TrainerBase {
  #handle;
  #lab;
  #what;

  constructor(handle, lab, what) {
    this.#handle = handle;
    this.#lab = lab;
    this.#what = what;
    const info = handle.info();
    this.examples = info.examples;
    this.stepsPerEpoch = info.stepsPerEpoch;
    this.batchSize = info.batchSize;
    this.optimizer = info.optimizer;
    this.learningRate = info.learningRate;
    this.seed = info.seed;
  }

  get deleted() { return this.#handle === null; }

  get [LAB]() { return this.#lab; }

  [LIVE]() {
    if (this.#handle === null) throw new Error(`this ${this.#what} was deleted: create another one`);
    return this.#handle;
  }

  /** {epoch (completed epochs), stepInEpoch, stepsDone}. */
  get progress() {
    const { epoch, stepInEpoch, stepsDone } = this[LIVE]().info();
    return { epoch, stepInEpoch, stepsDone };
  }

  /** Runs `steps` mini-batches; returns their mean loss and accuracy and where training stands. */
  run(steps = 1) {
    return unwrap(this[LIVE]().run(number(steps, 'steps')));
  }

  /** Frees the trainer and its copy of the training set. Safe to call twice. */
  delete() {
    if (this.#handle === null) return;
    this.#handle.delete();
    this.#handle = null;
  }
}

// The running means of an epoch's chunks of steps (weighted by the examples each chunk saw) and where the epoch
// stands: `done` of `total` steps, `finished` when the trainer has wrapped to the next epoch.
class EpochTotals {
  constructor(trainer) {
    this.total = trainer.stepsPerEpoch;
    this.done = trainer.progress.stepInEpoch;
    this.lossSum = 0;
    this.correct = 0;
    this.seen = 0;
    this.last = null;
  }

  /** Runs the next chunk of at most `steps` steps on `trainer`; returns its report. */
  runChunk(trainer, steps) {
    const last = trainer.run(Math.min(steps, this.total - this.done));
    this.last = last;
    this.done = last.stepInEpoch === 0 ? this.total : last.stepInEpoch;
    this.lossSum += last.loss * last.examplesSeen;
    this.correct += last.accuracy * last.examplesSeen;
    this.seen += last.examplesSeen;
    return last;
  }

  get finished() { return this.last !== null && this.last.stepInEpoch === 0; }
  get loss() { return this.seen ? this.lossSum / this.seen : null; }
  get accuracy() { return this.seen ? this.correct / this.seen : null; }
}

function checkReportSteps(value, name) {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number of steps >= 1, got ${describe(value)}`);
}

/**
 * Trains an fp32 model on a Dataset inside WebAssembly (softmax cross-entropy, mini-batches, Adam or SGD with
 * momentum, seeded shuffling). Synchronous: run it in a Web Worker. Call delete() when done with it.
 */
class Trainer extends TrainerBase {
  constructor(handle, lab) {
    super(handle, lab, 'trainer');
  }

  /**
   * Runs the rest of the current epoch, `reportEvery` steps at a time, calling onProgress({done, total, loss,
   * accuracy, epoch}) after each group (done/total count this epoch's steps). Returns the epoch's mean loss and
   * accuracy over the steps it ran.
   */
  trainEpoch({ onProgress, reportEvery = 20 } = {}) {
    if (onProgress !== undefined && typeof onProgress !== 'function') {
      throw new TypeError(`onProgress must be a function, got ${describe(onProgress)}`);
    }
    checkReportSteps(reportEvery, 'reportEvery');
    const t = new EpochTotals(this);
    do {
      const last = t.runChunk(this, reportEvery);
      onProgress?.({ done: t.done, total: t.total, loss: t.loss, accuracy: t.accuracy, epoch: last.epoch });
    } while (!t.finished);
    return { loss: t.loss, accuracy: t.accuracy, examplesSeen: t.seen, epoch: t.last.epoch, stepsDone: t.last.stepsDone };
  }

  /** The current weights as a new fp32 Model (the caller deletes it). */
  model() {
    return new Model(unwrap(this[LIVE]().model()), this[LAB]);
  }
}

function modelArg(model, lab, name = 'model') {
  if (!(model instanceof Model)) throw new TypeError(`${name} must be a Model, got ${describe(model)}`);
  return model.handleFor(lab);
}

function datasetArg(dataset, lab, name = 'dataset') {
  if (!(dataset instanceof Dataset)) throw new TypeError(`${name} must be a Dataset (lab.loadDataset), got ${describe(dataset)}`);
  return dataset.handleFor(lab);
}

function kernelsOption(o) {
  return oneOf(o.kernels ?? 'auto', ['auto', 'simd', 'scalar'], 'kernels');
}

const dataMethods = {
  /**
   * A Dataset from an idx image file and an idx label file, decompressed (data-loader.js fetches and
   * decompresses them). Throws, naming the file and the problem, on a wrong magic, a wrong count, truncated data.
   */
  loadDataset(images, labels, options) {
    const o = optionsObject(options, 'options');
    const name = o.name ?? 'dataset';
    if (typeof name !== 'string' || name.length > 60) throw new TypeError(`name must be a short string, got ${describe(name)}`);
    const expectedCount = number(o.expectedCount ?? 0, 'expectedCount');
    return new Dataset(unwrap(moduleOf.get(this).loadDataset(idxBytes(images, 'images'), idxBytes(labels, 'labels'), name,
      expectedCount)), this);
  },

  /**
   * Evaluates a model (fp32 or dynamic int8) on every example, in batches: {count, correct, accuracy,
   * perClass (null for a class without examples), classCounts, confusion (rows: true label, columns: prediction),
   * predictions}. `images` is a Dataset, or idx image bytes with `labels` the idx label bytes.
   */
  evaluate(model, images, labels, options) {
    if (images instanceof Dataset) return evaluation(moduleOf.get(this).evaluateModel(modelArg(model, this), datasetArg(images, this), kernelsOption(optionsObject(labels, 'options'))));
    modelArg(model, this);
    const data = this.loadDataset(images, labels);
    try {
      return this.evaluate(model, data, options);
    } finally {
      data.delete();
    }
  },

  /** The hidden layer's outputs after ReLU for the first `count` examples (0: all): {values: Float32Array, rows, cols}. */
  hiddenActivations(model, dataset, options) {
    const o = optionsObject(options, 'options');
    return unwrap(moduleOf.get(this).hiddenActivations(modelArg(model, this), datasetArg(dataset, this),
      number(o.layer ?? 0, 'layer'), number(o.count ?? 0, 'count'), kernelsOption(o)));
  },

  /** Scale and zero point of a range: {scale, zeroPoint, qmin, qmax} (symmetric: zeroPoint 0, q in [-qmax, qmax]). */
  activationQuantParams(range) {
    const [r] = activationRanges(range, 'range');
    return unwrap(moduleOf.get(this).activationQuantParams(r.bits, r.lo, r.hi, r.scheme));
  },

  /** Quantize-dequantize `values` at a range: {recovered: Float64Array, scale, zeroPoint, qmin, qmax, mse, maxAbs, sqnrDb, signalPower}. */
  fakeQuantize(values, range) {
    const [r] = activationRanges(range, 'range');
    return unwrap(moduleOf.get(this).fakeQuantize(float32s(values, 'values'), r.bits, r.lo, r.hi, r.scheme));
  },

  /**
   * Chooses a range for `values` (activations): method 'minmax', 'percentile' (p = percentile), 'mse' (search
   * over `steps` clipping values) or 'entropy' (TensorRT's KL method over `bins` bins). Returns {lo, hi, scale,
   * zeroPoint, qmin, qmax, method} and, for 'mse' and 'entropy', {candidates, scores, best}.
   */
  calibrate(values, options) {
    const o = optionsObject(options, 'options');
    const method = oneOf(o.method ?? 'minmax', ['minmax', 'percentile', 'mse', 'entropy'], 'method');
    const scheme = oneOf(o.scheme ?? 'affine', ['symmetric', 'affine'], 'scheme');
    return unwrap(moduleOf.get(this).calibrate(float32s(values, 'values'), method, number(o.bits ?? 8, 'bits'), scheme,
      number(o.percentile ?? 99.99, 'percentile'), number(o.steps ?? 100, 'steps'), number(o.bins ?? 2048, 'bins')));
  },

  /**
   * evaluate() with every hidden layer's output fake-quantized at its range: `ranges` is one {bits, lo, hi,
   * scheme} per hidden layer (a single one for SimpleNet). The model's own layers run as they are (fp32 or
   * dynamic int8).
   */
  evaluateFakeQuant(model, dataset, ranges, options) {
    return evaluation(moduleOf.get(this).evaluateFakeQuant(modelArg(model, this), datasetArg(dataset, this),
      activationRanges(ranges, 'ranges'), kernelsOption(optionsObject(options, 'options'))));
  },

  /**
   * Static quantization of an int8 model (quantizeDynamic's weights): integer pixels in, every hidden
   * activation quantized with its fixed range (2 to 8 bits), integer GEMMs throughout.
   */
  evaluateStatic(model, dataset, ranges, options) {
    return evaluation(moduleOf.get(this).evaluateStatic(modelArg(model, this), datasetArg(dataset, this),
      activationRanges(ranges, 'ranges'), kernelsOption(optionsObject(options, 'options'))));
  },

  /**
   * A Trainer for `dataset`: {model (an fp32 Model to start from; default createSimpleNet(seed)), seed = 0
   * (shuffling, and the default model), batchSize = 128, optimizer = 'adam' | 'sgd', learningRate (1e-3 for
   * Adam, 0.01 for SGD), momentum = 0.9, kernels}. The trainer keeps its own copy of the data and the weights.
   */
  createTrainer(dataset, options) {
    const o = optionsObject(options, 'options');
    const seed = number(o.seed ?? 0, 'seed');
    const optimizer = oneOf(o.optimizer ?? 'adam', ['adam', 'sgd'], 'optimizer');
    const learningRate = number(o.learningRate ?? (optimizer === 'adam' ? 1e-3 : 0.01), 'learningRate');
    const data = datasetArg(dataset, this);
    const initial = o.model === undefined ? this.createSimpleNet(seed) : null;
    try {
      return new Trainer(unwrap(moduleOf.get(this).createTrainer(data, modelArg(initial ?? o.model, this, 'model'), seed,
        number(o.batchSize ?? 128, 'batchSize'), optimizer, learningRate, number(o.momentum ?? 0.9, 'momentum'),
        kernelsOption(o))), this);
    } finally {
      initial?.delete();
    }
  },
};

for (const [name, method] of Object.entries(dataMethods)) {
  Object.defineProperty(QuantLab.prototype, name, { value: method, writable: true, configurable: true });
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

// ---- A model's weights in a number format (issue 15; cpp/include/quantlab/model_in_format.hpp) ----
// Installed on QuantLab.prototype; the Embind module comes from moduleOf (the data section's map).

const WEIGHT_FORMATS = ['float32', 'float16', 'bfloat16', 'fp8-e4m3', 'fp8-e5m2', 'int8'];

const modelInFormatMethods = {
  /**
   * A new fp32 Model whose weights are the values `format` stores for the model's weights (biases unchanged;
   * activations stay float32 when it runs), with the weight error: {model, mse, maxAbs, sqnrDb, signalPower,
   * weights, overflows, underflowsToZero, layers: [{scales, mse, ...}]}. The caller deletes `model`.
   * scale: 'none' (a plain cast; the float formats' default), 'tensor' (amax / the format's max per weight tensor;
   * the default of fp8 and int8) or 'channel' (the same per output channel). Overflow saturates.
   */
  modelWithWeightsIn(model, format, options) {
    const o = optionsObject(options, 'options');
    for (const key of Object.keys(o)) {
      if (key !== 'scale') throw new TypeError(`modelWithWeightsIn has no option '${key}': its option is scale`);
    }
    const name = oneOf(format, WEIGHT_FORMATS, 'format');
    const def = name.startsWith('fp8') || name === 'int8' ? 'tensor' : 'none';
    const scale = oneOf(o.scale ?? def, ['none', 'tensor', 'channel'], 'scale');
    const handle = modelArg(model, this);
    const r = unwrap(moduleOf.get(this).modelInFormat(handle, name, scale));
    r.model = new Model(r.model, this);
    r.format = name;
    r.scale = scale;
    return r;
  },
};

for (const [name, method] of Object.entries(modelInFormatMethods)) {
  Object.defineProperty(QuantLab.prototype, name, { value: method, writable: true, configurable: true });
}

// ---- Whole low-bit models (issue 13, phase 2): round-to-nearest, NF4, GPTQ and AWQ per layer ----
// Installed on QuantLab.prototype like the section above. A scheme per layer: the options' defaults, or
// options.layers[i] ({method, bits, groupSize, blockSize}, or 'fp32' to keep the layer as it is).

const SCHEME_KEYS = ['method', 'bits', 'groupSize', 'blockSize'];

// One scheme per layer of `model`, as the bindings take them: {method: 'fp32'|'rtn'|'nf4', bits, kind, size, block}.
function layerSchemes(model, defaults, layers, method, methods, keys = SCHEME_KEYS) {
  const count = model.layerSizes.length - 1;
  if (layers !== undefined && (!Array.isArray(layers) || layers.length !== count)) {
    throw new TypeError(`${method}: layers must be an array of one scheme per layer (${count} for this model), got ${describe(layers)}`);
  }
  return Array.from({ length: count }, (_, i) => {
    const entry = layers?.[i] ?? {};
    if (entry === 'fp32') return { method: 'fp32', bits: 32, kind: 'channel', size: 0, block: 0 };
    const own = optionsOf(entry, `${method} layers[${i}]`, "{bits: 4, groupSize: 64} or 'fp32'", keys);
    const s = { ...defaults, ...own };
    const where = `layers[${i}]`;
    oneOf(s.method, methods, own.method === undefined ? 'method' : `${where}.method`);
    const [kind, size] = groupSpec(s.groupSize);
    return {
      method: s.method === 'nf4' ? 'nf4' : s.method === 'fp32' ? 'fp32' : 'rtn',
      bits: number(s.bits, own.bits === undefined ? 'bits' : `${where}.bits`),
      kind,
      size,
      block: number(s.blockSize, own.blockSize === undefined ? 'blockSize' : `${where}.blockSize`),
    };
  });
}

// The Model of a handle, with how it was made (what the pages show beside its accuracy).
function quantizedModel(handle, lab, quantization) {
  const model = new Model(handle, lab);
  Object.defineProperty(model, 'quantization', { value: Object.freeze(quantization), enumerable: true });
  return model;
}

// GPTQ or AWQ over every layer: the calibration data (a Dataset, or inputs as rows of inputSize values), stepped
// with progress.
function calibratedModel(lab, model, calibration, o, method) {
  const m = LOW_BIT_MODULES.get(lab);
  const handle = modelArg(model, lab);
  const progress = callback(o.onProgress, 'onProgress');
  const defaults = { method: 'rtn', bits: o.bits ?? 4, groupSize: o.groupSize ?? 'channel', blockSize: 64 };
  const schemes = layerSchemes(model, defaults, o.layers, method === 'gptq' ? 'gptqModel' : 'awqModel', ['rtn'], ['bits', 'groupSize']);
  const damp = number(o.damp ?? 0.01, 'damp');
  const blockSize = number(o.blockSize ?? 128, 'blockSize');
  const alphas = numbers(o.alphas ?? [], 'alphas');
  let q;
  if (calibration instanceof Dataset) {
    const count = number(o.count ?? calibration.count, 'count');
    q = unwrap(m.createCalibratedQuantizer(handle, datasetArg(calibration, lab, 'calibration'), count, schemes, method, damp, blockSize, alphas));
  } else {
    if (o.count !== undefined) throw new TypeError('count applies to a Dataset: give fewer inputs instead');
    q = unwrap(m.createCalibratedQuantizerFromInputs(handle, float32s(calibration, 'calibration'), schemes, method, damp, blockSize, alphas));
  }
  try {
    const total = q.stepsTotal();
    for (let more = total > 0; more;) {
      more = unwrap(q.step());
      progress?.({ stage: q.stage(), layer: q.stageLayer(), done: q.stepsDone(), total });
    }
    const r = unwrap(q.result());
    return quantizedModel(r.model, lab, {
      method, layerErrors: Array.from(r.layerErrors), rtnErrors: Array.from(r.rtnErrors),
      ...(method === 'awq' ? { alphas: Array.from(r.alphas) } : {}),
    });
  } finally {
    q.delete();
  }
}

const lowBitModelMethods = {
  /**
   * A model whose layers are quantized by round-to-nearest ('rtn': 2, 3 or 4 bits on the int4 kernels, 8 bits as
   * int8; groupSize 'tensor', 'channel' or a multiple of 8) or NF4 ('nf4', an absmax per blockSize weights),
   * each layer with the options' scheme or its own (options.layers). Evaluate it with evaluate().
   */
  quantizeWeights(model, opts) {
    const o = optionsOf(opts, 'quantizeWeights', "{bits: 4, groupSize: 64}", ['method', 'bits', 'groupSize', 'blockSize', 'layers']);
    const defaults = { method: o.method ?? 'rtn', bits: o.bits ?? 4, groupSize: o.groupSize ?? 'channel', blockSize: o.blockSize ?? 64 };
    const handle = modelArg(model, this);
    const schemes = layerSchemes(model, defaults, o.layers, 'quantizeWeights', ['rtn', 'nf4', 'fp32']);
    return quantizedModel(unwrap(LOW_BIT_MODULES.get(this).quantizeWeights(handle, schemes)), this, { method: 'rtn' });
  },

  /**
   * GPTQ of every layer in order, each from the inputs it sees in the model quantized so far: calibration is a
   * Dataset (its first `count` images) or inputs (rows of inputSize values). onProgress({stage, layer, done,
   * total}). The Model's `quantization` holds {method, layerErrors, rtnErrors}: each layer's ||W X^T - W^ X^T||^2
   * on its calibration inputs, with GPTQ and with round-to-nearest.
   */
  gptqModel(model, calibration, opts) {
    const o = optionsOf(opts, 'gptqModel', '{bits: 4, groupSize: 128}',
      ['bits', 'groupSize', 'damp', 'blockSize', 'count', 'layers', 'onProgress']);
    return calibratedModel(this, model, calibration, o, 'gptq');
  },

  /** AWQ of every layer in order (alpha searched per layer on `alphas`); like gptqModel, plus quantization.alphas. */
  awqModel(model, calibration, opts) {
    const o = optionsOf(opts, 'awqModel', '{bits: 4, groupSize: 128}', ['bits', 'groupSize', 'alphas', 'count', 'layers', 'onProgress']);
    return calibratedModel(this, model, calibration, o, 'awq');
  },
};

for (const [name, method] of Object.entries(lowBitModelMethods)) {
  Object.defineProperty(QuantLab.prototype, name, { value: method, writable: true, configurable: true });
}

// ---- Quantization-aware training (issue 14): fake-quantized weights, the straight-through estimator ----
// docs/qat.md. Installed on QuantLab.prototype like the sections above.

const QAT_OPTIONS = ['model', 'bits', 'groupSize', 'scale', 'mask', 'seed', 'batchSize', 'optimizer', 'learningRate',
  'momentum', 'kernels'];

// Lets the event loop run (a worker's 'message' events: Pause, Cancel) between chunks of steps.
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Trains with fake-quantized weights: the forward pass uses q(w) (symmetric, `bits`, per tensor, channel or group),
 * the backward pass is the straight-through estimator, masked outside the clipping range; the fp32 master weights
 * take the updates. Synchronous steps: run it in a Web Worker. Call delete() when done with it.
 */
class QatTrainer extends TrainerBase {
  constructor(handle, lab) {
    super(handle, lab, 'QAT trainer');
    const info = handle.info();
    this.bits = info.bits;
    /** 'tensor', 'channel' or the number of weights per scale along a row. */
    this.groupSize = info.groupKind === 'group' ? info.group : info.groupKind;
    /** 'max' (max|w| / qmax, recomputed every step) or 'frozen' (the starting weights' scales, held). */
    this.scale = info.scale;
    /** The STE's mask (false: the gradient also reaches clipped weights, the classic mistake). */
    this.mask = info.mask;
    this.weightCount = info.weightCount;
  }

  /** {epoch (completed epochs), stepInEpoch, stepsDone, clippedWeights (of the last forward pass)}. */
  get progress() {
    const { epoch, stepInEpoch, stepsDone, clippedWeights } = this[LIVE]().info();
    return { epoch, stepInEpoch, stepsDone, clippedWeights };
  }

  /** One mini-batch; returns its loss (before the update). */
  step() {
    return this.run(1).loss;
  }

  /**
   * Runs the rest of the current epoch in chunks of `chunkSteps` steps, calling onProgress({done, total, loss,
   * accuracy, epoch, clippedWeights}) after each chunk and letting the event loop run between chunks. When
   * `signal` is aborted it stops after the current chunk and resolves with `aborted: true`: the trainer keeps its
   * place, and the next call goes on with the same epoch (Pause / Resume); delete() it to cancel. Resolves with
   * the mean loss and accuracy over the steps it ran.
   */
  async trainEpoch(opts) {
    const { onProgress, chunkSteps = 10, signal } = optionsOf(opts, 'trainEpoch', '{chunkSteps: 10, onProgress}',
      ['onProgress', 'chunkSteps', 'signal']);
    callback(onProgress, 'onProgress');
    checkReportSteps(chunkSteps, 'chunkSteps');
    if (signal !== undefined && (signal === null || typeof signal.aborted !== 'boolean')) {
      throw new TypeError(`signal must be an AbortSignal, got ${describe(signal)}`);
    }
    const t = new EpochTotals(this);
    let aborted = false;
    while (true) {
      if (signal?.aborted) {
        aborted = true;
        break;
      }
      const last = t.runChunk(this, chunkSteps);
      onProgress?.({ done: t.done, total: t.total, loss: t.loss, accuracy: t.accuracy, epoch: last.epoch,
        clippedWeights: last.clippedWeights });
      if (t.finished) break;
      await nextTurn();
    }
    const where = this.progress;
    return { loss: t.loss, accuracy: t.accuracy, examplesSeen: t.seen, epoch: where.epoch, stepsDone: where.stepsDone, aborted };
  }

  /** The quantized model as a new fp32 Model (its weights the dequantized q(w), biases fp32): the network trained. */
  quantizedModel() {
    return new Model(unwrap(this[LIVE]().quantizedModel()), this[LAB]);
  }

  /** The fp32 master weights as a new Model (the caller deletes it). */
  masterModel() {
    return new Model(unwrap(this[LIVE]().masterModel()), this[LAB]);
  }

  /** The quantization of layer `layer`'s current masters: {q: Int8Array, scales: Float64Array, rows, cols, bits, qmax}. */
  layerQuantization(layer = 0) {
    return unwrap(this[LIVE]().layerQuantization(number(layer, 'layer')));
  }

  /** lab.evaluate of the quantized model on `dataset` (a Dataset): accuracy, confusion, predictions... */
  evaluate(dataset, opts) {
    const model = this.quantizedModel();
    try {
      return this[LAB].evaluate(model, dataset, opts);
    } finally {
      model.delete();
    }
  }
}

const qatMethods = {
  /**
   * A QatTrainer for `dataset` (the training subset: loadFashionMnist('train')), fine-tuning options.model (an
   * fp32 Model, copied; required) with fake-quantized weights: {bits = 4 (2 to 8), groupSize = 'channel' ('tensor',
   * 'channel' or a whole number), scale = 'max' | 'frozen', mask = true, seed = 0, batchSize = 128, optimizer =
   * 'adam' | 'sgd', learningRate (1e-3 for Adam, 0.01 for SGD), momentum = 0.9, kernels}. Unknown options are errors.
   */
  createQatTrainer(dataset, opts) {
    const o = optionsOf(opts, 'createQatTrainer', "{model, bits: 4, groupSize: 'channel'}", QAT_OPTIONS);
    if (o.model === undefined) throw new TypeError('createQatTrainer needs options.model: the fp32 Model to fine-tune (e.g. the trained SimpleNet)');
    const data = datasetArg(dataset, this);
    const model = modelArg(o.model, this, 'model');
    const [kind, size] = groupSpec(o.groupSize ?? 'channel');
    const scale = oneOf(o.scale ?? 'max', ['max', 'frozen'], 'scale');
    const mask = o.mask ?? true;
    if (typeof mask !== 'boolean') throw new TypeError(`mask must be true or false, got ${describe(mask)}`);
    const optimizer = oneOf(o.optimizer ?? 'adam', ['adam', 'sgd'], 'optimizer');
    const learningRate = number(o.learningRate ?? (optimizer === 'adam' ? 1e-3 : 0.01), 'learningRate');
    return new QatTrainer(unwrap(moduleOf.get(this).createQatTrainer(data, model, number(o.seed ?? 0, 'seed'),
      number(o.batchSize ?? 128, 'batchSize'), optimizer, learningRate, number(o.momentum ?? 0.9, 'momentum'),
      kernelsOption(o), number(o.bits ?? 4, 'bits'), kind, size, scale, mask)), this);
  },
};

for (const [name, method] of Object.entries(qatMethods)) {
  Object.defineProperty(QuantLab.prototype, name, { value: method, writable: true, configurable: true });
}
