// Exercise 5: asymmetric (affine) quantization and the zero-point. On the page: a skewed row of weights on the
// symmetric and the affine grid, with 0.0 and the zero-point marked (bits from the URL); then, from the trained
// SimpleNet in the data worker (jobs.js): which of a byte's 256 codes the hidden activations after ReLU use
// each way, the error of both schemes for 2 to 8 bits, and the test accuracy with those activations quantized each
// way at 8 and 4 bits.
import { createViewState } from '../../app/state.js';
import { jobStatus } from '../../data/status.js';
import { baseOptions, chartFigure, logAxis } from '../../ui/charts.js';
import { fill, h, slider, fillTable } from '../../ui/dom.js';
import { dB, exact, grouped, sig } from '../../ui/format.js';
import { skewedWeights } from './data.js';

const NOISE_POINTS = 0.3;
const rgba = (color, alpha) => color.replace(/^rgb\((.*)\)$/, `rgba($1, ${alpha})`);

const lesson = {
  idea: [
    'Symmetric quantization centres its grid on 0: the levels run from −qmax to qmax, and the scale comes from max|x|. When the values are not centred on 0 — every output of a ReLU is ≥ 0 — half of those levels are never used.',
    'Affine (asymmetric) quantization fits the grid to the range the values actually have. The 2^b levels 0 … 2^b − 1 are spread from min to max: scale = (max − min) / (2^b − 1). A second number, the zero-point z, says which level stands for 0.0: x ≈ (q − z) · scale.',
    'The zero-point is a whole number, a level like any other. So 0.0 is represented exactly: it is level z, and (z − z) · scale = 0 with no rounding error. The range is widened to include 0 when it does not (min(min x, 0) to max(max x, 0)), so that z is always a level in [0, 2^b − 1].',
  ],
  why: [
    'Zeros are everywhere in a network: zero padding around an image, the half of all ReLU outputs that are exactly 0, sparse weights. If 0.0 came back as 0.003, every padded pixel would add a small bias to every output of a convolution, and a ReLU’s zeros would no longer be zeros. An exact zero costs nothing and avoids both.',
    'On activations after a ReLU, affine quantization with 8 bits has the resolution symmetric quantization would have with 9: all 256 levels cover [0, max] instead of 128 of them.',
    'Storage follows the range: affine levels 0 … 255 fit a uint8, symmetric levels −127 … 127 an int8. PyTorch’s default for activations is quint8 (affine, uint8) and for weights qint8 (symmetric, int8, zero-point 0): the integer kernels are cheaper when one side has no zero-point. ONNX’s QuantizeLinear takes a scale and a zero-point in uint8 or int8; its dynamic quantization uses uint8 with a zero-point for the inputs. Weights keep a zero-point of 0 in most int8 kernels; int4 weight formats (exercise 7 onwards) often do use one.',
  ],
  formula: {
    math: [
      'lo = min(min x, 0)      hi = max(max x, 0)            the range always contains 0',
      'scale = (hi − lo) / (2^b − 1)                          2^b levels, 2^b − 1 steps',
      'z = clip(round(−lo / scale), 0, 2^b − 1)               the level of 0.0, a whole number',
      'q = clip(round(x / scale) + z, 0, 2^b − 1)             stored as uint8 for b ≤ 8',
      'x̂ = (q − z) · scale                                    0.0 → z → exactly 0.0',
    ].join('\n'),
    notes: [
      'Rounding is half to even (np.rint), as everywhere in the lab. An all-zero input gets scale 0 and z = 0.',
      'Symmetric is the special case z = 0 with levels −qmax … qmax; with 8 bits, qmax = 127.',
    ],
  },
  note: {
    title: 'What a zero-point costs',
    paragraphs: [
      'An integer matrix product with zero-points has extra terms: Σ(q_x − z_x)(q_w − z_w) = Σq_x·q_w − z_w·Σq_x − z_x·Σq_w + n·z_x·z_w. The sums of the weights are known in advance, but z_w·Σq_x must be computed for every input. That is why int8 kernels usually keep the weights symmetric (z_w = 0) and give only the activations a zero-point: one cheap correction per output instead of two.',
    ],
  },
};

const SCHEME_ROWS = { affine: 0, symmetric: 1 };

