// Types of QuantLab's JavaScript API (web/quantlab/quantlab.js). Written by hand: Emscripten 3.1.6 has no --emit-tsd.

export type NumberArray = ArrayLike<number>;
export type IntegerArray = number[] | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
/** Int8Array for bits <= 8, Int16Array for 9..16 bits. */
export type SignedQ = Int8Array | Int16Array;
/** Uint8Array for bits <= 8, Uint16Array for 9..16 bits. */
export type UnsignedQ = Uint8Array | Uint16Array;

export interface CreateOptions {
  /** 'auto' (default) picks SIMD128 when the engine supports it; true requires it; false forces the scalar build. */
  simd?: 'auto' | boolean;
  /**
   * Which WebAssembly module to load (default 'full': every method). 'core' (random numbers, quantization and its
   * errors, number formats, fakeQuantize, activationQuantParams, nf4Codebook) and 'data' (core + models, datasets,
   * evaluation, calibration, modelWithWeightsIn) are smaller; a method whose bindings the module lacks throws an
   * Error naming the module to use.
   */
  module?: WasmModuleName;
  /**
   * Another instance's compiled module (its `wasmModule`, e.g. posted to a worker): instantiated instead of fetching
   * and compiling the .wasm again. `simd` must then be true or false, the build the module is; the module's name
   * is read from the compiled module (`module`, when given, must match it).
   */
  wasmModule?: WebAssembly.Module;
}

/** The WebAssembly modules, smallest first; each holds every binding of the one before it. */
export type WasmModuleName = 'core' | 'data' | 'full';
export declare const WASM_MODULES: readonly WasmModuleName[];

export interface SymmetricResult {
  q: SignedQ;
  /** max|x| / qmax; 0 when every value is 0. */
  scale: number;
  bits: number;
  /** 2^(bits-1) - 1 */
  qmax: number;
  /** True when the input is all zeros (scale 0, q all 0). */
  allZero: boolean;
}

export interface PerChannelResult {
  q: SignedQ;
  /** One scale per row; 0 for an all-zero row. */
  scales: Float64Array;
  rows: number;
  cols: number;
  bits: number;
  qmax: number;
  /** How many rows were all zero. */
  zeroRows: number;
}

export interface AffineResult {
  q: UnsignedQ;
  scale: number;
  zeroPoint: number;
  bits: number;
  /** 2^bits - 1 */
  qmax: number;
  allZero: boolean;
}

export interface AffinePerChannelResult {
  q: UnsignedQ;
  scales: Float64Array;
  zeroPoints: Int32Array;
  rows: number;
  cols: number;
  bits: number;
  qmax: number;
  zeroRows: number;
}

export interface ErrorStats {
  mse: number;
  maxAbs: number;
  /** 10 log10(signalPower / mse); Infinity when the reconstruction is exact. */
  sqnrDb: number;
  signalPower: number;
}

export interface BitsSweepPoint extends ErrorStats {
  bits: number;
  scale: number;
}

export type Kernels = 'auto' | 'simd' | 'scalar';

export interface TimingOptions {
  /**
   * Time spent calling before measuring, so V8 optimizes the code (default 150, from 0 to 60000). Every call
   * counted runs at least 2 ms, so that a clock coarsened to 100 µs still reads it.
   */
  warmupMs?: number;
  /** How many batches are timed; the median is reported (default 15, from 1 to 1000). */
  batches?: number;
  /** About how long one batch (one call of a run) lasts, in ms (default 25, above 0 and at most 5000). */
  batchMs?: number;
  /** Called after each batch (a function, or left out). */
  onProgress?: (done: number, total: number) => void;
}

export interface Timing {
  /** Microseconds per iteration (per forward pass), median over the batches. */
  medianUs: number;
  minUs: number;
  maxUs: number;
  samplesUs: number[];
  /** Iterations per batch. */
  iterations: number;
  batches: number;
}

