// Exercise 1: symmetric quantization of a small weight vector. The learner edits the weights and the bit width;
// the page shows the scale, a table of original / x÷scale / q / recovered / error, and a chart of the weights on
// the quantization grid. Every number comes from the WebAssembly core.
import { parseNumber } from '../../app/params.js';
import { createViewState } from '../../app/state.js';
import { baseOptions, chartFigure, signedTicks } from '../../ui/charts.js';
import { fieldMessage, h, fill, numberSpan, slider, uid, fillTable } from '../../ui/dom.js';
import { exact, fixed, num, sig } from '../../ui/format.js';
import { NOTEBOOK_WEIGHTS } from './data.js';

const lesson = {
  idea: [
    'Quantizing a weight means replacing it by the nearest point of an evenly spaced grid, and storing only which point: a small integer `q`. One real number for the whole tensor, the `scale`, is the spacing of the grid and turns integers back into weights: weight ≈ q × scale.',
    'Symmetric quantization centres the grid on zero. With `bits` bits the integers run from −qmax to +qmax, qmax = 2^(bits−1) − 1 (127 for 8 bits), and the scale makes the weight of largest magnitude land exactly on the outermost level: scale = max|x| / qmax.',
  ],
  why: [
    'An int8 weight takes a quarter of the memory of a float32 weight, and integer arithmetic is cheaper on most processors. The price is a rounding error on every weight, at most half a step of the grid: scale / 2.',
    'Zero maps to exactly zero, and no offset has to be carried through the arithmetic: that is what makes the symmetric scheme the usual choice for weights.',
  ],
  formula: {
    math: [
      'qmax      = 2^(bits−1) − 1      (127 at 8 bits)',
      'scale     = max|x| / qmax',
      'q         = clip(round(x / scale),',
      '                 −qmax, qmax)',
      'recovered = q × scale',
      '|x − recovered| ≤ scale / 2',
    ].join('\n'),
    notes: [
      '`round` is NumPy’s: a value exactly halfway between two integers goes to the even one (np.round(2.5) = 2, np.round(3.5) = 4). JavaScript’s `Math.round` always goes up (Math.round(2.5) = 3).',
    ],
  },
  note: {
    title: 'Where the notebook’s printed numbers mislead',
    paragraphs: [
      'The notebook’s comment expects q = [100, −42, 36, −63, 127, −113]. NumPy gives 101 for the first weight: 0.247 / scale = 100.54, and 100.54 rounds to 101. The column x ÷ scale in the table shows each quotient before rounding.',
    ],
  },
  deeper: {
    title: 'Going deeper: float32, float64 and the edge of a step',
    paragraphs: [
      'For −0.156 the quotient x / scale is −63.49999999999999 in float64, just short of a tie, so it rounds to −63. Computed in float32 it would be exactly −63.5, a tie that rounds to −64: a value at the edge of a step can land on either side depending on the precision of the arithmetic. The lab computes the quotient in float64, as NumPy does.',
      'Recovering the values, `q.astype(np.float32) * scale`, depends on the NumPy version. NumPy 1 casts a Python or NumPy float64 scale down to float32 (value-based casting) and multiplies in float32. NumPy 2 (NEP 50) keeps a NumPy float64 scalar’s precision, so the product is float64. Storing q[i] * scale into a Float32Array rounds the float64 product to float32, which is different again in the last bit. All three are q × scale: Check accepts each of them.',
    ],
  },
};

/** Parses the weights field (at most `maxWeights` numbers): {values} or {error}. */
function parseWeights(text, maxWeights) {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.length === 0) return { error: 'Give at least one weight, for example 0.25, -0.5.' };
  if (parts.length > maxWeights) return { error: `At most ${maxWeights} weights, please: you gave ${parts.length}.` };
  const values = [];
  for (let i = 0; i < parts.length; i++) {
    const v = parseNumber(parts[i]);
    if (v === undefined) {
      const shown = parts[i].length > 20 ? `${parts[i].slice(0, 20)}…` : parts[i];
      return { error: `Weight ${i + 1}, “${shown}”, is not a number (use digits, a dot and an optional e-exponent; at most 1e9 in size).` };
    }
    values.push(v);
  }
  return { values };
}

const MAX_LEVEL_LINES = 160; // more levels than this in view and they are zoomed in on instead of drawn as a wash

/** The x range shown: everything (±max|x|, with room), or `zoom` steps either side of weight `focus`. */
function xRange({ w, scale, maxAbs: m }, zoom) {
  if (zoom && zoom.index < w.length && scale > 0) {
    const centre = w[zoom.index];
    return { min: centre - zoom.steps * scale, max: centre + zoom.steps * scale };
  }
  const limit = m > 0 ? m * 1.12 : 1;
  return { min: -limit, max: limit };
}

