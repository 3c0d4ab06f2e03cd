// Exercise 2: per-tensor vs per-channel quantization of the notebook's 4×64 matrix (NumPy seed 42, rows scaled
// by 0.01, 0.1, 1 and 10). Controls: each row's magnitude and the bit width. The page shows the matrix and the
// error of each weight as heatmaps, the levels each row uses, the overall MSE of both schemes, and per row the
// MSE (a dumbbell plot on a log axis), the SQNR and a table.
import { parseNumber } from '../../app/params.js';
import { createViewState } from '../../app/state.js';
import { baseOptions, chartFigure, logAxis, signedTicks } from '../../ui/charts.js';
import { fieldMessage, h, fill, numberSpan, slider, uid, fillTable } from '../../ui/dom.js';
import { dB, exact, short, sig, times } from '../../ui/format.js';
import { COLS, NOTEBOOK_CHANNEL_SCALES, notebookMatrix } from './data.js';

const ROWS = NOTEBOOK_CHANNEL_SCALES.length;

const lesson = {
  idea: [
    'The weight matrix of a linear layer has one row per output channel. Per-tensor quantization uses one scale for the whole matrix. Per-channel quantization gives every row its own scale, computed from that row’s largest magnitude.',
    'When the rows span similar ranges, the two schemes agree. When they do not, the single scale is set by the row with the largest weights, and a row of small weights is left with a grid far too coarse for it.',
  ],
  why: [
    'In real networks, channels often differ by orders of magnitude. A scale per row costs one extra number per channel, next to 64 or 784 int8 weights, which is why per-channel is the usual choice for weights in int8 inference.',
    'A single overall error can hide the damage. The mean squared error is dominated by the largest weights, so a channel whose every weight rounds to zero hardly moves it, yet that channel’s output is gone.',
  ],
  formula: {
    math: [
      'per tensor:   scale    = max|W| / qmax                          one number',
      'per channel:  scale[r] = max over c of |W[r, c]| / qmax          one per row (axis=1)',
      '              Q[r, c]  = clip(round(W[r, c] / scale[r]), −qmax, qmax)',
      '              W′[r, c] = Q[r, c] × scale[r]',
      'SQNR          = 10 · log10( mean(W²) / mean((W − W′)²) )  dB',
    ].join('\n'),
    notes: [
      'SQNR, the signal-to-quantization-noise ratio, compares the power of the weights with the power of the error. 0 dB means the error is as large as the weights themselves; every 6 dB halves the error’s amplitude.',
      'The matrix is NumPy’s `np.random.seed(42); np.random.randn(4, 64)` with row r multiplied by the magnitude you choose below, exactly as in the notebook.',
    ],
  },
  deeper: {
    title: 'Going deeper: float32 or float64 recovered values',
    paragraphs: [
      'Per channel, NumPy multiplies `q.astype(np.float32)` by a float64 array of scales, `scales[:, None]`: an array times an array keeps the wider type, so the recovered values are float64, in NumPy 1 and NumPy 2 alike. Per tensor, exercise 1’s float32 product applies (NumPy 1) or not (NumPy 2 with a NumPy float64 scale). The MSEs differ only in the last digits; Check accepts float32 and float64 recovered values alike.',
    ],
  },
  note: {
    title: 'Where the notebook’s printed numbers mislead',
    paragraphs: [
      'The notebook says per-channel is “~100× better”. On its own data the overall MSE improves 2.6× (0.005131 per tensor against 0.001962 per channel), because the largest row, which both schemes treat alike, dominates the average.',
      'Row by row the picture is different: per-channel lowers the MSE of the 0.01 row 44,527×, of the 0.1 row 13,399× and of the 1 row 163×. Per tensor, every weight of the smallest row rounds to 0, an SQNR of 0 dB; per channel the same row gets 46.5 dB.',
    ],
  },
};

function distinctPerRow(q) {
  return Array.from({ length: ROWS }, (_, r) => new Set(q.subarray(r * COLS, (r + 1) * COLS)).size);
}

