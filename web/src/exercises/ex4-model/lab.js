// Exercise 4: the notebook's SimpleNet (784 → 256 → ReLU → 10) quantized dynamically to int8 by the WebAssembly
// core. The page shows the two model files' real sizes, how closely the int8 network's outputs follow the float
// one's (one input as a chart, 100 inputs as numbers), and — on request, in a Web Worker with progress and Cancel —
// how long a forward pass takes in float32 and int8, with the SIMD and the scalar builds.
import { AGREEMENT_INPUT_SEED as INPUT_SEED, agreementInputs, argmax, measureAgreement } from '../../../quantlab/agreement.js';
import { parseNumber } from '../../app/params.js';
import { createViewState } from '../../app/state.js';
import { baseOptions, chartFigure, signedTicks } from '../../ui/charts.js';
import { fieldMessage, fill, h, radioGroup, slider, uid, fillTable } from '../../ui/dom.js';
import { grouped, sig } from '../../ui/format.js';
import { SCHEME_LABELS } from './data.js';
import { withTrainedMode } from './trained.js'; // the weights switch: random (the notebook) or trained on Fashion-MNIST

const AGREEMENT_INPUTS = 100;

const lesson = {
  idea: [
    'Dynamic quantization stores the weights of every linear layer as int8 plus a scale, once. At run time it quantizes each input vector with a scale of its own (its largest magnitude over 127), multiplies integers by integers, adds the products in int32, and turns the sums back into floats with the two scales. Biases stay float32.',
    'The network is the notebook’s SimpleNet: 784 inputs (a 28×28 image), 256 hidden units with ReLU, 10 outputs, initialised like PyTorch’s `nn.Linear` (uniform in ±1/√fan_in) from a seed. With its random weights (the notebook’s) the question is only how faithfully int8 reproduces the float network, how much smaller it is, and how much faster; the “trained on Fashion-MNIST” switch asks what int8 does to a network that has learned something, on 10,000 real test images.',
  ],
  why: [
    'A float32 weight takes 4 bytes, an int8 weight 1: the model file shrinks almost 4×, and so does the memory a forward pass has to read. The scales add a handful of bytes.',
    'Speed comes from the instructions. WebAssembly SIMD multiplies and adds 4 floats per pair of instructions, but 8 int8 values (widened to int16) per `i32x4.dot_i16x8_s`. Whether that shows depends on the machine, the build and the overheads around the multiplication — which is why the page measures it instead of promising it.',
  ],
  formula: {
    math: [
      'per layer, once (or one s_W per row):',
      '  s_W = max|W| / 127',
      '  W_q = clip(round(W / s_W), ±127)',
      'per input vector, every pass:',
      '  s_x = max|x| / 127',
      '  x_q = clip(round(x / s_x), ±127)',
      '  acc = W_q · x_q     (int32 sums)',
      '  y   = acc · s_x · s_W + b',
    ].join('\n'),
    notes: [
      'Rounding is half to even, as everywhere in the lab. A zero input vector gets s_x = 0 and q = 0 instead of a division by zero.',
      `Input k below is \`np.random.seed(${INPUT_SEED} + k); np.random.randn(784)\` in float32; the agreement numbers use inputs 0 to ${AGREEMENT_INPUTS - 1}.`,
    ],
  },
  note: {
    title: 'What the notebook leaves out',
    paragraphs: [
      'What differs from the notebook’s `torch.quantization.quantize_dynamic`: PyTorch quantizes each activation vector asymmetrically, to uint8 with a zero point (its range min … max mapped onto 0 … 255), and on x86 (the fbgemm backend) with `reduce_range`, only 7 bits (0 … 127), to keep its int16 intermediate sums from overflowing. Its int8 weights are symmetric with the scale max|w| / 127.5 (the 255 steps of −128 … 127, halved), where this lab uses max|w| / 127 and leaves −128 out. The idea is the same; the last digits differ. PyTorch’s own documentation now points users of `torch.ao.quantization` to torchao.',
      'The notebook measures size with `torch.save(model.state_dict())`, which adds pickling around the tensors: 815,519 against 207,119 bytes (3.94×) with PyTorch 1.13. QuantLab’s model file holds the same numbers with a 16-byte header, 16 bytes per layer and a checksum: 814,172 against 204,388 bytes (3.98×).',
      'It prints a speed-up as if int8 were always faster. At batch size 1 it often is not: in our benchmark runs PyTorch’s dynamically quantized SimpleNet took 1.1 to 1.6 times as long as the float one, because quantizing the input and calling the int8 kernels costs more than this small multiplication saves. Measure on your own machine below.',
    ],
  },
};

