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

export interface QuantLab {
  /** True when the WebAssembly SIMD128 build is in use. */
  readonly simd: boolean;
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
/** True when this engine validates a WebAssembly SIMD128 module. */
export function wasmSimdSupported(): boolean;