/** The level lines k · scale inside [min, max], as annotations, when they are not too many to tell apart. */
function levelLines(c, { scale, qmax }, { min, max }) {
  if (!(scale > 0)) return { lines: {}, count: 0 };
  const first = Math.max(-qmax, Math.ceil(min / scale));
  const last = Math.min(qmax, Math.floor(max / scale));
  const count = Math.max(0, last - first + 1);
  const lines = {};
  if (count > MAX_LEVEL_LINES) return { lines, count, tooDense: true };
  for (let k = first; k <= last; k++) {
    lines[`level${k}`] = { type: 'line', xMin: k * scale, xMax: k * scale, borderColor: c.series[2], borderWidth: k === 0 ? 2 : 1,
      borderDash: [4, 3], drawTime: 'beforeDatasetsDraw' };
  }
  return { lines, count };
}

// Gridlines off on x: the only vertical lines are the levels (dashed, in their own color), so that nothing else can
// be taken for one. No tick at the edges of the range, which are not round numbers.
function chartConfig(c, info, zoom) {
  const { w, rec, bits } = info;
  const range = xRange(info, zoom);
  const levels = levelLines(c, info, range);
  const options = baseOptions(c, {
    x: { type: 'linear', ...range, title: 'value', grid: { display: false }, ticks: { maxTicksLimit: 7, includeBounds: false, callback: signedTicks } },
    y: { type: 'linear', reverse: true, min: -0.7, max: w.length - 0.3, title: 'weight', grid: { display: false },
      ticks: { stepSize: 1, autoSkip: false, callback: (v) => (Number.isInteger(v) && v >= 0 && v < w.length ? `w[${v}]` : '') } },
  });
  options.plugins.annotation = { annotations: levels.lines };
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}: ${sig(item.parsed.x, 6)}` };
  const datasets = [
    { label: 'original', data: w.map((x, i) => ({ x, y: i })), backgroundColor: c.series[0], borderColor: c.series[0], pointRadius: 5 },
    { label: `recovered (${bits} bits)`, data: Array.from(rec, (x, i) => ({ x, y: i })), borderColor: c.series[1],
      backgroundColor: c.series[1], pointStyle: 'crossRot', pointRadius: 8, borderWidth: 2 },
  ];
  if (levels.count && !levels.tooDense) {
    // A legend entry for the level lines (an empty dataset drawn as a dashed line).
    datasets.push({ label: 'levels k × scale', data: [], borderColor: c.series[2], backgroundColor: c.series[2], pointStyle: 'line', borderDash: [4, 3], borderWidth: 1.5 });
  }
  return { config: { type: 'scatter', data: { datasets }, options }, levels };
}

/** The staircase x → q(x) · scale over the shown range, with the weights on it. */
function staircaseConfig(c, info, zoom) {
  const { w, rec, scale, qmax } = info;
  const range = xRange(info, zoom);
  const step = (x) => (scale > 0 ? Math.min(qmax, Math.max(-qmax, Math.round(x / scale))) * scale : 0);
  const points = [];
  const levelsInView = scale > 0 ? (range.max - range.min) / scale : 0;
  if (scale > 0 && levelsInView <= 600) {
    // exact corners: each level from its lower to its upper rounding boundary
    const first = Math.floor(range.min / scale) - 1;
    const last = Math.ceil(range.max / scale) + 1;
    for (let k = first; k <= last; k++) {
      const y = Math.min(qmax, Math.max(-qmax, k)) * scale;
      points.push({ x: (k - 0.5) * scale, y }, { x: (k + 0.5) * scale, y });
    }
  } else {
    for (let i = 0; i <= 400; i++) {
      const x = range.min + ((range.max - range.min) * i) / 400;
      points.push({ x, y: step(x) });
    }
  }
  const options = baseOptions(c, {
    x: { type: 'linear', ...range, title: 'x', ticks: { maxTicksLimit: 7, includeBounds: false, callback: signedTicks } },
    y: { type: 'linear', min: range.min, max: range.max, title: 'q(x) × scale', ticks: { maxTicksLimit: 7, includeBounds: false, callback: signedTicks } },
  });
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}: ${sig(item.parsed.x, 4)} → ${sig(item.parsed.y, 4)}` };
  return {
    type: 'scatter',
    data: {
      datasets: [
        { label: 'x → q × scale', data: points, showLine: true, pointRadius: 0, borderColor: c.series[2], borderWidth: 2, pointStyle: 'line' },
        { label: 'your weights', data: w.map((x, i) => ({ x, y: rec[i] })), backgroundColor: c.series[0], borderColor: c.series[0], pointRadius: 5 },
      ],
    },
    options,
  };
}

