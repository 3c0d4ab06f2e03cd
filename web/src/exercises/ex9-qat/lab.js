// Exercise 9: quantization-aware training (QAT). On the page: the fake quantizer and the gradient the
// straight-through estimator passes back (bits from the URL), drawn at once; then, when the learner presses Start,
// a run in exercise 9's own worker (worker.js, through session.js): round-to-nearest and GPTQ measured first, then
// QAT from the trained SimpleNet over the 10,000-image training subset, with live loss and test-accuracy curves,
// Pause / Resume / Cancel and progress; and one chart comparing RTN, GPTQ and QAT per bit width, filled in run by
// run. Bits, granularity, learning rate and epochs are the URL state.
import { createViewState } from '../../app/state.js';
import { baseOptions, chartFigure, signedTicks } from '../../ui/charts.js';
import { h, radioGroup, slider } from '../../ui/dom.js';
import { exact, sig } from '../../ui/format.js';
import { BITS, GROUPS, lrLabel } from './data.js';

const NOISE_POINTS = 0.3;
const rgba = (color, alpha) => color.replace(/^rgb\((.*)\)$/, `rgba($1, ${alpha})`);
const percent = (a) => `${(100 * a).toFixed(2)}%`;
const schemeText = ({ bits, group }) => `${bits}-bit, ${GROUPS[group]}`;

const lesson = {
  idea: [
    'Post-training quantization rounds a finished network and hopes it copes. At 4 bits it mostly does; at 3 and 2 bits the rounding moves every weight by up to half a step, and the network has no chance to adjust. Quantization-aware training (QAT) gives it that chance: keep training, but let every forward pass see the weights as they will be stored.',
    'The trick is fake quantization. The optimizer keeps ordinary float32 weights (the master weights). Before each forward pass they are quantized and immediately dequantized — q(w) = s · clamp(round(w / s), −qmax, qmax) — so the network computes with values that lie exactly on the integer grid, while everything stays in floating point. The loss therefore measures the quantized network.',
    'Backward, rounding is a problem: its derivative is 0 almost everywhere (a staircase is flat between its steps), so no gradient would ever reach the weights. The straight-through estimator (STE) simply pretends rounding is the identity: the gradient that reaches q(w) is passed on to w unchanged. The clamp is treated honestly: a weight beyond the clipping range, where q(w) is stuck at ±qmax · s, gets no gradient at all. That mask is the part people forget.',
  ],
  why: [
    'The master weights can move by much less than one step. A single update rarely changes q(w), but many small nudges add up until a weight crosses to the next level — and the loss, computed on the quantized network, decides which way it should cross. The network learns to live on the grid: weights that matter settle on levels that serve it, and the rest rearranges to compensate for the rounding of others.',
    'Without the mask, a weight pushed past the clipping range keeps receiving gradient although moving it changes nothing in the forward pass: it drifts further out, and its master value stops meaning anything. With scales recomputed from max|w| every step (this page’s runs), nothing is ever clipped and the mask is all ones; with scales frozen at their starting values (Your turn below) the mask decides which weights may still learn.',
    'Measured here on the trained SimpleNet (docs/qat.md and docs/lowbit.md), per channel: round-to-nearest gives 84.6% at 4 bits, 81.5% at 3 and 31.0% at 2; two epochs of QAT bring 4 and 3 bits back to about 87.2% (float32: 87.5%) and 2 bits to about 72%. GPTQ (exercise 8) needs no training and, on this small network, does better still at 2 bits (82.8%): it chooses each rounding to cancel the error of the ones before, while QAT here starts from the plainly rounded network and has two short epochs on 10,000 images to repair it. Run both and see where each wins; more epochs, another learning rate or groups change the picture.',
  ],
  formula: {
    math: [
      'qmax = 2^(b−1) − 1            s = max|w| / qmax   (per channel or per group, each step)',
      'forward:   q(w) = s · clamp(round(w / s), −qmax, qmax)           round half to even',
      'backward:  ∂L/∂w = ∂L/∂q(w) · 1[ |round(w / s)| ≤ qmax ]            the straight-through estimator',
      'update:    w ← Adam(w, ∂L/∂w)        the float32 masters; q(w) is what gets stored',
    ].join('\n'),
    notes: [
      'The mask tests the rounded level, as PyTorch’s fake_quantize does: a weight just past s · (qmax + ½) already lies outside.',
      'Biases stay float32. The accuracies in the comparison run every method’s weights on the lab’s integer kernels with int8 activations (exercise 8’s models); the live curve evaluates the fake-quantized network with float32 activations. The two agree within about 0.1 points.',
    ],
  },
  note: {
    title: 'Numbers to read with care',
    paragraphs: [
      `Every accuracy here is measured now, on Fashion-MNIST’s 10,000 test images, which training never sees (it uses 10,000 images from the training set). Differences smaller than about ±${NOISE_POINTS} points are noise. The loss curve is the mean over each chunk of 4 batches of the training images, so it is noisy too: look at its trend.`,
    ],
  },
  deeper: {
    title: 'Going deeper: what else QAT can learn',
    paragraphs: [
      'The scales can be learned as well (LSQ, PACT): their gradient follows from the same fake quantizer, and a learned clipping range often beats max|w| at 2 bits. Activations can be fake-quantized too, with a range calibrated as in exercise 6 or learned. Large language models rarely get full QAT, which needs the training data and the compute of training; they use GPTQ or AWQ, or QAT on a small adapter.',
    ],
  },
};

