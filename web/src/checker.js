// Runs a learner's code and checks it against the WebAssembly reference. Plain JavaScript with no DOM, so that
// the same code runs in the runner worker (runner-worker.js) and in the Node tests (tests/node/exercises.test.mjs).
//
// The learner's code becomes the body of a strict-mode Function with a `//# sourceURL=your-code.js`, so that
// stack traces name its lines. Its first line also defines a capture function, in the same scope as the code,
// that reads the exercise's functions by name: Check can test the functions even when the code's top level
// throws halfway (function declarations are hoisted; a `const f = ...` not yet reached reads as undefined).
//
// This module does not stop endless loops: the worker host does, by terminating the worker (runner.js).

import { exact } from './format.js';

export const SOURCE_NAME = 'your-code.js';
const MAX_OUTPUT_LINES = 300;
const MAX_OUTPUT_CHARS = 40_000;

/** Thrown by a test to fail it with a message for the learner. */
export class CheckFailure extends Error {}
export function fail(message) {
  throw new CheckFailure(message);
}

// ---- line numbers ----

let lineOffset = null;
/** How many lines the engine puts before a Function body (2 in V8); measured once. */
function bodyLineOffset() {
  if (lineOffset === null) {
    lineOffset = 0;
    try {
      new Function(`throw new Error('probe')\n//# sourceURL=${SOURCE_NAME}`)();
    } catch (e) {
      lineOffset = (stackLine(e) ?? 1) - 1;
    }
  }
  return lineOffset;
}

function stackLine(error) {
  const m = new RegExp(`${SOURCE_NAME.replace('.', '\\.')}:(\\d+):\\d+`).exec(String(error?.stack ?? ''));
  return m ? Number(m[1]) : null;
}

/** The line of the learner's code where `error` was thrown, or null when the stack does not say. */
export function errorLine(error) {
  const line = stackLine(error);
  return line === null ? null : line - bodyLineOffset();
}

/** {name, message, line} for anything thrown (including non-Error values). */
export function describeError(error) {
  if (error instanceof Error) {
    return { name: error.name || 'Error', message: String(error.message), line: errorLine(error) };
  }
  return { name: 'Thrown value', message: formatValue(error), line: null };
}

const where = (line) => (line ? ` (line ${line})` : '');

// ---- console output ----

/** Formats a value for the output pane, like a console would: arrays abbreviated, nesting limited. */
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

