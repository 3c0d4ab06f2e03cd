// Exercise 2's data, shared by its page, its tasks and its registry entry (the default of the `s` parameter).

/** The notebook's row magnitudes: row r of randn(4, 64) is multiplied by NOTEBOOK_CHANNEL_SCALES[r]. */
export const NOTEBOOK_CHANNEL_SCALES = Object.freeze([0.01, 0.1, 1, 10]);
export const COLS = 64;

/**
 * The notebook's matrix: np.random.seed(42); np.random.randn(rows, cols), row r multiplied by magnitudes[r]
 * (rows = magnitudes.length). A Float64Array, row-major.
 */
export function notebookMatrix(lab, magnitudes = NOTEBOOK_CHANNEL_SCALES, cols = COLS) {
  const w = lab.randn(42, magnitudes.length * cols);
  magnitudes.forEach((m, r) => { for (let c = 0; c < cols; c++) w[r * cols + c] *= m; });
  return w;
}
