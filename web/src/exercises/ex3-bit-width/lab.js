// Exercise 3: quantization error against bit width for 1000 weights (NumPy seed 42): Gaussian, uniform, or
// Gaussian with outliers. A log chart of the MSE per bit width with every point labelled and a reference line of
// 4× (6.02 dB) per bit, and a table of the reduction factors.
import { createViewState } from '../../app/state.js';
import { baseOptions, chartFigure, logAxis } from '../../ui/charts.js';
import { fill, h, radioGroup, slider, table } from '../../ui/dom.js';
import { dB, exact, fixed, sig, twoDigitExponent } from '../../ui/format.js';
import { DISTRIBUTIONS, weights } from './data.js';

const MIN_BITS = 2;

const lesson = {
  idea: [
    'Each extra bit roughly doubles the number of levels (qmax goes 1, 3, 7, 15, 31, …), so the step between levels roughly halves and every weight lands closer to its level.',
    'Once the grid is fine, the rounding error of a weight is spread evenly over a step, and its mean square is step² / 12. Halving the step divides that by 4: 10 · log10(4) = 6.02 dB of SQNR per bit.',
  ],
  why: [
    'Choosing a bit width trades memory against accuracy. Knowing that the error falls about 4× per bit lets you predict what 4 or 6 bits will cost before you try them.',
    'The rule assumes that the scale fits the bulk of the data. A few outliers stretch max|x|, and every other weight pays with a coarser grid. Switch the weights to “heavy tails” to see how much.',
  ],
  formula: {
    math: [
      'step(bits)  = max|x| / (2^(bits−1) − 1)',
      'MSE         ≈ step² / 12                   once the grid is fine',
      'MSE(b) / MSE(b+1) → 4                      10 · log10(4) = 6.02 dB per bit',
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

function chartConfig(c, { sweep, baseline, dist }) {
  const last = sweep[sweep.length - 1];
  const reference = sweep.map((p) => ({ x: p.bits, y: last.mse * 4 ** (last.bits - p.bits) }));
  const options = baseOptions(c, {
    x: { type: 'linear', min: MIN_BITS - 0.3, max: last.bits + 0.3, title: 'bits', grid: { display: false },
      afterBuildTicks: (axis) => { axis.ticks = sweep.map((p) => ({ value: p.bits })); } },
    y: logAxis(c, [...sweep, ...(baseline ?? [])].map((p) => p.mse), 'MSE (log scale)'),
  });
  // Labelled like the notebook's annotations ('{:.2e}' in Python: 8.19e-01).
  options.plugins.valueLabels = { datasets: [0], color: c.text, format: (v) => twoDigitExponent(v.toExponential(2)) };
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}: ${sig(item.parsed.y, 4)}` };
  options.layout = { padding: { top: 18, right: 28 } };
  const datasets = [
    { label: `MSE, ${DISTRIBUTION_LABELS[dist]}`, data: sweep.map((p) => ({ x: p.bits, y: p.mse })), borderColor: c.series[0],
      backgroundColor: c.series[0], pointRadius: 5, borderWidth: 2 },
    { label: '4× per bit (6.02 dB), through the last point', data: reference, borderColor: c.muted, backgroundColor: c.muted,
      borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 },
  ];
  if (baseline) {
    datasets.push({ label: 'MSE, Gaussian (for comparison)', data: baseline.map((p) => ({ x: p.bits, y: p.mse })),
      borderColor: c.series[2], backgroundColor: c.series[2], pointRadius: 3, borderWidth: 1.5, borderDash: [2, 3] });
  }
  return { type: 'line', data: { datasets }, options };
}

function factorsOf(sweep) {
  return sweep.slice(1).map((p, i) => sweep[i].mse / p.mse);
}

function summary({ sweep, baseline, dist }) {
  const first = sweep[0];
  const last = sweep[sweep.length - 1];
  const factors = factorsOf(sweep).map((f) => f.toFixed(2));
  let text = `${DISTRIBUTION_LABELS[dist]} weights: the MSE falls from ${sig(first.mse, 3)} at ${first.bits} bits to ` +
    `${sig(last.mse, 3)} at ${last.bits} bits. Per extra bit it shrinks ${factors.join('×, ')}× — the dashed line ` +
    `is 4× per bit.`;
  if (baseline) {
    const b = baseline[baseline.length - 1];
    text += ` At ${last.bits} bits the SQNR is ${dB(last.sqnrDb)}, against ${dB(b.sqnrDb)} for the Gaussian weights.`;
  }
  return text;
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
  root.append(
    h('div', { class: 'controls' },
      radios.field,
      hi.field),
    figure.figure, tableHost);

  function render() {
    const state = view.get();
    const sweep = lab.errorVsBits(weights(lab, state.dist), MIN_BITS, state.hi);
    const baseline = state.dist === 'gaussian' ? null : lab.errorVsBits(weights(lab, 'gaussian'), MIN_BITS, state.hi);
    radios.set(state.dist);
    const info = { sweep, baseline, dist: state.dist };
    figure.update((c) => chartConfig(c, info), summary(info));
    const factors = factorsOf(sweep);
    fill(tableHost, table({
      caption: `MSE and SQNR per bit width, and how much one more bit reduces the MSE (${DISTRIBUTION_LABELS[state.dist]} weights)`,
      columns: ['bits', 'MSE', 'SQNR', 'reduction from one bit fewer', 'in dB'],
      rows: sweep.map((p, i) => [String(p.bits), h('code', { class: 'sweep-mse', text: exact(p.mse) }), dB(p.sqnrDb),
        i ? `${fixed(factors[i - 1], 2)}×` : '—', i ? `${fixed(10 * Math.log10(factors[i - 1]), 2)} dB` : '—']),
    }));
  }
  render();
  return {
    update(next) {
      hi.set(next.hi);
      view.replace({ dist: next.dist, hi: next.hi });
    },
    destroy: () => figure.destroy(),
  };
}

// The exercise's number, title, URL parameters and tasks are declared in ../registry.js.
export default { lesson, mountLab };
