// The types of URL-state parameters: what an exercise declares in the registry (exercises/registry.js) for each
// value it keeps in the link, with its bounds and default. Each type parses text into a value or undefined (never
// throws, never evaluates) and formats a value back into text; the controls read their bounds from here.

const MAX_LIST_LENGTH = 256;

/** An integer in [min, max]. */
export const int = (min, max, def) => ({
  integer: true,
  def,
  min,
  max,
  parse(text) {
    if (!/^-?\d{1,6}$/.test(text)) return undefined;
    const v = Number(text);
    return v >= min && v <= max ? v : undefined;
  },
  format: String,
});

/** One of a fixed list of words. */
export const choice = (values, def) => ({
  def,
  values: Object.freeze([...values]),
  parse: (text) => (values.includes(text) ? text : undefined),
  format: String,
});

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d{1,3})?$/i;

/** A finite number with |v| <= limit, or undefined. */
export function parseNumber(text, limit = 1e9) {
  const s = String(text).trim();
  if (!NUMBER.test(s)) return undefined;
  const v = Number(s);
  return Number.isFinite(v) && Math.abs(v) <= limit ? v : undefined;
}

/** A comma-separated list of finite numbers, length in [minLength, maxLength], each in [min, max]. */
export const numberList = ({ minLength = 1, maxLength = MAX_LIST_LENGTH, min = -Infinity, max = Infinity, def }) => ({
  def,
  minLength,
  maxLength,
  min,
  max,
  parse(text) {
    const parts = text.split(',');
    if (parts.length < minLength || parts.length > maxLength) return undefined;
    const values = parts.map((p) => parseNumber(p));
    return values.every((v) => v !== undefined && v >= min && v <= max) ? values : undefined;
  },
  format: (values) => values.join(','),
});
