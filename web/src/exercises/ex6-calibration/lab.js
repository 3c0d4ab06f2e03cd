// Exercise 6: static post-training quantization and calibration. From the trained SimpleNet in the data worker
// (jobs.js): the histogram of the hidden activations over the 1,024 calibration images with the chosen method's
// range drawn on it; every method's range, activation MSE and static-quantization test accuracy at 8 and 4 bits;
// the MSE search's curve (clipping against rounding error); and accuracy against the number of calibration images.
// The method and the bits shown are the URL state.
import { createViewState } from '../../app/state.js';
import { jobStatus } from '../../data/status.js';
import { baseOptions, chartFigure, logAxis } from '../../ui/charts.js';
import { fill, h, radioGroup, fillTable } from '../../ui/dom.js';
import { exact, grouped, sig } from '../../ui/format.js';
import { BITS, CALIBRATION_SIZES, CURVE_METHODS, METHOD_IDS, METHODS } from './data.js';

const NOISE_POINTS = 0.3;

const lesson = {
  idea: [
    'Exercise 4 quantized activations dynamically: every input measured its own range (max|x|) while the network ran. Static quantization fixes each activation’s range ahead of time, once, from a few hundred representative inputs — the calibration set. At run time nothing is measured: the layers pass integers to each other with scales and zero-points known in advance, which is what integer-only hardware (phones’ NPUs, microcontrollers) needs.',
    'Calibration is choosing that range. Min/max takes the extremes seen. A percentile method takes the value below which 99.9% (say) of the activations lie and clips the rest. The MSE search tries ranges from narrow to wide and keeps the one whose quantize-dequantize error is smallest. The entropy method (TensorRT’s) keeps the range whose quantized histogram loses the least information, measured as KL divergence.',
  ],
  why: [
    'Two errors pull in opposite directions. Rounding error grows with the range: a wider range means a coarser step (step² / 12 per value). Clipping error grows as the range shrinks: every activation beyond the range is cut to its edge. Activations have long tails — a handful of large values — so min/max spends most of its levels on values that almost never occur, while a good clip gives up a few outliers for a finer grid everywhere else.',
    'At 8 bits there are so many levels that the choice hardly matters. At 4 bits there are 16, and it does: watch the accuracy column change with the method.',
  ],
  formula: {
    math: [
      'range [lo, hi]  →  scale = (hi − lo) / (2^b − 1),  z = round(−lo / scale)          as in exercise 5',
      'min/max:        lo = min x,  hi = max x',
      'percentile p:   hi = the p-th percentile of x  (NumPy: index (n − 1) · p / 100, interpolated)',
      'MSE search:     hi_i = max x · i / steps, i = 1 … steps;  keep argmin_i mean((x − x̂_i)²)',
      'entropy:        keep the clip whose 2^b-level histogram Q is closest to the data’s P: min KL(P‖Q)',
    ].join('\n'),
    notes: [
      'The activations here are the 256 hidden units after ReLU, over the 1,024 calibration images (training images: calibration must never see the test set): 262,144 values, about half exactly 0. Every range starts at 0, so the zero-point is 0.',
      'Static accuracy: int8 weights (one scale per output channel), pixels as integers, the hidden activations quantized with the calibrated range, integer matrix products throughout (docs/data-and-training.md, evaluateStatic).',
    ],
  },
  note: {
    title: 'Numbers to read with care',
    paragraphs: [
      `Every accuracy on this page is measured now, on Fashion-MNIST’s 10,000 test images. One standard error of an accuracy near 87% over 10,000 images is about 0.3 points, so differences smaller than about ±${NOISE_POINTS} points between methods are noise: they say which images happened to flip, not which method is better. Some 4-bit differences between min/max and the clipping methods are larger than that; the 8-bit ones are not.`,
    ],
  },
};

const percent = (a) => `${(100 * a).toFixed(2)}%`;
const rgba = (color, alpha) => color.replace(/^rgb\((.*)\)$/, `rgba($1, ${alpha})`);
const rangeText = (e) => `[${sig(e.lo, 4)}, ${sig(e.hi, 4)}]`;

