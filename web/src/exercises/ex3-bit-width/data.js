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
