// Exercise 6's calibration methods, shared by its page, its data job and its registry entry.

/** The `method` parameter's values: what calibrate() is called with, and the words the page uses. */
export const METHODS = Object.freeze({
  minmax: { options: { method: 'minmax' }, label: 'min/max' },
  p99: { options: { method: 'percentile', percentile: 99 }, label: 'percentile 99' },
  p999: { options: { method: 'percentile', percentile: 99.9 }, label: 'percentile 99.9' },
  p9999: { options: { method: 'percentile', percentile: 99.99 }, label: 'percentile 99.99' },
  mse: { options: { method: 'mse' }, label: 'MSE search' },
  entropy: { options: { method: 'entropy' }, label: 'entropy (KL)' },
});
export const METHOD_IDS = Object.freeze(Object.keys(METHODS));

/** Activation bit widths the page compares (weights are int8 per channel throughout). */
export const BITS = Object.freeze(['8', '4']);

/** Calibration set sizes of the "how many images" curve (the whole set, 1,024, is the table's). */
export const CALIBRATION_SIZES = Object.freeze([1, 8, 64, 1024]);
/** The methods of that curve, at 4 bits. */
export const CURVE_METHODS = Object.freeze(['minmax', 'p9999', 'mse', 'entropy']);