/** A skewed row of weights on both grids: dots for the values, short lines for the levels, 0.0 and z marked. */
function gridChart(c, { x, bits, sym, aff }) {
  const levels = (scheme) => {
    const out = [];
    if (scheme === 'symmetric') for (let k = -sym.qmax; k <= sym.qmax; k++) out.push({ x: k * sym.scale, y: SCHEME_ROWS.symmetric, q: k });
    else for (let q = 0; q <= aff.qmax; q++) out.push({ x: (q - aff.zeroPoint) * aff.scale, y: SCHEME_ROWS.affine, q });
    return out;
  };
  const lo = Math.min(...x, -sym.scale * sym.qmax * 0.05);
  const span = Math.max(...x) - lo;
  const showLevels = bits <= 6;
  const options = baseOptions(c, {
    x: { type: 'linear', title: 'value', min: Math.min(lo, -Math.max(...x.map(Math.abs))) - 0.02 * span, max: Math.max(...x.map(Math.abs)) + 0.02 * span },
    y: { type: 'linear', min: -0.6, max: 1.6, grid: { display: false },
      afterBuildTicks: (axis) => { axis.ticks = [{ value: 0 }, { value: 1 }]; },
      ticks: { callback: (v) => (v === 1 ? 'symmetric' : v === 0 ? 'affine' : '') } },
  });
  options.plugins.tooltip.callbacks = {
    label: (item) => (item.dataset.kind === 'level'
      ? `level q = ${item.raw.q}: ${sig(item.raw.x, 4)}`
      : `weight ${sig(item.raw.x, 4)}`),
  };
  options.plugins.annotation = {
    annotations: {
      zero: { type: 'line', xMin: 0, xMax: 0, borderColor: c.series[3], borderWidth: 2,
        label: { display: true, content: `0.0 = affine level z = ${aff.zeroPoint}`, position: 'start', backgroundColor: rgba(c.series[3], 0.22), color: c.text, font: { size: 11 } } },
    },
  };
  const datasets = [];
  if (showLevels) {
    for (const scheme of ['symmetric', 'affine']) {
      datasets.push({ label: `${scheme} levels`, kind: 'level', data: levels(scheme), pointStyle: 'line', rotation: 90, radius: 9, borderWidth: 1.5,
        borderColor: c.muted, backgroundColor: c.muted });
    }
  }
  for (const scheme of ['symmetric', 'affine']) {
    datasets.push({ label: `weights (${scheme})`, kind: 'value', data: Array.from(x, (v) => ({ x: v, y: SCHEME_ROWS[scheme] + 0.28 })),
      backgroundColor: scheme === 'affine' ? c.series[0] : c.series[1], borderColor: scheme === 'affine' ? c.series[0] : c.series[1], radius: 3 });
  }
  return { type: 'scatter', data: { datasets }, options: { ...options, plugins: { ...options.plugins, legend: { ...options.plugins.legend, display: false } } } };
}

const levelsUsed = (q) => new Set(q).size;

function gridSummary({ x, bits, sym, aff, symQ, affQ }) {
  const usedSym = levelsUsed(symQ);
  const usedAff = levelsUsed(affQ);
  return `${x.length} skewed weights from ${sig(Math.min(...x), 3)} to ${sig(Math.max(...x), 3)} at ${bits} bits. ` +
    `Symmetric: scale ${sig(sym.scale, 4)}, levels −${sym.qmax} … ${sym.qmax}, of which the weights use ${usedSym}; the levels below ${sig(Math.min(...x), 3)} stay empty. ` +
    `Affine: scale ${sig(aff.scale, 4)} (${aff.scale < sym.scale ? `${(sym.scale / aff.scale).toFixed(2)}× finer` : 'no finer'}), zero-point z = ${aff.zeroPoint}, levels 0 … ${aff.qmax}, of which the weights use ${usedAff}. ` +
    `0.0 is level ${aff.zeroPoint} exactly. ${bits > 6 ? 'At this many bits the levels are too close to draw: lower the bits to see them.' : ''}`;
}

