// Exercise 7: weights below 8 bits. Drawn at once: what each weight costs (values and scales) for every
// granularity at the chosen bits. From the trained SimpleNet in the data worker (jobs.js): each configuration the
// learner measures (bits 2–8 × granularity × uniform or NF4, or a bit width per layer) becomes a point of a
// size-against-accuracy scatter with its Pareto front, float32 and int8 as references; and the chosen layer's
// weights, each divided by its scale group's largest magnitude, on the chosen grid's levels.
import { createViewState } from '../../app/state.js';
import { jobStatus } from '../../data/status.js';
import { baseOptions, chartFigure, signedTicks } from '../../ui/charts.js';
import { fillTable, h, numberSpan, radioGroup, slider } from '../../ui/dom.js';
import { exact, grouped, sig } from '../../ui/format.js';
import {
  bitsPerWeight, configText, GRANULARITIES, GRIDS, LAST_IDS, LAYERS, layerPayload, layerSchemes, modelBytes, NOISE_POINTS,
} from './data.js';

const lesson = {
  idea: [
    'At 8 bits one scale per output channel loses almost nothing (exercise 4). Below 8 bits it does. A 4-bit signed grid has 15 levels, −7 … 7, and one scale per row means the row’s single largest weight fixes the step for all 784 weights of that row. Most weights are far smaller than that one, so they crowd onto the three or four levels around 0 — many round to 0 outright — and the network loses what they carried.',
    'Group-wise quantization gives every G consecutive weights of a row their own scale (G = 128, 64, 32 or 16). A large weight now coarsens only its own group, and the other groups keep a fine step. The price is bytes: a float32 scale per group costs 32 / G extra bits per weight — half a bit at G = 64, two bits at G = 16 (a little more when G does not divide the row: a row of 784 weights has 13 groups of 64, the last one of 16). Whether that buys more accuracy than one more bit per weight would is exactly what the scatter below measures.',
    'Two 4-bit values share a byte. The lab’s format puts element 2i in the low nibble and element 2i + 1 in the high nibble, each as a 4-bit two’s-complement number: −1 is 0xF, −8 is 0x8, 7 is 0x7. Unpacking must sign-extend: a nibble of 8 or more stands for nibble − 16.',
    'NF4 (QLoRA’s NormalFloat) keeps 4-bit codes but moves the 16 levels: they are quantiles of a normal distribution scaled to [−1, 1], so they sit close together near 0, where most weights are, and far apart in the tails. Each block of weights (QLoRA uses 64; here the block is the group you choose) stores its absmax, and a weight becomes the nearest level times that absmax.',
  ],
  why: [
    'Fewer bits shrink the file and the memory traffic of every forward pass: a 4-bit model is about half the int8 one and an eighth of float32. What you trade is accuracy, and the trade is not linear: with one scale per channel, 4 bits lose a few points, 3 bits several, and 2 bits most of what the network knew; the same 3 bits in groups of 16 come back within the noise of float32.',
    'Mixed precision spends the bits where they matter: the first layer holds 98% of SimpleNet’s weights, the last one 2,560. Giving the small last layer 8 bits costs a few kilobytes; whether it buys accuracy is again a point on the scatter.',
  ],
  formula: {
    math: [
      'qmax = 2^(b−1) − 1                      (7 at 4 bits: levels −7 … 7, symmetric around 0)',
      'per group g of G weights of a row:  scale_g = max|w_g| / qmax',
      'q = clip(round(w / scale_g), −qmax, qmax),   ŵ = q · scale_g',
      'bytes = rows · ⌈cols · b / 8⌉  +  4 · (number of scales)',
      'pack:   byte_i = (q[2i] & 0xF) | ((q[2i+1] & 0xF) << 4)',
      'unpack: n = (byte >> 4·k) & 0xF;   q = n ≥ 8 ? n − 16 : n',
      'NF4:    code = argmin_k |w / absmax_block − level_k|,   ŵ = level_code · absmax_block',
    ].join('\n'),
    notes: [
      'When G does not divide the row, the row’s last group is shorter: 784 = 12 · 64 + 16, so a row has 13 scales at G = 64.',
      'The model’s size is its file (model format 2, docs/model-format.md): the bit-packed values, the float32 scales, the float32 biases and a header per layer.',
    ],
  },
  note: {
    title: 'Numbers to read with care',
    paragraphs: [
      `Every accuracy here is measured now, on Fashion-MNIST’s 10,000 test images. One standard error near 87% is about 0.3 points, so two configurations within about ±${NOISE_POINTS} points of each other are equally good as far as this test set can tell.`,
      'The lab runs 2, 3 and 4 bits on its packed-int4 kernels, 8 bits as int8 and NF4 on float32 weights, with int8 activations in the integer layers; their sizes are the model files’ bytes. 5, 6 and 7 bits, and 8 bits in groups, have no kernel and no file layout in the lab: their layers are quantized and dequantized and run in float32 (within 0.1 points of int8 activations, docs/lowbit.md), and their size is computed for the same file layout. The table says which.',
    ],
  },
  deeper: {
    title: 'Going deeper: what 2 and 3 bits save, and QLoRA’s double quantization',
    paragraphs: [
      '2- and 3-bit codes fit a signed nibble, so the lab runs them on the 4-bit kernels: they save bytes in the file, not time. Real 3-bit kernels unpack codes that straddle bytes; that is slower per weight, and worth it only when memory bandwidth is the limit.',
      'QLoRA stores each block’s absmax in 8 bits as well (a second quantization, with a float32 scale per 256 blocks), which brings NF4’s overhead from 0.5 to about 0.127 bits per weight. Here the absmax values stay float32.',
    ],
  },
};

