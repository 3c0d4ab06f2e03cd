// Exercise 4: the notebook's SimpleNet (784 → 256 → ReLU → 10) quantized dynamically to int8 by the WebAssembly
// core. The page shows the two model files' real sizes, how closely the int8 network's outputs follow the float
// one's (one input as a chart, 100 inputs as numbers), and — on request, in a Web Worker with progress and Cancel —
// how long a forward pass takes in float32 and int8, with the SIMD and the scalar builds.
import { baseOptions, chartFigure, logAxis } from './charts.js';
import { loadTimings, timingWorkerUrl } from './core.js';
import { startModuleWorker } from './module-worker.js';
import { fieldMessage, fill, h, radioGroup, slider, table, uid } from './dom.js';
import tasks from './ex4-tasks.js';
import { sig, times } from './format.js';
import { createViewState, parseNumber, SCHEMES, STATE } from './state.js';

const AGREEMENT_INPUTS = 100;
const INPUT_SEED = 1000; // input k is np.random.seed(1000 + k); np.random.randn(784), as forward-timings.js uses
const TIMING_BATCHES = 10;
const START_LIMIT_S = 30; // from Run to the worker's first message (both builds loaded, one batch timed)

const lesson = {
  idea: [
    'Dynamic quantization stores the weights of every linear layer as int8 plus a scale, once. At run time it quantizes each input vector with a scale of its own (its largest magnitude over 127), multiplies integers by integers, adds the products in int32, and turns the sums back into floats with the two scales. Biases stay float32.',
    'The network is the notebook’s SimpleNet: 784 inputs (a 28×28 image), 256 hidden units with ReLU, 10 outputs, initialised like PyTorch’s `nn.Linear` (uniform in ±1/√fan_in) from a seed. Nothing here is trained: the question is only how faithfully int8 reproduces the float network, how much smaller it is, and how much faster.',
  ],
  why: [
    'A float32 weight takes 4 bytes, an int8 weight 1: the model file shrinks almost 4×, and so does the memory a forward pass has to read. The scales add a handful of bytes.',
    'Speed comes from the instructions. WebAssembly SIMD multiplies and adds 4 floats per pair of instructions, but 8 int8 values (widened to int16) per `i32x4.dot_i16x8_s`. Whether that shows depends on the machine, the build and the overheads around the multiplication — which is why the page measures it instead of promising it.',
  ],
  formula: {
    math: [
      's_W = max|W| / 127          W_q = clip(round(W / s_W), −127, 127)       once, int8 (or one s_W per row)',
      's_x = max|x| / 127          x_q = clip(round(x · 127 / max|x|), −127, 127)   every forward pass',
      'y   = float(W_q · x_q) × (s_x × s_W) + b                                     int32 sums, then float32',
    ].join('\n'),
    notes: [
      'Rounding is half to even, as everywhere in the lab. A zero input vector gets s_x = 0 and q = 0 instead of a division by zero.',
      'Input k below is `np.random.seed(1000 + k); np.random.randn(784)` in float32; the agreement numbers use inputs 0 to 99.',
    ],
  },
  note: {
    title: 'What the notebook leaves out',
    paragraphs: [
      'The notebook measures size with `torch.save(model.state_dict())`, which adds pickling around the tensors: 815,519 against 207,119 bytes (3.94×) with PyTorch 1.13. QuantLab’s model file holds the same numbers with a 16-byte header, 16 bytes per layer and a checksum: 814,172 against 204,388 bytes (3.98×).',
      'It prints a speed-up as if int8 were always faster. At batch size 1 it often is not: in our benchmark runs PyTorch’s dynamically quantized SimpleNet took 1.1 to 1.6 times as long as the float one, because quantizing the input and calling the int8 kernels costs more than this small multiplication saves. Measure on your own machine below.',
    ],
  },
};

const SCHEME_LABELS = { tensor: 'one scale per tensor', channel: 'one scale per output channel' };
const CONFIG_LABELS = { fp32_simd: 'float32, SIMD', int8_simd: 'int8, SIMD', fp32_scalar: 'float32, scalar', int8_scalar: 'int8, scalar' };
const bytes = (n) => `${n.toLocaleString('en-US')} bytes`;