/** A multilayer perceptron held in WebAssembly memory: call delete() when done. */
export interface Model {
  /** 'lowbit': some layer is 2-4-bit, NF4, or layers of different types (issue 13). */
  readonly kind: 'fp32' | 'int8' | 'lowbit';
  /** int8 models: one weight scale per output channel instead of one per tensor. */
  readonly perChannel: boolean;
  /** [inputs, hidden..., outputs]: [784, 256, 10] for SimpleNet. */
  readonly layerSizes: readonly number[];
  readonly inputSize: number;
  readonly outputSize: number;
  /** Bytes of serialize(): the real model size. */
  readonly sizeBytes: number;
  /** Each layer's scheme (issue 13). */
  readonly layerSchemes: readonly LayerScheme[];
  /** Models of quantizeWeights, gptqModel and awqModel: how they were made. */
  readonly quantization?: ModelQuantization;
  readonly deleted: boolean;
  /** Outputs for inputSize values (batch 1) or a multiple of it (a batch, row after row). */
  forward(x: NumberArray, options?: { kernels?: Kernels }): Float32Array;
  /** The model file (docs/model-format.md). */
  serialize(): Uint8Array;
  /** Frees the WebAssembly memory; safe to call twice. */
  delete(): void;
}

export interface QuantLab {
  /** True when the WebAssembly SIMD128 build is in use. */
  readonly simd: boolean;
  /** The compiled WebAssembly module in use: hand it to createQuantLab({simd, wasmModule}) in a worker. */
  readonly wasmModule: WebAssembly.Module;
  /** Which WebAssembly module this is ('full' unless createQuantLab was given `module`). */
  readonly module: WasmModuleName;
  /** The kernels forward() uses by default: 'wasmsimd' or 'scalar'. */
  readonly kernels: string;
  /** The notebook's SimpleNet (784 -> 256 -> ReLU -> 10) in fp32, initialised like nn.Linear from `seed`. */
  createSimpleNet(seed?: number): Model;
  /** int8 weights (per tensor, or per channel), fp32 biases, activations quantized per call. */
  quantizeDynamic(model: Model, options?: { perChannel?: boolean }): Model;
  /** Reads serialize()'s bytes; throws on a truncated, corrupt or unknown file and creates nothing. */
  loadModel(bytes: Uint8Array | ArrayBuffer): Model;
  /**
   * Times forward passes inside WebAssembly. batch: 1 to 4096 (a generated input), or an `input` of whole examples.
   * Every options object takes only the keys listed; anything else is an error that names it.
   */
  benchmark(model: Model, options?: TimingOptions & { kernels?: Kernels; batch?: number; input?: NumberArray }):
    Timing & { kernels: string; batch: number };
  /** run(iterations): runs forward passes inside WebAssembly, returns the elapsed µs (for timeInterleaved). */
  forwardTimer(model: Model, options?: { kernels?: Kernels; batch?: number; input?: NumberArray }):
    ((iterations: number) => number) & { batch: number };
  /**
   * Times C[m x n] = A[m x k] . B[n x k]^T (defaults: int8, 256 x 784 x 256); m and n 1 to 1024, k 1 to 4096,
   * m·n·k at most 2^28. The operands are freed when it returns.
   */
  benchmarkGemm(options?: TimingOptions & { dtype?: 'int8' | 'fp32'; m?: number; n?: number; k?: number; kernels?: Kernels }):
    Timing & { gmacs: number; dtype: string; m: number; n: number; k: number };
  /** run(iterations) -> µs of that many GEMMs (for timeInterleaved); run.release() frees the operands it keeps. */
  gemmTimer(options?: { dtype?: 'int8' | 'fp32'; m?: number; n?: number; k?: number; kernels?: Kernels }):
    ((iterations: number) => number) & { release(): void };
  /** run(units) -> µs of units x 1000 probe iterations; macsPerIteration is per unit. */
  dotPeakTimer(): ((units: number) => number) & { macsPerIteration: number };
  /** Throughput of i32x4.dot_i16x8_s in a register loop (SIMD build only): a reference for the int8 GEMM, not a bound. */
  measureDotPeak(options?: TimingOptions): Timing & { gmacs: number };
  /** heapBytes: size of the WebAssembly memory; allocatedBytes: bytes malloc currently holds. */
  memoryStats(): { heapBytes: number; allocatedBytes: number };
  /** numpy.random.seed(seed); numpy.random.randn(n), bit for bit. seed: integer in [0, 2^32 - 1]. */
  randn(seed: number, n: number): Float64Array;
  /** numpy.random.seed(seed); numpy.random.rand(n), bit for bit. */
  rand(seed: number, n: number): Float64Array;
  symmetricQuantize(x: NumberArray, bits?: number): SymmetricResult;
  /** NumPy's q.astype(np.float32) * scale. */
  symmetricDequantize(q: IntegerArray, scale: number): Float32Array;
  /** q * scale in float64. */
  symmetricDequantizeF64(q: IntegerArray, scale: number): Float64Array;
  perChannelQuantize(w: NumberArray, rows: number, cols: number, bits?: number): PerChannelResult;
  perChannelDequantize(q: IntegerArray, scales: NumberArray, rows: number, cols: number): Float64Array;
  affineQuantize(x: NumberArray, bits?: number): AffineResult;
  affineDequantize(q: IntegerArray, scale: number, zeroPoint: number): Float64Array;
  affinePerChannelQuantize(w: NumberArray, rows: number, cols: number, bits?: number): AffinePerChannelResult;
  affinePerChannelDequantize(q: IntegerArray, scales: NumberArray, zeroPoints: IntegerArray, rows: number, cols: number): Float64Array;
  errorStats(x: NumberArray, recovered: NumberArray): ErrorStats;
  perChannelErrorStats(x: NumberArray, recovered: NumberArray, rows: number, cols: number): ErrorStats[];
  /** The notebook's exercise-3 error: MSE of the float64 symmetric round trip at `bits`. */
  quantizationMse(x: NumberArray, bits?: number): number;
  errorVsBits(x: NumberArray, minBits?: number, maxBits?: number): BitsSweepPoint[];
}