const percent = (a) => `${sig(100 * a, 4)}%`;
const kB = (bytes) => `${sig(bytes / 1000, 4)} kB`;
const rgba = (color, alpha) => color.replace(/^rgb\((.*)\)$/, `rgba($1, ${alpha})`);
const HISTOGRAM_BINS = 100;
const MAX_LEVEL_LINES = 31; // up to 5 bits; more levels would be lines a pixel apart

/** The levels of a scheme's grid on [−1, 1] (a weight divided by its group's absmax). */
function gridLevels(lab, s) {
  if (s.grid === 'nf4') return Array.from(lab.nf4Codebook());
  const qmax = 2 ** (s.bits - 1) - 1;
  return Array.from({ length: 2 * qmax + 1 }, (_, k) => (k - qmax) / qmax);
}

/**
 * The layer's weights divided by their scale group's largest magnitude (so that every group spans [−1, 1] at
 * most), and their histogram: {normalized, counts, total, groups}. It depends on the granularity only.
 */
function normalizeWeights({ rows, cols, w }, gran) {
  const g = GRANULARITIES[gran].groupSize;
  const length = g === 'tensor' ? rows * cols : g === 'channel' ? cols : Math.min(g, cols);
  const normalized = new Float32Array(rows * cols);
  const counts = new Float64Array(HISTOGRAM_BINS);
  let groups = 0;
  const span = (from, to) => {
    groups++;
    let m = 0;
    for (let i = from; i < to; i++) m = Math.max(m, Math.abs(w[i]));
    for (let i = from; i < to; i++) {
      const v = m > 0 ? w[i] / m : 0;
      normalized[i] = v;
      counts[Math.min(HISTOGRAM_BINS - 1, Math.floor(((v + 1) / 2) * HISTOGRAM_BINS))]++;
    }
  };
  if (g === 'tensor') span(0, rows * cols);
  else for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c += length) span(r * cols + c, r * cols + Math.min(cols, c + length));
  return { normalized, counts, total: rows * cols, groups };
}

