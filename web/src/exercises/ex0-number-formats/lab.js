// Exercise 0 (before you start): number formats. A typed number in float32, float16, bfloat16 and fp8 E4M3/E5M2,
// bit by bit (a click flips a bit); the values each format holds near it on one number line, against int8 with a
// scale; the trained SimpleNet's weights in each format (weight MSE and test accuracy, measured in a worker); and
// what a model's weights need in memory.
import { labWith } from '../../app/core.js';
import { createViewState } from '../../app/state.js';
import { chartFigure } from '../../ui/charts.js';
import { fieldMessage, fill, h, uid } from '../../ui/dom.js';
import { mountAccuracy } from './accuracy.js';
import { bitLegend, formatRow } from './bits.js';
import { EXAMPLES, FLOAT_FORMATS } from './data.js';
import { mountMemory } from './memory.js';
import { lineConfig, lineSummary, lineValues, lineWindow } from './number-line.js';

const lesson = {
  idea: [
    'A floating-point number is three fields of bits: a sign, an exponent and a mantissa. The value is (−1)^sign × 1.mantissa × 2^(exponent − bias): the exponent picks a range between two powers of two (a binade), and the mantissa picks one of 2^m evenly spaced values inside it. Every binade holds the same number of values, so the values are dense near zero and sparse far from it: the spacing is about the same fraction of the value everywhere.',
    'float32 has 8 exponent bits and 23 mantissa bits. float16 has 5 and 10: about 3 decimal digits, and nothing above 65504. bfloat16 keeps float32’s 8 exponent bits and only 7 mantissa bits: float32’s whole range (up to 3.4 × 10^38) with 8 bits of precision, which is why training prefers it (gradients span a huge range, and nothing overflows). The two 8-bit formats of the OCP FP8 specification go further: E4M3 (4 exponent bits, 3 mantissa bits) reaches only 448 and has no infinity; E5M2 (5 and 2) follows IEEE’s rules and reaches 57344.',
    'Below the smallest normal value the exponent field is 0 and the leading 1 disappears: subnormal numbers fill the gap to zero with the spacing of the first binade, losing precision as they shrink. Above the largest value a number overflows: IEEE formats store infinity, fp8 casts saturate to the largest value.',
  ],
  why: [
    'Every quantization in this lab trades range against precision. An int8 grid with a scale is uniform: 255 evenly spaced levels from −127 × scale to 127 × scale, so small values get few levels and the largest gets the finest relative step. fp8 with a scale has about as many codes but spends them logarithmically: every binade gets 8 (E4M3) or 4 (E5M2) values, so a weight 100 times smaller than the largest keeps the same relative precision.',
    'The format decides what a model costs. A 7-billion-parameter model takes 28 GB in float32, 14 GB in float16 or bfloat16, 7 GB in fp8 or int8 and 3.5 GB in int4: whether it fits an accelerator at all is often the first question.',
  ],
  formula: {
    math: [
      'normal:     value = (−1)^s × 1.m × 2^(e − bias)        e = exponent field, 1 … max',
      'subnormal:  value = (−1)^s × 0.m × 2^(1 − bias)        e = 0',
      '',
      'format     bits  exponent  mantissa  bias   largest       smallest normal  smallest subnormal',
      'float32     32       8        23      127   3.40 × 10^38   2^−126           2^−149',
      'float16     16       5        10       15   65504          2^−14            2^−24',
      'bfloat16    16       8         7      127   3.39 × 10^38   2^−126           2^−133',
      'fp8 E4M3     8       4         3        7   448            2^−6             2^−9',
      'fp8 E5M2     8       5         2       15   57344          2^−14            2^−16',
    ].join('\n'),
    notes: [
      'Rounding is to nearest, ties to even: a value exactly halfway between two neighbours goes to the one whose last mantissa bit is 0. Truncating the extra bits instead always rounds toward zero, and the error piles up in one direction.',
      'E4M3 gives up infinity and all but one NaN: its exponent field 1111 is an ordinary binade (256 to 448), and only S.1111.111 is NaN. E5M2 keeps IEEE’s infinities and NaNs. Formats and rounding follow the OCP 8-bit floating point specification and IEEE 754.',
    ],
  },
  note: {
    title: 'int8 with a scale against fp8 with a scale',
    paragraphs: [
      'Both store a tensor in 8 bits per value plus one scale. int8 divides by max|x| / 127 and rounds to a uniform grid; fp8 divides by max|x| / 448 (E4M3) and rounds to a logarithmic one. For weights that cluster near zero with a few large ones, fp8 keeps the small ones more precisely and the large ones less; per-channel scales help int8 more than anything. The trained model below shows how little either matters to accuracy at 8 bits.',
    ],
  },
};