/** 256 codes of a byte as a 16 × 16 heatmap: a colored cell for every code some activation lands on. */
function levelsChart(c, { counts, offset, total }) {
  const data = Array.from(counts, (n, k) => ({ x: k % 16, y: Math.floor(k / 16), q: k - offset, n }));
  const maxLog = Math.log10(1 + Math.max(...counts));
  const axis = (title) => ({ type: 'linear', min: -0.5, max: 15.5, reverse: title === 'row', grid: { display: false }, ticks: { display: false }, title });
  const options = baseOptions(c, { x: axis(''), y: axis('row'), legend: false });
  options.scales.x.title = undefined;
  options.scales.y.title = undefined;
  options.plugins.tooltip.callbacks = {
    title: () => '',
    label: (item) => `level ${item.raw.q}: ${grouped(item.raw.n)} values (${(100 * item.raw.n / total).toPrecision(2)}%)`,
  };
  return {
    type: 'matrix',
    data: {
      datasets: [{
        label: 'levels',
        data,
        backgroundColor: (ctx) => {
          const n = ctx.raw?.n ?? 0;
          if (!n) return 'transparent';
          return c.series[0].replace(/^rgb\((.*)\)$/, `rgba($1, ${0.25 + 0.75 * Math.log10(1 + n) / maxLog})`);
        },
        borderColor: c.grid,
        borderWidth: 1,
        width: ({ chart }) => (chart.chartArea?.width ?? 160) / 16 - 1,
        height: ({ chart }) => (chart.chartArea?.height ?? 160) / 16 - 1,
      }],
    },
    options,
  };
}