/** Loads the WebAssembly core (SIMD128 or scalar) and returns the API. Works in browsers, workers and Node 20. */
export function createQuantLab(options?: CreateOptions): Promise<QuantLab>;
/**
 * Times several run(iterations) -> µs functions: each is calibrated and warmed up, then the batches go round-robin
 * so that a machine slowing down for a while affects them all alike. Returns one Timing per key.
 */
export function timeInterleaved<K extends string>(
  runs: Record<K, (iterations: number) => number>,
  options?: Omit<TimingOptions, 'onProgress'> & { onProgress?: (done: number, total: number, id: K) => void },
): Record<K, Timing>;
/** timeInterleaved for runs that may return a Promise of the microseconds. */
export function timeInterleavedAsync<K extends string>(
  runs: Record<K, (iterations: number) => number | Promise<number>>,
  options?: Omit<TimingOptions, 'onProgress'> & { onProgress?: (done: number, total: number, id: K) => void },
): Promise<Record<K, Timing>>;
/** True when this engine validates a WebAssembly SIMD128 module. */
export function wasmSimdSupported(): boolean;

// --- Number formats (merged into QuantLab above): docs/float-formats.md ---

export type FloatFormatName = 'float32' | 'float16' | 'bfloat16' | 'fp8-e4m3' | 'fp8-e5m2';
/** The float formats and the integer storage sizes (formatInfo only). */
export type FormatName = FloatFormatName | 'int8' | 'int4';
/** Codes in the narrowest unsigned array: Uint8Array for fp8, Uint16Array for float16/bfloat16, Uint32Array for float32. */
export type FormatCodes = Uint8Array | Uint16Array | Uint32Array;
export type ValueClass = 'zero' | 'subnormal' | 'normal' | 'infinity' | 'nan';

export interface IntegerFormatInfo {
  name: 'int8' | 'int4';
  kind: 'integer';
  bits: number;
  /** bits / 8: 0.5 for int4. */
  bytes: number;
  max: number;
  min: number;
}

export interface FloatFormatInfo {
  name: FloatFormatName;
  kind: 'float';
  bits: number;
  bytes: number;
  /** Largest finite value: 65504 (float16), 448 (fp8-e4m3), 57344 (fp8-e5m2). */
  max: number;
  min: number;
  exponentBits: number;
  /** Stored mantissa bits, without the implicit leading 1. */
  mantissaBits: number;
  bias: number;
  /** Unbiased exponent of the smallest normal value (1 - bias) and of the largest finite value. */
  minExponent: number;
  maxExponent: number;
  minNormal: number;
  minSubnormal: number;
  /** 2^-mantissaBits: the gap between 1 and the next value. */
  epsilon: number;
  /** false for fp8-e4m3 (overflow there is 448 when saturating, else NaN). */
  hasInfinity: boolean;
  hasNaN: boolean;
  /** true for the fp8 formats. */
  saturatesByDefault: boolean;
  /** The bits of +max. */
  maxCode: number;
}

