// The sandbox: runs a learner's code and hands back what it printed, how it failed and the functions it defined.
// Plain JavaScript with no DOM, so that the same code runs in the runner worker (runner-worker.js) and in the Node
// tests. The checks (checks/run.js) call the functions it returns; they never see the code itself.
//
// The learner's code becomes the body of a strict-mode Function with a `//# sourceURL=your-code.js`, so that
// stack traces name its lines. Its first line also defines a capture function, in the same scope as the code,
// that reads the exercise's functions by name: Check can test the functions even when the code's top level
// throws halfway (function declarations are hoisted; a `const f = ...` not yet reached reads as undefined).
// The code's only names besides the language are the ones it is given (learnerGlobals below).
//
// This module runs inside the learner's realm (learner/realm.js), a fresh worker per Run or Check: what the code does
// to the built-ins stays there. It does not stop endless loops: the checks' side does, by terminating that realm
// (learner/realm-client.js).
import { formatValue } from '../ui/format.js';

const SOURCE_NAME = 'your-code.js';
const MAX_OUTPUT_LINES = 300;
const MAX_OUTPUT_CHARS = 40_000;

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

/**
 * {name, message, line} for anything thrown (including non-Error values). Never throws: a value whose every
 * property or conversion throws (a hostile Proxy, a getter) is described as such.
 */
export function describeError(error) {
  try {
    if (error instanceof Error) {
      return { name: String(error.name || 'Error').slice(0, 100), message: String(error.message).slice(0, 2000), line: errorLine(error) };
    }
    return { name: 'Thrown value', message: String(formatValue(error)).slice(0, 2000), line: null };
  } catch {
    return { name: 'Thrown value', message: 'a value that cannot be shown (reading it threw an exception)', line: null };
  }
}

// ---- console output ----

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

// ---- plot data ----

const MAX_PLOT_SERIES = 8;
const MAX_PLOT_POINTS = 2000;

/**
 * plot(name, xs, ys): the learner's numbers for the page to draw beside its own (exercise 3's sweeps). What is
 * kept is plain and cloneable, whatever the code passes: {name: {x: number[], y: number[]}}, finite pairs only,
 * at most 8 series of 2,000 points. It reaches the page as the Run result's `plot` field.
 */
function makePlot() {
  const series = {};
  const plot = (name, xs, ys) => {
    const key = String(name).slice(0, 40);
    if (!(key in series) && Object.keys(series).length >= MAX_PLOT_SERIES) return;
    const x = [];
    const y = [];
    const n = Math.min(Number(xs?.length) || 0, Number(ys?.length) || 0, MAX_PLOT_POINTS);
    for (let i = 0; i < n; i++) {
      const a = Number(xs[i]);
      const b = Number(ys[i]);
      if (Number.isFinite(a) && Number.isFinite(b)) {
        x.push(a);
        y.push(b);
      }
    }
    series[key] = { x, y };
  };
  return { series, plot };
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
function learnerGlobals(task, lab, console, plot) {
  return {
    console,
    plot,
    randn: (seed, n) => lab.randn(seed, n),
    rand: (seed, n) => lab.rand(seed, n),
    ...(task.globals ? task.globals(lab) : {}),
  };
}

/**
 * Runs the code's top level. Returns {ok, output, error, functions, plot}: plot what the code passed to plot(),
 * output is the printed lines, error null or
 * {name, message, line}, functions the task's functions by name (task.functions), as the code defined them.
 * Syntax errors come back with line null: V8 does not say where in a Function body the parse failed, so the page
 * finds the line from the editor's own parse tree.
 */
export function runCode(task, code, lab) {
  const out = makeConsole();
  const plotted = makePlot();
  let compiled;
  try {
    compiled = compile(code, task.functions, learnerGlobals(task, lab, out.console, plotted.plot));
  } catch (e) {
    return { ok: false, output: out.lines, error: describeError(e), functions: {}, plot: {} };
  }
  let error = null;
  try {
    compiled.run();
  } catch (e) {
    error = describeError(e);
  }
  return { ok: !error, output: out.lines, error, functions: compiled.functions(), plot: plotted.series };
}