/** Everything the page shows, from the core. */
function compare(lab, magnitudes, bits) {
  const w = notebookMatrix(lab, magnitudes, COLS);
  const t = lab.symmetricQuantize(w, bits);
  const tRec = lab.symmetricDequantize(t.q, t.scale);
  const c = lab.perChannelQuantize(w, ROWS, COLS, bits);
  const cRec = lab.perChannelDequantize(c.q, c.scales, ROWS, COLS);
  return {
    bits,
    qmax: t.qmax,
    tensorScale: t.scale,
    channelScales: c.scales,
    overall: { tensor: lab.errorStats(w, tRec), channel: lab.errorStats(w, cRec) },
    rows: { tensor: lab.perChannelErrorStats(w, tRec, ROWS, COLS), channel: lab.perChannelErrorStats(w, cRec, ROWS, COLS) },
    levels: { tensor: distinctPerRow(t.q), channel: distinctPerRow(c.q) },
    used: { tensor: levelsPerRow(t.q), channel: levelsPerRow(c.q) },
    w,
    err: { tensor: w.map((v, i) => Math.abs(v - tRec[i])), channel: w.map((v, i) => Math.abs(v - cRec[i])) },
  };
}

/** The distinct levels each row uses, sorted. */
function levelsPerRow(q) {
  return Array.from({ length: ROWS }, (_, r) => [...new Set(q.subarray(r * COLS, (r + 1) * COLS))].sort((a, b) => a - b));
}

// ---- heatmaps (chartjs-chart-matrix) ----

/** rgb(r, g, b) → rgba(r, g, b, a). */
const withAlpha = (rgb, a) => rgb.replace(/^rgb\((.*)\)$/, `rgba($1, ${a.toFixed(3)})`);

/**
 * A heatmap of `rows` × 64 cells on a log color scale: the cell's opacity grows with log10 of its value between the
 * smallest and the largest positive value shown (0 is blank).
 */
function heatmap(c, { values, labels, color, what }) {
  const positive = values.flat().filter((v) => v > 0 && Number.isFinite(v));
  const lo = positive.length ? Math.log10(Math.min(...positive)) : 0;
  const hi = positive.length ? Math.log10(Math.max(...positive)) : 1;
  const alpha = (v) => (v > 0 ? 0.08 + 0.92 * (hi > lo ? (Math.log10(v) - lo) / (hi - lo) : 1) : 0);
  const data = values.flatMap((row, r) => row.map((v, col) => ({ x: col, y: r, v })));
  const options = baseOptions(c, {
    x: { type: 'linear', min: -0.5, max: COLS - 0.5, offset: false, title: 'column', grid: { display: false },
      afterBuildTicks: (axis) => { axis.ticks = [0, 16, 32, 48, COLS - 1].map((value) => ({ value })); } },
    y: { type: 'linear', min: -0.5, max: values.length - 0.5, reverse: true, grid: { display: false }, offset: false,
      afterBuildTicks: (axis) => { axis.ticks = labels.map((_, value) => ({ value })); },
      ticks: { autoSkip: false, callback: (v) => labels[v] ?? '' } },
    legend: false,
  });
  options.plugins.tooltip.callbacks = { title: () => '', label: (item) => `${labels[item.raw.y]}, column ${item.raw.x}: ${what} ${sig(item.raw.v, 4)}` };
  return {
    type: 'matrix',
    data: { datasets: [{ label: what, data, backgroundColor: (ctx) => withAlpha(color, alpha(ctx.raw?.v ?? 0)), borderWidth: 0,
      width: ({ chart }) => (chart.chartArea?.width ?? 0) / COLS, height: ({ chart }) => (chart.chartArea?.height ?? 0) / values.length }] },
    options,
  };
}

const rowsOf = (values) => Array.from({ length: ROWS }, (_, r) => Array.from(values.slice(r * COLS, (r + 1) * COLS)));

function weightMap(c, magnitudes, res) {
  return heatmap(c, { values: rowsOf(res.w.map(Math.abs)), labels: magnitudes.map((_, r) => `row ${r}`), color: c.series[0], what: '|w|' });
}

function errorMap(c, res) {
  const t = rowsOf(res.err.tensor);
  const ch = rowsOf(res.err.channel);
  const values = [...t, ...ch];
  const labels = [...t.map((_, r) => `row ${r}, tensor`), ...ch.map((_, r) => `row ${r}, channel`)];
  return heatmap(c, { values, labels, color: c.series[1], what: '|w − w′|' });
}