/** Each weight's error x − recovered, in steps: all inside ±½ (the band). */
function errorConfig(c, { w, rec, scale }) {
  const data = w.map((x, i) => ({ x: scale > 0 ? (x - rec[i]) / scale : 0, y: i }));
  const options = baseOptions(c, {
    x: { type: 'linear', min: -0.6, max: 0.6, title: 'error x − recovered, in steps (scale)', ticks: { stepSize: 0.25, callback: signedTicks } },
    y: { type: 'linear', reverse: true, min: -0.7, max: w.length - 0.3, grid: { display: false },
      ticks: { stepSize: 1, autoSkip: false, callback: (v) => (Number.isInteger(v) && v >= 0 && v < w.length ? `w[${v}]` : '') } },
    legend: false,
  });
  options.plugins.annotation = { annotations: {
    band: { type: 'box', xMin: -0.5, xMax: 0.5, backgroundColor: 'rgba(128, 128, 128, 0.12)', borderColor: c.muted, borderWidth: 1, borderDash: [4, 3] },
  } };
  options.plugins.tooltip.callbacks = { label: (item) => `w[${item.parsed.y}]: ${sig(item.parsed.x, 4)} steps = ${sig(item.parsed.x * scale, 4)}` };
  return { type: 'scatter', data: { datasets: [{ label: 'error', data, backgroundColor: c.series[1], borderColor: c.series[1], pointRadius: 5 }] }, options };
}

/** "5 of 6 weights became 0" when rounding wiped most of them out; '' otherwise. */
function collapse({ w, q }) {
  const nonzero = w.filter((x) => x !== 0).length;
  const zeroed = w.filter((x, i) => x !== 0 && q[i] === 0).length;
  if (!zeroed) return '';
  const levels = new Set(Array.from(q)).size;
  return `${zeroed} of ${nonzero} nonzero weight${nonzero === 1 ? '' : 's'} became 0${zeroed * 2 > nonzero ? ': most of the information is gone' : ''}; ` +
    `the ${w.length} weights use ${levels} distinct level${levels === 1 ? '' : 's'}. `;
}

const FLOAT32_MIN_NORMAL = 2 ** -126; // 1.1754943508222875e-38
const FLOAT32_MIN_SUBNORMAL = 2 ** -149; // 1.401298464324817e-45

/**
 * What float32 does to a scale below its normal range, in the learner's terms, or '' when the scale fits. The
 * core quantizes in float64 (it refuses only a scale below float64's smallest normal, 2.2e-308), but the recovered
 * values q × scale are float32: a scale below 1.18e-38 is stored as a subnormal (fewer significant bits) or as 0.
 */
export function float32ScaleNote({ maxAbs, scale, qmax, bits }) {
  if (!(scale > 0) || scale >= FLOAT32_MIN_NORMAL) return '';
  const stored = Math.fround(scale);
  const head = `max|w| = ${num(maxAbs)} gives a scale of ${num(maxAbs)} / ${qmax} = ${sig(scale)} at ${bits} bits, below the ` +
    `smallest normal float32 (${sig(FLOAT32_MIN_NORMAL)}). The integers q are right: the quantization is computed in float64. ` +
    'But the recovered values q × scale are float32 (as q.astype(np.float32) * scale is in NumPy 1), ';
  const k = Math.ceil(Math.log2(FLOAT32_MIN_NORMAL / scale));
  const fix = ` Multiply the weights by 2^${k} first (a power of two keeps every q exactly and brings the scale into float32’s normal range), or dequantize in float64.`;
  if (stored === 0) {
    return `${head}and float32 stores this scale as 0 (its smallest subnormal is ${sig(FLOAT32_MIN_SUBNORMAL)}): every weight comes back as 0, ` +
      `and each error is the whole weight.${fix}`;
  }
  const bitsKept = Math.floor(Math.log2(stored / FLOAT32_MIN_SUBNORMAL)) + 1;
  return `${head}and float32 stores this scale as the subnormal ${sig(stored)}, with ${bitsKept} significant bit${bitsKept === 1 ? '' : 's'} ` +
    `instead of 24: the recovered values are off the grid, and errors can exceed half a step.${fix}`;
}