export interface FormatCode {
  format: FloatFormatName;
  /** The bits as an integer, sign bit highest. */
  code: number;
  /** The bits as '0'/'1' characters, sign first: bits long. */
  bitString: string;
  sign: 0 | 1;
  exponentField: number;
  mantissaField: number;
  /** Unbiased exponent: field - bias (normal), 1 - bias (zero, subnormal); null for infinity and NaN. */
  exponent: number | null;
  /** 1.mantissa (normal) or 0.mantissa (zero, subnormal) as a number; null for infinity and NaN. */
  significand: number | null;
  valueClass: ValueClass;
  /** The exact value of the code. */
  stored: number;
}

export interface FormatValue extends FormatCode {
  input: number;
  /** stored - input; 0 when equal (NaN and NaN too); ±Infinity after an overflow to infinity; NaN when a number became NaN. */
  error: number;
  inexact: boolean;
  /** A finite input rounded beyond the largest finite value. */
  overflow: boolean;
  /** The stored value is ±max in place of a larger magnitude (overflow or infinity, saturating). */
  saturated: boolean;
  /** A nonzero input below the smallest normal value, stored inexactly. */
  underflow: boolean;
  /** A nonzero input stored as zero. */
  underflowToZero: boolean;
}

export interface FormatNeighbours {
  /** Ascending, zero once: the stored value of `value` and up to n finite values on each side. */
  values: Float64Array;
  codes: FormatCodes;
  /** Position of value's stored value (rounded with saturation) in `values`. */
  index: number;
}

export interface TensorInFormat extends ErrorStats {
  format: FloatFormatName;
  /** Codes of x / scale. */
  codes: FormatCodes;
  /** Stored values times the scale (float64): what the tensor becomes. */
  values: Float64Array;
  /** The scale used: 1 by default, max|x| / max with 'amax' (0 for an all-zero tensor). */
  scale: number;
  /** Values beyond the format's range (saturated, or infinity/NaN when not saturating: mse is then Infinity). */
  overflows: number;
  /** Nonzero values stored as zero. */
  underflowsToZero: number;
}

export interface FormatOptions {
  /** Overflow to ±max (and ±Infinity to ±max) instead of infinity, or NaN in fp8-e4m3. Default: true for fp8, false otherwise. */
  saturate?: boolean;
}

export interface QuantLab {
  /** ['float32', 'float16', 'bfloat16', 'fp8-e4m3', 'fp8-e5m2', 'int8', 'int4']. */
  formatNames(): FormatName[];
  formatInfo(format: FloatFormatName): FloatFormatInfo;
  formatInfo(format: FormatName): FloatFormatInfo | IntegerFormatInfo;
  /** How a number is stored: its bits and fields, the stored value, the rounding error, overflow and underflow. */
  floatFormat(value: number, format: FloatFormatName, options?: FormatOptions): FormatValue;
  /** A code taken apart (e.g. after flipping a bit). */
  floatFormatCode(code: number, format: FloatFormatName): FormatCode;
  /** The representable values around a number (n from 0 to 1000 on each side, default 8). */
  formatNeighbours(value: number, format: FloatFormatName, n?: number): FormatNeighbours;
  /** The code of every value; a Float32Array keeps NaN payloads (its bits are copied as they are). */
  encodeFormat(x: NumberArray, format: FloatFormatName, options?: FormatOptions): FormatCodes;
  /** The exact value of every code. */
  decodeFormat(codes: IntegerArray | FormatCodes, format: FloatFormatName): Float64Array;
  /** A tensor in a format with one scale (a number > 0, default 1, or 'amax'): codes, values, weight MSE. */
  toFormat(x: NumberArray, format: FloatFormatName, options?: FormatOptions & { scale?: number | 'amax' }): TensorInFormat;
}

// ---- Datasets, evaluation, calibration and training (issue 12; docs/data-and-training.md) ----

/** idx file bytes, decompressed: a Uint8Array or ArrayBuffer, or what data-loader.js's loadIdx returns. */
export type IdxBytes = Uint8Array | ArrayBuffer | { bytes: Uint8Array };

