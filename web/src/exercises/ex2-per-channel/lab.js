// Exercise 2: per-tensor vs per-channel quantization of the notebook's 4×64 matrix (NumPy seed 42, rows scaled
// by 0.01, 0.1, 1 and 10). Controls: each row's magnitude and the bit width. The page shows the overall MSE of
// both schemes, and per row the MSE (log chart), the SQNR and how many levels each row actually uses.
import { parseNumber } from '../../app/params.js';
import { createViewState } from '../../app/state.js';
import { baseOptions, chartFigure, logAxis } from '../../ui/charts.js';
import { fieldMessage, h, fill, slider, table, uid } from '../../ui/dom.js';
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
  note: {
    title: 'Where the notebook’s printed numbers mislead',
    paragraphs: [
      'The notebook says per-channel is “~100× better”. On its own data the overall MSE improves 2.6× (0.005130749017167746 per tensor against 0.001961771397161954 per channel), because the largest row, which both schemes treat alike, dominates the average.',
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

function mseChart(c, magnitudes, res) {
  const value = (s) => (s.mse > 0 ? s.mse : null); // an exact row has no place on a log axis
  const all = [...res.rows.tensor, ...res.rows.channel].map((s) => s.mse);
  return rowBars(c, magnitudes, {
    tensor: res.rows.tensor.map(value),
    channel: res.rows.channel.map(value),
    y: logAxis(c, all, 'MSE (log scale)'),
    tooltip: (v) => `MSE ${sig(v, 4)}`,
  });
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
  return `Per-channel MSE is lower by ${parts.join(', ')}. Overall the ratio is only ${times(overall)}: the rows with ` +
    'the largest weights dominate the mean, so the overall number hides what happens to the small rows.';
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
    input.addEventListener('input', onScales);
    return { input, message, field };
  });
  const { min, max } = spec.bits;
  const bits = slider({ label: 'Bits', min, max, value: params.bits, hint: `${min} to ${max}`, onInput: (v) => view.set({ bits: v }) });
  const restore = h('button', { type: 'button', on: { click: () => {
    scaleInputs.forEach(({ input }, r) => { input.value = String(NOTEBOOK_CHANNEL_SCALES[r]); });
    onScales();
  } } }, 'Use the notebook’s 0.01, 0.1, 1, 10');

  const overall = h('dl', { class: 'key-numbers' });
  const mseFigure = chartFigure({ title: 'MSE per row, per tensor vs per channel' });
  const sqnrFigure = chartFigure({ title: 'SQNR per row' });
  const tableHost = h('div', { class: 'table-host' });
  const stale = h('p', { class: 'stale-note', hidden: true, text: 'The results below are for the last valid magnitudes.' });

  root.append(
    h('fieldset', { class: 'controls' }, h('legend', { text: 'Row magnitudes and bits' }),
      h('p', { class: 'hint', text: 'Row r of randn(4, 64) is multiplied by its magnitude.' }),
      ...scaleInputs.map((s) => s.field), bits.field, h('div', { class: 'field' }, restore)),
    stale, overall, mseFigure.figure, sqnrFigure.figure, tableHost);

  function render() {
    const state = view.get();
    const res = compare(lab, state.s, state.bits);
    const { tensor, channel } = res.overall;
    fill(overall,
      h('div', {}, h('dt', { text: 'per-tensor MSE' }), h('dd', {}, h('code', { class: 'mse-tensor', text: exact(tensor.mse) }))),
      h('div', {}, h('dt', { text: 'per-channel MSE' }), h('dd', {}, h('code', { class: 'mse-channel', text: exact(channel.mse) }))),
      h('div', {}, h('dt', { text: 'overall improvement' }), h('dd', { class: 'mse-ratio', text: times(ratio(tensor.mse, channel.mse)) })));
    mseFigure.update((c) => mseChart(c, state.s, res), mseSummary(state.s, res));
    sqnrFigure.update((c) => sqnrChart(c, state.s, res), sqnrSummary(state.s, res));
    fill(tableHost, table({
      caption: `Per row at ${res.bits} bits: scale, MSE, MSE ratio and SQNR (per-tensor scale ${sig(res.tensorScale, 4)} for every row)`,
      columns: ['row', 'scale, per channel', 'MSE, per tensor', 'MSE, per channel', 'MSE ratio', 'SQNR, per tensor', 'SQNR, per channel'],
      rows: res.rows.tensor.map((t, r) => {
        const ch = res.rows.channel[r];
        return [`${r} (×${short(state.s[r])})`, sig(res.channelScales[r], 4),
          h('span', { 'data-exact': String(t.mse), text: sig(t.mse, 4) }),
          h('span', { 'data-exact': String(ch.mse), class: 'row-mse-channel', text: sig(ch.mse, 4) }),
          times(ratio(t.mse, ch.mse)), dB(t.sqnrDb), dB(ch.sqnrDb)];
      }),
    }));
  }

  function onScales() {
    const values = scaleInputs.map(({ input, message }, r) => {
      const v = parseNumber(input.value);
      const { min: lo, max: hi } = spec.s;
      if (v === undefined || v < lo || v > hi) {
        message.set(input.value.trim() === ''
          ? `Give row ${r} a magnitude (a number from ${lo} to ${hi}).`
          : `Row ${r}: use a number from ${lo} to ${hi}, such as 0.01 or 10.`);
        return undefined;
      }
      message.clear();
      return v;
    });
    if (values.includes(undefined)) {
      stale.hidden = false;
      return;
    }
    stale.hidden = true;
    view.set({ s: values });
  }

  render();
  return {
    update(next) {
      scaleInputs.forEach(({ input, message }, r) => { input.value = String(next.s[r]); message.clear(); });
      bits.set(next.bits);
      stale.hidden = true;
      view.replace({ s: [...next.s], bits: next.bits });
    },
    destroy() {
      mseFigure.destroy();
      sqnrFigure.destroy();
    },
  };
}

// The exercise's number, title, URL parameters and tasks are declared in ../registry.js.
export default { lesson, mountLab };