function histogramChart(c, r, chosen, label) {
  const bins = r.histogram.length;
  const width = r.max / bins;
  const options = baseOptions(c, {
    x: { type: 'linear', min: 0, max: Math.ceil(r.max * 1.02), title: 'activation value (the values > 0)', grid: { display: false } },
    y: { title: 'values per bin', beginAtZero: true },
    legend: false,
  });
  options.plugins.tooltip.callbacks = {
    title: (items) => `${sig(items[0].raw.x - width / 2, 3)} … ${sig(items[0].raw.x + width / 2, 3)}`,
    label: (item) => `${grouped(item.raw.y)} values`,
  };
  options.plugins.annotation = {
    annotations: {
      clipped: { type: 'box', xMin: Math.min(chosen.hi, r.max), xMax: Math.ceil(r.max * 1.02), backgroundColor: rgba(c.series[3], 0.12), borderWidth: 0 },
      hi: { type: 'line', xMin: chosen.hi, xMax: chosen.hi, borderColor: c.series[3], borderWidth: 2,
        label: { display: true, content: `${label}: hi = ${sig(chosen.hi, 4)}`, position: 'start', backgroundColor: rgba(c.series[3], 0.22), color: c.text, font: { size: 11 } } },
    },
  };
  return {
    type: 'bar',
    data: { datasets: [{ label: 'values', data: Array.from(r.histogram, (n, i) => ({ x: (i + 0.5) * width, y: n })), backgroundColor: c.series[0], barPercentage: 1, categoryPercentage: 1 }] },
    options,
  };
}

function searchChart(c, search, bits) {
  const points = Array.from(search.candidates, (hi, i) => ({ x: hi, y: search.scores[i] })).filter((p) => p.y > 0 && Number.isFinite(p.y));
  const best = { x: search.candidates[search.best], y: search.scores[search.best] };
  const options = baseOptions(c, {
    x: { type: 'linear', title: 'candidate hi (the range is [0, hi])', min: 0 },
    y: logAxis(c, points.map((p) => p.y), 'MSE of the activations (log scale)'),
  });
  options.plugins.tooltip.callbacks = { label: (item) => `hi = ${sig(item.parsed.x, 4)}: MSE ${sig(item.parsed.y, 4)}` };
  options.plugins.annotation = {
    annotations: {
      best: { type: 'line', xMin: best.x, xMax: best.x, borderColor: c.series[3], borderWidth: 2, borderDash: [5, 4],
        label: { display: true, content: `smallest MSE: hi = ${sig(best.x, 4)}`, position: 'end', backgroundColor: rgba(c.series[3], 0.22), color: c.text, font: { size: 11 } } },
    },
  };
  return {
    type: 'line',
    data: { datasets: [{ label: `MSE at ${bits} bits`, data: points, borderColor: c.series[0], backgroundColor: c.series[0], pointRadius: 0, borderWidth: 2 }] },
    options,
  };
}

function curveChart(c, r) {
  const options = baseOptions(c, {
    x: { type: 'logarithmic', min: 0.7, max: 1500, title: 'calibration images (log scale)',
      afterBuildTicks: (axis) => { axis.ticks = CALIBRATION_SIZES.map((n) => ({ value: n })); }, ticks: { callback: (v) => String(v) } },
    y: { title: 'test accuracy, 4-bit activations (%)' },
  });
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}, ${item.parsed.x} images: ${item.parsed.y.toFixed(2)}%` };
  options.plugins.annotation = {
    annotations: {
      fp32: { type: 'line', yMin: 100 * r.fp32Accuracy, yMax: 100 * r.fp32Accuracy, borderColor: c.muted, borderDash: [6, 4], borderWidth: 1.5,
        label: { display: true, content: `float32 ${percent(r.fp32Accuracy)}`, position: 'end', backgroundColor: 'transparent', color: c.text, font: { size: 11 }, yAdjust: -9 } },
    },
  };
  const datasets = CURVE_METHODS.map((id, k) => ({
    label: METHODS[id].label,
    data: r.curve[id].map((p) => ({ x: p.n, y: 100 * p.accuracy })),
    borderColor: c.series[k], backgroundColor: c.series[k], pointRadius: 4, borderWidth: 1.5,
  }));
  return { type: 'line', data: { datasets }, options };
}

/** A long-tailed sample like ReLU outputs (NumPy: np.random.seed(6); x = np.random.randn(4000); x = where(x > 0, x², 0)). */
const sample = (lab) => Array.from(lab.randn(6, 4000), (v) => (v > 0 ? v * v : 0));

/**
 * The two parts of the quantization MSE over the ranges [0, max · i / 40]: rounding error (the values inside the
 * range) and clipping error (the values beyond it), each summed over its values and divided by all of them.
 */
function errorParts(lab, x, bits) {
  const max = Math.max(...x);
  const x32 = Float32Array.from(x); // what fakeQuantize takes: converted once, not in each of the 40 calls
  const parts = [];
  for (let i = 1; i <= 40; i++) {
    const hi = (max * i) / 40;
    const { recovered } = lab.fakeQuantize(x32, { lo: 0, hi, bits });
    let rounding = 0;
    let clipping = 0;
    x.forEach((v, k) => {
      const e = (v - recovered[k]) ** 2;
      if (v > hi) clipping += e;
      else rounding += e;
    });
    parts.push({ hi, rounding: rounding / x.length, clipping: clipping / x.length });
  }
  return parts;
}

function partsChart(c, parts) {
  const positive = parts.flatMap((p) => [p.rounding, p.clipping, p.rounding + p.clipping]).filter((v) => v > 0);
  const options = baseOptions(c, {
    x: { type: 'linear', min: 0, title: 'hi (the range is [0, hi])' },
    y: logAxis(c, positive, 'error (log scale)'),
  });
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}: ${sig(item.parsed.y, 4)}` };
  const line = (label, key, color, dash) => ({
    label, data: parts.filter((p) => (key ? p[key] : p.rounding + p.clipping) > 0).map((p) => ({ x: p.hi, y: key ? p[key] : p.rounding + p.clipping })),
    borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 2, borderDash: dash,
  });
  return { type: 'line', data: { datasets: [line('rounding error', 'rounding', c.series[0], [6, 4]), line('clipping error', 'clipping', c.series[1], [2, 3]), line('total (the MSE)', null, c.series[3])] }, options };
}