/** The levels each row uses, per tensor and per channel: one dot per distinct level, on the axis −qmax … qmax. */
function levelsChart(c, magnitudes, res) {
  const labels = magnitudes.flatMap((_, r) => [`row ${r}, tensor`, `row ${r}, channel`]);
  const points = (scheme) => res.used[scheme].flatMap((levels, r) => levels.map((q) => ({ x: q, y: labels[2 * r + (scheme === 'tensor' ? 0 : 1)] })));
  const options = baseOptions(c, {
    x: { type: 'linear', min: -res.qmax, max: res.qmax, title: `level q (−${res.qmax} … ${res.qmax})`, ticks: { callback: signedTicks, maxTicksLimit: 9 } },
    y: { type: 'category', labels, offset: true, grid: { display: false }, ticks: { autoSkip: false } },
  });
  options.plugins.tooltip.callbacks = { label: (item) => `${item.raw.y}: level ${item.raw.x}` };
  return {
    type: 'scatter',
    data: { datasets: [
      { label: 'per tensor', data: points('tensor'), backgroundColor: c.series[1], borderColor: c.series[1], pointRadius: 2.5, pointStyle: 'rect' },
      { label: 'per channel', data: points('channel'), backgroundColor: c.series[0], borderColor: c.series[0], pointRadius: 2.5, pointStyle: 'rect' },
    ] },
    options,
  };
}

const rowLabel = (magnitudes, r) => `row ${r} (×${short(magnitudes[r])})`;

/** Bars per row: per tensor and per channel side by side. */
function rowBars(c, magnitudes, { tensor, channel, y, tooltip }) {
  const options = baseOptions(c, { x: { grid: { display: false } }, y });
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}: ${tooltip(item.parsed.y)}` };
  return {
    type: 'bar',
    data: {
      labels: magnitudes.map((_, r) => rowLabel(magnitudes, r)),
      datasets: [
        { label: 'per tensor', data: tensor, backgroundColor: c.series[1] },
        { label: 'per channel', data: channel, backgroundColor: c.series[0] },
      ],
    },
    options,
  };
}

// A dumbbell per row on a log axis: a bar's length means nothing there, the distance between two dots does.
function mseChart(c, magnitudes, res) {
  const labels = magnitudes.map((_, r) => rowLabel(magnitudes, r));
  const all = [...res.rows.tensor, ...res.rows.channel].map((s) => s.mse);
  const point = (s, r) => (s.mse > 0 ? { x: s.mse, y: labels[r] } : null); // an exact row has no place on a log axis
  const options = baseOptions(c, {
    x: logAxis(c, all, 'MSE (log scale, left is better)'),
    y: { type: 'category', labels, offset: true, grid: { display: false } },
  });
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}: MSE ${sig(item.parsed.x, 4)}` };
  const bars = res.rows.tensor.map((t, r) => ({
    label: `row ${r}`, data: [point(t, r), point(res.rows.channel[r], r)].filter(Boolean), showLine: true, borderColor: c.muted,
    borderWidth: 2, pointRadius: 0, pointHitRadius: 0,
  }));
  options.plugins.legend.labels.filter = (item) => item.text === 'per tensor' || item.text === 'per channel';
  return {
    type: 'scatter',
    data: { datasets: [
      { label: 'per tensor', data: res.rows.tensor.map(point).filter(Boolean), backgroundColor: c.series[1], borderColor: c.series[1], pointRadius: 7 },
      { label: 'per channel', data: res.rows.channel.map(point).filter(Boolean), backgroundColor: c.series[0], borderColor: c.series[0], pointRadius: 7 },
      ...bars,
    ] },
    options,
  };
}

function sqnrChart(c, magnitudes, res) {
  const value = (s) => (Number.isFinite(s.sqnrDb) ? s.sqnrDb : null);
  const config = rowBars(c, magnitudes, {
    tensor: res.rows.tensor.map(value),
    channel: res.rows.channel.map(value),
    y: { title: 'SQNR (dB, higher is better)', beginAtZero: true, grace: '8%' },
    tooltip: dB,
  });
  config.options.plugins.valueLabels = { datasets: [0, 1], color: c.text, format: (v) => (v === null || v === undefined ? '' : v.toFixed(1)) };
  return config;
}

const ratio = (a, b) => (b > 0 ? a / b : a > 0 ? Infinity : 1);