/** Where normalized weights land on a grid's levels: how many on each, the share on 0 and on the outermost two. */
function levelUse({ normalized, total }, s, levels) {
  const used = new Float64Array(levels.length);
  if (s.grid === 'nf4') {
    for (const v of normalized) { // the nearest level (levels sorted; exactly between two: the lower, as NF4 does)
      let lo = 0;
      let hi = levels.length - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (levels[mid] <= v) lo = mid; else hi = mid;
      }
      used[v - levels[lo] <= levels[hi] - v ? lo : hi]++;
    }
  } else {
    const qmax = (levels.length - 1) / 2;
    for (const v of normalized) {
      const t = v * qmax;
      let r = Math.round(t);
      if (r - t === 0.5 && r % 2 !== 0) r--; // half to even, as the core rounds
      used[Math.max(-qmax, Math.min(qmax, r)) + qmax]++;
    }
  }
  const zero = levels.indexOf(0);
  return { used, zeroShare: zero >= 0 ? used[zero] / total : 0, edgeShare: (used[0] + used[levels.length - 1]) / total };
}

function histogramChart(c, hist, levels, drawLevels) {
  const width = 2 / HISTOGRAM_BINS;
  const options = baseOptions(c, {
    x: { type: 'linear', min: -1, max: 1, title: 'weight ÷ max |w| of its scale group', ticks: { callback: signedTicks } },
    y: { title: 'weights per bin', beginAtZero: true },
    legend: false,
  });
  options.plugins.tooltip.callbacks = {
    title: (items) => `${sig(items[0].raw.x - width / 2, 3)} … ${sig(items[0].raw.x + width / 2, 3)}`.replaceAll('-', '−'),
    label: (item) => `${grouped(item.raw.y)} weights`,
  };
  options.plugins.annotation = {
    annotations: drawLevels ? Object.fromEntries(levels.map((v, k) => [`level${k}`,
      { type: 'line', xMin: v, xMax: v, borderColor: rgba(c.series[3], 0.8), borderWidth: 1.5, borderDash: [4, 3] }])) : {},
  };
  return {
    type: 'bar',
    data: { datasets: [{ label: 'weights', data: Array.from(hist.counts, (n, i) => ({ x: -1 + (i + 0.5) * width, y: n })), backgroundColor: c.series[0], barPercentage: 1, categoryPercentage: 1 }] },
    options,
  };
}

