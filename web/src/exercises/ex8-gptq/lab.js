// Exercise 8: AWQ and GPTQ against round-to-nearest, on the trained SimpleNet. The settings (bits, group size,
// GPTQ's damping, AWQ's alpha, calibration images) are the URL state; for each, the data worker (jobs.js) runs the
// three methods one after the other, and the page fills in their test accuracy (one bar chart), each layer's
// output error on the calibration inputs (dots on a log axis) and a table as each run finishes. Results are kept
// per method and setting, so going back to a setting draws at once, and a method a change does not touch (RTN
// when only the damping moves) is not run again.
import { createViewState } from '../../app/state.js';
import { jobStatus } from '../../data/status.js';
import { baseOptions, chartFigure, logAxis } from '../../ui/charts.js';
import { fillTable, h, radioGroup, slider } from '../../ui/dom.js';
import { exact, grouped, sig } from '../../ui/format.js';
import { groupLabel, groupSizeOf, METHOD_IDS, METHODS, methodKey } from './data.js';

const NOISE_POINTS = 0.3;
const SHOWN = ['rtn', 'awq', 'gptq']; // the order of the bars, the dots and the table's rows
const SETTINGS = ['bits', 'group', 'damp', 'alpha', 'n'];
const DEBOUNCE_MS = 250;

const lesson = {
  idea: [
    'Round-to-nearest (RTN, exercises 1 to 7) treats every weight on its own: each is moved to its closest level, and the errors land where they land. Below 4 bits that is no longer good enough. With 3 bits a row has 7 levels, with 2 bits only 3 (−1, 0, 1 times the scale), and the layer’s outputs drift far from the float ones. Two methods look at what the layer actually computes on real inputs — a few hundred calibration images — and quantize so that the outputs, not the weights, stay close: AWQ and GPTQ.',
    'AWQ (activation-aware weight quantization) starts from an observation: a few input channels carry much larger activations than the rest, so the weights that multiply them matter most. It multiplies each input channel’s weight column by s = mean|x|^α before rounding, and divides that channel’s inputs by the same s. The product W x is unchanged — (W·s)(x/s) = W x — but the important columns now span more of the grid and lose less to rounding. α = 0 is plain RTN; α is searched from 0 to 1 for the one that gives each layer the smallest output error on the calibration images.',
    'GPTQ quantizes a layer’s columns (its input channels) one at a time. After rounding column j it does not throw the rounding error away: it pushes it onto the columns not yet quantized, each adjusted by how the inputs of the two channels move together, so that those columns can absorb the error before they are rounded in turn. How much each later column takes comes from the inverse of the layer’s Hessian H = 2XXᵀ, built from the calibration inputs X. Every row (output channel) gets the same treatment independently, so a whole column of rows moves at once.',
  ],
  why: [
    'A layer’s output error on inputs X is ‖WX − ŴX‖² = tr((W − Ŵ) H (W − Ŵ)ᵀ) / 2: what counts is the weight error as the inputs see it. Errors along directions the inputs never use cost nothing; errors along a busy input channel cost a lot. RTN ignores H; GPTQ uses all of it (every pair of channels), AWQ only its diagonal (each channel’s own magnitude).',
    'At 4 bits RTN per channel is already close to float32, so there is little to win. At 3 and 2 bits each rounding error is a large fraction of a weight, and GPTQ’s compensation — the next columns quietly bend to cancel it — keeps the network working where RTN falls apart. AWQ can only shift precision between the columns of a row, which helps at 4 bits and less below.',
    'The price is calibration: a few hundred images and a few hundred milliseconds of work per layer here, done once. The quantized model is the same size as RTN’s and runs on the same int4 kernels.',
  ],
  formula: {
    math: [
      'AWQ:   s_c = mean|x_c|^α  (per input channel c)       Ŵ = Q(W·diag(s)) · diag(1/s)',
      '       α ∈ {0, 0.05, …, 1}: the one with the smallest ‖WX − ŴX‖² on the calibration inputs',
      'GPTQ:  H = 2XXᵀ + λ·mean(diag H)·I     H⁻¹ = UᵀU   (U upper triangular: the Cholesky factor)',
      '       for j = 0 … cols − 1:            (every row at once)',
      '         q_j   = Q(w_j)                 round column j to its grid',
      '         err_j = (w_j − q_j) / U[j][j]',
      '         w_k  −= err_j · U[j][k]        for every k > j: the columns not yet quantized',
    ].join('\n'),
    notes: [
      'Q rounds half to even onto the symmetric grid −qmax … qmax, qmax = 2^(b−1) − 1, with one scale per row (per channel) or per group of G weights of a row: scale = max|w| / qmax over the group, taken when its first column comes up.',
      'λ, the damping, keeps H invertible when two inputs move together or one never moves; 0.01 is GPTQ’s default. The Cholesky form comes from the GPTQ paper: its predecessor OBQ updated H⁻¹ after every column; the rows of U hold exactly those updates, computed once. Lazy batches apply the pushes to far-away columns 128 columns at a time, as one matrix product: the same result, faster.',
      'Layer 2 is calibrated on what the already-quantized layer 1 outputs, so it can correct some of layer 1’s error too.',
    ],
  },
  note: {
    title: 'Numbers to read with care',
    paragraphs: [
      `Every accuracy here is measured now, on Fashion-MNIST’s 10,000 test images. One standard error near 87% over 10,000 images is about 0.3 points, so differences smaller than about ±${NOISE_POINTS} points are noise. The calibration images are training images: the test set is never used to quantize.`,
      'A smaller output error on the calibration images is usually, not always, a higher test accuracy: AWQ sometimes lowers a layer’s error a lot and gains little or nothing. The activations are quantized to int8 per row at each forward, as in exercise 4; that costs under 0.1 points here.',
    ],
  },
};

