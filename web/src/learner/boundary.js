// What crosses between the checks' realm and the learner's realm (learner/realm.js, learner/realm-client.js).
// Values cross as structured clones: numbers, strings, arrays, typed arrays and plain objects. A WebAssembly model
// (exercise 4) cannot be cloned, so it crosses as its file: {[MODEL]: bytes} on the wire, loaded with loadModel on
// the other side, where it is a new model of that side's own core. A model the checks want to watch (how often the
// learner's code calls forward, and when) crosses with `observe`: the learner's realm wraps the copy it loads and
// sends the counts back with the function's result. Plain JavaScript, no DOM: it runs in workers and in Node.

export const MODEL = 'quantlab:model';
const MAX_DEPTH = 4;

/** A model of the core: what createSimpleNet, quantizeDynamic and loadModel return. */
export const isModel = (v) =>
  v !== null && typeof v === 'object' && typeof v.serialize === 'function' && typeof v.forward === 'function';

/** The checks' side: a model to pass to the learner's function, with the calls to it counted (ctx.observe). */
export class Observed {
  constructor(model) {
    this.model = model;
    this.calls = { count: 0, first: 0, last: 0 };
  }
}

/**
 * Replaces every model in `value` (at the top or inside arrays and plain objects) by its file, so that the value
 * can be posted. `observed` collects the Observed wrappers met, by index. Throws when serialize() does not give
 * bytes (a learner's object that only looks like a model).
 */
export function toWire(value, observed = [], depth = 0) {
  if (value instanceof Observed) {
    observed.push(value);
    return { [MODEL]: value.model.serialize(), observe: observed.length - 1 };
  }
  if (isModel(value)) {
    const bytes = value.serialize();
    if (!(bytes instanceof Uint8Array)) throw new TypeError('an object with serialize() and forward() that is not a model');
    return { [MODEL]: bytes };
  }
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.some((v) => v !== null && typeof v === 'object') ? value.map((v) => toWire(v, observed, depth + 1)) : value;
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  let changed = false;
  const out = {};
  for (const key of Object.keys(value)) {
    out[key] = toWire(value[key], observed, depth + 1);
    if (out[key] !== value[key]) changed = true;
  }
  return changed ? out : value;
}

/**
 * The other side: loads every {[MODEL]: bytes} of `value` with `load(bytes)` (which may throw), and wraps the
 * observed ones with `watch(model, index)`.
 */
export function fromWire(value, { load, watch = (m) => m }, depth = 0) {
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (Object.hasOwn(value, MODEL)) {
    const model = load(value[MODEL]);
    return Number.isInteger(value.observe) ? watch(model, value.observe) : model;
  }
  if (Array.isArray(value)) return value.map((v) => fromWire(v, { load, watch }, depth + 1));
  const out = {};
  for (const key of Object.keys(value)) {
    // defineProperty, so that a key named __proto__ stays a key
    Object.defineProperty(out, key, { value: fromWire(value[key], { load, watch }, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