const bytes = (n) => `${grouped(n)} bytes`;

/**
 * What a model file holds, from the model's layer sizes and the file format (docs/model-format.md): weight and
 * bias counts, and the bytes of weights (int8 rows padded to 4 bytes), biases and scales; `rest` is the header,
 * the layer shapes and the checksum, whatever of the real file size those leave.
 */
function fileContents(model) {
  const sizes = model.layerSizes;
  const layers = sizes.slice(1).map((out, l) => ({ in: sizes[l], out }));
  const weights = layers.reduce((sum, l) => sum + l.in * l.out, 0);
  const biases = layers.reduce((sum, l) => sum + l.out, 0);
  const int8 = model.kind === 'int8';
  const weightBytes = int8 ? layers.reduce((sum, l) => sum + Math.ceil((l.in * l.out) / 4) * 4, 0) : 4 * weights;
  const scaleBytes = int8 ? 4 * (model.perChannel ? biases : layers.length) : 0;
  const biasBytes = 4 * biases;
  return { weights, biases, weightBytes, biasBytes, scaleBytes, rest: model.sizeBytes - weightBytes - biasBytes - scaleBytes };
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

// The difference float32 − int8 per output: the outputs themselves agree to 2 or 3 digits, so side by side they
// look identical; their difference is what quantization changed.
function outputsChart(c, a, b) {
  const options = baseOptions(c, {
    x: { title: 'output (class; ★ the top class)', grid: { display: false }, ticks: { maxRotation: 0, autoSkip: false } },
    y: { title: 'float32 − int8', ticks: { callback: signedTicks } },
  });
  options.plugins.tooltip.callbacks = {
    label: (item) => [`float32 − int8: ${sig(item.parsed.y, 4)}`, `float32 ${sig(a[item.dataIndex], 4)}, int8 ${sig(b[item.dataIndex], 4)}`],
  };
  const top = [argmax(a), argmax(b)];
  return {
    type: 'bar',
    data: {
      labels: Array.from(a, (_, i) => (top.includes(i) ? `${i} ★` : String(i))),
      datasets: [{ label: 'float32 − int8', data: Array.from(a, (v, i) => v - b[i]), backgroundColor: c.series[0] }],
    },
    options: { ...options, plugins: { ...options.plugins, legend: { display: false } } },
  };
}


function mountLab(root, { lab, params, spec, setParams, started = () => {} }) {
  const view = createViewState({ seed: params.seed, scheme: params.scheme, input: params.input }, { setParams, render: () => render() });
  const models = modelCache(lab);
  let timing = null; // speed.js, loaded when the learner first presses the button
  let destroyed = false;

  // ---- controls ----
  const seedId = uid('seed');
  const seedInput = h('input', { id: seedId, type: 'text', inputmode: 'numeric', autocomplete: 'off', class: 'seed', value: String(params.seed) });
  const seedMessage = fieldMessage(seedInput);
  seedInput.addEventListener('input', () => {
    const v = parseNumber(seedInput.value);
    const { min, max } = spec.seed;
    if (v === undefined || !Number.isInteger(v) || v < min || v > max) {
      seedMessage.set(`The seed is a whole number from ${min} to ${max}.`);
      return;
    }
    seedMessage.clear();
    view.set({ seed: v });
  });
  const schemeRadios = radioGroup({
    legend: 'int8 weights',
    labels: Object.fromEntries(spec.scheme.values.map((s) => [s, SCHEME_LABELS[s]])),
    onChange: (scheme) => view.set({ scheme }),
  });
  const inputSlider = slider({ label: 'Input shown', min: spec.input.min, max: spec.input.max, value: params.input, hint: `input k: seed ${INPUT_SEED} + k`, onInput: (v) => view.set({ input: v }) });

  // ---- results ----
  const sizeFigure = chartFigure({ title: 'Model file size' });
  const sizeTable = h('div', { class: 'table-host' });
  const agreementNumbers = h('dl', { class: 'key-numbers agreement' });
  const outputsFigure = chartFigure({ title: 'How much int8 changed each of the 10 outputs (float32 − int8), for one input' });
  const jumpButton = h('button', { type: 'button', on: { click: () => jumpToDisagreement() } }, 'Show an input whose top class differs');
  const jumpStatus = h('p', { class: 'hint', role: 'status' });
  // A slot for another view of the same network (exercise 4's trained mode, issue 12): after the size and the
  // outputs, before the timing.
  const modeSlot = h('div', { class: 'ex4-mode-slot', 'data-slot': 'mode' });

  const runButton = h('button', { type: 'button', class: 'primary', on: { click: startTiming } }, 'Time float32 and int8');
  const cancelButton = h('button', { type: 'button', disabled: true, on: { click: () => timing?.cancel() } }, 'Cancel');
  const progress = h('progress', { max: 1, value: 0, 'aria-label': 'Timing progress' });
  const progressText = h('p', { class: 'timing-status', role: 'status', text: 'Not measured yet.' });
  const timingResults = h('div', { class: 'timing-results' });
  const speedHeading = h('h3', { id: uid('speed'), text: 'Speed' });

  root.append(
    h('fieldset', { class: 'controls' }, h('legend', { text: 'The network' }),
      h('div', { class: 'field' }, h('label', { for: seedId, text: 'Seed' }), seedInput, seedMessage.el),
      schemeRadios.field,
      inputSlider.field),
    h('h3', { text: 'Size' }), sizeFigure.figure, sizeTable,
    h('h3', { text: 'Agreement' }), agreementNumbers, outputsFigure.figure,
    h('div', { class: 'button-row' }, jumpButton), jumpStatus,
    modeSlot,
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

    const [x] = agreementInputs(lab, 1, { seed: INPUT_SEED + state.input });
    const a = fp32.forward(x);
    const b = int8.forward(x);
    const diff = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    const same = argmax(a) === argmax(b);
    outputsFigure.update((c) => outputsChart(c, a, b),
      `Input ${state.input}: float32 picks class ${argmax(a)}, int8 ${same ? 'picks the same' : `picks class ${argmax(b)}`} (★). ` +
      `int8 moved the outputs by at most ${sig(diff, 3)}, while the outputs themselves range from ${sig(Math.min(...a), 3)} to ${sig(Math.max(...a), 3)}` +
      `${same ? '' : ': here the two largest outputs were closer than that, so the top class flipped'}.`);
    showAgreement(fp32, int8);
  }

  // The sizes depend on the models only: drawn again when the seed or the scheme changes, not on every slider move.
  let sized = null;
  function showSizes(fp32, int8, scheme) {
    sized = int8;
    const f = fileContents(fp32);
    const q = fileContents(int8);
    sizeFigure.update((c) => sizeChart(c, fp32.sizeBytes, int8.sizeBytes),
      `The float32 file has ${bytes(fp32.sizeBytes)}, the int8 file ${bytes(int8.sizeBytes)}: ${(fp32.sizeBytes / int8.sizeBytes).toFixed(2)}× smaller. ` +
      `The weights shrink from ${bytes(f.weightBytes)} to ${bytes(q.weightBytes)}; the biases (${bytes(f.biasBytes)}) stay float32, and the int8 file adds ${bytes(q.scaleBytes)} of scales. ` +
      `An estimate from the parameter count, ${grouped(f.weights + f.biases)} parameters × 1 byte = ${bytes(f.weights + f.biases)}, misses ${bytes(int8.sizeBytes - f.weights - f.biases)}: ` +
      `the biases’ other 3 bytes each (${bytes(3 * f.biases)}), the scales, the row padding and the header, layer shapes and checksum (${bytes(q.rest)}).`);
    fillTable(sizeTable, {
      caption: 'What each model file holds (docs/model-format.md)',
      columns: ['', 'float32', 'int8'],
      rows: [
        [`weights (${grouped(f.weights)})`, bytes(f.weightBytes), bytes(q.weightBytes)],
        [`biases (${grouped(f.biases)}, float32)`, bytes(f.biasBytes), bytes(q.biasBytes)],
        [`scales (${SCHEME_LABELS[scheme]})`, '—', bytes(q.scaleBytes)],
        ['header, layer shapes, checksum', bytes(f.rest), bytes(q.rest)],
        ['file', h('strong', { class: 'size-fp32', text: bytes(fp32.sizeBytes) }), h('strong', { class: 'size-int8', text: bytes(int8.sizeBytes) })],
      ],
    });
  }

  // The agreement over 100 inputs depends on the models only: computed once per pair, not on every slider move.
  let agreement = null;
  function showAgreement(fp32, int8) {
    if (agreement?.fp32 !== fp32) {
      const flips = agreementInputs(lab, AGREEMENT_INPUTS).map((x, k) => (argmax(fp32.forward(x)) === argmax(int8.forward(x)) ? -1 : k)).filter((k) => k >= 0);
      agreement = { fp32, flips, result: measureAgreement(lab, fp32, int8, { count: AGREEMENT_INPUTS }) };
    }
    const { maxAbsDiff, argmaxAgree, inputs } = agreement.result;
    fill(agreementNumbers,
      h('div', {}, h('dt', { text: `largest |float32 − int8| over ${inputs} inputs × ${fp32.outputSize} outputs` }), h('dd', { class: 'max-diff', text: sig(maxAbsDiff, 4) })),
      h('div', {}, h('dt', { text: 'same top class' }), h('dd', { class: 'argmax-agree', text: `${argmaxAgree} of ${inputs} inputs` })));
  }

  /** Moves the input slider to the next input (after the one shown) whose top class differs between the two models. */
  function jumpToDisagreement() {
    const { input } = view.get();
    const flips = agreement?.flips ?? [];
    if (!flips.length) {
      jumpStatus.textContent = `On all ${AGREEMENT_INPUTS} inputs the two models pick the same top class: try another seed.`;
      return;
    }
    const next = flips.find((k) => k > input) ?? flips[0];
    jumpStatus.textContent = `Input ${next}: one of ${flips.length} inputs (of ${AGREEMENT_INPUTS}) where the top class differs.`;
    inputSlider.set(next);
    view.set({ input: next });
  }

  async function startTiming() {
    runButton.disabled = true;
    try {
      timing ??= (await import('./speed.js')).createTiming({ root, runButton, cancelButton, progress, progressText, timingResults, started });
      if (destroyed) return;
    } catch (e) {
      runButton.disabled = false;
      progressText.textContent = `The timing could not load: ${e.message}`;
      return;
    }
    const state = view.get();
    timing.start({ seed: state.seed, perChannel: state.scheme === 'channel' });
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
      destroyed = true;
      timing?.destroy();
      models.free();
      sizeFigure.destroy();
      outputsFigure.destroy();
    },
  };
}

// The exercise's number, title, URL parameters and tasks are declared in ../registry.js.
export default withTrainedMode({ lesson, mountLab });
