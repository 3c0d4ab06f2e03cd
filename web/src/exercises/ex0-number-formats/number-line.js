// Exercise 0: the values each format can hold near the typed number, on one number line. A float format's values
// are spaced in proportion to their size (the same number per binade); int8 with a scale is a uniform grid.
import { baseOptions } from '../../ui/charts.js';
import { sig } from '../../ui/format.js';
import { FORMAT_LABELS } from './data.js';

/** The rows of the number line, top to bottom; int8 covers E4M3's range (±448) with 255 evenly spaced levels. */
export const LINE_ROWS = Object.freeze(['fp8-e4m3', 'fp8-e5m2', 'int8', 'bfloat16', 'float16']);
export const INT8_SCALE = 448 / 127;
const MAX_POINTS = 600; // more than this many values in the window draw as a solid band anyway

/** The window around x: ±25 % of |x|, at least ±2^−6 (E4M3's smallest normal), so that zero shows its neighbours. */
export function lineWindow(x) {
  const half = Math.max(Math.abs(x) * 0.25, 2 ** -6);
  return { lo: x - half, hi: x + half };
}

/** How many float32 values lie in [lo, hi] (both finite). */
export function float32Count(lo, hi) {
  const ordered = (v) => {
    const b = new Uint32Array(Float32Array.of(v).buffer)[0];
    return b & 0x80000000 ? -(b & 0x7fffffff) : b; // a monotone integer order of float32 values
  };
  const a = Math.fround(lo) < lo ? ordered(lo) + 1 : ordered(lo);
  const b = Math.fround(hi) > hi ? ordered(hi) - 1 : ordered(hi);
  return Math.max(0, b - a + 1);
}

/** The values of each row inside the window: {format: {values, dense}}. */
export function lineValues(lab, x, { lo, hi }) {
  const out = {};
  for (const format of LINE_ROWS) {
    if (format === 'int8') {
      const first = Math.max(-127, Math.ceil(lo / INT8_SCALE));
      const last = Math.min(127, Math.floor(hi / INT8_SCALE));
      const values = [];
      for (let k = first; k <= last; k++) values.push(k * INT8_SCALE);
      out[format] = { values, dense: false };
      continue;
    }
    const nb = lab.formatNeighbours(x, format, 1000);
    const all = Array.from(nb.values);
    const values = all.filter((v) => v >= lo && v <= hi);
    // 1000 neighbours on each side that do not reach the window's edges: the format has more values there.
    const dense = values.length > MAX_POINTS || (all.length === 2001 && all[0] > lo && all[all.length - 1] < hi);
    out[format] = { values: values.length > MAX_POINTS ? thin(values, MAX_POINTS) : values, dense };
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
export function lineSummary({ x, window, rows }) {
  const width = sig(window.hi - window.lo, 3);
  const parts = LINE_ROWS.map((f) => {
    const n = rows[f].values.length;
    const label = f === 'int8' ? 'int8 scaled to ±448' : FORMAT_LABELS[f];
    return rows[f].dense ? `${label}: too many to count here` : `${label}: ${n}`;
  });
  const f32 = float32Count(window.lo, window.hi);
  return `Between ${sig(window.lo, 4)} and ${sig(window.hi, 4)} (a window ${width} wide around ${sig(x, 6)}), the formats hold ` +
    `${parts.join(', ')} values; float32 holds ${f32.toLocaleString('en-US')}. Multiply the number by 10 and each float ` +
    'format keeps about the same count, because its spacing grows with the values; int8’s step is 3.53 everywhere, so it ' +
    'has few values or none near zero and many near 448.';
}