function mseSummary(magnitudes, res) {
  const parts = res.rows.tensor.map((t, r) => `${rowLabel(magnitudes, r)} ${times(ratio(t.mse, res.rows.channel[r].mse))}`);
  const overall = ratio(res.overall.tensor.mse, res.overall.channel.mse);
  const spread = Math.max(...magnitudes) / Math.min(...magnitudes);
  if (spread < 1.5) {
    return `All rows have about the same magnitude, so one scale fits every row nearly as well as its own: per-channel ` +
      `MSE is lower by ${parts.join(', ')}, ${times(overall)} overall. Make one row much smaller to see the difference.`;
  }
  const best = res.rows.tensor.reduce((b, t, r) => (ratio(t.mse, res.rows.channel[r].mse) > ratio(res.rows.tensor[b].mse, res.rows.channel[b].mse) ? r : b), 0);
  return `Per-channel MSE is lower by ${parts.join(', ')}. Overall the ratio is ${times(overall)}: the mean squared ` +
    `error is dominated by the rows of largest weights, which both schemes treat alike, so the overall number hides ` +
    `the ${rowLabel(magnitudes, best)}, where per-channel helps most.`;
}

function levelsSummary(magnitudes, res) {
  const parts = res.levels.tensor.map((n, r) => `${rowLabel(magnitudes, r)} uses ${n} level${n === 1 ? '' : 's'} per tensor, ${res.levels.channel[r]} per channel`);
  return `Of the ${2 * res.qmax + 1} levels: ${parts.join('; ')}. A row that uses 1 level per tensor has been rounded to all zeros.`;
}

function sqnrSummary(magnitudes, res) {
  const parts = res.rows.tensor.map((t, r) => `${rowLabel(magnitudes, r)}: ${dB(t.sqnrDb)} per tensor, ` +
    `${dB(res.rows.channel[r].sqnrDb)} per channel (${res.levels.tensor[r]} vs ${res.levels.channel[r]} distinct levels used)`);
  return `${parts.join('; ')}.`;
}

