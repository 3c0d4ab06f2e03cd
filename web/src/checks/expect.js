// The checks' general helpers: failing a test with a message for the learner, and comparing numbers and arrays
// of numbers with the reference. Quantized values, scales and zero points have their own helpers, driven by a
// quantization spec (checks/quantization.js). Every failure says what is wrong and what to look at.
import { formatValue } from '../ui/format.js';

/**
 * Thrown by a test to fail it with a message for the learner. `cause` is a short stable id of the mistake
 * ('qmax-255', 'per-tensor', 'half-up'…): the results view shows the message of a cause once, at the top ("Fix this
 * first"), with the checks it breaks listed under it (checks/group.js). A failure without a cause is its own group.
 */
export class CheckFailure extends Error {
  constructor(message, { cause } = {}) {
    super(message);
    this.cause = typeof cause === 'string' && cause ? cause : null;
  }
}

/** Fails the test: `message` starts with the mistake in the learner's terms; `cause` names it for grouping. */
export function fail(message, { cause } = {}) {
  throw new CheckFailure(message, { cause });
}

/**
 * Kept for tasks written before passes became silent: joins strings, and Check shows nothing on a pass anyway
 * (no precision notes on a passed check).
 */
export const notes = (...parts) => parts.flat().filter(Boolean).join(' ');

/** A value in a message: a number in full, an array abbreviated. */
export const show = (v) => (typeof v === 'number' ? formatValue(v) : formatValue(v, 1));

/** |a − b| <= rel·|b|. */
export const near = (a, b, rel) => Math.abs(a - b) <= rel * Math.abs(b);

/** Largest magnitude, as np.max(np.abs(x)). */
export const maxAbs = (x) => Array.prototype.reduce.call(x, (m, v) => Math.max(m, Math.abs(v)), 0);

/** Fails unless `value` is a number; returns it. */
export function expectNumber(value, what) {
  if (typeof value !== 'number') fail(`${what} is ${show(value)}: it should be a number.`);
  if (Number.isNaN(value)) fail(`${what} is NaN: look for a division 0 / 0.`);
  return value;
}

/** Fails unless `value` is an array or typed array of numbers (of `length`, when given); returns it. */
export function expectNumbers(value, what, length) {
  if (value === null || value === undefined) fail(`${what} is ${value}: return an array of numbers.`);
  if (typeof value !== 'object' || typeof value.length !== 'number') {
    fail(`${what} should be an array or typed array of numbers, got ${show(value)}.`);
  }
  if (length !== undefined && value.length !== length) {
    fail(`${what} has ${value.length} values, expected ${length}.`);
  }
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'number') fail(`${what}[${i}] is ${show(value[i])}, not a number.`);
    if (Number.isNaN(value[i])) fail(`${what}[${i}] is NaN: look for a division 0 / 0 or a missing value.`);
  }
  return value;
}

/**
 * Checks a mean squared error. Summation order may differ from NumPy's pairwise sum in the last digits, and the
 * recovered values may be float32 or float64 (NumPy 1 and 2 differ there), so `rel` (1e-12 by default) is accepted,
 * silently. `f32Alt`, the MSE of the float32 recovered values, is accepted too.
 */
export function expectMse(got, want, { n, what = 'MSE', f32Alt, rel = 1e-12 }) {
  expectNumber(got, what);
  if (got === want || near(got, want, rel)) return '';
  if (f32Alt !== undefined && near(got, f32Alt, rel)) return '';
  if (near(got, want * n, 1e-9)) fail(`${what} is ${n}× too large: divide the sum of squares by the number of values (np.mean).`, { cause: 'mse-sum' });
  if (near(got, Math.sqrt(want), 1e-9)) fail(`${what} is the square root of the MSE (an RMS error): leave the root out.`, { cause: 'mse-rms' });
  if (near(got * got, want, 1e-9)) fail(`${what} is the MSE squared: square each difference, not the mean.`, { cause: 'mse-squared' });
  fail(`${what} is ${show(got)} but NumPy gives ${show(want)}.`);
}