/** The fake quantizer at `bits` with a frozen scale s = 1/qmax (range [−1, 1]) and the STE's gradient, w in ±2. */
function steChart(c, bits) {
  const qmax = 2 ** (bits - 1) - 1;
  const s = 1 / qmax;
  const edge = s * (qmax + 0.5);
  const lim = 2; // beyond the 2-bit clipping edge, 1.5
  const forward = [{ x: -lim, y: -qmax * s }];
  for (let k = -qmax; k < qmax; k++) {
    const b = (k + 0.5) * s;
    forward.push({ x: b, y: k * s }, { x: b, y: (k + 1) * s });
  }
  forward.push({ x: lim, y: qmax * s });
  const mask = [{ x: -lim, y: 0 }, { x: -edge, y: 0 }, { x: -edge, y: 1 }, { x: edge, y: 1 }, { x: edge, y: 0 }, { x: lim, y: 0 }];
  const options = baseOptions(c, {
    x: { type: 'linear', min: -lim, max: lim, title: 'master weight w (in units of the clipping range)', ticks: { callback: signedTicks, stepSize: 0.5 } },
    y: { type: 'linear', min: -1.5, max: 1.5, title: 'value', ticks: { callback: signedTicks, stepSize: 0.5 } },
  });
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}: w = ${sig(item.parsed.x, 4)} → ${sig(item.parsed.y, 4)}` };
  options.plugins.annotation = {
    annotations: {
      left: { type: 'box', xMin: -lim, xMax: -edge, backgroundColor: rgba(c.series[3], 0.12), borderWidth: 0 },
      right: { type: 'box', xMin: edge, xMax: lim, backgroundColor: rgba(c.series[3], 0.12), borderWidth: 0,
        label: { display: true, content: 'clipped', position: { x: 'center', y: 'start' }, color: c.text, font: { size: 11 } } },
    },
  };
  return {
    type: 'line',
    data: {
      datasets: [
        { label: 'forward: q(w)', data: forward, borderColor: c.series[0], backgroundColor: c.series[0], pointRadius: 0, borderWidth: 2 },
        { label: 'backward: the gradient factor (STE mask)', data: mask, borderColor: c.series[1], backgroundColor: c.series[1], pointRadius: 0, borderWidth: 2, borderDash: [6, 4] },
        { label: 'w itself', data: [{ x: -lim, y: -lim }, { x: lim, y: lim }], borderColor: c.muted, backgroundColor: c.muted, pointRadius: 0, borderWidth: 1, borderDash: [2, 3] },
      ],
    },
    options,
  };
}

function lossChart(c, runs) {
  const current = runs.current;
  const options = baseOptions(c, {
    x: { type: 'linear', min: 0, max: Math.max(current.total, runs.previous?.total ?? 0, 1), title: 'training step (a batch of 128 images)' },
    y: { type: 'linear', title: 'training loss (cross-entropy)', beginAtZero: true },
  });
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}, step ${item.parsed.x}: loss ${sig(item.parsed.y, 4)}` };
  options.plugins.annotation = { annotations: epochLines(c, current) };
  const datasets = [{ label: `this run: ${current.label}`, data: current.loss, borderColor: c.series[0], backgroundColor: c.series[0], pointRadius: 0, borderWidth: 2 }];
  if (runs.previous) {
    datasets.push({ label: `previous run: ${runs.previous.label}`, data: runs.previous.loss, borderColor: c.muted, backgroundColor: c.muted, pointRadius: 0, borderWidth: 1.5, borderDash: [5, 4] });
  }
  return { type: 'line', data: { datasets }, options };
}

