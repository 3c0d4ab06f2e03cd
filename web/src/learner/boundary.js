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
 * can be posted. `observed` collects the Observed wrappers met, by index. `sent` (sentModels(), kept for one realm)
 * remembers the models already sent: a model crosses once, then by its key ({[MODEL]: null, key}), since loading a
 * model file is the slow part. Throws when serialize() does not give bytes (an object that only looks like a model).
 */
export function toWire(value, observed = [], sent = null, depth = 0) {
  if (value instanceof Observed) {
    observed.push(value);
    return { ...modelWire(value.model, sent), observe: observed.length - 1 };
  }
  if (isModel(value)) return modelWire(value, sent);
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.some((v) => v !== null && typeof v === 'object') ? value.map((v) => toWire(v, observed, sent, depth + 1)) : value;
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  let changed = false;
  const out = {};
  for (const key of Object.keys(value)) {
    out[key] = toWire(value[key], observed, sent, depth + 1);
    if (out[key] !== value[key]) changed = true;
  }
  return changed ? out : value;
}

/** What toWire remembers for one realm: the models sent, by key. */
export const sentModels = () => ({ keys: new WeakMap(), next: 1 });

function modelWire(model, sent) {
  if (sent?.keys.has(model)) return { [MODEL]: null, key: sent.keys.get(model) };
  const bytes = model.serialize();
  if (!(bytes instanceof Uint8Array)) throw new TypeError('an object with serialize() and forward() that is not a model');
  if (!sent) return { [MODEL]: bytes };
  const key = sent.next++;
  sent.keys.set(model, key);
  return { [MODEL]: bytes, key };
}

/**
 * The other side: loads every {[MODEL]: bytes} of `value` with `load(bytes)` (which may throw), and wraps the
 * observed ones with `watch(model, index)`. `loaded` (a Map kept for one realm) holds the models by key.
 */
export function fromWire(value, { load, watch = (m) => m, loaded = null }, depth = 0) {
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (Object.hasOwn(value, MODEL)) {
    const key = Number.isInteger(value.key) ? value.key : null;
    let model = key !== null && loaded?.has(key) ? loaded.get(key) : null;
    if (!model) {
      model = load(value[MODEL]);
      if (key !== null) loaded?.set(key, model);
    }
    return Number.isInteger(value.observe) ? watch(model, value.observe) : model;
  }
  if (Array.isArray(value)) return value.map((v) => fromWire(v, { load, watch, loaded }, depth + 1));
  const out = {};
  for (const key of Object.keys(value)) {
    // defineProperty, so that a key named __proto__ stays a key
    Object.defineProperty(out, key, { value: fromWire(value[key], { load, watch, loaded }, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