const percent = (a) => `${(100 * a).toFixed(2)}%`;
const cell = (v, text, cls) => h('span', { title: exact(v), tabindex: '0', text, ...(cls ? { class: cls } : {}) });
const signedPoints = (d) => `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(2)}`;

function accuracyChart(c, { results, fp32 }) {
  const options = baseOptions(c, {
    x: { type: 'category', grid: { display: false } },
    y: { type: 'linear', min: 0, max: 100, title: 'test accuracy (%)' },
    legend: false,
  });
  options.plugins.tooltip.callbacks = { label: (item) => `${METHODS[SHOWN[item.dataIndex]].long}: ${item.parsed.y.toFixed(2)}%` };
  if (fp32 !== null) {
    options.plugins.annotation = {
      annotations: {
        fp32: { type: 'line', yMin: 100 * fp32, yMax: 100 * fp32, borderColor: c.muted, borderDash: [6, 4], borderWidth: 1.5,
          label: { display: true, content: `float32 ${percent(fp32)}`, position: 'start', backgroundColor: 'transparent', color: c.text, font: { size: 11 }, yAdjust: -9 } },
      },
    };
  }
  return {
    type: 'bar',
    data: {
      labels: SHOWN.map((m) => METHODS[m].label),
      datasets: [{ label: 'test accuracy', data: SHOWN.map((m) => (results[m] ? 100 * results[m].accuracy : null)), backgroundColor: SHOWN.map((_, i) => c.series[i]) }],
    },
    options,
  };
}

/** Each layer's errors: AWQ's and GPTQ's own, and RTN's on GPTQ's inputs (or AWQ's, until GPTQ has run). */
function layerErrors(results) {
  const rtnFrom = results.gptq ?? results.awq;
  return {
    rtn: rtnFrom?.rtnErrors ?? null,
    awq: results.awq?.layerErrors ?? null,
    gptq: results.gptq?.layerErrors ?? null,
  };
}