function epochLines(c, run) {
  const lines = {};
  for (let e = 1; e < run.epochs; e++) {
    const x = e * run.stepsPerEpoch;
    lines[`epoch${e}`] = { type: 'line', xMin: x, xMax: x, borderColor: c.grid, borderWidth: 1, borderDash: [3, 3],
      label: { display: true, content: `epoch ${e + 1}`, position: 'start', backgroundColor: 'transparent', color: c.muted, font: { size: 11 } } };
  }
  return lines;
}

function accuracyChart(c, runs, fp32) {
  const current = runs.current;
  const ys = [...current.test.map((p) => p.y), 100 * fp32, ...(runs.previous?.test.map((p) => p.y) ?? [])];
  const options = baseOptions(c, {
    x: { type: 'linear', min: 0, max: Math.max(current.total, runs.previous?.total ?? 0, 1), title: 'training step' },
    y: { type: 'linear', title: 'test accuracy (%)', min: Math.max(0, Math.floor(Math.min(...ys) / 5) * 5 - 5), max: Math.min(100, Math.ceil(Math.max(...ys)) + 2) },
  });
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}, step ${item.parsed.x}: ${item.parsed.y.toFixed(2)}%` };
  const line = (key, value, color, text, position, yAdjust) => ({ [key]: { type: 'line', yMin: value, yMax: value, borderColor: color, borderDash: [6, 4], borderWidth: 1.5,
    label: { display: true, content: text, position, backgroundColor: 'transparent', color: c.text, font: { size: 11 }, yAdjust } } });
  options.plugins.annotation = {
    annotations: {
      ...epochLines(c, current),
      ...line('fp32', 100 * fp32, c.muted, `float32 ${percent(fp32)}`, 'end', -9),
      ...(current.gptq !== undefined ? line('gptq', 100 * current.gptq, c.series[1], `GPTQ ${percent(current.gptq)}`, 'start', 9) : {}),
    },
  };
  const datasets = [{ label: `QAT: ${current.label}`, data: current.test, borderColor: c.series[0], backgroundColor: c.series[0], pointRadius: 3, borderWidth: 2 }];
  if (runs.previous) {
    datasets.push({ label: `previous: ${runs.previous.label}`, data: runs.previous.test, borderColor: c.muted, backgroundColor: c.muted, pointRadius: 2, borderWidth: 1.5, borderDash: [5, 4] });
  }
  return { type: 'line', data: { datasets }, options };
}

const METHODS = [['rtn', 'round-to-nearest'], ['gptq', 'GPTQ'], ['qat', 'QAT']];

function compareChart(c, results, group, fp32) {
  const options = baseOptions(c, {
    x: { type: 'category', title: `weight bits (${GROUPS[group]})`, grid: { display: false } },
    y: { type: 'linear', min: 0, max: 100, title: 'test accuracy (%)' },
  });
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}: ${exact(item.raw)}%` };
  options.plugins.valueLabels = { datasets: [0, 1, 2], format: (v) => (typeof v === 'number' ? v.toFixed(1) : ''), color: c.text, minSpacing: 26 };
  if (fp32 !== null) {
    options.plugins.annotation = {
      annotations: { fp32: { type: 'line', yMin: 100 * fp32, yMax: 100 * fp32, borderColor: c.muted, borderDash: [6, 4], borderWidth: 1.5,
        label: { display: true, content: `float32 ${percent(fp32)}`, position: 'end', yAdjust: -12, backgroundColor: 'transparent', color: c.text, font: { size: 11 } } } },
    };
  }
  const datasets = METHODS.map(([key, label], k) => ({
    label,
    data: BITS.map((b) => {
      const v = results[group]?.[b]?.[key];
      return typeof v === 'number' ? 100 * v : null;
    }),
    backgroundColor: c.series[k],
    borderColor: c.series[k],
  }));
  return { type: 'bar', data: { labels: BITS.map((b) => `${b}-bit`), datasets }, options };
}

