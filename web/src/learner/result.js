// What the page accepts as the result of a Run or a Check. The result comes from the runner worker (the checks'
// realm), but it becomes what the learner sees, the exercise's status and the events a course page receives
// (quantlab:checked, quantlab:completed with a score), so every field is checked before any of that: types,
// ranges (integers, passed <= total, total = the task's number of tests), and strings bounded. Anything else is
// replaced by an error result that says so; it never passes. Pure: no DOM.

const MAX_LINES = 400;
const MAX_LINE = 40_000;
const MAX_TESTS = 500;

const isRecord = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isText = (v, max) => typeof v === 'string' && v.length <= max;
const isCount = (v) => Number.isInteger(v) && v >= 0 && v <= 1e6;

/** A result that says the runner gave something the page cannot use. */
export const invalidResult = (why) => ({
  ok: false,
  output: [],
  error: { name: 'Error', message: `the code runner gave a result the page cannot use (${why}). Run or Check again.`, line: null },
  tests: [],
  passed: 0,
  total: 0,
  invalid: true,
});

function checkError(e) {
  if (e === null) return null;
  if (!isRecord(e) || !isText(e.name, 100) || !isText(e.message, 4000)) return 'error';
  if (e.line !== null && e.line !== undefined && !(Number.isInteger(e.line) && e.line >= 1 && e.line <= 1e6)) return 'error.line';
  return null;
}

function checkTest(t) {
  if (!isRecord(t)) return 'a test';
  if (!isText(t.name, 500) || typeof t.hidden !== 'boolean' || typeof t.passed !== 'boolean' || !isText(t.message, 8000)) return 'a test';
  if (t.cause !== undefined && t.cause !== null && !isText(t.cause, 100)) return 'a test\'s cause';
  return null;
}

const MAX_PLOT_SERIES = 8;
const MAX_PLOT_POINTS = 2000;

/**
 * The learner's plot data (sandbox.js's plot(): exercise 3 draws it beside its own curves), rebuilt from plain
 * values: {name: {x: number[], y: number[]}}, at most 8 series of 2,000 finite pairs, names of at most 40
 * characters. Anything else is left out.
 */
export function plotOf(raw) {
  const out = {};
  if (!isRecord(raw)) return out;
  for (const [name, series] of Object.entries(raw).slice(0, MAX_PLOT_SERIES)) {
    if (name.length > 40 || !isRecord(series) || !Array.isArray(series.x) || !Array.isArray(series.y)) continue;
    const n = Math.min(series.x.length, series.y.length, MAX_PLOT_POINTS);
    const x = [];
    const y = [];
    for (let i = 0; i < n; i++) {
      const a = series.x[i];
      const b = series.y[i];
      if (typeof a === 'number' && typeof b === 'number' && Number.isFinite(a) && Number.isFinite(b)) {
        x.push(a);
        y.push(b);
      }
    }
    out[name] = { x, y };
  }
  return out;
}

const clean = (e) => (e ? { name: e.name, message: e.message, line: e.line ?? null } : null);

/**
 * Validates `raw` for `action` ('run' or 'check'); `total` is the number of tests the page's copy of the task has.
 * Returns a fresh object holding only the known fields, or invalidResult(why).
 */
export function validateResult(raw, { action, total }) {
  if (!isRecord(raw)) return invalidResult('not an object');
  const ms = typeof raw.ms === 'number' && Number.isFinite(raw.ms) && raw.ms >= 0 ? Math.round(raw.ms) : 0;
  if (raw.timedOut === true) {
    return { timedOut: true, where: isText(raw.where, 200) ? raw.where : '', ms, ok: false, output: [], error: null, tests: [], passed: 0, total };
  }
  if (typeof raw.ok !== 'boolean') return invalidResult('ok');
  if (!Array.isArray(raw.output) || raw.output.length > MAX_LINES || !raw.output.every((l) => isText(l, MAX_LINE))) return invalidResult('output');
  const bad = checkError(raw.error ?? null);
  if (bad) return invalidResult(bad);
  const base = { ok: raw.ok, output: [...raw.output], error: clean(raw.error ?? null), ms };
  const plot = plotOf(raw.plot);
  if (Object.keys(plot).length) base.plot = plot; // only when the code drew something (exercise 3's plot())
  if (action !== 'check') {
    if (raw.ok !== !raw.error) return invalidResult('ok');
    return base;
  }
  if (!Array.isArray(raw.tests) || raw.tests.length > MAX_TESTS) return invalidResult('tests');
  for (const t of raw.tests) {
    const why = checkTest(t);
    if (why) return invalidResult(why);
  }
  if (!isCount(raw.passed) || !isCount(raw.total)) return invalidResult('passed/total');
  if (raw.total !== total) return invalidResult(`total ${raw.total}, the exercise has ${total} checks`);
  const passed = raw.tests.filter((t) => t.passed).length;
  if (raw.tests.length && raw.tests.length !== total) return invalidResult('the number of tests');
  if (raw.passed !== passed || raw.passed > raw.total) return invalidResult('passed');
  if (raw.ok !== (raw.tests.length > 0 && passed === total)) return invalidResult('ok');
  const tests = raw.tests.map((t) => {
    const out = { name: t.name, hidden: t.hidden, passed: t.passed, message: t.message };
    if (t.cause !== undefined) out.cause = t.cause;
    return out;
  });
  return { ...base, tests, passed, total };
}

/**
 * The detail of a 'checked' or 'completed' event from a validated result: {passed, total, score}, integers with
 * 0 <= passed <= total and score = passed / total in [0, 1].
 */
export function scoreOf(result) {
  const total = isCount(result.total) ? result.total : 0;
  const passed = result.timedOut || !isCount(result.passed) ? 0 : Math.min(result.passed, total);
  return { passed, total, score: total ? passed / total : 0 };
}
