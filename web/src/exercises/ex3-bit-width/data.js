// Exercise 3's data, shared by its page, its tasks and its registry entry (the values of the `dist` parameter).

export const DISTRIBUTIONS = Object.freeze(['gaussian', 'uniform', 'outliers']);

/**
 * Weights from NumPy's seeded generators (a Float64Array of n values):
 *   gaussian  np.random.seed(seed); np.random.randn(n)
 *   uniform   2 * np.random.rand(n) - 1 (same seed)
 *   outliers  the Gaussian with every 100th value multiplied by 10 (x[::100] *= 10)
 */
export function weights(lab, dist, { seed = 42, n = 1000 } = {}) {
  if (dist === 'uniform') return lab.rand(seed, n).map((u) => 2 * u - 1);
  const x = lab.randn(seed, n);
  if (dist === 'outliers') for (let i = 0; i < n; i += 100) x[i] *= 10;
  return x;
}

/** np.round: half to even. */
const roundHalfEven = (v) => {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/**
 * The symmetric round trip of x at `bits` with the scale clipAt / qmax (values beyond ±clipAt saturate), in float64
 * as NumPy computes it: {mse, rounding, clipping, clipped}. rounding and clipping split the MSE between the values
 * that landed on a level inside the grid and those that saturated at ±qmax; clipped counts the latter.
 */
export function clippedError(x, bits, clipAt) {
  const qmax = 2 ** (bits - 1) - 1;
  const scale = clipAt / qmax;
  let rounding = 0;
  let clipping = 0;
  let clipped = 0;
  for (const v of x) {
    const r = scale > 0 ? roundHalfEven(v / scale) : 0;
    const q = Math.min(qmax, Math.max(-qmax, r));
    const e = (v - q * scale) ** 2;
    if (q !== r) {
      clipping += e;
      clipped += 1;
    } else {
      rounding += e;
    }
  }
  const n = x.length || 1;
  return { mse: (rounding + clipping) / n, rounding: rounding / n, clipping: clipping / n, clipped };
}

/** Clipping thresholds from max|x| / steps to max|x|, `steps` of them (the page's sweep and the tasks' demo). */
export function clipGrid(x, steps = 60) {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  return Array.from({ length: steps }, (_, i) => (m * (i + 1)) / steps);
}
