// Numbers and values as the lab shows them. Pure functions (no DOM): used by the pages, the sandbox and the checks.
// The lab's own numbers never read "NaN" on screen: non-finite values get a symbol. (formatValue prints the
// learner's values as a console would, NaN included.)

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
  let s = a < 1e-3 || a >= 1e6 ? v.toExponential(digits - 1) : v.toPrecision(digits);
  if (a >= 1e-3 && a < 1e6 && s.includes('e')) s = String(Number(s)); // 1070, not 1.07e+3
  return s.replaceAll('-', '−'); // one minus sign style, the exponent's included
}

/** Fixed decimals, with a proper minus sign. */
export function fixed(v, decimals) {
  if (!Number.isFinite(v)) return exact(v);
  return v.toFixed(decimals).replaceAll('-', '−');
}

/** Decibels with one decimal; ∞ for an exact reconstruction. */
export const dB = (v) => (v === Infinity ? '∞ dB' : `${fixed(v, 1)} dB`);

/**
 * A number with its thousands grouped, as toLocaleString('en-US') writes it (10,000; 1,234.5: at most 3 decimals)
 * but without Intl, whose first use costs a page tens of milliseconds; and with the lab's minus sign.
 */
export function grouped(v) {
  if (!Number.isFinite(v)) return exact(v);
  const rounded = Math.abs(v) >= 1e15 ? Math.abs(v) : Math.round(Math.abs(v) * 1000) / 1000;
  if (rounded >= 1e21) return sig(v, 4);
  const [whole, decimals] = rounded >= 1e15 ? [BigInt(Math.round(rounded)).toString()] // beyond toFixed's exact digits
    : rounded.toFixed(3).replace(/\.?0+$/, '').split('.');
  const text = groupThousands(whole) + (decimals ? `.${decimals}` : '');
  return v < 0 && rounded !== 0 ? `−${text}` : text;
}

/** A whole number's digits with a comma every three from the right: '1234567' -> '1,234,567'. */
export const groupThousands = (digits) => digits.replace(/\B(?=(\d{3})+$)/g, ',');

/** A ratio such as "2.6×". */
export const times = (v) => (Number.isFinite(v) ? `${v >= 100 ? grouped(Math.round(v)) : v.toFixed(1)}×` : exact(v));

/** A value as typed when that is short (0.01, 10), else 3 significant digits. */
export function short(v) {
  const s = String(v);
  return s.length <= 8 ? s.replaceAll('-', '−') : sig(v, 3);
}

/** exact() for reading rather than copying: with a typographic minus, like the other numbers on screen. */
export const num = (v) => exact(v).replaceAll('-', '−');

/** The shortest decimal that reads back as the same float32, as NumPy prints a float32 (0.24812599, not 0.248125985…). */
export function float32String(v) {
  if (!Number.isFinite(v) || Number.isInteger(v)) return formatValue(v);
  for (let digits = 1; digits <= 9; digits++) {
    const s = v.toPrecision(digits);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

/**
 * A value as a console would print it (the learner's output pane and the checks' messages): arrays abbreviated to
 * 20 values, float32 arrays in float32 digits, nesting limited to three levels.
 */
export function formatValue(value, depth = 0) {
  if (typeof value === 'string') return depth ? JSON.stringify(value) : value;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : Number.isNaN(value) ? 'NaN' : exact(value);
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (value === null || typeof value !== 'object') return String(value);
  if (depth > 2) return Array.isArray(value) ? '[…]' : '{…}';
  const isTyped = ArrayBuffer.isView(value) && !(value instanceof DataView);
  if (Array.isArray(value) || isTyped) {
    const item = value instanceof Float32Array ? float32String : (v) => formatValue(v, depth + 1);
    const shown = Array.from(value.slice(0, 20), item);
    if (value.length > 20) shown.push(`… ${value.length - 20} more`);
    const prefix = isTyped ? `${value.constructor.name}(${value.length}) ` : '';
    return `${prefix}[${shown.join(', ')}]`;
  }
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  const entries = Object.entries(value).slice(0, 20).map(([k, v]) => `${k}: ${formatValue(v, depth + 1)}`);
  return `{ ${entries.join(', ')} }`;
}