/** A labelled image dataset held in WebAssembly memory: call delete() when done. */
export interface Dataset {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** rows x cols */
  readonly imageSize: number;
  /** One label per example (a copy). */
  readonly labels: Uint8Array;
  readonly deleted: boolean;
  /** Pixels of examples first .. first + count - 1, row after row (a copy). */
  images(first?: number, count?: number): Uint8Array;
  /** Pixels of example i. */
  image(i: number): Uint8Array;
  /** A new Dataset of examples first .. first + count - 1. */
  slice(first: number, count: number): Dataset;
  delete(): void;
}

export interface Evaluation {
  count: number;
  correct: number;
  /** correct / count */
  accuracy: number;
  /** Per true class: correct / examples of the class; null for a class without examples. */
  perClass: (number | null)[];
  classCounts: number[];
  /** confusion[trueLabel][prediction] */
  confusion: number[][];
  /** The largest logit's index (the first on ties), per example. */
  predictions: Uint8Array;
}

/** A range for activations; one per hidden layer (SimpleNet has one). */
export interface ActivationRange {
  /** 2 to 16 (8 by default); evaluateStatic takes up to 8. */
  bits?: number;
  lo: number;
  hi: number;
  /** 'affine' (default): [0, 2^bits - 1] with a zero point; 'symmetric': [-qmax, qmax] over max(|lo|, |hi|). */
  scheme?: 'symmetric' | 'affine';
}

export interface QuantParams {
  scale: number;
  zeroPoint: number;
  qmin: number;
  qmax: number;
}

export interface Calibration extends QuantParams {
  /** The chosen range. */
  lo: number;
  hi: number;
  method: 'minmax' | 'percentile' | 'mse' | 'entropy';
  /** 'mse' and 'entropy': the clipping values tried, their scores (MSE, or KL divergence: Infinity where undefined), the chosen index. */
  candidates?: Float64Array;
  scores?: Float64Array;
  best?: number;
}

export interface CalibrationOptions {
  method?: 'minmax' | 'percentile' | 'mse' | 'entropy';
  bits?: number;
  scheme?: 'symmetric' | 'affine';
  /** 'percentile': in (0, 100], default 99.99 (np.percentile's 'linear' method). */
  percentile?: number;
  /** 'mse': candidates at i / steps of the full range, i = 1 .. steps (default 100). */
  steps?: number;
  /** 'entropy': histogram bins of |x| (default 2048). */
  bins?: number;
}

export interface TrainProgress {
  /** Completed epochs. */
  epoch: number;
  stepInEpoch: number;
  stepsDone: number;
}

export interface TrainRun extends TrainProgress {
  /** Steps run by this call and the examples they saw. */
  steps: number;
  examplesSeen: number;
  /** Mean cross-entropy and accuracy over those examples (each measured before its step's update). */
  loss: number;
  accuracy: number;
}

/** What a Trainer and a QatTrainer share: the options they settled, and delete() (frees it; safe twice). */
export interface TrainerBase {
  readonly examples: number;
  readonly stepsPerEpoch: number;
  readonly batchSize: number;
  readonly optimizer: 'adam' | 'sgd';
  readonly learningRate: number;
  readonly seed: number;
  readonly deleted: boolean;
  delete(): void;
}

/** Trains an fp32 model inside WebAssembly; synchronous, so run it in a Web Worker. Call delete() when done. */
export interface Trainer extends TrainerBase {
  readonly progress: TrainProgress;
  run(steps?: number): TrainRun;
  /** The rest of the current epoch, reporting every `reportEvery` steps (default 20). */
  trainEpoch(options?: {
    onProgress?: (p: { done: number; total: number; loss: number; accuracy: number; epoch: number }) => void;
    reportEvery?: number;
  }): { loss: number; accuracy: number; examplesSeen: number; epoch: number; stepsDone: number };
  /** The current weights as a new fp32 Model (the caller deletes it). */
  model(): Model;
}

export interface TrainerOptions {
  /** An fp32 model to start from (copied); default createSimpleNet(seed). */
  model?: Model;
  /** Shuffling (epoch e follows numpy.random.permutation after numpy.random.seed(seed)) and the default model. */
  seed?: number;
  batchSize?: number;
  optimizer?: 'adam' | 'sgd';
  /** Default 1e-3 for Adam, 0.01 for SGD. */
  learningRate?: number;
  /** SGD's momentum (default 0.9). */
  momentum?: number;
  kernels?: Kernels;
}