function argmax(v) {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/** The models of one state: built when the seed or the scheme changes, freed on the next change or on destroy. */
function modelCache(lab) {
  let key = null;
  let models = null;
  return {
    get(seed, scheme) {
      if (key !== `${seed}/${scheme}`) {
        this.free();
        const fp32 = lab.createSimpleNet(seed);
        models = { fp32, int8: lab.quantizeDynamic(fp32, { perChannel: scheme === 'channel' }) };
        key = `${seed}/${scheme}`;
      }
      return models;
    },
    free() {
      if (models) for (const m of Object.values(models)) m.delete();
      models = null;
      key = null;
    },
  };
}

function sizeChart(c, fp32Bytes, int8Bytes) {
  const options = baseOptions(c, { x: { grid: { display: false } }, y: { title: 'model file (kB)', beginAtZero: true, grace: '12%' }, legend: false });
  options.plugins.valueLabels = { datasets: [0], color: c.text, format: (v) => `${v.toFixed(1)} kB` };
  options.plugins.tooltip.callbacks = { label: (item) => bytes(Math.round(item.parsed.y * 1000)) };
  return {
    type: 'bar',
    data: { labels: ['float32', 'int8'], datasets: [{ label: 'size', data: [fp32Bytes / 1000, int8Bytes / 1000], backgroundColor: [c.series[1], c.series[0]] }] },
    options,
  };
}

function outputsChart(c, a, b) {
  const options = baseOptions(c, { x: { title: 'output (class)', grid: { display: false } }, y: { title: 'output value' } });
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}: ${sig(item.parsed.y, 6)}` };
  return {
    type: 'bar',
    data: {
      labels: Array.from(a, (_, i) => String(i)),
      datasets: [
        { label: 'float32', data: Array.from(a), backgroundColor: c.series[1] },
        { label: 'int8', data: Array.from(b), backgroundColor: c.series[0] },
      ],
    },
    options,
  };
}

function timingChart(c, timings) {
  const ids = Object.keys(timings);
  const options = baseOptions(c, {
    x: logAxis(c, ids.map((id) => timings[id].medianUs), 'µs per forward pass (log scale, shorter is faster)'),
    y: { grid: { display: false } },
    legend: false,
  });
  options.indexAxis = 'y';
  options.scales.x.ticks.maxRotation = 0;
  options.plugins.tooltip.callbacks = { label: (item) => `median ${sig(item.parsed.x, 3)} µs` };
  return {
    type: 'bar',
    data: {
      labels: ids.map((id) => CONFIG_LABELS[id]),
      datasets: [{ label: 'median', data: ids.map((id) => timings[id].medianUs), backgroundColor: ids.map((id) => (id.startsWith('int8') ? c.series[0] : c.series[1])) }],
    },
    options,
  };
}

/** "3.3× faster" or "8.5× slower" than the baseline time. */
function relative(baseUs, us, isBase) {
  if (isBase) return 'baseline';
  return baseUs >= us ? `${times(baseUs / us)} faster` : `${times(us / baseUs)} slower`;
}

/** What the timings say, in words that do not promise more than was measured. */
export function timingVerdict(t) {
  const parts = [];
  // "int8 is 2.8× faster than float32" / "… 1.1× slower than …", from the two medians.
  const compare = (a, b) => relative(t[b].medianUs, t[a].medianUs, false);
  if (t.fp32_simd && t.int8_simd) {
    const r = t.fp32_simd.medianUs / t.int8_simd.medianUs;
    if (r >= 1.2) parts.push(`With SIMD, int8 is ${compare('int8_simd', 'fp32_simd')} than float32 here.`);
    else if (r >= 0.9) parts.push(`With SIMD, int8 and float32 take about the same time here (int8 is ${compare('int8_simd', 'fp32_simd')}): the saved multiplications are eaten by quantizing the input and converting the sums back.`);
    else parts.push(`On this machine int8 is ${compare('int8_simd', 'fp32_simd')} than float32 with SIMD. That happens: quantizing the input and converting the results back cost time, and a fast float unit can win on a layer this small.`);
  } else {
    parts.push('This browser has no WebAssembly SIMD, so only the scalar build was timed.');
  }
  if (t.int8_simd && t.int8_scalar) parts.push(`SIMD makes the int8 network ${compare('int8_simd', 'int8_scalar')} than the scalar build.`);
  if (t.fp32_scalar && t.int8_scalar) {
    const r = t.fp32_scalar.medianUs / t.int8_scalar.medianUs;
    parts.push(r >= 1.2
      ? `Without SIMD, int8 is ${compare('int8_scalar', 'fp32_scalar')} than float32.`
      : `Without SIMD, int8 gains little or nothing over float32 (it is ${compare('int8_scalar', 'fp32_scalar')}): one integer multiply-add costs about what a float one does, so the gain of int8 comes from SIMD doing 8 of them per instruction.`);
  }
  return parts.join(' ');
}

function mountLab(root, { lab, params, setParams, started = () => {} }) {
  const view = createViewState({ seed: params.seed, scheme: params.scheme, input: params.input }, { setParams, render: () => render() });
  const models = modelCache(lab);
  let timingsModule = null;
  let worker = null;
  let startWatch = 0;

  // ---- controls ----
  const seedId = uid('seed');
  const seedInput = h('input', { id: seedId, type: 'text', inputmode: 'numeric', autocomplete: 'off', class: 'seed', value: String(params.seed) });
  const seedMessage = fieldMessage(seedInput);
  seedInput.addEventListener('input', () => {
    const v = parseNumber(seedInput.value);
    const { min, max } = STATE.ex4.seed;
    if (v === undefined || !Number.isInteger(v) || v < min || v > max) {
      seedMessage.set(`The seed is a whole number from ${min} to ${max}.`);
      return;
    }
    seedMessage.clear();
    view.set({ seed: v });
  });
  const schemeRadios = radioGroup({
    legend: 'int8 weights',
    labels: Object.fromEntries(SCHEMES.map((s) => [s, SCHEME_LABELS[s]])),
    onChange: (scheme) => view.set({ scheme }),
  });
  const inputSlider = slider({ label: 'Input shown', min: STATE.ex4.input.min, max: STATE.ex4.input.max, value: params.input, hint: 'input k: seed 1000 + k', onInput: (v) => view.set({ input: v }) });

  // ---- results ----
  const sizeFigure = chartFigure({ title: 'Model file size' });
  const sizeTable = h('div', { class: 'table-host' });
  const agreementNumbers = h('dl', { class: 'key-numbers agreement' });
  const outputsFigure = chartFigure({ title: 'The 10 outputs for one input, float32 and int8' });

  const runButton = h('button', { type: 'button', class: 'primary', on: { click: startTiming } }, 'Time float32 and int8');
  const cancelButton = h('button', { type: 'button', disabled: true, on: { click: cancelTiming } }, 'Cancel');
  const progress = h('progress', { max: 1, value: 0, 'aria-label': 'Timing progress' });
  const progressText = h('p', { class: 'timing-status', role: 'status', text: 'Not measured yet.' });
  const timingResults = h('div', { class: 'timing-results' });
  let timingFigure = null; // drawn once there is something to show
  const speedHeading = h('h3', { id: uid('speed'), text: 'Speed' });

  root.append(
    h('fieldset', { class: 'controls' }, h('legend', { text: 'The network' }),
      h('div', { class: 'field' }, h('label', { for: seedId, text: 'Seed' }), seedInput, seedMessage.el),
      schemeRadios.field,
      inputSlider.field),
    h('h3', { text: 'Size' }), sizeFigure.figure, sizeTable,
    h('h3', { text: 'Agreement' }), agreementNumbers, outputsFigure.figure,
    h('section', { class: 'benchmark', 'data-part': 'benchmark', 'aria-labelledby': speedHeading.id },
      speedHeading,
      h('p', { text: 'Each version runs in a Web Worker, so this page stays responsive: a warm-up first (the browser optimizes WebAssembly between calls), then batches of forward passes of about 25 ms, four versions in turn; the chart shows each one’s median. The scalar versions use the build for browsers without SIMD. It takes a few seconds.' }),
      h('div', { class: 'button-row' }, runButton, cancelButton),
      progress, progressText, timingResults));

  function render() {
    const state = view.get();
    schemeRadios.set(state.scheme);
    const { fp32, int8 } = models.get(state.seed, state.scheme);

    if (sized !== int8) showSizes(fp32, int8, state.scheme);

    const x = Float32Array.from(lab.randn(INPUT_SEED + state.input, 784));
    const a = fp32.forward(x);
    const b = int8.forward(x);
    const diff = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    outputsFigure.update((c) => outputsChart(c, a, b),
      `Input ${state.input}: float32 picks class ${argmax(a)}, int8 picks class ${argmax(b)}; the outputs differ by at most ${sig(diff, 3)} ` +
      `(the outputs themselves range from ${sig(Math.min(...a), 3)} to ${sig(Math.max(...a), 3)}).`);
    showAgreement(fp32, int8);
  }

  // The sizes depend on the models only: drawn again when the seed or the scheme changes, not on every slider move.
  let sized = null;
  function showSizes(fp32, int8, scheme) {
    sized = int8;
    const scaleBytes = scheme === 'channel' ? 4 * (256 + 10) : 4 * 2;
    sizeFigure.update((c) => sizeChart(c, fp32.sizeBytes, int8.sizeBytes),
      `The float32 file has ${bytes(fp32.sizeBytes)}, the int8 file ${bytes(int8.sizeBytes)}: ${(fp32.sizeBytes / int8.sizeBytes).toFixed(2)}× smaller. ` +
      `The weights shrink from ${bytes(4 * 203264)} to ${bytes(203264)}; the biases (${bytes(4 * 266)}) stay float32, and the int8 file adds ${bytes(scaleBytes)} of scales.`);
    fill(sizeTable, table({
      caption: 'What each model file holds (docs/model-format.md)',
      columns: ['', 'float32', 'int8'],
      rows: [
        ['weights (203,264)', bytes(4 * 203264), bytes(203264)],
        ['biases (266, float32)', bytes(4 * 266), bytes(4 * 266)],
        [`scales (${SCHEME_LABELS[scheme]})`, '—', bytes(scaleBytes)],
        ['header, layer shapes, checksum', bytes(52), bytes(52)],
        ['file', h('strong', { class: 'size-fp32', text: bytes(fp32.sizeBytes) }), h('strong', { class: 'size-int8', text: bytes(int8.sizeBytes) })],
      ],
    }));
  }

  // The agreement over 100 inputs depends on the models only: computed once per pair, not on every slider move.
  let agreement = null;
  function showAgreement(fp32, int8) {
    const write = ({ maxAbsDiff, argmaxAgree, inputs }) => fill(agreementNumbers,
      h('div', {}, h('dt', { text: `largest |float32 − int8| over ${inputs} inputs × 10 outputs` }), h('dd', { class: 'max-diff', text: sig(maxAbsDiff, 4) })),
      h('div', {}, h('dt', { text: 'same top class' }), h('dd', { class: 'argmax-agree', text: `${argmaxAgree} of ${inputs} inputs` })));
    const measure = (m) => {
      if (agreement?.fp32 !== fp32) agreement = { fp32, result: m.measureAgreement(lab, fp32, int8, { count: AGREEMENT_INPUTS, seed: INPUT_SEED }) };
      write(agreement.result);
    };
    if (timingsModule) return measure(timingsModule);
    fill(agreementNumbers, h('p', { class: 'hint', text: 'Comparing 100 inputs…' }));
    loadTimings().then((m) => {
      timingsModule = m;
      const state = view.get();
      if (models.get(state.seed, state.scheme).fp32 === fp32) measure(m);
    }, (e) => fill(agreementNumbers, h('p', { class: 'error-text', text: `The agreement could not be computed: ${e.message}` })));
  }

  function setRunning(running) {
    runButton.disabled = running;
    cancelButton.disabled = !running;
    root.closest('.exercise')?.setAttribute('aria-busy', running ? 'true' : 'false');
  }

  function startTiming() {
    cancelTiming(false);
    const state = view.get();
    setRunning(true);
    progress.value = 0;
    progressText.textContent = 'Loading both builds in the worker…';
    started();
    worker = startModuleWorker(timingWorkerUrl(), { name: 'quantlab-timing' });
    const mine = worker;
    // A worker the browser refuses to start (a course page's CSP without worker-src blob:, a host without CORS)
    // may fail without an error event: say so rather than wait forever for the first batch.
    startWatch = setTimeout(() => {
      if (mine !== worker) return;
      finish();
      progressText.textContent = `The timing worker did not start within ${START_LIMIT_S} s. If the lab is embedded, the page must allow `
        + 'workers from blob: URLs and scripts from the lab\'s address (README, "Content-Security-Policy of the course page").';
    }, START_LIMIT_S * 1000);
    worker.onmessage = ({ data }) => {
      if (mine !== worker) return;
      clearTimeout(startWatch);
      if (data.type === 'progress') {
        progress.max = data.total;
        progress.value = data.done;
        progressText.textContent = `Timing ${CONFIG_LABELS[data.config]}: batch ${data.done} of ${data.total}.`;
      } else if (data.type === 'done') {
        finish();
        showTimings(data.result);
      } else if (data.type === 'error') {
        finish();
        progressText.textContent = `The timing stopped with an error: ${data.message}`;
      }
    };
    worker.onerror = (e) => {
      if (mine !== worker) return;
      finish();
      progressText.textContent = `The timing worker could not run: ${e.message || 'it failed to load'}.`;
    };
    worker.postMessage({ seed: state.seed, perChannel: state.scheme === 'channel', timing: { batches: TIMING_BATCHES } });
  }

  function finish() {
    clearTimeout(startWatch);
    worker?.terminate();
    worker = null;
    setRunning(false);
  }

  function cancelTiming(say = true) {
    if (!worker) return;
    finish();
    progress.value = 0;
    if (say) progressText.textContent = 'Cancelled. Nothing was measured to the end; press the button to start again.';
  }

  function showTimings(result) {
    const t = result.timings;
    const ids = Object.keys(t);
    progressText.textContent = `Measured ${ids.length} versions, ${TIMING_BATCHES} batches each, seed ${view.get().seed}, ${SCHEME_LABELS[result.perChannel ? 'channel' : 'tensor']}.`;
    timingFigure ??= chartFigure({ title: 'Time per forward pass (median of batches)' });
    const baseId = t.fp32_simd ? 'fp32_simd' : 'fp32_scalar';
    const base = t[baseId];
    fill(timingResults, timingFigure.figure, h('p', { class: 'timing-verdict', text: timingVerdict(t) }), table({
      caption: 'µs per forward pass: median, fastest and slowest batch, and the median against float32',
      columns: ['version', 'median', 'fastest batch', 'slowest batch', `against ${CONFIG_LABELS[baseId]}`],
      rows: ids.map((id) => [CONFIG_LABELS[id], h('span', { 'data-config': id, text: `${sig(t[id].medianUs, 3)} µs` }),
        `${sig(t[id].minUs, 3)} µs`, `${sig(t[id].maxUs, 3)} µs`, relative(base.medianUs, t[id].medianUs, id === baseId)]),
    }));
    timingFigure.update((c) => timingChart(c, t),
      ids.map((id) => `${CONFIG_LABELS[id]}: ${sig(t[id].medianUs, 3)} µs`).join('; ') + '.');
  }

  render();
  return {
    update(next) {
      seedInput.value = String(next.seed);
      seedMessage.clear();
      inputSlider.set(next.input);
      view.replace({ seed: next.seed, scheme: next.scheme, input: next.input });
    },
    destroy() {
      cancelTiming(false);
      models.free();
      sizeFigure.destroy();
      outputsFigure.destroy();
      timingFigure?.destroy();
    },
  };
}

// The exercise's number, title and hash parameters are in exercises.js and state.js.
export default {
  lesson,
  tasks,
  mountLab,
};
