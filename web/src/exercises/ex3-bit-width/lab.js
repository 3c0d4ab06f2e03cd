// Exercise 3: quantization error against bit width for 1000 weights (NumPy seed 42): Gaussian, uniform, or
// Gaussian with outliers. A log chart of the MSE per bit width with its points labelled and a reference line of
// 4× (6.02 dB) per bit, and a table of the reduction factors. Then "where to clip": a "clip at" slider on the
// heavy-tailed weights at 4 bits, with the MSE against the clipping threshold split into rounding and clipping
// error, the optimum marked. The learner's own numbers (plot() in their code) are drawn on both charts.
import { createViewState } from '../../app/state.js';
import { baseOptions, chartFigure, logAxis } from '../../ui/charts.js';
import { fill, h, numberSpan, radioGroup, slider, fillTable } from '../../ui/dom.js';
import { dB, exact, fixed, sig, twoDigitExponent } from '../../ui/format.js';
import { DISTRIBUTIONS, clipGrid, clippedError, weights } from './data.js';

const CLIP_BITS = 4;
const CLIP_STEPS = 60;

const MIN_BITS = 2;

const lesson = {
  idea: [
    'Each extra bit roughly doubles the number of levels (qmax goes 1, 3, 7, 15, 31, …), so the step between levels roughly halves and every weight lands closer to its level.',
    'Once the grid is fine, the rounding error of a weight is spread evenly over a step, and its mean square is step² / 12. Halving the step divides that by 4: 10 · log10(4) = 6.02 dB of SQNR per bit.',
  ],
  why: [
    'Choosing a bit width trades memory against accuracy. Knowing that the error falls about 4× per bit lets you predict what 4 or 6 bits will cost before you try them.',
    'The rule assumes that the scale fits the bulk of the data. A few outliers stretch max|x|, and every other weight pays with a coarser grid. Switch the weights to “heavy tails” to see how much, then find below where to clip them: a threshold under max|x| trades a large error on the few outliers for a finer grid for all the others.',
  ],
  formula: {
    math: [
      'step(bits)  = max|x| / (2^(bits−1) − 1)',
      'MSE         ≈ step² / 12                   once the grid is fine',
      'MSE(b) / MSE(b+1) → 4                      10 · log10(4) = 6.02 dB per bit',
      'clipped at c:  step = c / qmax             values beyond ±c saturate at ±qmax',
    ].join('\n'),
    notes: [
      'At 2 to 4 bits the factor is larger than 4, for two reasons: qmax grows from 1 to 3 to 7 to 15, so the step shrinks 3×, 2.33× and 2.14× rather than 2×; and with so few levels the errors are not spread evenly over a step. The 4× rule holds from about 5 bits on.',
      'The weights: Gaussian is NumPy’s `np.random.seed(42); np.random.randn(1000)`; uniform is `2 * np.random.rand(1000) − 1` (same seed); heavy tails is the Gaussian with every 100th value multiplied by 10 (`x[::100] *= 10`). The error is the notebook’s: a float64 round trip, `np.mean((x − q * scale) ** 2)`.',
    ],
  },
  note: {
    title: 'Where the notebook’s words mislead',
    paragraphs: [
      'The notebook’s summary says that each extra bit “roughly halves” the error. That is true of the step, and of the largest error (half a step). The mean squared error falls about 4× per bit, as its own background section says, and faster than that below 5 bits.',
    ],
  },
};

const DISTRIBUTION_LABELS = { gaussian: 'Gaussian', uniform: 'uniform', outliers: 'heavy tails (outliers)' };

/** The learner's plotted series `name`, as chart points with positive finite y (a log axis), or null. */
function learnerPoints(mine, name) {
  const s = mine?.[name];
  if (!s || !Array.isArray(s.x)) return null;
  const points = s.x.map((x, i) => ({ x, y: s.y[i] })).filter((p) => Number.isFinite(p.x) && p.y > 0 && p.y < 1e30);
  return points.length ? points : null;
}