export interface QuantLab {
  /** A Dataset from an idx image file and an idx label file (decompressed); throws naming the file and the problem. */
  loadDataset(images: IdxBytes, labels: IdxBytes, options?: { name?: string; expectedCount?: number }): Dataset;
  /** Accuracy, per-class accuracy, confusion matrix and predictions of an fp32 or dynamic int8 model, in batches. */
  evaluate(model: Model, data: Dataset, options?: { kernels?: Kernels }): Evaluation;
  evaluate(model: Model, images: IdxBytes, labels: IdxBytes, options?: { kernels?: Kernels }): Evaluation;
  /** Outputs of hidden layer `layer` (default 0) after ReLU for the first `count` examples (default all). */
  hiddenActivations(model: Model, data: Dataset, options?: { layer?: number; count?: number; kernels?: Kernels }):
    { values: Float32Array; rows: number; cols: number };
  activationQuantParams(range: ActivationRange): QuantParams;
  /** Quantize-dequantize at a range, and the error against the input. */
  fakeQuantize(values: NumberArray, range: ActivationRange): QuantParams & ErrorStats & { recovered: Float64Array };
  calibrate(values: NumberArray, options?: CalibrationOptions): Calibration;
  /** evaluate() with every hidden layer's output fake-quantized at its range. */
  evaluateFakeQuant(model: Model, data: Dataset, ranges: ActivationRange | ActivationRange[], options?: { kernels?: Kernels }): Evaluation;
  /** Static quantization of an int8 model: integer pixels, fixed activation ranges (2 to 8 bits), integer GEMMs. */
  evaluateStatic(model: Model, data: Dataset, ranges: ActivationRange | ActivationRange[], options?: { kernels?: Kernels }): Evaluation;
  createTrainer(data: Dataset, options?: TrainerOptions): Trainer;
}

// ---- Weights below 8 bits (issue 13) ----

/** Which weights share a scale: the whole tensor, one row (output channel), or G consecutive weights of a row. */
export type GroupSize = 'tensor' | 'channel' | number;

export interface GroupQuantized {
  /** rows x cols, row-major, in [-qmax, qmax]. */
  q: Int8Array;
  /** tensor: 1 value; channel: one per row; groups: rows x ceil(cols / G), row-major. 0 for an all-zero group. */
  scales: Float64Array;
  rows: number;
  cols: number;
  bits: number;
  /** 2^(bits-1) - 1 */
  qmax: number;
  /** As given: 'tensor', 'channel' or G (a G of at least cols acts per channel: see groupLength). */
  groupSize: GroupSize;
  /** Weights per scale along a row (rows x cols for per tensor). */
  groupLength: number;
  zeroGroups: number;
}

export interface Nf4Quantized {
  /** rows x cols codes in [0, 15]: indices into nf4Codebook(). */
  codes: Uint8Array;
  /** rows x blocksPerRow: max |w| of each block. */
  absmax: Float64Array;
  rows: number;
  cols: number;
  blockSize: number;
  blocksPerRow: number;
}

export interface ByteCost {
  weightBytes: number;
  scaleBytes: number;
  totalBytes: number;
  bitsPerWeight: number;
}

export interface GptqProgress {
  /** gptq: 'hessian', 'factor', 'columns'; awq: 'hessian', 'alpha'. */
  stage: 'hessian' | 'factor' | 'columns' | 'alpha';
  done: number;
  total: number;
}

export interface GptqResult extends GroupQuantized {
  /** W^ = q x scale, rows x cols. */
  dequantized: Float64Array;
  /** Inputs that were 0 in every calibration example (their weights are set to 0). */
  deadInputs: number;
  /** The value added to H's diagonal: damp x mean(diag H). */
  damping: number;
  /** Columns per lazy batch, after rounding up to whole groups. */
  blockSize: number;
}

export interface AwqResult extends GroupQuantized {
  alpha: number;
  /** s = mean|x|^alpha per input (at least 1e-4). */
  inputScales: Float64Array;
  /** W^ = Q(W diag(s)) diag(1/s), rows x cols: the weights to evaluate with. */
  dequantized: Float64Array;
  alphas: Float64Array;
  /** ||W X^T - W^ X^T||^2 for each alpha. */
  errors: Float64Array;
}

