// Exercise 0: the values each format can hold near the typed number, on one number line. A float format's values
// are spaced in proportion to their size (the same number per binade); int8 with a scale is a uniform grid.
import { baseOptions } from '../../ui/charts.js';
import { grouped, num, sig } from '../../ui/format.js';
import { FORMAT_LABELS } from './data.js';

/** The rows of the number line, top to bottom; int8 covers E4M3's range (±448) with 255 evenly spaced levels. */
export const LINE_ROWS = Object.freeze(['fp8-e4m3', 'fp8-e5m2', 'int8', 'bfloat16', 'float16']);
export const INT8_SCALE = 448 / 127;
const MAX_POINTS = 600; // more than this many in the window draw as a solid band anyway

/** The window around x: ±25 % of |x|, at least ±2^−6 (E4M3's smallest normal), so that zero shows its neighbours. */
export function lineWindow(x) {
  const half = Math.max(Math.abs(x) * 0.25, 2 ** -6);
  return { lo: x - half, hi: x + half };
}

/** How many values of a float format lie in [a, b], 0 <= a <= b: codes of positive values are in value order. */
function countMagnitudes(lab, format, a, b, withZero) {
  const [ca, cb] = lab.encodeFormat([a, b], format, { saturate: true });
  const [va, vb] = lab.decodeFormat([ca, cb], format);
  const first = Math.max(va < a ? ca + 1 : ca, withZero ? 0 : 1);
  const last = vb > b ? cb - 1 : cb;
  return Math.max(0, last - first + 1);
}

/** How many values of a float format lie in [lo, hi] (zero counted once). */
export function countInWindow(lab, format, lo, hi) {
  let n = 0;
  if (hi >= 0) n += countMagnitudes(lab, format, Math.max(lo, 0), hi, true);
  if (lo < 0) n += countMagnitudes(lab, format, Math.max(-hi, 0), -lo, hi < 0);
  return n;
}

/** Each row inside the window: {format: {values (to draw), count (all of them)}}. */
export function lineValues(lab, x, { lo, hi }) {
  const out = {};
  for (const format of LINE_ROWS) {
    if (format === 'int8') {
      const first = Math.max(-127, Math.ceil(lo / INT8_SCALE));
      const last = Math.min(127, Math.floor(hi / INT8_SCALE));
      const values = [];
      for (let k = first; k <= last; k++) values.push(k * INT8_SCALE);
      out[format] = { values, count: values.length };
      continue;
    }
    const count = countInWindow(lab, format, lo, hi);
    // Up to 1000 values on each side of x, those in the window, thinned to MAX_POINTS for drawing.
    const values = Array.from(lab.formatNeighbours(x, format, 1000).values).filter((v) => v >= lo && v <= hi);
    out[format] = { values: values.length > MAX_POINTS ? thin(values, MAX_POINTS) : values, count };
  }
  return out;
}

function thin(values, n) {
  const step = values.length / n;
  return Array.from({ length: n }, (_, i) => values[Math.floor(i * step)]);
}

const rowLabel = (format) => (format === 'int8' ? 'int8 × 448/127' : FORMAT_LABELS[format]);

export function lineConfig(c, { x, window, rows }) {
  const options = baseOptions(c, {
    x: { type: 'linear', min: window.lo, max: window.hi, title: 'value' },
    y: {
      type: 'linear', min: -0.6, max: LINE_ROWS.length - 0.4, reverse: true,
      afterBuildTicks: (axis) => { axis.ticks = LINE_ROWS.map((_, i) => ({ value: i })); },
      ticks: { callback: (v) => rowLabel(LINE_ROWS[v]) ?? '' },
      grid: { display: false },
    },
    legend: false,
  });
  options.plugins.tooltip.callbacks = {
    label: (item) => (item.dataset.row === undefined ? `your number: ${sig(x, 6)}` : `${rowLabel(LINE_ROWS[item.dataset.row])}: ${sig(item.parsed.x, 6)}`),
  };
  const palette = [c.series[0], c.series[1], c.series[2], c.series[3], c.muted];
  const datasets = LINE_ROWS.map((format, i) => ({
    label: rowLabel(format),
    row: i,
    data: rows[format].values.map((v) => ({ x: v, y: i })),
    borderColor: palette[i],
    backgroundColor: palette[i],
    pointRadius: rows[format].values.length > 120 ? 1.5 : 4,
    pointStyle: format === 'int8' ? 'rect' : 'circle',
    showLine: false,
  }));
  datasets.push({
    label: 'your number', data: [{ x, y: -0.6 }, { x, y: LINE_ROWS.length - 0.4 }], type: 'line', borderColor: c.text,
    borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0,
  });
  return { type: 'scatter', data: { datasets }, options };
}

/** The text beside the chart: how many values of each format lie in the window, and what that means. */
export function lineSummary(lab, { x, window, rows }) {
  const parts = LINE_ROWS.map((f) => `${f === 'int8' ? 'int8 scaled to ±448' : FORMAT_LABELS[f]} ${grouped(rows[f].count)}`);
  const f32 = countInWindow(lab, 'float32', window.lo, window.hi);
  return `Between ${sig(window.lo, 4)} and ${sig(window.hi, 4)}, around ${num(x)}: ${parts.join(', ')} values, and float32 ` +
    `${grouped(f32)}. Multiply the number by 10 and each float format keeps about the same count, because its spacing ` +
    'grows with the values; int8’s step is 3.53 everywhere, so it has few values or none near zero and many near 448.';
}