function mountLab(root, { lab, params, spec, setParams }) {
  const view = createViewState({ method: params.method, bits: params.bits }, { setParams, render: () => render() });
  const methodRadios = radioGroup({ legend: 'Calibration method', labels: Object.fromEntries(spec.method.values.map((id) => [id, METHODS[id].label])), onChange: (method) => view.set({ method }) });
  const bitsRadios = radioGroup({ legend: 'Activation bits', labels: Object.fromEntries(spec.bits.values.map((b) => [b, `${b} bits`])), onChange: (bits) => view.set({ bits }) });
  const x = sample(lab);
  const parts = chartFigure({ title: 'Rounding error and clipping error of a long-tailed sample' });
  const status = jobStatus({ what: 'the calibration and the evaluations' });
  const histogram = chartFigure({ title: 'Hidden activations over the 1,024 calibration images, and the chosen range' });
  const tableHost = h('div', { class: 'table-host' });
  const verdict = h('p', { class: 'calibration-verdict' });
  const search = chartFigure({ title: 'The MSE search: clipping error against rounding error' });
  const curve = chartFigure({ title: 'Accuracy against the number of calibration images (4-bit activations)' });
  const results = h('div', { class: 'calibration-results', hidden: true },
    histogram.figure,
    h('h3', { text: 'Every method, at 8 and 4 bits' }), verdict, tableHost,
    h('h3', { text: 'Inside the MSE search' }), search.figure,
    h('h3', { text: 'How many calibration images?' }), curve.figure);
  root.append(
    h('div', { class: 'controls' }, methodRadios.field, bitsRadios.field),
    parts.figure,
    h('h3', { text: 'The trained network’s activations' }),
    h('p', { text: 'The page downloads the calibration images, the test images and the trained network (5.7 MB), then calibrates with every method and evaluates static quantization on the 10,000 test images in a Web Worker: about 30 evaluations, a few seconds.' }),
    status.el, results);
  let result = null;

  function render() {
    const { method, bits } = view.get();
    methodRadios.set(method);
    bitsRadios.set(bits);
    const p = errorParts(lab, x, Number(bits));
    const bestPart = p.reduce((a, b) => (a.rounding + a.clipping <= b.rounding + b.clipping ? a : b));
    parts.update((c) => partsChart(c, p),
      `4,000 long-tailed values (half of them 0, the largest ${sig(Math.max(...x), 4)}) at ${bits} bits, for ranges [0, hi]. Narrow ranges clip the tail: the clipping error falls as hi grows. ` +
      `Wide ranges make the step coarse: the rounding error grows with hi². Their sum is smallest at hi = ${sig(bestPart.hi, 3)}, well below the largest value: that balance is what a calibration method looks for.`);
    if (!result) return;
    const r = result;
    const chosen = r.methods[method][bits];
    const label = METHODS[method].label;
    const zeros = (100 * r.zeros) / r.values;
    histogram.update((c) => histogramChart(c, r, chosen, label),
      `${grouped(r.values)} activations (${zeros.toFixed(1)}% exactly 0, left out of the histogram; the largest ${sig(r.max, 4)}). ` +
      `${label} at ${bits} bits chooses ${rangeText(chosen)}: ${chosen.clipped === 0 ? 'no value is clipped' : `${(100 * chosen.clipped).toPrecision(2)}% of the values lie beyond hi and are clipped to it`}, ` +
      `the step is ${sig(chosen.scale, 4)}, and the activation MSE is ${sig(chosen.mse, 4)}. Static quantization with this range scores ${percent(chosen.accuracy)} on the test images.`);
    const best = (b) => Math.max(...METHOD_IDS.map((id) => r.methods[id][b].accuracy));
    const cellOf = (e, cls) => h('span', { class: cls, title: exact(e.accuracy), tabindex: '0', text: percent(e.accuracy) });
    fillTable(tableHost, {
      caption: `Ranges, activation MSE and static test accuracy (10,000 images) per method; float32 ${percent(r.fp32Accuracy)}, dynamic int8 ${percent(r.dynamicAccuracy)}`,
      columns: ['method', '8-bit range', '8-bit MSE', '8-bit accuracy', '4-bit range', '4-bit MSE', '4-bit accuracy'],
      rows: METHOD_IDS.map((id) => {
        const e8 = r.methods[id][8];
        const e4 = r.methods[id][4];
        return [id === method ? h('strong', { text: `${METHODS[id].label} ◂` }) : METHODS[id].label,
          rangeText(e8), h('span', { title: exact(e8.mse), tabindex: '0', text: sig(e8.mse, 4) }), cellOf(e8, `acc8-${id}`),
          rangeText(e4), h('span', { title: exact(e4.mse), tabindex: '0', text: sig(e4.mse, 4) }), cellOf(e4, `acc4-${id}`)];
      }),
    });
    const spread = (b) => 100 * (best(b) - Math.min(...METHOD_IDS.map((id) => r.methods[id][b].accuracy)));
    verdict.textContent = `float32 scores ${percent(r.fp32Accuracy)} and dynamic int8 (exercise 4, per channel) ${percent(r.dynamicAccuracy)}. ` +
      `At 8 bits the methods lie within ${spread(8).toFixed(2)} points of each other${spread(8) < NOISE_POINTS ? ': within the noise (about ±0.3 points at 10,000 images), so any of them will do' : ''}. ` +
      `At 4 bits they spread over ${spread(4).toFixed(2)} points: min/max gives ${percent(r.methods.minmax[4].accuracy)}, the best method here ${percent(best(4))}` +
      `${spread(4) < NOISE_POINTS ? ', still within the noise' : ''}. A method with a smaller activation MSE is usually, not always, the more accurate one: the network cares about some errors more than others.`;
    const s = r.methods.mse[bits].search;
    search.update((c) => searchChart(c, s, bits),
      `At ${bits} bits the search tries ${s.candidates.length} ranges [0, hi] with hi from ${sig(s.candidates[0], 3)} to ${sig(s.candidates.at(-1), 4)}. Narrow ranges clip many activations (the MSE rises to the left); ` +
      `wide ranges have a coarse step (it rises slowly to the right). The smallest MSE is at hi = ${sig(s.candidates[s.best], 4)}, ${(100 * s.candidates[s.best] / r.max).toFixed(0)}% of the largest activation.`);
    curve.update((c) => curveChart(c, r),
      `With 4-bit activations: ${CURVE_METHODS.map((id) => `${METHODS[id].label} ${r.curve[id].map((p) => percent(p.accuracy)).join(' → ')}`).join('; ')} (for ${CALIBRATION_SIZES.join(', ')} images). ` +
      `Most of these differences are within the noise (about ±${NOISE_POINTS} points). Min/max depends on the single largest activation it happens to see: with more images it meets larger outliers, its range widens and its 4-bit step coarsens. The clipping methods barely move: even one image (256 activations) gives them a usable range.`);
  }

  status.start({ lab, exercise: 'ex6', job: 'calibration', needs: ['calibration', 'test', 'model'] }, (r) => {
    result = r;
    results.hidden = false;
    render();
  });
  render();
  return {
    update(next) {
      view.replace({ method: next.method, bits: next.bits });
    },
    destroy() {
      status.destroy();
      for (const f of [parts, histogram, search, curve]) f.destroy();
    },
  };
}

export default { lesson, mountLab };