export interface QuantLab {
  groupQuantize(w: NumberArray, rows: number, cols: number, options?: { bits?: number; groupSize?: GroupSize }): GroupQuantized;
  groupDequantize(q: IntegerArray, scales: NumberArray, rows: number, cols: number, options?: { groupSize?: GroupSize }): Float64Array;
  /** Element 2i in the low nibble, 2i+1 in the high nibble, two's complement in [-8, 7]. */
  packInt4(q: IntegerArray): Uint8Array;
  unpackInt4(packed: Uint8Array | ArrayBuffer, count?: number): Int8Array;
  /** QLoRA's 16 NF4 levels, derived from normal quantiles. */
  nf4Codebook(): Float32Array;
  nf4Quantize(w: NumberArray, rows: number, cols: number, options?: { blockSize?: number }): Nf4Quantized;
  nf4Dequantize(codes: IntegerArray, absmax: NumberArray, rows: number, cols: number, options?: { blockSize?: number }): Float64Array;
  quantizedSize(rows: number, cols: number,
    options?: { format?: 'int' | 'nf4'; bits?: number; groupSize?: GroupSize; blockSize?: number }): ByteCost;
  /** 2 X^T X, cols x cols, of calibration inputs given as rows of `cols` values. */
  layerHessian(inputs: NumberArray, cols: number, options?: { onProgress?: (p: GptqProgress) => void }): Float64Array;
  gptqInverseCholesky(hessian: NumberArray, cols: number, options?: { damp?: number }):
    { factor: Float64Array; dead: Uint8Array; deadInputs: number; damping: number };
  /** Give exactly one of inputs and hessian. */
  gptq(w: NumberArray, rows: number, cols: number, options: {
    inputs?: NumberArray; hessian?: NumberArray; bits?: number; groupSize?: GroupSize; damp?: number; blockSize?: number;
    onProgress?: (p: GptqProgress) => void;
  }): GptqResult;
  awq(w: NumberArray, rows: number, cols: number, inputs: NumberArray,
    options?: { bits?: number; groupSize?: GroupSize; alphas?: NumberArray; hessian?: NumberArray;
      onProgress?: (p: GptqProgress) => void }): AwqResult;
  /** ||W X^T - W^ X^T||^2; give exactly one of inputs and hessian. */
  reconstructionError(w: NumberArray, wHat: NumberArray, rows: number, cols: number,
    options: { inputs?: NumberArray; hessian?: NumberArray }): number;
}

// ---- A model's weights in a number format (issue 15) ----

export type WeightFormatName = 'float32' | 'float16' | 'bfloat16' | 'fp8-e4m3' | 'fp8-e5m2' | 'int8';

export interface ModelInFormat extends ErrorStats {
  /** A new fp32 Model holding the stored weights (biases unchanged): delete() it when done. */
  model: Model;
  format: WeightFormatName;
  scale: 'none' | 'tensor' | 'channel';
  /** How many weights (every layer). */
  weights: number;
  /** Weights beyond the format's range (saturated). */
  overflows: number;
  /** Nonzero weights stored as zero. */
  underflowsToZero: number;
  layers: Array<ErrorStats & { scales: Float64Array; overflows: number; underflowsToZero: number }>;
}

export interface QuantLab {
  /**
   * The model with its weights stored in `format` and read back (weights only; activations stay float32), and the
   * weight error. scale: 'none' (plain cast; default for float32/16, bfloat16), 'tensor' (amax / format max; default
   * for fp8 and int8) or 'channel'.
   */
  modelWithWeightsIn(model: Model, format: WeightFormatName, options?: { scale?: 'none' | 'tensor' | 'channel' }): ModelInFormat;
}

// ---- Whole low-bit models (issue 13, phase 2) ----

export interface LayerScheme {
  kind: 'fp32' | 'int8' | 'int2' | 'int3' | 'int4' | 'nf4';
  bits: number;
  /** null for fp32; 'tensor', 'channel' or G (NF4: its block size). */
  groupSize: GroupSize | null;
  /** True when the layer divides its inputs by AWQ's input scales. */
  inputScales: boolean;
}

export interface ModelQuantization {
  method: 'rtn' | 'gptq' | 'awq';
  /** gptq, awq: each layer's ||W X^T - W^ X^T||^2 on its calibration inputs (0 for an fp32 layer). */
  layerErrors?: number[];
  /** The same with round-to-nearest of the same scheme. */
  rtnErrors?: number[];
  /** awq: the alpha chosen for each layer. */
  alphas?: number[];
}

