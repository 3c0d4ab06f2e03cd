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
}

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
  /** About how long one batch runs, in ms (default 25, above 0 and at most 60000). */
  batchMs?: number;
  /** Called after each batch. */
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
  readonly kind: 'fp32' | 'int8';
  /** int8 models: one weight scale per output channel instead of one per tensor. */
  readonly perChannel: boolean;
  /** [inputs, hidden..., outputs]: [784, 256, 10] for SimpleNet. */
  readonly layerSizes: readonly number[];
  readonly inputSize: number;
  readonly outputSize: number;
  /** Bytes of serialize(): the real model size. */
  readonly sizeBytes: number;
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
  /** The kernels forward() uses by default: 'wasmsimd' or 'scalar'. */
  readonly kernels: string;
  /** The notebook's SimpleNet (784 -> 256 -> ReLU -> 10) in fp32, initialised like nn.Linear from `seed`. */
  createSimpleNet(seed?: number): Model;
  /** int8 weights (per tensor, or per channel), fp32 biases, activations quantized per call. */
  quantizeDynamic(model: Model, options?: { perChannel?: boolean }): Model;
  /** Reads serialize()'s bytes; throws on a truncated, corrupt or unknown file and creates nothing. */
  loadModel(bytes: Uint8Array | ArrayBuffer): Model;
  /** Times forward passes inside WebAssembly. */
  benchmark(model: Model, options?: TimingOptions & { kernels?: Kernels; batch?: number; input?: NumberArray }):
    Timing & { kernels: string; batch: number };
  /** run(iterations): runs forward passes inside WebAssembly, returns the elapsed µs (for timeInterleaved). */
  forwardTimer(model: Model, options?: { kernels?: Kernels; batch?: number; input?: NumberArray }):
    ((iterations: number) => number) & { batch: number };
  /** Times C[m x n] = A[m x k] . B[n x k]^T (defaults: int8, 256 x 784 x 256). */
  benchmarkGemm(options?: TimingOptions & { dtype?: 'int8' | 'fp32'; m?: number; n?: number; k?: number; kernels?: Kernels }):
    Timing & { gmacs: number; dtype: string; m: number; n: number; k: number };
  /** run(iterations) -> µs of that many GEMMs (for timeInterleaved). */
  gemmTimer(options?: { dtype?: 'int8' | 'fp32'; m?: number; n?: number; k?: number; kernels?: Kernels }):
    (iterations: number) => number;
  /** run(units) -> µs of units x 1000 probe iterations; macsPerIteration is per unit. */
  dotPeakTimer(): ((units: number) => number) & { macsPerIteration: number };
  /** Throughput of i32x4.dot_i16x8_s in a register loop (SIMD build only): the ceiling of the int8 GEMM. */
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