function errorChart(c, errors) {
  const offsets = { rtn: -0.18, awq: 0, gptq: 0.18 };
  const datasets = SHOWN.map((m, i) => ({
    label: METHODS[m].label,
    data: (errors[m] ?? []).map((e, l) => ({ x: l + 1 + offsets[m], y: e, layer: l + 1 })).filter((p) => p.y > 0),
    backgroundColor: c.series[i], borderColor: c.series[i], pointRadius: 6, pointHoverRadius: 8, pointStyle: ['circle', 'triangle', 'rectRot'][i],
  }));
  const values = datasets.flatMap((d) => d.data.map((p) => p.y));
  const options = baseOptions(c, {
    x: { type: 'linear', min: 0.5, max: 2.5, grid: { display: false },
      afterBuildTicks: (axis) => { axis.ticks = [{ value: 1 }, { value: 2 }]; },
      ticks: { callback: (v) => (v === 1 ? 'layer 1 (784 → 256)' : v === 2 ? 'layer 2 (256 → 10)' : '') } },
    y: logAxis(c, values.length ? values : [1], '‖WXᵀ − ŴXᵀ‖² (log scale)'),
  });
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}, layer ${item.raw.layer}: ${sig(item.raw.y, 4)}` };
  return { type: 'scatter', data: { datasets }, options };
}

// A small layer the page quantizes itself, at once (a few milliseconds): 8 rows of 32 weights whose 256 inputs move
// together with their neighbours, as pixels do (NumPy: seeds 81 and 82, x[:, c] = z[:, c] + 0.9 x[:, c − 1]).
const TOY = { rows: 8, cols: 32, samples: 256 };

function toyLayer(lab) {
  const { rows, cols, samples } = TOY;
  const z = lab.randn(81, samples * cols);
  const x = new Float64Array(samples * cols);
  for (let s = 0; s < samples; s++) {
    for (let c = 0; c < cols; c++) x[s * cols + c] = z[s * cols + c] + (c > 0 ? 0.9 * x[s * cols + c - 1] : 0);
  }
  const w = lab.randn(82, rows * cols);
  return { w, h: lab.layerHessian(x, cols) };
}

/** RTN and GPTQ of the small layer with the page's settings; row 0 drawn. */
function toyRun(lab, toy, { bits, group, damp }) {
  const { rows, cols } = TOY;
  const groupSize = groupSizeOf(group);
  const rtn = lab.groupQuantize(toy.w, rows, cols, { bits, groupSize });
  const rtnW = lab.groupDequantize(rtn.q, rtn.scales, rows, cols, { groupSize });
  const gptq = lab.gptq(toy.w, rows, cols, { hessian: toy.h, bits, groupSize, damp: Number(damp) });
  const err = (wHat) => lab.reconstructionError(toy.w, wHat, rows, cols, { hessian: toy.h });
  let moved = 0; // row 0's weights GPTQ put on another level than round-to-nearest
  for (let c = 0; c < cols; c++) if (gptq.q[c] !== rtn.q[c]) moved++;
  const perRow = rtn.groupLength >= cols ? 1 : Math.ceil(cols / rtn.groupLength);
  const rowScales = Array.from({ length: perRow }, (_, g) => rtn.scales[g]);
  return { rtnW, gptqW: gptq.dequantized, rtnError: err(rtnW), gptqError: err(gptq.dequantized), moved, rowScales, groupLength: Math.min(rtn.groupLength, cols), qmax: rtn.qmax };
}

function toyChart(c, toy, run) {
  const { cols } = TOY;
  const point = (array) => Array.from({ length: cols }, (_, k) => ({ x: k, y: array[k] }));
  const options = baseOptions(c, {
    x: { type: 'linear', min: -0.5, max: cols - 0.5, title: 'column (input channel) of row 0, quantized left to right', grid: { display: false },
      afterBuildTicks: (axis) => { axis.ticks = [0, 8, 16, 24, cols - 1].map((value) => ({ value })); } },
    y: { type: 'linear', title: 'weight' },
  });
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}, column ${item.raw.x}: ${sig(item.raw.y, 4)}` };
  const levels = {};
  if (run.qmax <= 7) {
    run.rowScales.forEach((scale, g) => {
      for (let k = -run.qmax; k <= run.qmax; k++) {
        levels[`l${g}_${k}`] = { type: 'line', yMin: k * scale, yMax: k * scale, xMin: g * run.groupLength - 0.5, xMax: Math.min(cols, (g + 1) * run.groupLength) - 0.5,
          borderColor: c.grid, borderWidth: 1 };
      }
    });
  }
  options.plugins.annotation = { annotations: levels };
  const series = (label, data, i, style) => ({ label, data, backgroundColor: c.series[i], borderColor: c.series[i], pointStyle: style, pointRadius: 5, showLine: false });
  return {
    type: 'scatter',
    data: { datasets: [series('float weight', point(toy.w), 3, 'circle'), series('RTN', point(run.rtnW), 0, 'crossRot'), series('GPTQ', point(run.gptqW), 2, 'rectRot')] },
    options,
  };
}

