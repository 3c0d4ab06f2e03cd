// SimpleNet timings as the lab shows them (exercise 4) and as the benchmark reports them from Node and
// Chromium: one code path. fp32 and int8 models are built from the same seed in the SIMD build and in the
// scalar build, checked for agreement (agreement.js), then timed inside WebAssembly, batch by batch,
// interleaved (timing.js).
import { measureAgreement } from './agreement.js';
import { createQuantLab, wasmSimdSupported } from './quantlab.js';
import { timeInterleaved } from './timing.js';

export { measureAgreement } from './agreement.js';

/** The four timings: data type x build. */
export const TIMING_CONFIGS = Object.freeze([
  { id: 'fp32_simd', dtype: 'fp32', build: 'simd' },
  { id: 'int8_simd', dtype: 'int8', build: 'simd' },
  { id: 'fp32_scalar', dtype: 'fp32', build: 'scalar' },
  { id: 'int8_scalar', dtype: 'int8', build: 'scalar' },
]);

/**
 * Builds fp32 and int8 SimpleNets from `seed` in the builds the configurations need, checks their agreement,
 * and returns {simdSupported, perChannel, sizes: {fp32, int8}, agreement, runs: {id: run(iterations) -> µs},
 * release()}. Call release() to free the models. `module`: the WebAssembly module to load (createQuantLab's; the
 * models need 'data' or 'full'; default 'full', as the benchmark's).
 */
export async function openForwardTimings({ seed = 0, perChannel = false, configs, module = 'full' } = {}) {
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
      labs[build] = await createQuantLab({ simd: build === 'simd', module });
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
 * options: {seed, perChannel, configs (ids), module, timing: {warmupMs, batches, batchMs}, onProgress({done, total, config})}
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
