// A seeded mutator fuzz of the URL-hash parser (web/src/app/state.js): mutated links (special characters, percent
// escapes, numbers at the edges of float64, overlong lists and hashes, spliced links) must never make parseHash
// throw, and what it accepts must be exactly what the typed state table allows: a known route, every parameter of
// that route and no other, each value one its type parses back to itself, and a canonical link (formatHash) that
// parses to the same state with nothing ignored.
//
// By default a fixed number of mutations (deterministic, about a second); build-scripts/fuzz.sh runs it for a
// given time: QUANTLAB_FUZZ_SECONDS=600 (and QUANTLAB_FUZZ_SEED=n for another sequence).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

// The parser's current path (web/src is being reorganized: this import follows it).
import { formatHash, MAX_HASH_LENGTH, parseHash, STATE } from '../../web/src/app/state.js';

const SEEDS = [
  '', '#', '#/', '#/ex1', '#/ex1?bits=4&w=0.5,-1', '#/ex1?w=0.247,-0.103,0.089,-0.156,0.312,-0.278',
  '#/ex2?bits=3&s=0.01,0.1,1,10', '#/ex3?dist=outliers&hi=12', '#/ex4?seed=7&scheme=channel&input=3',
  '#/ex2?s=1e-6,1e6,1,1', '#/ex9?x=1', '#/ex1?bits=16&bits=2',
];
const NUMBERS = [
  '0', '-0', '1', '-1', '1e-310', '5e-324', '2.2250738585072014e-308', '1e308', '1e309', '1e999', '-1e9', '1e9',
  '1000000001', 'NaN', 'Infinity', '-Infinity', '0x10', '1_000', '.5', '5.', '+.5e+3', '1e', 'e5', '١٢', '9'.repeat(400),
  '0.1'.repeat(30), '',
];
const CHARS = ['%', '%25', '%2C', '%00', '%ZZ', '%E0%A4', '&', '=', '?', '#', '/', ',', ';', '.', 'e', 'E', '-', '+',
  ' ', '\u0000', '\ud800', '\u200b', 'é', '\n', '"', '<', '>', '\\', 'a', '7'];
const KEYS = ['bits', 'w', 's', 'dist', 'hi', 'seed', 'scheme', 'input', '__proto__', 'constructor', 'toString',
  'hasOwnProperty', 'bits[]', ''];

/** mulberry32: a small seeded generator, so that a finding can be replayed from its seed. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(text, random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const at = () => Math.floor(random() * (text.length + 1));
  switch (Math.floor(random() * 9)) {
    case 0: { const i = at(); return text.slice(0, i) + pick(CHARS) + text.slice(i); }
    case 1: { const i = at(); return text.slice(0, i) + text.slice(i + 1 + Math.floor(random() * 4)); }
    case 2: return text.replace(/-?[\d.]+(e[+-]?\d+)?/i, pick(NUMBERS));
    case 3: return `${text}${text.includes('?') ? '&' : '?'}${pick(KEYS)}=${pick(NUMBERS)}`;
    case 4: return `${text}&${pick(KEYS)}=${Array.from({ length: 1 + Math.floor(random() * 300) }, () => pick(NUMBERS)).join(',')}`;
    case 5: { const i = at(); return text.slice(0, i) + text.slice(i).replace(/[a-z]/, (c) => c.toUpperCase()); }
    case 6: {  // percent-encode a few characters (a lone surrogate cannot be: then each code unit's low byte)
      const i = at();
      const part = text.slice(i, i + 3);
      let encoded;
      try {
        encoded = encodeURIComponent(part);
      } catch {
        encoded = Array.from(part, (c) => `%${(c.charCodeAt(0) & 0xff).toString(16).padStart(2, '0')}`).join('');
      }
      return text.slice(0, i) + encoded + text.slice(i + 3);
    }
    case 7: return text.slice(0, at()) + pick(SEEDS).slice(Math.floor(random() * 10));
    default: {
      const target = MAX_HASH_LENGTH - 2 + Math.floor(random() * 4);
      return (text + ',1'.repeat(target)).slice(0, target);
    }
  }
}

// -0 is written "0" in a link (String(-0)): the same weight, so the comparisons take them as equal.
const sameValue = (v) => (Array.isArray(v) ? v.map(sameValue) : Object.is(v, -0) ? 0 : v);

function checkParse(hash) {
  const r = parseHash(hash);
  assert.ok(Object.hasOwn(STATE, r.route), `unknown route ${JSON.stringify(r.route)}`);
  assert.equal(typeof r.unknownRoute, 'boolean');
  assert.ok(Array.isArray(r.ignored) && r.ignored.every((k) => typeof k === 'string' && k.length <= 40));
  const spec = STATE[r.route];
  assert.deepEqual(Object.keys(r.params).sort(), Object.keys(spec).sort());
  if (typeof hash === 'string' && hash.length > MAX_HASH_LENGTH) {
    assert.equal(r.route, '', 'an overlong hash must be dropped whole');
    assert.equal(r.unknownRoute, true);
  }
  for (const [key, type] of Object.entries(spec)) {
    const value = r.params[key];
    // The table's own bounds, checked independently of its parser.
    if ('maxLength' in type) {
      // A list: its length and every element within the table's bounds.
      assert.ok(Array.isArray(value) && value.length >= (type.minLength ?? 1) && value.length <= type.maxLength);
      if ('min' in type) assert.ok(value.every((v) => v >= type.min && v <= type.max), `${key} = ${value}`);
    } else if ('min' in type) {
      assert.ok(typeof value === 'number' && value >= type.min && value <= type.max, `${key} = ${value}`);
      if (type.integer) assert.ok(Number.isInteger(value), `${key} = ${value}`);
    }
    // A value the table accepts parses back from its own text to itself.
    assert.deepEqual(sameValue(type.parse(type.format(value))), sameValue(value), `${key} = ${JSON.stringify(value)}`);
    if (Array.isArray(value)) assert.ok(value.every(Number.isFinite), `${key} holds a non-finite number`);
  }
  // The canonical link reproduces the state and ignores nothing.
  const again = parseHash(formatHash(r.route, r.params));
  assert.equal(again.route, r.route);
  assert.deepEqual(sameValue(Object.values(again.params)), sameValue(Object.values(r.params)));
  assert.deepEqual(again.ignored, []);
}

describe('URL-hash parser under a seeded mutator', () => {
  it('never throws, and accepts only what the state table allows', () => {
    const seconds = Number(process.env.QUANTLAB_FUZZ_SECONDS ?? 0);
    const seed = Number(process.env.QUANTLAB_FUZZ_SEED ?? 1);
    const random = generator(seed);
    const deadline = seconds > 0 ? Date.now() + seconds * 1000 : Infinity;
    const iterations = seconds > 0 ? Infinity : 10000;
    for (const s of SEEDS) checkParse(s);
    for (const odd of [undefined, null, 42, {}, '#'.repeat(MAX_HASH_LENGTH + 1)]) checkParse(odd);
    let n = 0;
    for (; n < iterations && Date.now() < deadline; n++) {
      let hash = SEEDS[Math.floor(random() * SEEDS.length)];
      const edits = 1 + Math.floor(random() * 5);
      for (let e = 0; e < edits; e++) hash = mutate(hash, random);
      try {
        checkParse(hash);
      } catch (error) {
        error.message = `seed ${seed}, mutation ${n}, hash ${JSON.stringify(hash.slice(0, 300))}: ${error.message}`;
        throw error;
      }
    }
    if (seconds > 0) console.log(`hash parser fuzz: ${n} mutated links in ${seconds} s (seed ${seed}), no finding`);
  });
});
