// The page state lives in the URL hash, so that a link reproduces the view: "#/ex1?bits=4&w=0.5,-0.25".
//
// STATE is a typed table: for each route, the parameters it keeps, each with a type, bounds and a default.
// parseHash() accepts only what the table allows; anything else in a hash (an unknown route or parameter, a value
// out of range, text where a number belongs, an overlong hash) is dropped and reported by name in `ignored`, so
// that the page can say which part of a link it could not use. Values are parsed, never evaluated, and the page
// shows them with textContent only.

export const MAX_HASH_LENGTH = 4000;
const MAX_LIST_LENGTH = 256;

/** An integer in [min, max] (the controls read min and max from here). */
export const int = (min, max, def) => ({
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
  parse: (text) => (values.includes(text) ? text : undefined),
  format: String,
});

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d{1,3})?$/i;

/** A finite number with |v| <= limit. */
export function parseNumber(text, limit = 1e9) {
  const s = String(text).trim();
  if (!NUMBER.test(s)) return undefined;
  const v = Number(s);
  return Number.isFinite(v) && Math.abs(v) <= limit ? v : undefined;
}

/** A comma-separated list of finite numbers, length in [minLength, maxLength], each passing `accept`. */
export const numberList = ({ minLength = 1, maxLength = MAX_LIST_LENGTH, accept = () => true, def }) => ({
  def,
  maxLength,
  parse(text) {
    const parts = text.split(',');
    if (parts.length < minLength || parts.length > maxLength) return undefined;
    const values = parts.map((p) => parseNumber(p));
    return values.every((v) => v !== undefined && accept(v)) ? values : undefined;
  },
  format: (values) => values.join(','),
});

export const NOTEBOOK_WEIGHTS = Object.freeze([0.247, -0.103, 0.089, -0.156, 0.312, -0.278]);
export const NOTEBOOK_CHANNEL_SCALES = Object.freeze([0.01, 0.1, 1, 10]);
/** Bounds for a channel's magnitude in exercise 2 (the controls say so when a value is outside). */
export const CHANNEL_SCALE_RANGE = Object.freeze([1e-6, 1e6]);
export const DISTRIBUTIONS = Object.freeze(['gaussian', 'uniform', 'outliers']);
/** Exercise 4: one int8 weight scale per tensor or per output channel. */
export const SCHEMES = Object.freeze(['tensor', 'channel']);

/** route -> {param: type}. The landing page is route "". */
export const STATE = {
  '': {},
  ex1: {
    bits: int(2, 16, 8),
    w: numberList({ maxLength: 64, def: NOTEBOOK_WEIGHTS }),
  },
  ex2: {
    bits: int(2, 16, 8),
    s: numberList({
      minLength: 4,
      maxLength: 4,
      accept: (v) => v >= CHANNEL_SCALE_RANGE[0] && v <= CHANNEL_SCALE_RANGE[1],
      def: NOTEBOOK_CHANNEL_SCALES,
    }),
  },
  ex3: {
    dist: choice(DISTRIBUTIONS, 'gaussian'),
    hi: int(4, 16, 8),
  },
  ex4: {
    seed: int(0, 99999, 0),
    scheme: choice(SCHEMES, 'tensor'),
    input: int(0, 99, 0),
  },
};

/** The defaults of a route, as a fresh object. */
export function defaults(route) {
  const spec = STATE[route] ?? {};
  return Object.fromEntries(Object.entries(spec).map(([k, t]) => [k, Array.isArray(t.def) ? [...t.def] : t.def]));
}

/**
 * Parses a location hash. Never throws.
 * @returns {{route: string, params: object, ignored: string[], unknownRoute: boolean}}
 */
export function parseHash(hash) {
  let text = typeof hash === 'string' ? hash : '';
  if (text.length > MAX_HASH_LENGTH) return { route: '', params: {}, ignored: ['the whole link (too long)'], unknownRoute: true };
  text = text.replace(/^#\/?/, '');
  const q = text.indexOf('?');
  const path = q >= 0 ? text.slice(0, q) : text;
  const query = q >= 0 ? text.slice(q + 1) : '';
  const known = Object.hasOwn(STATE, path);
  const route = known ? path : '';
  const spec = STATE[route];
  const params = defaults(route);
  const ignored = [];
  let search;
  try {
    search = new URLSearchParams(query);
  } catch {
    search = new URLSearchParams();
  }
  for (const [key, value] of search) {
    const type = Object.hasOwn(spec, key) ? spec[key] : undefined;
    const parsed = type ? type.parse(value) : undefined;
    if (parsed === undefined) ignored.push(key.slice(0, 40));
    else params[key] = parsed;
  }
  return { route, params, ignored, unknownRoute: !known };
}

/** The hash for a route and its params; parameters equal to their default are left out. */
export function formatHash(route, params = {}) {
  const spec = STATE[route] ?? {};
  const parts = [];
  for (const [key, type] of Object.entries(spec)) {
    const value = params[key];
    if (value === undefined) continue;
    const text = type.format(value);
    if (text !== type.format(type.def)) parts.push(`${key}=${encodeURIComponent(text).replace(/%2C/g, ',')}`);
  }
  return `#/${route}${parts.length ? `?${parts.join('&')}` : ''}`;
}

/**
 * The state of one mounted view: set(patch) merges a change made on the page, reports it (setParams, which writes
 * the URL) and redraws; replace(next) takes a state from outside (a new hash) and redraws.
 */
export function createViewState(initial, { setParams, render }) {
  let state = { ...initial };
  return {
    get: () => state,
    set(patch) {
      state = { ...state, ...patch };
      setParams({ ...state });
      render(state);
    },
    replace(next) {
      state = { ...next };
      render(state);
    },
  };
}