function compareSummary(results, group) {
  const parts = BITS.filter((b) => results[group]?.[b]).map((b) => {
    const r = results[group][b];
    const qat = typeof r.qat === 'number' ? `QAT ${percent(r.qat)} (${r.epochs} epoch${r.epochs > 1 ? 's' : ''}, learning rate ${lrLabel(r.lr)})` : 'QAT not run to the end yet';
    return `${b} bits: round-to-nearest ${percent(r.rtn)}, GPTQ ${percent(r.gptq)}, ${qat}`;
  });
  const no8 = group === 'channel' ? '' : ' 8 bits has no groups here (int8 kernels: one scale per channel).';
  if (!parts.length) return `No run ${GROUPS[group]} yet: press Start to fill this chart in.${no8}`;
  return `${parts.join('; ')}. Bits not run yet ${GROUPS[group]} have no bars.${no8} Differences within about ±${NOISE_POINTS} points are noise.`;
}

function mountLab(root, { lab, params, spec, setParams, started }) {
  const view = createViewState({ ...params }, { setParams, render: () => render() });
  const bitsRadios = radioGroup({ legend: 'Weight bits', labels: Object.fromEntries(spec.bits.values.map((b) => [b, `${b} bits`])), onChange: (bits) => view.set({ bits }) });
  const groupRadios = radioGroup({ legend: 'Scales', labels: Object.fromEntries(spec.group.values.map((g) => [g, GROUPS[g]])), onChange: (group) => view.set({ group }) });
  const lrRadios = radioGroup({ legend: 'Learning rate (Adam)', labels: Object.fromEntries(spec.lr.values.map((lr) => [lr, lrLabel(lr)])), onChange: (lr) => view.set({ lr }) });
  const epochsSlider = slider({ label: 'Epochs', min: spec.epochs.min, max: spec.epochs.max, value: params.epochs, hint: '79 steps of 128 images each', onInput: (epochs) => view.set({ epochs }) });
  const ste = chartFigure({ title: 'Fake quantization forward, the straight-through estimator backward' });

  const button = (text, onClick, extra = {}) => h('button', { type: 'button', ...extra, on: { click: onClick } }, text);
  const startButton = button('Start', () => startRun(), { class: 'primary' });
  const pauseButton = button('Pause', () => pause(), { hidden: true });
  const resumeButton = button('Resume', () => resume(), { hidden: true });
  const cancelButton = button('Cancel', () => cancel(), { hidden: true });
  const progress = h('progress', { max: 1, value: 0, 'aria-label': 'Progress of the training run', hidden: true });
  const statusText = h('p', { class: 'qat-status', role: 'status' });
  // The lab's 8-bit layers are int8 with one scale per tensor or per channel: no groups (docs/lowbit.md).
  const blockedNote = h('p', { class: 'hint', hidden: true, text: 'At 8 bits the lab’s integer kernels take one scale per channel, not groups: choose per channel to train 8 bits.' });
  const errorText = h('p', { class: 'data-error', role: 'alert', hidden: true });
  const loss = chartFigure({ title: 'Training loss of the fake-quantized network' });
  const accuracy = chartFigure({ title: 'Test accuracy during QAT (10,000 test images)' });
  const compare = chartFigure({ title: 'Round-to-nearest, GPTQ and QAT per bit width (10,000 test images)' });
  const curves = h('div', { class: 'qat-curves', hidden: true }, loss.figure, accuracy.figure);
  const comparison = h('div', { class: 'qat-compare', hidden: true }, h('h3', { text: 'Which method, at which bit width?' }), compare.figure);

  root.append(
    h('div', { class: 'controls' }, bitsRadios.field, groupRadios.field, lrRadios.field, epochsSlider.field),
    ste.figure,
    h('h3', { text: 'Train the trained network on the grid' }),
    h('p', { text: 'Start downloads 10,000 training images, the 10,000 test images and the trained network (9 MB, once), measures round-to-nearest and GPTQ at the chosen bits, then fine-tunes the network with its weights fake-quantized, in a Web Worker: a few seconds per epoch on a laptop.' }),
    h('div', { class: 'qat-run' }, h('div', { class: 'button-row' }, startButton, pauseButton, resumeButton, cancelButton), blockedNote, progress, statusText, errorText),
    curves, comparison);

  let session = null;
  let fp32 = null;
  let phase = 'idle'; // idle | loading | baseline | training | paused
  let runs = { current: null, previous: null };
  const results = {}; // group -> bits -> {rtn, gptq, qat, lr, epochs}
  let frame = 0;
  const redrawTimes = [];

  function render() {
    const { bits, group, lr, epochs } = view.get();
    bitsRadios.set(bits);
    groupRadios.set(group);
    lrRadios.set(lr);
    epochsSlider.set(epochs);
    const blocked = bits === '8' && group !== 'channel';
    startButton.disabled = blocked;
    blockedNote.hidden = !blocked;
    const b = Number(bits);
    const qmax = 2 ** (b - 1) - 1;
    ste.update((c) => steChart(c, b),
      `At ${b} bits the weights take ${2 * qmax + 1} levels, −${qmax} … ${qmax} steps of s (here s = 1/${qmax}, so the grid spans −1 … 1). Forward, q(w) is the staircase; ` +
      `backward, the STE passes the gradient through as if the staircase were the line w itself (factor 1) while |round(w / s)| ≤ ${qmax}, i.e. |w| < ${sig(1 + 0.5 / qmax, 4)}, and blocks it (factor 0) beyond, where q(w) is clipped and moving w changes nothing.`);
    drawCompare();
  }

  function drawCompare() {
    if (comparison.hidden) return;
    const { group } = view.get();
    compare.update((c) => compareChart(c, results, group, fp32), compareSummary(results, group));
  }

  // Each chart is redrawn at most once per animation frame, and only when its data changed: the loss after every
  // chunk of steps, the accuracy after each test evaluation.
  const dirty = { loss: false, test: false };
  function drawCurves(parts = { loss: true, test: true }) {
    frame = 0;
    const r = runs.current;
    if (!r) return;
    const t0 = performance.now();
    if (parts.loss) {
      loss.update((c) => lossChart(c, runs), r.loss.length
        ? `${r.label}: the loss of the quantized network fell from ${sig(r.loss[0].y, 3)} (first 4 steps) to ${sig(r.loss.at(-1).y, 3)} (steps up to ${r.loss.at(-1).x}) of ${r.total}.`
        : `${r.label}: waiting for the first steps.`);
    }
    if (parts.test) {
      const first = r.test[0];
      const last = r.test.at(-1);
      accuracy.update((c) => accuracyChart(c, runs, fp32), first
        ? `Before training the network rounded to ${r.label} scores ${percent(first.y / 100)} (round-to-nearest, float32 activations). ` +
          `${last.x ? `After ${last.x} steps of QAT: ${percent(last.y / 100)}.` : 'QAT has not measured a step yet.'} Float32: ${percent(fp32)}${r.gptq !== undefined ? `; GPTQ ${percent(r.gptq)}` : ''}.`
        : `${r.label}: measuring round-to-nearest and GPTQ first.`);
    }
    // What each redraw costs (read by the browser test, which prints them): milliseconds, the latest 400.
    redrawTimes.push(Math.round(10 * (performance.now() - t0)) / 10);
    if (redrawTimes.length > 400) redrawTimes.shift();
    root.dataset.redrawTimes = redrawTimes.join(',');
  }
  const scheduleCurves = (part) => {
    dirty[part] = true;
    frame ||= requestAnimationFrame(() => {
      const parts = { ...dirty };
      dirty.loss = dirty.test = false;
      drawCurves(parts);
    });
  };

  function setPhase(next) {
    phase = next;
    const running = phase === 'loading' || phase === 'baseline' || phase === 'training' || phase === 'paused';
    startButton.hidden = running;
    pauseButton.hidden = phase !== 'training';
    resumeButton.hidden = phase !== 'paused';
    cancelButton.hidden = !running;
    progress.hidden = !running;
    root.closest('.exercise')?.setAttribute('aria-busy', String(phase === 'loading' || phase === 'baseline'));
  }

  function fail(message) {
    session?.cancel();
    session = null;
    setPhase('idle');
    statusText.textContent = '';
    errorText.hidden = false;
    errorText.textContent = `The training could not run: ${message}.`.replace(/\.\.$/, '.');
    startButton.textContent = 'Try again';
  }

  function onMessage(m) {
    const r = runs.current;
    if (m.type === 'download') {
      if (m.fraction === null || m.fraction === undefined) progress.removeAttribute('value');
      else progress.value = m.fraction;
      statusText.textContent = m.text;
      return;
    }
    if (m.type === 'error') {
      if (m.id === null || m.id === r?.id) fail(m.message);
      return;
    }
    if (!r || m.id !== r.id) return;
    const entry = (results[r.group] ??= {})[r.bits] ??= {};
    if (m.type === 'stage') {
      progress.removeAttribute('value');
      statusText.textContent = m.text;
    } else if (m.type === 'baseline') {
      Object.assign(entry, { rtn: m.rtn, gptq: m.gptq, qat: undefined, lr: r.lr, epochs: r.epochs });
      r.gptq = m.gptq;
      comparison.hidden = false;
      drawCompare();
      setPhase('training');
      statusText.textContent = 'Training…';
    } else if (m.type === 'loss') {
      r.total = m.total;
      r.stepsPerEpoch = m.total / r.epochs;
      r.loss.push({ x: m.step, y: m.loss });
      scheduleCurves('loss');
      progress.value = m.step / m.total;
      statusText.textContent = `Epoch ${Math.min(r.epochs, Math.floor((m.step - 1) / r.stepsPerEpoch) + 1)} of ${r.epochs}: step ${m.step} of ${m.total}, loss ${sig(m.loss, 3)}, ` +
        `training accuracy ${(100 * m.accuracy).toFixed(1)}% over the last batches.`;
    } else if (m.type === 'test') {
      r.test.push({ x: m.step, y: 100 * m.accuracy });
      scheduleCurves('test');
    } else if (m.type === 'paused') {
      setPhase('paused');
      statusText.textContent = `Paused after step ${m.step} of ${r.total}. Resume continues from here; the trainer waits in the worker.`;
    } else if (m.type === 'done') {
      entry.qat = m.qat;
      setPhase('idle');
      startButton.textContent = 'Start again';
      statusText.textContent = `Done: ${r.label} after ${r.epochs} epoch${r.epochs > 1 ? 's' : ''} of QAT scores ${percent(m.qat)} on the test images ` +
        `(round-to-nearest ${percent(entry.rtn)}, GPTQ ${percent(entry.gptq)}, float32 ${percent(fp32)}).`;
      drawCurves();
      drawCompare();
    }
  }

  async function startRun() {
    const { bits, group, lr, epochs } = view.get();
    if (bits === '8' && group !== 'channel') return;
    started?.();
    errorText.hidden = true;
    setPhase('loading');
    progress.removeAttribute('value');
    statusText.textContent = 'Preparing the training…';
    try {
      session ??= (await import('./session.js')).trainingSession({ lab, on: (m) => onMessage(m) });
      const settings = { bits: Number(bits), group, lr: Number(lr), epochs };
      const label = `${schemeText({ bits, group })}, learning rate ${lrLabel(lr)}`;
      const pending = session.start(settings);
      const { id, fp32: accuracy32 } = await pending;
      fp32 = accuracy32;
      if (runs.current?.loss.length) runs.previous = runs.current;
      runs = { previous: runs.previous, current: { id, bits, group, lr, epochs, label, stepsPerEpoch: 79, total: epochs * 79, loss: [], test: [] } };
      if (phase === 'loading') setPhase('baseline');
      curves.hidden = false;
      drawCurves();
    } catch (e) {
      if (e?.name === 'AbortError' || phase === 'idle') return;
      fail(e?.message ?? String(e));
    }
  }

  function pause() {
    if (phase !== 'training') return;
    pauseButton.disabled = true;
    session?.pause();
    statusText.textContent = 'Pausing after the current steps…';
    setTimeout(() => { pauseButton.disabled = false; }, 0);
  }

  function resume() {
    if (phase !== 'paused') return;
    session?.resume();
    setPhase('training');
    statusText.textContent = 'Training…';
  }

  function cancel() {
    session?.cancel();
    const r = runs.current;
    setPhase('idle');
    startButton.textContent = 'Start';
    statusText.textContent = r ? `Cancelled: the run (${r.label}) stopped after ${r.loss.at(-1)?.x ?? 0} steps; its curves stay for comparison.` : 'Cancelled.';
  }

  render();
  return {
    update(next) {
      view.replace({ ...next });
    },
    destroy() {
      if (frame) cancelAnimationFrame(frame);
      session?.cancel();
      for (const f of [ste, loss, accuracy, compare]) f.destroy();
    },
  };
}

export default { lesson, mountLab };