function costChart(c, bits, chosen) {
  const ids = Object.keys(GRANULARITIES);
  const costs = ids.map((gran) => {
    const s = { grid: 'uniform', bits, gran };
    const { valueBytes, scaleBytes } = layerPayload(s, LAYERS[0]);
    const n = LAYERS[0].rows * LAYERS[0].cols;
    return { values: (8 * valueBytes) / n, scales: (8 * scaleBytes) / n };
  });
  const options = baseOptions(c, {
    x: { title: 'scale granularity (first layer, 256 × 784)', stacked: true, grid: { display: false } },
    y: { title: 'bits per weight', beginAtZero: true, stacked: true },
  });
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}: ${sig(item.parsed.y, 4)} bits per weight` };
  const highlight = (base) => ids.map((id) => (id === chosen ? base : rgba(base, 0.45)));
  return {
    type: 'bar',
    data: {
      labels: ids.map((id) => GRANULARITIES[id].label),
      datasets: [
        { label: `the ${bits}-bit values`, data: costs.map((x) => x.values), backgroundColor: highlight(c.series[0]) },
        { label: 'the float32 scales', data: costs.map((x) => x.scales), backgroundColor: highlight(c.series[1]) },
      ],
    },
    options,
  };
}

/** The points not beaten by a smaller one: sorted by size, each more accurate than every smaller point. */
function paretoFront(points) {
  const front = [];
  for (const p of [...points].sort((a, b) => a.bytes - b.bytes || b.accuracy - a.accuracy)) {
    if (!front.length || p.accuracy > front.at(-1).accuracy) front.push(p);
  }
  return front;
}

function scatterChart(c, refs, points) {
  const all = [...refs, ...points];
  const front = paretoFront(all);
  const accs = all.map((p) => 100 * p.accuracy);
  const options = baseOptions(c, {
    x: { type: 'logarithmic', title: 'model file size (kB, log scale)', min: 40, max: 1000,
      afterBuildTicks: (axis) => { axis.ticks = [50, 100, 200, 500, 1000].map((value) => ({ value })); }, ticks: { callback: (v) => String(v) } },
    y: { title: 'test accuracy (%)', min: Math.max(0, Math.floor(Math.min(...accs) / 5) * 5 - 1), max: Math.min(100, Math.ceil(Math.max(...accs)) + 1) },
  });
  options.plugins.tooltip.callbacks = { label: (item) => {
    const p = item.raw.point;
    return `${p.label}: ${percent(p.accuracy)}, ${kB(p.bytes)}`;
  } };
  const dot = (p) => ({ x: p.bytes / 1000, y: 100 * p.accuracy, point: p });
  return {
    type: 'scatter',
    data: {
      datasets: [
        { type: 'line', label: 'Pareto front', data: front.map(dot), borderColor: c.muted, backgroundColor: c.muted, borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0, showLine: true },
        { label: 'float32 and int8', data: refs.map(dot), backgroundColor: c.series[2], borderColor: c.series[2], pointStyle: 'rectRot', pointRadius: 7 },
        { label: 'one scheme for both layers', data: points.filter((p) => !p.mixed).map(dot), backgroundColor: c.series[0], borderColor: c.series[0], pointRadius: 5 },
        { label: 'mixed precision', data: points.filter((p) => p.mixed).map(dot), backgroundColor: c.series[1], borderColor: c.series[1], pointStyle: 'triangle', pointRadius: 7 },
      ],
    },
    options,
  };
}

function mountLab(root, { lab, params, spec, setParams }) {
  const view = createViewState({ bits: params.bits, gran: params.gran, grid: params.grid, last: params.last, layer: params.layer }, { setParams, render: () => render() });
  const bitsSlider = slider({ label: 'Bits per weight', min: spec.bits.min, max: spec.bits.max, value: params.bits, hint: 'NF4 is always 4 bits', onInput: (bits) => view.set({ bits }) });
  const granRadios = radioGroup({ legend: 'One scale per', labels: Object.fromEntries(spec.gran.values.map((id) => [id, GRANULARITIES[id].label])), onChange: (gran) => view.set({ gran }) });
  const gridRadios = radioGroup({ legend: 'Grid', labels: Object.fromEntries(spec.grid.values.map((id) => [id, GRIDS[id]])), onChange: (grid) => view.set({ grid }) });
  const lastRadios = radioGroup({ legend: 'Last layer (256 → 10)', labels: Object.fromEntries(LAST_IDS.map((id) => [id, id === 'same' ? 'same as the first' : `${id} bits`])), onChange: (last) => view.set({ last }) });
  const layerRadios = radioGroup({ legend: 'Histogram of', labels: { 1: 'layer 1 (784 → 256)', 2: 'layer 2 (256 → 10)' }, onChange: (layer) => view.set({ layer }) });
  lastRadios.field.classList.add('ex7-last');
  const cost = chartFigure({ title: 'What a weight costs: the values and the scales' });
  const status = jobStatus({ what: 'the evaluation' });
  const measureButton = h('button', { type: 'button', class: 'ex7-measure', disabled: true, on: { click: () => run([view.get()], false) } }, 'Measure this configuration');
  const sweepButton = h('button', { type: 'button', class: 'ex7-sweep', disabled: true, on: { click: () => run([2, 3, 4, 5, 6, 7, 8].map((bits) => ({ ...view.get(), bits, last: 'same' })), false) } },
    'Measure 2 to 8 bits at this granularity');
  const chosenText = h('p', { class: 'ex7-chosen' });
  const scatter = chartFigure({ title: 'Model size against test accuracy (10,000 images)' });
  const tableHost = h('div', { class: 'table-host' });
  const histogram = chartFigure({ title: 'The weights on the grid' });
  const results = h('div', { class: 'ex7-results', hidden: true },
    scatter.figure, tableHost,
    h('h3', { text: 'Where the weights land on the grid' }), layerRadios.field, histogram.figure);
  root.append(
    h('div', { class: 'controls' }, bitsSlider.field, granRadios.field, gridRadios.field, lastRadios.field),
    cost.figure,
    h('h3', { text: 'Measured on the trained network' }),
    h('p', { text: 'The page downloads the test images and the trained network (about 5 MB), then quantizes the network as set above and evaluates it on the 10,000 test images in a Web Worker, with float32 and int8 as references. Each configuration you measure becomes a point on the scatter.' }),
    chosenText,
    h('div', { class: 'button-row' }, measureButton, sweepButton),
    status.el, results);

  let refs = null; // [fp32, int8] as points
  let weights = null;
  let normalizedCache = null; // the chosen layer's normalized weights, for one granularity
  let pointsDrawn = -1; // the scatter and the table are drawn again only when a measurement arrives
  const points = [];
  let resultCount = 0;

  function addPoints(list) {
    for (const p of list) {
      const same = points.findIndex((q) => q.label === p.label);
      if (same >= 0) points.splice(same, 1);
      points.push(p);
    }
  }

  function run(configs, references) {
    status.start({ lab, exercise: 'ex7', job: 'measure', params: { configs, references }, needs: ['test', 'model'] }, (r) => {
      if (r.fp32) {
        refs = [{ label: 'float32', accuracy: r.fp32.accuracy, bytes: r.fp32.bytes, fromFile: true, reference: true, bitsPerWeight: 32 },
          { label: 'int8 per channel', accuracy: r.int8.accuracy, bytes: r.int8.bytes, fromFile: true, reference: true, bitsPerWeight: bitsPerWeight(layerSchemes({ bits: 8, gran: 'channel', grid: 'uniform' })) }];
        weights = r.weights;
      }
      addPoints(r.points);
      resultCount++;
      results.hidden = false;
      render();
    });
  }

  function renderTable() {
    const fp = refs[0].accuracy;
    const rows = [...refs, ...points].map((p) => {
      const delta = 100 * (p.accuracy - fp);
      const deltaText = p === refs[0] ? '—' : Math.abs(delta) <= NOISE_POINTS ? `${sig(delta, 2).replace(/^(?!−)/, '+')} (noise)` : sig(delta, 3).replace(/^(?!−)/, '+');
      return [p.label,
        numberSpan(kB(p.bytes), `${grouped(p.bytes)} bytes`),
        p.fromFile ? 'file' : 'computed',
        numberSpan(sig(p.bitsPerWeight, 4), exact(p.bitsPerWeight)),
        numberSpan(percent(p.accuracy), exact(p.accuracy), { class: 'ex7-acc' }),
        deltaText];
    });
    fillTable(tableHost, {
      caption: 'Each configuration: file size, where the size comes from, bits per weight (values and scales), test accuracy and the difference from float32 in points',
      columns: ['configuration', 'size', 'size from', 'bits / weight', 'accuracy', 'vs float32'],
      rows,
    });
  }

  function render() {
    const state = view.get();
    const { bits, gran, grid, last } = state;
    const nf4 = grid === 'nf4';
    bitsSlider.set(nf4 ? 4 : bits);
    bitsSlider.input.disabled = nf4;
    granRadios.set(gran);
    gridRadios.set(grid);
    lastRadios.set(last);
    layerRadios.set(state.layer);
    const schemes = layerSchemes(state);
    const first = layerPayload(schemes[0], LAYERS[0]);
    const n = LAYERS[0].rows * LAYERS[0].cols;
    cost.update((c) => costChart(c, nf4 ? 4 : bits, schemes[0].gran),
      `Layer 1 has ${grouped(n)} weights. At ${nf4 ? 4 : bits} bits the values take ${sig((8 * first.valueBytes) / n, 3)} bits per weight; ` +
      `${GRANULARITIES[schemes[0].gran].label} adds ${sig((8 * first.scaleBytes) / n, 3)} bits per weight of float32 scales (${grouped(first.scaleBytes)} bytes). ` +
      'Per tensor and per channel the scales cost next to nothing; groups of 16 cost 2 extra bits per weight, as much as going from 4 to 6 bits.' +
      (nf4 && gran === 'tensor' ? ' NF4 keeps an absmax per block of a row, so “per tensor” means one block per row here.' : ''));
    chosenText.textContent = `Set above: ${configText(schemes)}, ${sig(bitsPerWeight(schemes), 3)} bits per weight with the scales, a model file of ${kB(modelBytes(schemes))}.` +
      (schemes.some((s) => s.grid !== 'nf4' && s.bits > 4 && !(s.bits === 8 && (s.gran === 'tensor' || s.gran === 'channel'))) ? ' (5–7 bits and 8 bits in groups run in float32 here: see the note above.)' : '');
    measureButton.disabled = !refs; // a second click while one runs replaces that run
    sweepButton.disabled = !refs || nf4;
    if (!refs) return;
    if (pointsDrawn !== resultCount) {
      pointsDrawn = resultCount;
      drawPoints();
    }
    drawHistogram(state, schemes);
  }

  function drawPoints() {
    scatter.update((c) => scatterChart(c, refs, points), () => {
      const front = paretoFront([...refs, ...points]);
      const latest = points.at(-1);
      return `${points.length} configuration${points.length === 1 ? '' : 's'} measured, with float32 (${percent(refs[0].accuracy)}, ${kB(refs[0].bytes)}) and int8 per channel (${percent(refs[1].accuracy)}, ${kB(refs[1].bytes)}). ` +
        (latest ? `Latest: ${latest.label}, ${percent(latest.accuracy)} at ${kB(latest.bytes)}. ` : '') +
        `The Pareto front — the points no smaller model beats — runs through ${front.map((p) => p.label).join(', ')}. ` +
        `Points within about ±${NOISE_POINTS} points of accuracy are equally good on this test set.`;
    });
    renderTable();
  }

  function drawHistogram(state, schemes) {
    const l = Number(state.layer) - 1;
    const s = schemes[l];
    const levels = gridLevels(lab, s);
    const histKey = `${l}|${s.gran}`;
    if (normalizedCache?.key !== histKey) normalizedCache = { key: histKey, value: normalizeWeights(weights[l], s.gran) };
    const hist = { ...normalizedCache.value, ...levelUse(normalizedCache.value, s, levels) };
    const drawLevels = levels.length <= MAX_LEVEL_LINES;
    const usedLevels = Array.from(hist.used).filter((u) => u > 0).length;
    histogram.update((c) => histogramChart(c, hist, levels, drawLevels),
      `Layer ${l + 1}’s ${grouped(hist.total)} weights, each divided by the largest magnitude of its scale group (${grouped(hist.groups)} group${hist.groups === 1 ? '' : 's'}, ${schemeTextLong(s)}), ` +
      `${drawLevels ? `with the grid’s ${levels.length} levels as dashed lines` : `on a grid of ${levels.length} levels (too close together to draw)`}. ` +
      `${sig(100 * hist.zeroShare, 3)}% of the weights round to 0 and ${sig(100 * hist.edgeShare, 3)}% to the two outermost levels; ${usedLevels} of the ${levels.length} levels are used. ` +
      (s.grid === 'nf4' ? 'NF4’s levels are dense near 0, where the weights are.' : 'The larger the groups, the narrower the bell: a few large weights stretch the range and the rest fall on the levels near 0.'));
  }

  render(); // the cost chart first: the data and the evaluation follow
  run([view.get()], true);
  return {
    update(next) {
      view.replace({ bits: next.bits, gran: next.gran, grid: next.grid, last: next.last, layer: next.layer });
    },
    destroy() {
      status.destroy();
      for (const f of [cost, scatter, histogram]) f.destroy();
    },
  };
}

const schemeTextLong = (s) => `${s.grid === 'nf4' ? 'NF4' : `${s.bits} bits`}, ${GRANULARITIES[s.gran].label}`;

export default { lesson, mountLab };