/** A layer's scheme, over the options' defaults; 'fp32' keeps the layer. */
export type LayerSchemeOption = 'fp32' | { method?: 'rtn' | 'nf4' | 'fp32'; bits?: number; groupSize?: GroupSize; blockSize?: number };
export type CalibratedLayerOption = 'fp32' | { bits?: number; groupSize?: GroupSize };

export interface ModelQuantizeProgress {
  stage: 'hessian' | 'factor' | 'columns' | 'alpha';
  /** 1-based */
  layer: number;
  done: number;
  total: number;
}

export interface QuantLab {
  /** Round-to-nearest (2, 3, 4 bits on the int4 kernels; 8 bits as int8) or NF4 of every layer of an fp32 model. */
  quantizeWeights(model: Model, options?: {
    method?: 'rtn' | 'nf4'; bits?: number; groupSize?: GroupSize; blockSize?: number; layers?: LayerSchemeOption[];
  }): Model;
  /** GPTQ of every layer in order; calibration: a Dataset (first `count` images) or rows of inputSize values. */
  gptqModel(model: Model, calibration: Dataset | NumberArray, options?: {
    bits?: number; groupSize?: GroupSize; damp?: number; blockSize?: number; count?: number;
    layers?: CalibratedLayerOption[]; onProgress?: (p: ModelQuantizeProgress) => void;
  }): Model;
  awqModel(model: Model, calibration: Dataset | NumberArray, options?: {
    bits?: number; groupSize?: GroupSize; alphas?: NumberArray; count?: number;
    layers?: CalibratedLayerOption[]; onProgress?: (p: ModelQuantizeProgress) => void;
  }): Model;
}

// ---- Quantization-aware training (docs/qat.md) ----

export interface QatProgress {
  /** Completed epochs. */
  epoch: number;
  stepInEpoch: number;
  stepsDone: number;
  /** Weights outside the clipping range in the last forward pass (always 0 with scale 'max'). */
  clippedWeights: number;
}

export interface QatRun extends QatProgress {
  steps: number;
  examplesSeen: number;
  /** Mean cross-entropy of the fake-quantized network over the steps' examples (before each update). */
  loss: number;
  accuracy: number;
  examples: number;
  stepsPerEpoch: number;
  batchSize: number;
}

export interface QatTrainer extends TrainerBase {
  readonly bits: number;
  readonly groupSize: GroupSize;
  readonly scale: 'max' | 'frozen';
  readonly mask: boolean;
  readonly weightCount: number;
  readonly progress: QatProgress;
  run(steps?: number): QatRun;
  /** One mini-batch; its loss. */
  step(): number;
  /**
   * The rest of the current epoch in chunks of `chunkSteps` (default 10), yielding to the event loop between
   * chunks; an aborted `signal` stops after the current chunk (`aborted: true`) and the next call resumes.
   */
  trainEpoch(options?: {
    chunkSteps?: number;
    signal?: AbortSignal;
    onProgress?: (p: { done: number; total: number; loss: number; accuracy: number; epoch: number; clippedWeights: number }) => void;
  }): Promise<{ loss: number | null; accuracy: number | null; examplesSeen: number; epoch: number; stepsDone: number; aborted: boolean }>;
  /** The network trained: weights dequantized from q(w), fp32 biases (the caller deletes it). */
  quantizedModel(): Model;
  /** The fp32 master weights (the caller deletes it). */
  masterModel(): Model;
  layerQuantization(layer?: number): { q: Int8Array; scales: Float64Array; rows: number; cols: number; bits: number; qmax: number };
  /** evaluate() of the quantized model. */
  evaluate(data: Dataset, options?: { kernels?: Kernels }): Evaluation;
}

/** The trainer's options (seed, batchSize, optimizer, learningRate, momentum, kernels) and the fake quantization. */
export interface QatTrainerOptions extends Omit<TrainerOptions, 'model'> {
  /** The fp32 model to fine-tune (copied). Required. */
  model: Model;
  /** 2 to 8 (default 4). */
  bits?: number;
  /** Default 'channel'. */
  groupSize?: GroupSize;
  /** 'max': max|w| / qmax recomputed every step (default); 'frozen': the starting weights' scales, held. */
  scale?: 'max' | 'frozen';
  /** The STE's mask (default true). */
  mask?: boolean;
}

export interface QuantLab {
  createQatTrainer(data: Dataset, options: QatTrainerOptions): QatTrainer;
}