function summary(info, levels) {
  const { w, scale, qmax, bits, stats, allZero, maxAbs } = info;
  if (allZero) return `All ${w.length} weights are 0, so the scale is 0 and every q is 0: nothing is lost.`;
  const grid = levels.tooDense
    ? `The ${2 * qmax + 1} levels, ${sig(scale)} apart, are too close together to draw at this width: zoom in on a weight to see them.`
    : `The dashed vertical lines are the ${levels.count === 2 * qmax + 1 ? `${levels.count} levels` : `${levels.count} levels in view (of ${2 * qmax + 1})`}, ${sig(scale)} apart.`;
  const onGrid = info.float32Note
    ? `Float32 cannot hold this scale exactly (see the note above the numbers): the recovered values (×) are off the levels; the largest error is ${sig(stats.maxAbs)}, against half a step of ${sig(scale / 2)}.`
    : `Each recovered value (×) sits on a level; the largest error is ${sig(stats.maxAbs)}, within half a step (${sig(scale / 2)}).`;
  return `${collapse(info)}${w.length} weights at ${bits} bits: scale = ${num(maxAbs)} / ${qmax} = ${sig(scale)}. ` +
    `${grid} ${onGrid} SQNR ${stats.sqnrDb === Infinity ? 'is infinite (exact)' : `${fixed(stats.sqnrDb, 1)} dB`}.`;
}