/** The shortest decimal that reads back as the same float32, as NumPy prints a float32 (0.24812599, not 0.248125985…). */
export function float32String(v) {
  if (!Number.isFinite(v) || Number.isInteger(v)) return formatValue(v);
  for (let digits = 1; digits <= 9; digits++) {
    const s = v.toPrecision(digits);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

function makeConsole() {
  const lines = [];
  let chars = 0;
  let full = false;
  const log = (...args) => {
    if (full) return;
    const line = args.map((a) => formatValue(a)).join(' ');
    chars += line.length;
    if (lines.length >= MAX_OUTPUT_LINES || chars > MAX_OUTPUT_CHARS) {
      full = true;
      lines.push('… output cut here: print less (for example only the first values of an array).');
      return;
    }
    lines.push(line);
  };
  return { lines, console: { log, info: log, warn: log, error: log, debug: log, table: log } };
}

// ---- compiling and running ----

/**
 * Compiles the learner's code. `names` are the functions the exercise expects; `globals` the names the code may
 * use besides the language (console, randn, rand). Throws the SyntaxError of bad code.
 */
export function compile(code, names, globals) {
  const capture = {};
  const reads = names.map((n) => `${n}: (() => { try { return ${n}; } catch { return undefined; } })()`);
  const header = `"use strict"; __capture.get = () => ({ ${reads.join(', ')} }); `;
  const params = [...Object.keys(globals), '__capture'];
  const body = `${header}${code}\n//# sourceURL=${SOURCE_NAME}`;
  const fn = new Function(...params, body);
  return {
    run: () => fn(...Object.values(globals), capture),
    functions: () => (capture.get ? capture.get() : {}),
  };
}

/**
 * What the learner's code may use besides the language: console, NumPy's seeded generators, and what the task
 * adds (task.globals(lab), e.g. exercise 4's model functions).
 */
function learnerGlobals(task, lab, console) {
  return {
    console,
    randn: (seed, n) => lab.randn(seed, n),
    rand: (seed, n) => lab.rand(seed, n),
    ...(task.globals ? task.globals(lab) : {}),
  };
}

/**
 * Runs the code's top level. Returns {ok, output, error?, functions}.
 * Syntax errors come back with line null: V8 does not say where in a Function body the parse failed, so the page
 * finds the line from the editor's own parse tree.
 */
export function runCode(task, code, lab) {
  const out = makeConsole();
  let compiled;
  try {
    compiled = compile(code, task.functions, learnerGlobals(task, lab, out.console));
  } catch (e) {
    return { ok: false, output: out.lines, error: describeError(e), functions: {} };
  }
  let error = null;
  try {
    compiled.run();
  } catch (e) {
    error = describeError(e);
  }
  return { ok: !error, output: out.lines, error, functions: compiled.functions() };
}

// Inputs handed to learner functions are copies, so that a function that modifies its input cannot change what
// the reference sees.
const copy = (v) => (Array.isArray(v) || ArrayBuffer.isView(v) ? v.slice() : v);

function makeContext(lab, functions) {
  return {
    lab,
    /** Calls the learner's function `name`; a missing function or an exception fails the test with a message. */
    call(name, ...args) {
      const fn = functions[name];
      if (typeof fn !== 'function') {
        fail(`${name} is not defined: keep a function named ${name} in your code (Reset brings the starter back).`);
      }
      try {
        return fn(...args.map(copy));
      } catch (e) {
        if (e instanceof CheckFailure) throw e;
        const d = describeError(e);
        fail(`${name} threw ${d.name}: ${d.message}${where(d.line)}.`);
      }
    },
  };
}

/**
 * Runs the code, then every test of the task (visible first, then hidden).
 * Returns {ok, output, error?, tests: [{name, hidden, passed, message}], passed, total}.
 */
export function checkCode(task, code, lab) {
  try {
    return checkTests(task, code, lab);
  } finally {
    task.cleanup?.(); // e.g. free the WebAssembly models the code and the tests created
  }
}

function checkTests(task, code, lab) {
  const run = runCode(task, code, lab);
  if (run.error?.name === 'SyntaxError') {
    return { ...run, functions: undefined, tests: [], passed: 0, total: task.tests.length };
  }
  const ctx = makeContext(lab, run.functions);
  const tests = task.tests.map((test) => {
    try {
      const note = test.run(ctx);
      return { name: test.name, hidden: !!test.hidden, passed: true, message: typeof note === 'string' ? note : '' };
    } catch (e) {
      const message = e instanceof CheckFailure ? e.message : `the test itself failed: ${describeError(e).message}`;
      return { name: test.name, hidden: !!test.hidden, passed: false, message };
    }
  });
  const passed = tests.filter((t) => t.passed).length;
  return { ok: passed === tests.length, output: run.output, error: run.error, tests, passed, total: tests.length };
}

// ---- helpers for the tests: each failure says what is wrong and what to look at ----

/** Largest magnitude, as np.max(np.abs(x)). */
export const maxAbs = (x) => Array.prototype.reduce.call(x, (m, v) => Math.max(m, Math.abs(v)), 0);

const show = (v) => (typeof v === 'number' ? formatValue(v) : formatValue(v, 1));
const near = (a, b, rel) => Math.abs(a - b) <= rel * Math.abs(b);

/** Fails unless `value` is an array or typed array of numbers; returns it. */
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

/** Fails unless `value` is a number; returns it. */
export function expectNumber(value, what) {
  if (typeof value !== 'number') fail(`${what} is ${show(value)}: it should be a number.`);
  if (Number.isNaN(value)) fail(`${what} is NaN: look for a division 0 / 0.`);
  return value;
}

const LEVEL_EXPLANATIONS = (bits, qmax) => ({
  [2 ** bits - 1]: `qmax looks like 2^bits − 1 = ${2 ** bits - 1}, the unsigned range. Symmetric signed quantization ` +
    `uses qmax = 2^(bits−1) − 1 = ${qmax}, so your scale is about 2× too small.`,
  [2 ** bits]: `qmax looks like 2^bits = ${2 ** bits}; symmetric signed quantization uses 2^(bits−1) − 1 = ${qmax}.`,
  [2 ** (bits - 1)]: `qmax looks like 2^(bits−1) = ${2 ** (bits - 1)}: one level too many. The largest level that keeps ` +
    `the range symmetric is 2^(bits−1) − 1 = ${qmax} (−${qmax}…${qmax}).`,
  [2 ** (bits - 2) - 1]: `your scale is 2× too large: is qmax 2^(bits−1) − 1 = ${qmax}? Yours acts like ${2 ** (bits - 2) - 1}.`,
});

/**
 * Checks a symmetric scale against the reference. `x` is the data the scale was computed from. Returns a note
 * when a last-digit difference is accepted.
 */
export function expectScale(got, want, { x, bits, what = 'scale', of = 'max|x|' }) {
  expectNumber(got, what);
  if (got === want) return '';
  const qmax = 2 ** (bits - 1) - 1;
  const m = maxAbs(x);
  if (near(got, want, 4e-16)) {
    return `${what} differs from NumPy's in the last digit (${of} / qmax computed another way); accepted.`;
  }
  if (got === 0) fail(`${what} is 0, but ${of} is ${show(m)}: the scale is ${of} / qmax.`);
  if (got < 0) fail(`${what} is negative (${show(got)}): take the largest magnitude, ${of}, not the largest signed value.`);
  const maxX = Math.max(...x);
  if (maxX !== m && near(got, maxX / qmax, 1e-12)) {
    fail(`${what} uses max(x) = ${show(maxX)}; the symmetric scale needs the largest magnitude ${of} = ${show(m)}.`);
  }
  if (near(got, qmax / m, 1e-12)) fail(`${what} is upside down: qmax / ${of} instead of ${of} / qmax.`);
  if (near(got, m, 1e-12)) fail(`${what} equals ${of} = ${show(m)}: divide it by qmax = ${qmax}.`);
  const impliedQmax = m / got;
  const known = LEVEL_EXPLANATIONS(bits, qmax)[Math.round(impliedQmax)];
  if (known && near(impliedQmax, Math.round(impliedQmax), 1e-9)) fail(`${what} is ${show(got)} but NumPy gives ${show(want)}: ${known}`);
  const ratio = got / want;
  const size = ratio > 1 ? `${ratio.toPrecision(3)}× too large` : `${(1 / ratio).toPrecision(3)}× too small`;
  fail(`${what} is ${show(got)} but NumPy gives ${show(want)} = ${of} / qmax = ${show(m)} / ${qmax} (yours is ${size}).`);
}

const INT_TYPES = { Int8Array: [-128, 127], Int16Array: [-32768, 32767], Int32Array: [-(2 ** 31), 2 ** 31 - 1] };

/**
 * Checks quantized integers against the reference `want`.
 *   x: the inputs; scaleAt(i): the reference scale of value i; qmax, bits; what: the name shown.
 * Ties (x / scale exactly k + ½ in float64) must round half to even, as np.round does. A value within 1e-9 of a
 * tie may be off by one step, because another honest order of float operations can land on the other side.
 */
export function expectQ(got, want, { x, scaleAt, qmax, bits, what = 'q' }) {
  if (got === null || got === undefined) fail(`${what} is ${got}: return the quantized integers.`);
  const type = got?.constructor?.name;
  if (type === 'Float32Array' || type === 'Float64Array') {
    fail(`${what} is a ${type}: store whole numbers in an integer array, Int8Array up to 8 bits and Int16Array above ` +
      `(like .astype(np.int8)), because storing small integers is what saves memory.`);
  }
  if (type === 'Uint8Array' || type === 'Uint16Array' || type === 'Uint8ClampedArray') {
    fail(`${what} is a ${type}, which has no negative numbers (−3 would become ${type === 'Uint8Array' ? 253 : 'a large positive number'}): use Int8Array or Int16Array.`);
  }
  expectNumbers(got, what, want.length);
  const range = INT_TYPES[type];
  if (range && qmax > range[1]) {
    fail(`${what} is an ${type}, which holds only ${range[0]}…${range[1]}, but ${bits} bits need up to ±${qmax}: ` +
      `values wrap around. Choose Int16Array above 8 bits.`);
  }
  for (let i = 0; i < got.length; i++) {
    if (!Number.isInteger(got[i])) {
      fail(`${what}[${i}] = ${show(got[i])} is not a whole number: round x / scale to the nearest integer.`);
    }
    if (Math.abs(got[i]) > qmax) {
      fail(`${what}[${i}] = ${got[i]} is outside [−${qmax}, ${qmax}]: clip after rounding (values beyond the ` +
        `calibrated range must saturate at ±qmax).`);
    }
  }
  if (Array.prototype.every.call(got, (v) => v === 0) && Array.prototype.some.call(want, (v) => v !== 0)) {
    fail(`${what} is all 0: every value should become round(x / scale), clipped to [−${qmax}, ${qmax}].`);
  }
  const notes = [];
  const wrong = [];
  for (let i = 0; i < got.length; i++) {
    if (got[i] === want[i] || (got[i] === 0 && want[i] === 0)) continue;
    const t = x[i] / scaleAt(i);
    const fromTie = Math.abs((Math.abs(t) % 1) - 0.5);
    if (fromTie > 0 && fromTie < 1e-9 * Math.max(1, Math.abs(t)) && Math.abs(got[i] - want[i]) === 1) {
      notes.push(`${what}[${i}]: x / scale = ${show(t)} is a hair from a tie, so ${got[i]} instead of NumPy's ` +
        `${want[i]} is accepted (±1 step where float arithmetic can honestly differ).`);
      continue;
    }
    wrong.push({ i, t });
  }
  if (wrong.length) {
    const { i, t } = wrong[0];
    const count = wrong.length > 1 ? ` (${wrong.length} of ${got.length} values differ)` : '';
    const isTie = Math.abs(t % 1) === 0.5;
    if (isTie && got[i] === Math.round(t)) {
      fail(`${what}[${i}] is ${got[i]} but NumPy gives ${want[i]}${count}: x / scale = ${show(t)} is a tie. ` +
        `Math.round(${show(t)}) = ${Math.round(t)} rounds halves up, but np.round rounds halves to the even integer ` +
        `(np.round(2.5) = 2, np.round(3.5) = 4). Use roundHalfEven.`);
    }
    if (Math.abs(t) > qmax + 0.5) {
      const r = Math.round(t);
      const span = range ? range[1] - range[0] + 1 : 0;
      const wrapped = range && got[i] === ((((r - range[0]) % span) + span) % span) + range[0]
        ? ` (the unclipped level ${r} wrapped around to ${got[i]} in the ${type})` : '';
      fail(`${what}[${i}] is ${got[i]} but NumPy gives ${want[i]}${count}: x / scale = ${show(t)} lies beyond ±${qmax}. ` +
        `Clip to [−qmax, qmax] after rounding, so that it saturates at ${want[i]}${wrapped}.`);
    }
    const wrongEverywhere = (f) => wrong.every(({ i: k, t: tk }) => got[k] === f(tk));
    if (wrongEverywhere(Math.trunc)) {
      fail(`${what}[${i}] is ${got[i]} but NumPy gives ${want[i]}${count}: x / scale = ${show(t)} was cut towards 0 ` +
        `(Math.trunc, | 0 or parseInt?). Round to the nearest integer instead.`);
    }
    if (wrongEverywhere(Math.floor)) {
      fail(`${what}[${i}] is ${got[i]} but NumPy gives ${want[i]}${count}: ${show(t)} was rounded down (Math.floor?). ` +
        `Round to the nearest integer instead.`);
    }
    fail(`${what}[${i}] is ${got[i]} but NumPy gives ${want[i]}${count}: x / scale = ${show(t)}` +
      `${isTie ? ', a tie that rounds to the even integer' : ''}.`);
  }
  return notes.join(' ');
}

/**
 * Checks dequantized values. `want` is the reference; q and scaleAt(i) rebuild it. NumPy computes float32 in
 * exercise 1 (q.astype(np.float32) * scale) and float64 in exercise 2 (a float32 array times a float64 array):
 * the other precision is accepted with a note, because either is an honest reading of "q times scale".
 */
export function expectRecovered(got, want, { q, scaleAt, precision, what = 'recovered' }) {
  expectNumbers(got, what, want.length);
  const f64 = (i) => q[i] * scaleAt(i);
  const f32 = (i) => Math.fround(q[i] * Math.fround(scaleAt(i)));
  const matches = (f) => Array.prototype.every.call(got, (v, i) => v === f(i));
  if (Array.prototype.every.call(got, (v, i) => v === want[i])) return '';
  if (precision === 'float32' && matches(f64)) {
    return `You return q × scale in float64; NumPy's q.astype(np.float32) * scale is float32 and differs from ` +
      `the 8th digit on. Accepted: both are q × scale.`;
  }
  if (precision === 'float64' && matches(f32)) {
    return `You return float32 values; here NumPy multiplies a float32 array by a float64 array and keeps float64. ` +
      `Accepted: both are q × scale.`;
  }
  const i = Array.prototype.findIndex.call(got, (v, k) => v !== want[k] && v !== f64(k) && v !== f32(k));
  if (Array.prototype.every.call(got, (v) => v === 0) && Array.prototype.some.call(want, (v) => v !== 0)) {
    fail(`${what} is all 0: fill it with q[i] × scale.`);
  }
  if (Array.prototype.every.call(got, (v, k) => v === q[k])) fail(`${what} equals q: multiply each q by its scale.`);
  if (Array.prototype.every.call(got, (v, k) => near(v, q[k] / scaleAt(k), 1e-6))) {
    fail(`${what} looks like q / scale: multiply by the scale to go back to real numbers.`);
  }
  fail(`${what}[${i}] is ${show(got[i])} but q[${i}] × scale = ${show(want[i])}.`);
}

/**
 * Checks a mean squared error. Summation order may differ from NumPy's pairwise sum in the last digits, so
 * 1e-12 relative is accepted (the tolerance is stated in the passing note only when used).
 */
export function expectMse(got, want, { n, what = 'MSE', f32Alt }) {
  expectNumber(got, what);
  if (got === want) return '';
  if (near(got, want, 1e-12)) {
    return `${what} matches NumPy to ${Math.abs(got / want - 1).toExponential(0)} relative: the order of float ` +
      `additions differs from NumPy's pairwise sum (accepted within 1e-12).`;
  }
  if (near(got, want * n, 1e-9)) fail(`${what} is ${n}× too large: divide the sum of squares by the number of values (np.mean).`);
  if (near(got, Math.sqrt(want), 1e-9)) fail(`${what} is the square root of the MSE (an RMS error): leave the root out.`);
  if (near(got * got, want, 1e-9)) fail(`${what} is the MSE squared: square each difference, not the mean.`);
  if (f32Alt !== undefined && near(got, f32Alt, 1e-12)) {
    fail(`${what} is ${show(got)} but NumPy gives ${show(want)}: your recovered values went through float32. In this ` +
      `exercise NumPy multiplies q * scale in float64.`);
  }
  fail(`${what} is ${show(got)} but NumPy gives ${show(want)}.`);
}