const yourNumbers = (c, points) => ({
  type: 'scatter', label: 'your numbers (Run)', data: points, borderColor: c.series[3], backgroundColor: 'transparent',
  pointStyle: 'crossRot', pointRadius: 6, pointBorderWidth: 2, showLine: false,
});

function chartConfig(c, { sweep, baseline, dist, mine }) {
  const last = sweep[sweep.length - 1];
  const reference = sweep.map((p) => ({ x: p.bits, y: last.mse * 4 ** (last.bits - p.bits) }));
  const yours = learnerPoints(mine, 'bits')?.filter((p) => p.x >= MIN_BITS - 0.5 && p.x <= last.bits + 0.5);
  const options = baseOptions(c, {
    x: { type: 'linear', min: MIN_BITS - 0.5, max: last.bits + 0.5, title: 'bits', grid: { display: false },
      afterBuildTicks: (axis) => { axis.ticks = sweep.map((p) => ({ value: p.bits })); } },
    y: logAxis(c, [...sweep, ...(baseline ?? [])].map((p) => p.mse), 'MSE (log scale)'),
  });
  // Labelled like the notebook's annotations ('{:.2e}' in Python: 8.19e-01), never closer than a label's width.
  options.plugins.valueLabels = { datasets: [0], color: c.text, minSpacing: 58, format: (v) => twoDigitExponent(v.toExponential(2)) };
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}: ${sig(item.parsed.y, 4)}` };
  options.layout = { padding: { top: 18, right: 12 } };
  const datasets = [
    { label: `MSE, ${DISTRIBUTION_LABELS[dist]}`, data: sweep.map((p) => ({ x: p.bits, y: p.mse })), borderColor: c.series[0],
      backgroundColor: c.series[0], pointRadius: 5, borderWidth: 2 },
    // pointStyle 'line': the legend shows a dashed line, as drawn, not a dot.
    { label: '4× per bit (6.02 dB), through the last point', data: reference, borderColor: c.muted, backgroundColor: c.muted,
      borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5, pointStyle: 'line' },
  ];
  if (baseline) {
    datasets.push({ label: 'MSE, Gaussian (for comparison)', data: baseline.map((p) => ({ x: p.bits, y: p.mse })),
      borderColor: c.series[2], backgroundColor: c.series[2], pointRadius: 3, borderWidth: 1.5, borderDash: [2, 3] });
  }
  if (yours) datasets.push(yourNumbers(c, yours));
  return { type: 'line', data: { datasets }, options };
}

// ---- where to clip ----

function clipSweepOf(x) {
  return clipGrid(x, CLIP_STEPS).map((clip) => ({ clip, ...clippedError(x, CLIP_BITS, clip) }));
}

function clipChartConfig(c, { sweep, at, best, mine }) {
  const yours = learnerPoints(mine, 'clip');
  const values = sweep.flatMap((p) => [p.mse, p.rounding, p.clipping]).filter((v) => v > 0);
  const options = baseOptions(c, {
    // No tick at the edge: max|x| is not a round number, and a tick there would be labelled as if it were.
    x: { type: 'linear', min: 0, max: sweep[sweep.length - 1].clip, title: 'clip at (the top level’s value)', ticks: { includeBounds: false } },
    y: { ...logAxis(c, values, 'MSE (log scale)') },
  });
  options.plugins.tooltip.callbacks = {
    title: (items) => `clip at ${sig(items[0].parsed.x, 4)}`,
    label: (item) => `${item.dataset.label}: ${sig(item.parsed.y, 4)}`,
  };
  options.plugins.annotation = {
    annotations: {
      at: { type: 'line', xMin: at.clip, xMax: at.clip, borderColor: c.text, borderWidth: 2,
        label: { display: true, content: 'clip at', position: 'start', backgroundColor: c.text, color: c.bg, font: { size: 11 } } },
      best: { type: 'point', xValue: best.clip, yValue: best.mse, radius: 7, borderColor: c.series[2], borderWidth: 2,
        backgroundColor: 'transparent' },
      bestLabel: { type: 'label', xValue: best.clip, yValue: best.mse, yAdjust: 18, content: `optimum ${sig(best.clip, 3)}`,
        color: c.series[2], font: { size: 11, weight: 'bold' } },
    },
  };
  const line = (label, key, color, dash) => ({ label, data: sweep.filter((p) => p[key] > 0).map((p) => ({ x: p.clip, y: p[key] })),
    borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 2, borderDash: dash, pointStyle: 'line' });
  const datasets = [
    line('MSE (total)', 'mse', c.series[0]),
    line('rounding error (values inside ±clip)', 'rounding', c.series[1], [6, 4]),
    line('clipping error (values beyond ±clip)', 'clipping', c.series[2], [2, 3]),
  ];
  if (yours) datasets.push(yourNumbers(c, yours));
  return { type: 'line', data: { datasets }, options };
}

function clipSummary({ sweep, at, best, mine }) {
  const full = sweep[sweep.length - 1];
  const share = (v) => `${fixed((100 * v) / at.mse, 0)} %`;
  return `Clipping the heavy-tailed weights at ${sig(at.clip, 3)} (${fixed((100 * at.clip) / full.clip, 0)} % of max|x|) ` +
    `at ${CLIP_BITS} bits: ${at.clipped} of 1000 values saturate. MSE ${sig(at.mse, 3)}: rounding ${share(at.rounding)}, ` +
    `clipping ${share(at.clipping)}. Without clipping the MSE is ${sig(full.mse, 3)}; the best threshold, ` +
    `${sig(best.clip, 3)}, gives ${sig(best.mse, 3)} (${fixed(full.mse / best.mse, 1)}× smaller). Clip lower and the ` +
    `saturated outliers dominate; higher and the step grows for every other weight.${yoursNote(mine, 'clip')}`;
}

function factorsOf(sweep) {
  return sweep.slice(1).map((p, i) => sweep[i].mse / p.mse);
}

const DISTRIBUTION_SUBJECTS = { gaussian: 'With Gaussian weights', uniform: 'With uniform weights', outliers: 'With heavy-tailed weights (outliers)' };

function summary({ sweep, baseline, dist, mine }) {
  const first = sweep[0];
  const last = sweep[sweep.length - 1];
  const factors = factorsOf(sweep).map((f) => f.toFixed(2));
  let text = `${DISTRIBUTION_SUBJECTS[dist]}, the MSE falls from ${sig(first.mse, 3)} at ${first.bits} bits to ` +
    `${sig(last.mse, 3)} at ${last.bits} bits. Per extra bit it shrinks ${factors.join('×, ')}× — the dashed line ` +
    `is 4× per bit.`;
  if (baseline) {
    const b = baseline[baseline.length - 1];
    text += ` At ${last.bits} bits the SQNR is ${dB(last.sqnrDb)}, against ${dB(b.sqnrDb)} for the Gaussian weights.`;
  }
  return text + yoursNote(mine, 'bits');
}

/** What the learner's own plotted numbers add to a chart's summary. */
function yoursNote(mine, name) {
  const n = learnerPoints(mine, name)?.length ?? 0;
  return n ? ` Your numbers from Run (${n} point${n === 1 ? '' : 's'}, the purple ✕ marks) are drawn on the chart.` : '';
}

function mountLab(root, { lab, params, spec, setParams }) {
  const view = createViewState({ dist: params.dist, hi: params.hi }, { setParams, render: () => render() });
  const radios = radioGroup({
    legend: 'Weights (1000 values, NumPy seed 42)',
    labels: Object.fromEntries(DISTRIBUTIONS.map((d) => [d, DISTRIBUTION_LABELS[d]])),
    onChange: (dist) => view.set({ dist }),
  });
  const hi = slider({ label: 'Highest bit width', min: spec.hi.min, max: spec.hi.max, value: params.hi, hint: 'the notebook stops at 8', onInput: (v) => view.set({ hi: v }) });

  const figure = chartFigure({ title: 'MSE against bit width' });
  const tableHost = h('div', { class: 'table-host' });

  // Where to clip: the heavy-tailed weights at 4 bits, the threshold a slider (steps of max|x| / 60).
  const heavy = Array.from(weights(lab, 'outliers'));
  const clipSweep = clipSweepOf(heavy);
  const best = clipSweep.reduce((b, p) => (p.mse < b.mse ? p : b));
  let clipIndex = clipSweep.indexOf(best);
  const clipSlider = slider({ label: 'Clip at', min: 1, max: CLIP_STEPS, value: clipIndex + 1,
    hint: `of max|x| = ${sig(clipSweep[CLIP_STEPS - 1].clip, 4)}, in 60 steps`, onInput: (v) => { clipIndex = v - 1; drawClip(); } });
  const clipOutput = clipSlider.field.querySelector('output');
  const clipFigure = chartFigure({ title: `Where to clip: MSE against the clipping threshold (heavy tails, ${CLIP_BITS} bits)` });
  let mine = null; // the learner's plot data, from their last Run or Check

  root.append(
    h('div', { class: 'controls' },
      radios.field,
      hi.field),
    figure.figure, tableHost,
    h('h3', { text: 'Where to clip' }),
    h('p', { text: `Outliers stretch max|x|, and every other weight pays with a coarser grid. Clipping sets the top level below max|x|: the outliers saturate (clipping error) and the step shrinks for the rest (less rounding error). Move the threshold and watch the two errors trade.` }),
    h('div', { class: 'controls' }, clipSlider.field),
    clipFigure.figure);

  function drawClip() {
    const at = clipSweep[clipIndex];
    clipOutput.textContent = sig(at.clip, 3);
    const info = { sweep: clipSweep, at, best, mine };
    clipFigure.update((c) => clipChartConfig(c, info), clipSummary(info));
  }

  function render() {
    const state = view.get();
    const sweep = lab.errorVsBits(weights(lab, state.dist), MIN_BITS, state.hi);
    const baseline = state.dist === 'gaussian' ? null : lab.errorVsBits(weights(lab, 'gaussian'), MIN_BITS, state.hi);
    radios.set(state.dist);
    const info = { sweep, baseline, dist: state.dist, mine };
    figure.update((c) => chartConfig(c, info), summary(info));
    const factors = factorsOf(sweep);
    fillTable(tableHost, {
      caption: `MSE and SQNR per bit width, and how much one more bit reduces the MSE (${DISTRIBUTION_LABELS[state.dist]} weights)`,
      columns: ['bits', 'MSE', 'SQNR', 'reduction from one bit fewer', 'in dB'],
      rows: sweep.map((p, i) => [String(p.bits), numberSpan(sig(p.mse, 4), exact(p.mse), { class: 'sweep-mse' }), dB(p.sqnrDb),
        i ? `${fixed(factors[i - 1], 2)}×` : '—', i ? `${fixed(10 * Math.log10(factors[i - 1]), 2)} dB` : '—']),
    });
  }
  render();
  drawClip();
  return {
    update(next) {
      hi.set(next.hi);
      view.replace({ dist: next.dist, hi: next.hi });
    },
    /** A Run or Check of learner mode: its plot data (plain, cloneable) is drawn beside the page's numbers. */
    learnerResult(result) {
      if (!result?.plot || typeof result.plot !== 'object') return;
      mine = result.plot;
      render();
      drawClip();
    },
    destroy: () => {
      figure.destroy();
      clipFigure.destroy();
    },
  };
}

// The exercise's number, title, URL parameters and tasks are declared in ../registry.js.
export default { lesson, mountLab };