function mountLab(root, { lab, params, spec, setParams }) {
  const view = createViewState({ w: [...params.w], bits: params.bits }, { setParams, render: () => render() });

  const weightsId = uid('weights');
  const weightsInput = h('textarea', { id: weightsId, rows: 2, spellcheck: 'false', autocomplete: 'off', class: 'weights' });
  weightsInput.value = params.w.join(', ');
  const weightsMessage = fieldMessage(weightsInput);
  const { min, max } = spec.bits;
  const bits = slider({ label: 'Bits', min, max, value: params.bits, hint: `${min} to ${max}`, onInput: (v) => view.set({ bits: v }) });
  const restore = h('button', { type: 'button', on: { click: () => {
    weightsInput.value = NOTEBOOK_WEIGHTS.join(', ');
    onWeights();
  } } }, 'Use the notebook’s weights');

  const keyNumbers = h('dl', { class: 'key-numbers' });
  const figure = chartFigure({ title: 'Weights on the quantization grid' });
  const stairFigure = chartFigure({ title: 'The staircase: every x between two boundaries becomes the same q × scale' });
  const errorFigure = chartFigure({ title: 'The rounding error of each weight, in steps: always within ±½' });
  // Zoom: the whole range, or a few steps around one weight (at 8 bits the levels are too dense to see otherwise).
  const zoomId = uid('zoom');
  const zoomSelect = h('select', { id: zoomId, on: { change: () => draw() } });
  const zoomField = h('div', { class: 'field' }, h('label', { for: zoomId, text: 'Show' }), zoomSelect);
  let last = null;
  const tableHost = h('div', { class: 'table-host' });
  const stale = h('p', { class: 'stale-note', hidden: true, text: 'The results below are for the last valid weights.' });
  // Weights so small that float32 cannot hold their scale (float32ScaleNote): said before any number that shows it.
  const rangeNote = h('p', { class: 'range-note', role: 'note', hidden: true });

  root.append(
    h('div', { class: 'controls' },
      h('div', { class: 'field wide' }, h('label', { for: weightsId, text: 'Weights (separated by commas or spaces)' }), weightsInput, weightsMessage.el),
      bits.field,
      h('div', { class: 'field' }, restore)),
    stale, rangeNote, keyNumbers, h('div', { class: 'controls zoom' }, zoomField), figure.figure, tableHost, stairFigure.figure, errorFigure.figure);

  let refused = false; // the core refused the last weights: their message is on the weights field
  function render() {
    const { w, bits: b } = view.get();
    let r;
    try {
      r = lab.symmetricQuantize(w, b);
    } catch (e) {
      // Weights the core refuses (e.g. a subnormal scale from 1e-310): its message goes where the weights are typed,
      // and the rest of the page stays as it was.
      weightsMessage.set(`These weights cannot be quantized: ${e.message}.`);
      stale.hidden = !keyNumbers.childElementCount;
      refused = true;
      return;
    }
    if (refused) {
      refused = false;
      weightsMessage.clear();
      stale.hidden = true;
    }
    const rec = lab.symmetricDequantize(r.q, r.scale);
    const stats = lab.errorStats(w, rec);
    const maxAbs = Math.max(...w.map(Math.abs));
    fill(keyNumbers,
      h('div', {}, h('dt', { text: 'qmax' }), h('dd', { class: 'qmax', text: `2^(${r.bits}−1) − 1 = ${r.qmax}` })),
      h('div', {}, h('dt', { text: 'scale' }), h('dd', { class: 'scale' }, `${num(maxAbs)} / ${r.qmax} = `,
        h('strong', { text: r.allZero ? '0' : sig(r.scale, 4) }), h('code', { class: 'exact', text: ` (${exact(r.scale)})` }))),
      h('div', {}, h('dt', { text: 'largest error' }), h('dd', { text: sig(stats.maxAbs, 4) })),
      h('div', {}, h('dt', { text: 'MSE' }), h('dd', { text: sig(stats.mse, 4) })));
    const info = { w, rec, q: r.q, scale: r.scale, qmax: r.qmax, bits: r.bits, stats, allZero: r.allZero, maxAbs };
    info.float32Note = float32ScaleNote(info);
    rangeNote.textContent = info.float32Note;
    rangeNote.hidden = !info.float32Note;
    last = info;
    // The zoom choices follow the weights; the choice is kept while it still exists.
    const chosen = zoomSelect.value;
    fill(zoomSelect, h('option', { value: '', text: 'all weights' }),
      ...w.map((x, i) => h('option', { value: String(i), text: `4 steps around w[${i}] = ${sig(x, 4)}` })));
    zoomSelect.value = Number(chosen) < w.length ? chosen : '';
    draw();
    // 4 significant digits; the exact value on hover and on focus.
    const cell = (v, extra) => numberSpan(sig(v, 4), num(v), extra);
    // A quotient a hair from a tie is shown in full: −63.49999999999999 rounds to −63, and "−63.50" would hide why.
    const quotient = (t) => (Math.abs((Math.abs(t) % 1) - 0.5) < 5e-4 ? h('span', { class: 'quotient', text: num(t) }) : cell(t, { class: 'quotient' }));
    fillTable(tableHost, {
      caption: `Each weight, its quotient x ÷ scale, the integer q and the value it comes back as (${r.bits} bits)`,
      columns: ['i', 'original x', 'x ÷ scale', 'q', 'recovered', 'error x − recovered'],
      rows: w.map((x, i) => [
        String(i), cell(x), r.allZero ? '—' : quotient(x / r.scale), h('strong', { class: 'q', text: num(r.q[i]) }),
        cell(rec[i]), cell(x - rec[i])]),
    });
  }

  function draw() {
    const info = last;
    const zoom = zoomSelect.value === '' ? null : { index: Number(zoomSelect.value), steps: 4 };
    // The charts grow with the number of weights beyond 10: 26 px a row (px, not rem: an embedded widget's rem is
    // the course page's). Up to 10 weights they keep style.css's height.
    const many = info.w.length > 10;
    figure.figure.querySelector('.chart-box').style.height = many ? `${64 + info.w.length * 26}px` : '';
    errorFigure.figure.querySelector('.chart-box').style.height = many ? `${48 + info.w.length * 22}px` : '';
    let levels = null;
    figure.update((c) => {
      const built = chartConfig(c, info, zoom);
      levels = built.levels;
      return built.config;
    }, () => summary(info, levels));
    stairFigure.update((c) => staircaseConfig(c, info, zoom),
      info.allZero ? 'Every x maps to 0 while the scale is 0.'
        : `Between two rounding boundaries, half a step (${sig(info.scale / 2, 4)}) either side of a level, every x gives the same q; ` +
          `beyond ±${sig(info.maxAbs, 4)} the staircase is flat: values there would be clipped to ±qmax.`);
    const worst = info.w.reduce((m, x, i) => Math.max(m, info.scale > 0 ? Math.abs(x - info.rec[i]) / info.scale : 0), 0);
    errorFigure.update((c) => errorConfig(c, info),
      info.allZero ? 'No error: every weight is 0.'
        : `Every error lies inside the band of ±½ step (±${sig(info.scale / 2, 4)}); the largest here is ${fixed(worst, 3)} steps. ` +
          'With many weights, the errors spread evenly over the band.');
  }

  function onWeights() {
    const parsed = parseWeights(weightsInput.value, spec.w.maxLength);
    if (parsed.error) {
      weightsMessage.set(parsed.error);
      stale.hidden = false;
      return;
    }
    weightsMessage.clear();
    stale.hidden = true;
    view.set({ w: parsed.values });
  }
  weightsInput.addEventListener('input', onWeights);

  render();
  return {
    update(next) {
      weightsInput.value = next.w.join(', ');
      bits.set(next.bits);
      weightsMessage.clear();
      stale.hidden = true;
      view.replace({ w: [...next.w], bits: next.bits });
    },
    destroy: () => {
      figure.destroy();
      stairFigure.destroy();
      errorFigure.destroy();
    },
  };
}

// The exercise's number, title, URL parameters and tasks are declared in ../registry.js.
export default { lesson, mountLab };
