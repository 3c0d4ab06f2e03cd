// The page state lives in the URL hash, so that a link reproduces the view: "#/ex1?bits=4&w=0.5,-0.25".
//
// STATE is a typed table: for each route, the parameters it keeps, each with a type, bounds and a default
// (app/params.js), as the exercises declare them in the registry. parseHash() accepts only what the table
// allows; anything else in a hash (an unknown route or parameter, a value out of range, text where a number
// belongs, an overlong hash) is dropped and reported by name in `ignored`, so that the page can say which part of
// a link it could not use. Values are parsed, never evaluated, and the page shows them with textContent only.
import { EXERCISES } from '../exercises/registry.js';

export const MAX_HASH_LENGTH = 4000;

/** route -> {param: type}. The landing page is route "". */
export const STATE = Object.freeze({
  '': {},
  ...Object.fromEntries(EXERCISES.map((e) => [e.id, e.params])),
});

/** The defaults of a route, as a fresh object. */
export function defaults(route) {
  const spec = Object.hasOwn(STATE, route) ? STATE[route] : {};
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
  const spec = Object.hasOwn(STATE, route) ? STATE[route] : {};
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