function mountLab(root, { lab, params, spec, setParams }) {
  const view = createViewState(Object.fromEntries(SETTINGS.map((k) => [k, params[k]])), { setParams, render: () => { render(); schedule(); } });
  const bitsSlider = slider({ label: 'Weight bits', min: spec.bits.min, max: spec.bits.max, value: params.bits, hint: 'every layer, all three methods', onInput: (v) => view.set({ bits: v }) });
  const radios = (key, legend, label) => radioGroup({ legend, labels: spec[key].values.map((v) => [v, label(v)]), onChange: (v) => view.set({ [key]: v }) });
  const groupRadios = radios('group', 'Scales', groupLabel);
  const dampRadios = radios('damp', 'GPTQ damping λ', (v) => v);
  const alphaRadios = radios('alpha', 'AWQ α', (v) => (v === 'search' ? 'searched' : v));
  const countRadios = radios('n', 'Calibration images', (v) => grouped(Number(v)));

  const toy = toyLayer(lab);
  const toyFigure = chartFigure({ title: 'A small layer, quantized here: round-to-nearest against GPTQ' });
  const status = jobStatus({ what: 'the quantization runs' });
  const accuracy = chartFigure({ title: 'Test accuracy: round-to-nearest, AWQ and GPTQ (10,000 images)' });
  const errors = chartFigure({ title: 'Each layer’s output error on the calibration images' });
  errors.figure.classList.add('layer-errors');
  const verdict = h('p', { class: 'gptq-verdict' });
  const tableHost = h('div', { class: 'table-host' });
  const timing = h('p', { class: 'gptq-timing' });
  const results = h('div', { class: 'gptq-results', hidden: true },
    accuracy.figure, verdict, tableHost,
    h('h3', { text: 'Where the error goes: each layer’s outputs' }), errors.figure, timing);
  root.append(
    h('div', { class: 'controls' }, bitsSlider.field, groupRadios.field),
    h('div', { class: 'controls' }, dampRadios.field, alphaRadios.field, countRadios.field),
    toyFigure.figure,
    h('h3', { text: 'The trained network' }),
    h('p', { text: 'For each setting the page quantizes the trained SimpleNet (784 → 256 → 10) three ways in a Web Worker — round-to-nearest, then GPTQ, then AWQ, on the first calibration images — and measures each on the 10,000 test images. The first time, it downloads the images and the network (5.7 MB). Each method appears below as soon as its run finishes; a setting you have already seen draws at once.' }),
    status.el, results);

  const cache = new Map(); // methodKey -> the job's result
  let fp32 = null;
  let generation = 0;
  let timer = null;

  const current = () => {
    const s = view.get();
    return Object.fromEntries(METHOD_IDS.map((m) => [m, cache.get(methodKey(m, s)) ?? null]));
  };

  function render() {
    const s = view.get();
    bitsSlider.set(s.bits);
    groupRadios.set(s.group);
    dampRadios.set(s.damp);
    alphaRadios.set(s.alpha);
    countRadios.set(s.n);
    const t = toyRun(lab, toy, s);
    toyFigure.update((c) => toyChart(c, toy, t),
      `Row 0 of an 8 × 32 layer at ${s.bits} bits, ${groupLabel(s.group)}${t.qmax <= 7 ? ' (grey lines: round-to-nearest’s levels)' : ''}. Round-to-nearest puts every weight on its closest level; ` +
      `GPTQ put ${t.moved} of the row’s ${TOY.cols} weights on another level, to cancel the errors of the columns before them. ` +
      `The layer’s output error ‖WXᵀ − ŴXᵀ‖² on its 256 inputs: ${sig(t.rtnError, 4)} with round-to-nearest, ${sig(t.gptqError, 4)} with GPTQ` +
      `${t.gptqError > 0 && t.rtnError > t.gptqError ? ` (${(t.rtnError / t.gptqError).toFixed(1)}× smaller)` : ''}.`);
    const r = current();
    const done = SHOWN.filter((m) => r[m]);
    results.hidden = done.length === 0;
    if (!done.length) return;
    const scheme = `${s.bits}-bit weights, ${groupLabel(s.group)}`;
    const pending = SHOWN.filter((m) => !r[m]).map((m) => METHODS[m].label);
    const pendingText = pending.length ? ` ${pending.join(' and ')}: still running.` : '';
    accuracy.update((c) => accuracyChart(c, { results: r, fp32 }),
      `${scheme}: ${done.map((m) => `${METHODS[m].long} ${percent(r[m].accuracy)}`).join(', ')}${fp32 !== null ? `; float32 ${percent(fp32)}` : ''}.${pendingText}`);
    fillTable(tableHost, {
      caption: `${scheme}; GPTQ and AWQ calibrated on ${grouped(Number(s.n))} images; float32 ${fp32 === null ? '…' : percent(fp32)}`,
      columns: ['method', 'test accuracy', 'vs float32 (points)', 'layer 1 error', 'layer 2 error', 'AWQ α per layer', 'time'],
      rows: SHOWN.map((m) => {
        const e = r[m];
        if (!e) return [METHODS[m].long, '…', '…', '…', '…', '…', '…'];
        const errs = layerErrors(r)[m];
        const d = fp32 === null ? null : 100 * (e.accuracy - fp32);
        return [METHODS[m].long, cell(e.accuracy, percent(e.accuracy), `acc-${m}`),
          d === null ? '…' : `${signedPoints(d)}${Math.abs(d) < NOISE_POINTS ? ' (noise)' : ''}`,
          errs ? cell(errs[0], sig(errs[0], 4)) : '…', errs ? cell(errs[1], sig(errs[1], 4)) : '…',
          m === 'awq' && e.alphas ? e.alphas.map((a) => sig(a, 2)).join(', ') : '—',
          `${e.ms < 10 ? e.ms.toFixed(1) : grouped(Math.round(e.ms))} ms`];
      }),
    });
    if (done.length === SHOWN.length) {
      const best = SHOWN.reduce((a, b) => (r[b].accuracy > r[a].accuracy ? b : a));
      const gain = 100 * (r.gptq.accuracy - r.rtn.accuracy);
      verdict.textContent = `GPTQ ${gain >= NOISE_POINTS ? `gains ${gain.toFixed(2)} points over round-to-nearest` : gain <= -NOISE_POINTS ? `loses ${(-gain).toFixed(2)} points to round-to-nearest` : 'is within the noise of round-to-nearest'} here, ` +
        `AWQ ${signedPoints(100 * (r.awq.accuracy - r.rtn.accuracy))} points. The best of the three is ${METHODS[best].long}. Differences under about ±${NOISE_POINTS} points are noise at 10,000 images. ` +
        `${s.bits >= 4 ? 'At 4 bits there is little left to win: try 3 or 2 bits.' : 'Below 4 bits round-to-nearest has few levels per row, and compensating for its errors is what keeps the network working.'}`;
    } else {
      verdict.textContent = `${pending.join(' and ')} still running…`;
    }
    const le = layerErrors(r);
    const shownErrors = SHOWN.filter((m) => le[m]);
    errors.update((c) => errorChart(c, le),
      shownErrors.length
        ? `‖WXᵀ − ŴXᵀ‖², the squared output error summed over the calibration images, per layer: ${shownErrors.map((m) => `${METHODS[m].label} ${le[m].map((e) => sig(e, 4)).join(' and ')}`).join('; ')}. ` +
          'Lower is better; the axis is logarithmic, each step a factor of 10. Layer 2 sees what each method’s own layer 1 outputs, and RTN’s errors are measured on GPTQ’s inputs.'
        : 'The errors appear when GPTQ or AWQ has run (round-to-nearest uses no calibration images).');
    const g = r.gptq;
    timing.textContent = g
      ? `The whole GPTQ run over both layers — Hessians from ${grouped(Number(s.n))} images, two factorizations, every column, layer 2’s inputs through the quantized layer 1 — took ${grouped(Math.round(g.ms))} ms in this browser’s worker.`
      : '';
  }

  function runMissing() {
    const gen = ++generation;
    const settings = view.get();
    const next = () => {
      if (gen !== generation) return;
      const method = METHOD_IDS.find((m) => !cache.has(methodKey(m, settings)));
      if (!method) return;
      status.start({ lab, exercise: 'ex8', job: 'method', params: { method, ...settings, withFp32: fp32 === null }, needs: ['test', 'calibration', 'model'] }, (result) => {
        cache.set(methodKey(method, settings), result);
        if (result.fp32Accuracy !== null) fp32 = result.fp32Accuracy;
        if (gen !== generation) return;
        render();
        next();
      });
    };
    next();
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(runMissing, DEBOUNCE_MS);
  }

  render();
  runMissing();
  return {
    update(next) {
      view.replace(Object.fromEntries(SETTINGS.map((k) => [k, next[k]])));
    },
    destroy() {
      clearTimeout(timer);
      generation++;
      status.destroy();
      toyFigure.destroy();
      accuracy.destroy();
      errors.destroy();
    },
  };
}

export default { lesson, mountLab };
