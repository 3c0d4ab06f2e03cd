// Numbers as the lab shows them. Pure functions (no DOM): used by the pages, the worker and the checks.
// Nothing on screen ever reads "NaN": non-finite values get a symbol.

/** Exponent with at least two digits, as NumPy prints it: 1e-05, not 1e-5. */
export const twoDigitExponent = (text) => text.replace(/e([+-])(\d)$/, 'e$10$2');

/**
 * The shortest digits that round-trip, laid out as NumPy's repr does (exponent form below 1e-4, two-digit
 * exponents), so the learner can compare with a NumPy session digit by digit.
 */
export function exact(v) {
  if (Number.isNaN(v)) return '—';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  const a = Math.abs(v);
  // ASCII minus here: these digits are meant to be copied into Python.
  return a !== 0 && (a < 1e-4 || a >= 1e16) ? twoDigitExponent(v.toExponential()) : String(v);
}

/** `digits` significant digits, switching to exponent form for very small or large magnitudes. */
export function sig(v, digits = 4) {
  if (!Number.isFinite(v)) return exact(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a < 1e-3 || a >= 1e6 ? v.toExponential(digits - 1) : v.toPrecision(digits);
  return s.replace('-', '−');
}

/** Fixed decimals, with a proper minus sign. */
export function fixed(v, decimals) {
  if (!Number.isFinite(v)) return exact(v);
  return v.toFixed(decimals).replace('-', '−');
}

/** Decibels with one decimal; ∞ for an exact reconstruction. */
export const dB = (v) => (v === Infinity ? '∞ dB' : `${fixed(v, 1)} dB`);

/** A ratio such as "2.6×". */
export const times = (v) => (Number.isFinite(v) ? `${v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1)}×` : exact(v));

/** A value as typed when that is short (0.01, 10), else 3 significant digits. */
export function short(v) {
  const s = String(v);
  return s.length <= 8 ? s.replace('-', '−') : sig(v, 3);
}

/** exact() for reading rather than copying: with a typographic minus, like the other numbers on screen. */
export const num = (v) => exact(v).replace('-', '−');
