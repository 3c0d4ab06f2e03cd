// Exercise 5's data, shared by its page, its tasks and its data job.

/**
 * A skewed row of weights, mostly small and positive with a short negative tail, as a layer's weights after a
 * positive bias often look: NumPy's `np.random.seed(seed); u = np.random.rand(n); -0.12 + 0.9 * u * u * u`.
 */
export function skewedWeights(lab, { seed = 5, n = 48 } = {}) {
  return lab.rand(seed, n).map((u) => -0.12 + 0.9 * u * u * u);
}

/** Round half to even, as np.rint. */
export function rint(v) {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The bit widths of the error sweep. */
export const SWEEP_BITS = Object.freeze([2, 3, 4, 5, 6, 7, 8]);
