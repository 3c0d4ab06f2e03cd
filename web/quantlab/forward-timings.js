// SimpleNet timings as the lab shows them (exercise 4) and as the benchmark reports them from Node and
// Chromium: one code path. fp32 and int8 models are built from the same seed in the SIMD build and in the
// scalar build, checked for agreement, then timed inside WebAssembly, batch by batch, interleaved.
import { createQuantLab, timeInterleaved, wasmSimdSupported } from './quantlab.js';

/** The four timings: data type x build. */
export const TIMING_CONFIGS = Object.freeze([
  { id: 'fp32_simd', dtype: 'fp32', build: 'simd' },
  { id: 'int8_simd', dtype: 'int8', build: 'simd' },
  { id: 'fp32_scalar', dtype: 'fp32', build: 'scalar' },
  { id: 'int8_scalar', dtype: 'int8', build: 'scalar' },
]);

function argmax(v) {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/** max |fp32 - int8| over the outputs and argmax agreement, on `count` NumPy-seeded random inputs. */
export function measureAgreement(lab, fp32, int8, { count = 100, seed = 1000 } = {}) {
  let maxAbsDiff = 0;
  let argmaxAgree = 0;
  for (let t = 0; t < count; t++) {
    const x = Float32Array.from(lab.randn(seed + t, fp32.inputSize));
    const a = fp32.forward(x);
    const b = int8.forward(x);
    for (let i = 0; i < a.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a[i] - b[i]));
    if (argmax(a) === argmax(b)) argmaxAgree += 1;
  }
  return { inputs: count, maxAbsDiff, argmaxAgree };
}

/**
 * Builds fp32 and int8 SimpleNets from `seed` in the builds the configurations need, checks their agreement,
 * and returns {simdSupported, perChannel, sizes: {fp32, int8}, agreement, runs: {id: run(iterations) -> µs},
 * release()}. Call release() to free the models.
 */
export async function openForwardTimings({ seed = 0, perChannel = false, configs } = {}) {
  const simdSupported = wasmSimdSupported();
  const wanted = TIMING_CONFIGS.filter((c) => (configs ? configs.includes(c.id) : true))
    .filter((c) => c.build === 'scalar' || simdSupported);
  const builds = [...new Set(wanted.map((c) => c.build))];
  const models = {};
  const release = () => {
    for (const pair of Object.values(models)) for (const m of Object.values(pair)) m.delete();
  };
  try {
    const labs = {};
    for (const build of builds) {
      labs[build] = await createQuantLab({ simd: build === 'simd' });
      const fp32 = labs[build].createSimpleNet(seed);
      models[build] = { fp32 };
      models[build].int8 = labs[build].quantizeDynamic(fp32, { perChannel });
    }
    const first = models[builds[0]];
    const runs = {};
    for (const c of wanted) runs[c.id] = labs[c.build].forwardTimer(models[c.build][c.dtype]);
    return {
      simdSupported,
      perChannel,
      sizes: { fp32: first.fp32.sizeBytes, int8: first.int8.sizeBytes },
      agreement: measureAgreement(labs[builds[0]], first.fp32, first.int8),
      runs,
      release,
    };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * openForwardTimings, then every configuration timed batch by batch, interleaved (timeInterleaved).
 * options: {seed, perChannel, configs (ids), timing: {warmupMs, batches, batchMs}, onProgress({done, total, config})}
 * Returns {simdSupported, perChannel, sizes, agreement, timings: {id: {medianUs, minUs, maxUs, samplesUs, ...}}}.
 */
export async function measureForwardTimings({ timing = {}, onProgress, ...options } = {}) {
  const { runs, release, ...result } = await openForwardTimings(options);
  try {
    const timings = timeInterleaved(runs, {
      ...timing,
      onProgress: (done, total, config) => onProgress?.({ done, total, config }),
    });
    return { ...result, timings };
  } finally {
    release();
  }
}

/**
 * The int8 and fp32 GEMM 256 x 784 x 256 and the dot_i16x8 probe, timed interleaved in one lab (SIMD build):
 * {gemmInt8Gmacs, gemmFp32Gmacs, dotPeakGmacs}. The benchmark reports the first against the last.
 */
export function measureGemmAndPeak(lab, timing = {}) {
  const shape = { m: 256, n: 256, k: 784 };
  const macs = shape.m * shape.n * shape.k;
  const peak = lab.dotPeakTimer();
  const int8 = lab.gemmTimer({ dtype: 'int8', ...shape });
  const fp32 = lab.gemmTimer({ dtype: 'fp32', ...shape });
  let t;
  try {
    t = timeInterleaved({ int8, fp32, peak }, timing);
  } finally {
    int8.release();  // the operands both timers kept
  }
  return {
    gemmInt8Gmacs: macs / t.int8.medianUs / 1e3,
    gemmFp32Gmacs: macs / t.fp32.medianUs / 1e3,
    dotPeakGmacs: peak.macsPerIteration / t.peak.medianUs / 1e3,
  };
}