function numberInput({ value, onValue }) {
  const id = uid('number');
  const input = h('input', { type: 'text', id, inputmode: 'decimal', value: String(value), autocomplete: 'off', spellcheck: 'false' });
  const message = fieldMessage(input);
  input.addEventListener('change', () => {
    const text = input.value.trim().replaceAll('−', '-'); // a typographic minus, as the page writes it, is fine
    const v = Number(text);
    if (text === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) || !Number.isFinite(v) || Math.abs(v) > 3.4028234663852886e38) {
      message.set('Type a number such as 0.1, −2.5 or 6.1e−5 (at most 3.4e38 in size: float32’s largest).');
      return;
    }
    message.clear();
    onValue(v);
  });
  const examples = h('div', { class: 'button-row', role: 'group', 'aria-label': 'Examples' },
    EXAMPLES.map((e) => h('button', { type: 'button', title: e.why, on: { click: () => { message.clear(); onValue(e.value); } } }, String(e.value))));
  return {
    field: h('div', { class: 'field wide' }, h('label', { for: id, text: 'Your number' }), input, message.el, examples),
    set(v) {
      if (document.activeElement !== input) input.value = Object.is(v, -0) ? '-0' : String(v);
    },
  };
}

function mountLab(root, { lab, params, spec, setParams, started }) {
  const view = createViewState({ x: params.x, p: params.p }, { setParams, render: () => render() });
  const infos = Object.fromEntries(FLOAT_FORMATS.map((f) => [f, lab.formatInfo(f)]));
  let flipped = null; // {format, code}: a flipped bit that made an infinity or a NaN (not a number to put in the link)

  const input = numberInput({ value: params.x, onValue: (x) => { flipped = null; view.set({ x }); } });
  const rowsHost = h('div', { class: 'format-rows' });
  const figure = chartFigure({ title: 'The values each format holds near your number' });
  const accuracyHost = h('div', { class: 'accuracy' });
  const memoryHost = h('div', { class: 'memory' });
  root.append(
    h('div', { class: 'controls' }, input.field),
    h('h3', { text: 'Your number in each format' }), bitLegend(), rowsHost,
    figure.figure,
    h('h3', { text: 'A trained model’s weights in each format' }), accuracyHost,
    h('h3', { text: 'How much memory a model’s weights need' }), memoryHost);

  // A flipped bit keeps the keyboard focus: the rows are redrawn, so the same bit of the same format takes it back.
  const onFlip = (format, code, position) => {
    const parts = lab.floatFormatCode(code, format);
    if (parts.valueClass === 'nan' || parts.valueClass === 'infinity') {
      flipped = { format, code };
      render();
    } else {
      flipped = null;
      view.set({ x: parts.stored });
    }
    rowsHost.querySelector(`[data-format="${format}"] [data-bit="${position}"]`)?.focus();
  };

  function render() {
    const { x, p } = view.get();
    input.set(x);
    fill(rowsHost, FLOAT_FORMATS.map((format) => {
      const isFlipped = flipped?.format === format;
      const f = isFlipped ? lab.floatFormatCode(flipped.code, format) : lab.floatFormat(x, format);
      return formatRow(f, infos[format], { onFlip, flipped: isFlipped });
    }));
    const window = lineWindow(x);
    const info = { x, window, rows: lineValues(lab, x, window) };
    figure.update((c) => lineConfig(c, info), lineSummary(lab, info));
    memory?.update(p);
  }

  let memory = null;
  let destroyed = false;
  render(); // the first chart, before the model sizes below
  memory = mountMemory(memoryHost, { lab, billions: params.p, spec: spec.p, setBillions: (b) => view.set({ p: b }) });
  // SimpleNet's real file sizes, from models the lab builds and serializes (then frees): the page draws with the
  // 'core' module, models need 'data' (registry `pageWasm`), loaded after the first chart.
  labWith(lab, 'data').then((dataLab) => {
    if (destroyed) return;
    const fp32 = dataLab.createSimpleNet(0);
    const int8 = dataLab.quantizeDynamic(fp32);
    try {
      const sizes = fp32.layerSizes;
      const count = sizes.slice(1).reduce((sum, out, i) => sum + out * (sizes[i] + 1), 0);
      memory.showSimpleNet({ params: count, fp32Bytes: fp32.sizeBytes, int8Bytes: int8.sizeBytes });
    } finally {
      fp32.delete();
      int8.delete();
    }
  }, () => {}); // without the module, the note for scale is left out (the accuracy measurement says what failed)
  const accuracy = mountAccuracy(accuracyHost, { lab, started });

  return {
    update(next) {
      flipped = null;
      view.replace({ x: next.x, p: next.p });
    },
    destroy() {
      destroyed = true;
      figure.destroy();
      accuracy.destroy();
    },
  };
}

// The exercise's number, title, URL parameters and tasks are declared in ../registry.js.
export default { lesson, mountLab };