function mountLab(root, { lab, params, spec, setParams }) {
  const view = createViewState({ s: [...params.s], bits: params.bits }, { setParams, render: () => render() });

  const scaleInputs = NOTEBOOK_CHANNEL_SCALES.map((_, r) => {
    const id = uid('magnitude');
    const input = h('input', { id, type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', class: 'magnitude', value: String(params.s[r]) });
    const message = fieldMessage(input);
    const field = h('div', { class: 'field' }, h('label', { for: id, text: `Row ${r} magnitude` }), input, message.el);
    // A valid value applies at once; a message for an invalid one waits for a pause in typing or for blur, so that
    // "0", "0." and "0.0" on the way to "0.05" say nothing. The message has room reserved: nothing moves.
    input.addEventListener('input', () => onScales({ quiet: true }));
    input.addEventListener('blur', () => onScales({ quiet: false }));
    return { input, message, field };
  });
  const { min, max } = spec.bits;
  const bits = slider({ label: 'Bits', min, max, value: params.bits, hint: `${min} to ${max}`, onInput: (v) => view.set({ bits: v }) });
  const restore = h('button', { type: 'button', on: { click: () => {
    scaleInputs.forEach(({ input }, r) => { input.value = String(NOTEBOOK_CHANNEL_SCALES[r]); });
    onScales();
  } } }, 'Use the notebook’s 0.01, 0.1, 1, 10');

  const overall = h('dl', { class: 'key-numbers' });
  const mapFigure = chartFigure({ title: 'The matrix W: |w| of each weight (stronger color is larger; log color scale)' });
  const errorFigure = chartFigure({ title: 'The error |w − w′| of each weight, per tensor and per channel (stronger color is larger; log color scale)' });
  const levelsFigure = chartFigure({ title: 'The levels each row uses' });
  const mseFigure = chartFigure({ title: 'MSE per row, per tensor vs per channel' });
  const sqnrFigure = chartFigure({ title: 'SQNR per row' });
  const tableHost = h('div', { class: 'table-host' });
  // Always in the layout (visibility, not display), so that showing it moves nothing.
  const stale = h('p', { class: 'stale-note reserved', text: 'The results below are for the last valid magnitudes.' });

  root.append(
    h('fieldset', { class: 'controls magnitudes' }, h('legend', { text: 'Row magnitudes and bits' }),
      h('p', { class: 'hint', text: 'Row r of randn(4, 64) is multiplied by its magnitude.' }),
      ...scaleInputs.map((s) => s.field), bits.field, h('div', { class: 'field' }, restore)),
    stale, overall, mapFigure.figure, errorFigure.figure, levelsFigure.figure, mseFigure.figure, sqnrFigure.figure, tableHost);

  function render() {
    const state = view.get();
    const res = compare(lab, state.s, state.bits);
    const { tensor, channel } = res.overall;
    fill(overall,
      h('div', {}, h('dt', { text: 'per-tensor MSE' }), h('dd', {}, numberSpan(sig(tensor.mse, 4), exact(tensor.mse), { class: 'mse-tensor' }))),
      h('div', {}, h('dt', { text: 'per-channel MSE' }), h('dd', {}, numberSpan(sig(channel.mse, 4), exact(channel.mse), { class: 'mse-channel' }))),
      h('div', {}, h('dt', { text: 'overall improvement' }), h('dd', { class: 'mse-ratio', text: times(ratio(tensor.mse, channel.mse)) })));
    const small = res.levels.tensor.findIndex((n) => n === 1);
    mapFigure.update((c) => weightMap(c, state.s, res),
      `Row r is randn(64) times its magnitude (${state.s.map((m) => short(m)).join(', ')}): rows ${Math.max(...state.s) / Math.min(...state.s) >= 10 ? 'span orders of magnitude' : 'have similar magnitudes'}.`);
    errorFigure.update((c) => errorMap(c, res),
      `Per tensor, every row's error is up to half of the one shared step (${sig(res.tensorScale / 2, 3)}); per channel, each row's error is up to half its own step.` +
      (small >= 0 ? ` Per tensor, row ${small} is rounded to all zeros: its error is the weights themselves.` : ''));
    levelsFigure.update((c) => levelsChart(c, state.s, res), levelsSummary(state.s, res));
    mseFigure.update((c) => mseChart(c, state.s, res), mseSummary(state.s, res));
    sqnrFigure.update((c) => sqnrChart(c, state.s, res), sqnrSummary(state.s, res));
    fillTable(tableHost, {
      caption: `Per row at ${res.bits} bits: scale, MSE, MSE ratio and SQNR (per-tensor scale ${sig(res.tensorScale, 4)} for every row)`,
      columns: ['row', 'scale, per channel', 'MSE, per tensor', 'MSE, per channel', 'MSE ratio', 'SQNR, per tensor', 'SQNR, per channel'],
      rows: res.rows.tensor.map((t, r) => {
        const ch = res.rows.channel[r];
        return [`${r} (×${short(state.s[r])})`, sig(res.channelScales[r], 4),
          h('span', { 'data-exact': String(t.mse), text: sig(t.mse, 4) }),
          h('span', { 'data-exact': String(ch.mse), class: 'row-mse-channel', text: sig(ch.mse, 4) }),
          times(ratio(t.mse, ch.mse)), dB(t.sqnrDb), dB(ch.sqnrDb)];
      }),
    });
  }

  let pause = null;
  const PAUSE_MS = 800;
  function onScales({ quiet = false } = {}) {
    clearTimeout(pause);
    const { min: lo, max: hi } = spec.s;
    const values = scaleInputs.map(({ input, message }, r) => {
      const v = parseNumber(input.value);
      if (v === undefined || v < lo || v > hi) {
        if (!quiet) {
          // Short enough for the two lines kept for it under a narrow field.
          const e = (v) => v.toExponential().replace('e+', 'e').replaceAll('-', '−'); // 1e−6, 1e6
          message.set(input.value.trim() === '' ? `Row ${r}: give a magnitude.` : `Row ${r}: a number, ${e(lo)} to ${e(hi)}.`);
        }
        return undefined;
      }
      message.clear();
      return v;
    });
    if (values.includes(undefined)) {
      if (quiet) {
        pause = setTimeout(() => onScales({ quiet: false }), PAUSE_MS);
      } else {
        stale.classList.add('shown');
      }
      return;
    }
    stale.classList.remove('shown');
    view.set({ s: values });
  }

  render();
  return {
    update(next) {
      scaleInputs.forEach(({ input, message }, r) => { input.value = String(next.s[r]); message.clear(); });
      bits.set(next.bits);
      stale.classList.remove('shown');
      view.replace({ s: [...next.s], bits: next.bits });
    },
    destroy() {
      mapFigure.destroy();
      errorFigure.destroy();
      levelsFigure.destroy();
      mseFigure.destroy();
      sqnrFigure.destroy();
    },
  };
}

// The exercise's number, title, URL parameters and tasks are declared in ../registry.js.
export default { lesson, mountLab };