function sweepChart(c, sweep) {
  const values = sweep.flatMap((p) => [p.symmetric.mse, p.affine.mse]);
  const options = baseOptions(c, {
    x: { type: 'linear', min: 1.7, max: 8.3, title: 'bits', grid: { display: false }, afterBuildTicks: (axis) => { axis.ticks = sweep.map((p) => ({ value: p.bits })); } },
    y: logAxis(c, values, 'MSE of the activations (log scale)'),
  });
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}: MSE ${sig(item.parsed.y, 4)}` };
  const line = (scheme, color) => ({ label: scheme, data: sweep.map((p) => ({ x: p.bits, y: p[scheme].mse })), borderColor: color, backgroundColor: color, pointRadius: 4, borderWidth: 2 });
  return { type: 'line', data: { datasets: [line('symmetric', c.series[1]), line('affine', c.series[0])] }, options };
}

const percent = (a) => `${(100 * a).toFixed(2)}%`;
const cell = (v, text) => h('span', { title: exact(v), tabindex: '0', text });

function mountLab(root, { lab, params, spec, setParams }) {
  const view = createViewState({ bits: params.bits }, { setParams, render: () => render() });
  const bitsSlider = slider({ label: 'Bits', min: spec.bits.min, max: spec.bits.max, value: params.bits, hint: 'of the grids in the first chart', onInput: (v) => view.set({ bits: v }) });
  const gridFigure = chartFigure({ title: 'Skewed weights on the symmetric and the affine grid' });
  const x = skewedWeights(lab);

  const status = jobStatus({ what: 'the measurements on the trained network' });
  const symFigure = chartFigure({ title: 'Symmetric int8: the 256 codes of a byte, used or not' });
  const affFigure = chartFigure({ title: 'Affine uint8: the 256 codes of a byte, used or not' });
  symFigure.figure.classList.add('square', 'levels-used');
  affFigure.figure.classList.add('square', 'levels-used');
  const sweepFigure = chartFigure({ title: 'Error of symmetric and affine quantization of the activations' });
  const sweepTable = h('div', { class: 'table-host' });
  const accuracyTable = h('div', { class: 'table-host' });
  const accuracyText = h('p', { class: 'accuracy-verdict' });
  const results = h('div', { class: 'zero-point-results', hidden: true },
    h('h3', { text: 'The levels ReLU outputs use' }),
    h('p', { text: 'Each square below is one of the 256 codes of a byte, in order (row by row), colored by how many of the activations land on it (darker: more; log scale); an empty square is a code no activation uses. The range is [0, max] over the same activations.' }),
    symFigure.figure, affFigure.figure,
    h('h3', { text: 'Error for 2 to 8 bits' }), sweepFigure.figure, sweepTable,
    h('h3', { text: 'What it does to accuracy' }), accuracyText, accuracyTable);

  root.append(
    h('div', { class: 'controls' }, bitsSlider.field),
    gridFigure.figure,
    h('h3', { text: 'The trained network’s hidden activations' }),
    h('p', { text: 'The SimpleNet trained on Fashion-MNIST (exercise 4) has 256 hidden units after a ReLU: every activation is ≥ 0, and about half are exactly 0. The page downloads the test images and the calibration images (4.9 MB) and measures both schemes on them in a Web Worker.' }),
    status.el, results);

  function render() {
    const { bits } = view.get();
    const sym = lab.symmetricQuantize(x, bits);
    const aff = lab.affineQuantize(x, bits);
    const info = { x, bits, sym, aff, symQ: sym.q, affQ: aff.q };
    gridFigure.update((c) => gridChart(c, info), gridSummary(info));
  }

  function showResults(r) {
    results.hidden = false;
    const usedSym = r.symCounts.filter((n) => n > 0).length;
    const usedAff = r.affCounts.filter((n) => n > 0).length;
    const total = r.values;
    const where = `${grouped(total)} activations of ${grouped(r.images)} test images (${(100 * r.zeros / total).toFixed(1)}% exactly 0, the largest ${sig(r.max, 4)})`;
    symFigure.update((c) => levelsChart(c, { counts: r.symCounts, offset: 128, total }),
      `Symmetric int8 over [−${sig(r.max, 4)}, ${sig(r.max, 4)}]: the ${where} use ${usedSym} of the 256 codes. Every negative code is empty: a ReLU never outputs a negative value, so half the grid is wasted (and −128 is never used by symmetric quantization at all).`);
    affFigure.update((c) => levelsChart(c, { counts: r.affCounts, offset: 0, total }),
      `Affine uint8 over [0, ${sig(r.max, 4)}], zero-point 0: the same activations use ${usedAff} of the 256 codes. The step is half as large. The highest codes are used rarely, because few activations are close to the largest one.`);
    sweepFigure.update((c) => sweepChart(c, r.sweep),
      `Over the ${where}: at 8 bits the MSE is ${sig(r.sweep.at(-1).symmetric.mse, 3)} symmetric and ${sig(r.sweep.at(-1).affine.mse, 3)} affine, ` +
      `${(r.sweep.at(-1).symmetric.mse / r.sweep.at(-1).affine.mse).toFixed(1)}× less: the affine grid with b bits is as fine as a symmetric one with b + 1.`);
    fillTable(sweepTable, {
      caption: 'MSE and SQNR of the hidden activations, symmetric against affine',
      columns: ['bits', 'MSE symmetric', 'MSE affine', 'SQNR symmetric', 'SQNR affine'],
      rows: r.sweep.map((p) => [String(p.bits), cell(p.symmetric.mse, sig(p.symmetric.mse, 4)), cell(p.affine.mse, sig(p.affine.mse, 4)), dB(p.symmetric.sqnrDb), dB(p.affine.sqnrDb)]),
    });
    const a = r.accuracy;
    const diff = (v) => {
      const d = 100 * (v - a.fp32);
      const text = `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(2)}`;
      return Math.abs(d) < NOISE_POINTS ? `${text} (noise)` : text;
    };
    fillTable(accuracyTable, {
      caption: `Test accuracy (10,000 images) with the hidden activations quantized; float32: ${percent(a.fp32)}`,
      columns: ['activations', 'symmetric', 'points', 'affine', 'points'],
      rows: [8, 4].map((b) => [`${b} bits`, h('span', { class: `acc-symmetric${b}`, title: exact(a[`symmetric${b}`]), tabindex: '0', text: percent(a[`symmetric${b}`]) }), diff(a[`symmetric${b}`]),
        h('span', { class: `acc-affine${b}`, title: exact(a[`affine${b}`]), tabindex: '0', text: percent(a[`affine${b}`]) }), diff(a[`affine${b}`])]),
    });
    const lost4 = 100 * (a.fp32 - a.symmetric4);
    accuracyText.textContent = `The float32 network classifies ${percent(a.fp32)} of the 10,000 test images correctly. Here every hidden activation is quantized and dequantized (fake quantization) over the range [${sig(r.range.lo, 4)}, ${sig(r.range.hi, 4)}], the minimum and maximum over the 1,024 calibration images; the weights stay float32. ` +
      `A difference of less than about ${NOISE_POINTS} points is noise at 10,000 images. At 8 bits both schemes are within that noise of float32. At 4 bits symmetric quantization has only 8 levels for the activations (0 … 7) ` +
      `${lost4 >= NOISE_POINTS ? `and loses ${lost4.toFixed(2)} points` : 'and still holds up here'}; affine has 16.`;
  }

  status.start({ lab, exercise: 'ex5', job: 'zeroPoint', needs: ['test', 'calibration', 'model'] }, showResults);
  render();
  return {
    update(next) {
      bitsSlider.set(next.bits);
      view.replace({ bits: next.bits });
    },
    destroy() {
      status.destroy();
      for (const f of [gridFigure, symFigure, affFigure, sweepFigure]) f.destroy();
    },
  };
}

export default { lesson, mountLab };
