// Exercise 1: symmetric quantization of a small weight vector. The learner edits the weights and the bit width;
// the page shows the scale, a table of original / x÷scale / q / recovered / error, and a chart of the weights on
// the quantization grid. Every number comes from the WebAssembly core.
import { parseNumber } from '../../app/params.js';
import { createViewState } from '../../app/state.js';
import { baseOptions, chartFigure } from '../../ui/charts.js';
import { fieldMessage, h, fill, slider, table, uid } from '../../ui/dom.js';
import { exact, fixed, num, sig } from '../../ui/format.js';
import { NOTEBOOK_WEIGHTS } from './data.js';

const lesson = {
  idea: [
    'A trained network keeps its weights as 32-bit floats. Quantization stores each weight as a small integer `q` instead, plus one real number for the whole tensor, the `scale`, that turns integers back into weights: weight ≈ q × scale.',
    'Symmetric quantization puts the integer grid around zero. With `bits` bits the integers run from −qmax to +qmax, where qmax = 2^(bits−1) − 1 (127 for 8 bits), and the scale is chosen so that the weight of largest magnitude lands exactly on the outermost level.',
  ],
  why: [
    'An int8 weight takes a quarter of the memory of a float32 weight, and integer arithmetic is cheaper on most processors. The price is a rounding error on every weight, at most half a step of the grid: scale / 2.',
    'Zero maps to exactly zero, and no offset has to be carried through the arithmetic: that is what makes the symmetric scheme the usual choice for weights.',
  ],
  formula: {
    math: [
      'qmax      = 2^(bits−1) − 1                      127 for 8 bits',
      'scale     = max|x| / qmax',
      'q         = clip(round(x / scale), −qmax, qmax)',
      'recovered = q × scale                           |x − recovered| ≤ scale / 2',
    ].join('\n'),
    notes: [
      '`round` is NumPy’s: a value exactly halfway between two integers goes to the even one (np.round(2.5) = 2, np.round(3.5) = 4). JavaScript’s `Math.round` always goes up (Math.round(2.5) = 3).',
      'NumPy’s `q.astype(np.float32) * scale` multiplies in float32 (NumPy 1.x casts the scale down to the array’s type), so the recovered values carry about seven significant digits.',
    ],
  },
  note: {
    title: 'Where the notebook’s printed numbers mislead',
    paragraphs: [
      'The notebook’s comment expects q = [100, −42, 36, −63, 127, −113]. NumPy gives 101 for the first weight: 0.247 / scale = 100.54, and 100.54 rounds to 101. The column x ÷ scale in the table shows each quotient before rounding.',
      'For −0.156 the quotient is −63.49999999999999 in float64, just short of a tie, so it rounds to −63. Computed in float32 it would be exactly −63.5, a tie that rounds to −64: results at the edge of a step depend on the precision of the arithmetic. The lab computes in float64, as NumPy does.',
    ],
  },
};

/** Parses the weights field (at most `maxWeights` numbers): {values} or {error}. */
function parseWeights(text, maxWeights) {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.length === 0) return { error: 'Give at least one weight, for example 0.25, -0.5.' };
  if (parts.length > maxWeights) return { error: `At most ${maxWeights} weights, please: you gave ${parts.length}.` };
  const values = [];
  for (let i = 0; i < parts.length; i++) {
    const v = parseNumber(parts[i]);
    if (v === undefined) {
      const shown = parts[i].length > 20 ? `${parts[i].slice(0, 20)}…` : parts[i];
      return { error: `Weight ${i + 1}, “${shown}”, is not a number (use digits, a dot and an optional e-exponent; at most 1e9 in size).` };
    }
    values.push(v);
  }
  return { values };
}

function chartConfig(c, { w, rec, scale, qmax, bits, maxAbs: m }) {
  const limit = m > 0 ? m * 1.12 : 1;
  const options = baseOptions(c, {
    x: { type: 'linear', min: -limit, max: limit, title: 'value', ticks: { maxTicksLimit: 7 } },
    y: { type: 'linear', reverse: true, min: -0.7, max: w.length - 0.3, title: 'weight', grid: { display: false },
      ticks: { stepSize: 1, callback: (v) => (Number.isInteger(v) && v >= 0 && v < w.length ? `w[${v}]` : '') } },
  });
  options.plugins.gridLevels = { step: scale, qmax, color: c.level };
  options.plugins.tooltip.callbacks = { label: (item) => `${item.dataset.label}: ${sig(item.parsed.x, 6)}` };
  return {
    type: 'scatter',
    data: {
      datasets: [
        { label: 'original', data: w.map((x, i) => ({ x, y: i })), backgroundColor: c.series[0], borderColor: c.series[0], pointRadius: 5 },
        { label: `recovered (${bits} bits)`, data: Array.from(rec, (x, i) => ({ x, y: i })), borderColor: c.series[1],
          backgroundColor: c.series[1], pointStyle: 'crossRot', pointRadius: 8, borderWidth: 2 },
      ],
    },
    options,
  };
}

function summary({ w, scale, qmax, bits, stats, allZero, maxAbs, levelsDrawn }) {
  if (allZero) return `All ${w.length} weights are 0, so the scale is 0 and every q is 0: nothing is lost.`;
  const grid = levelsDrawn
    ? `The vertical lines are the ${2 * qmax + 1} levels, ${sig(scale)} apart.`
    : `The ${2 * qmax + 1} levels, ${sig(scale)} apart, are too close together to draw at this size.`;
  return `${w.length} weights at ${bits} bits: scale = ${num(maxAbs)} / ${qmax} = ${sig(scale)}. ` +
    `${grid} Each recovered value (×) sits on a level; the largest error is ${sig(stats.maxAbs)}, within half a step ` +
    `(${sig(scale / 2)}). SQNR ${stats.sqnrDb === Infinity ? 'is infinite (exact)' : `${fixed(stats.sqnrDb, 1)} dB`}.`;
}

function mountLab(root, { lab, params, spec, setParams }) {
  const view = createViewState({ w: [...params.w], bits: params.bits }, { setParams, render: () => render() });

  const weightsId = uid('weights');
  const weightsInput = h('textarea', { id: weightsId, rows: 2, spellcheck: 'false', autocomplete: 'off', class: 'weights' });
  weightsInput.value = params.w.join(', ');
  const weightsMessage = fieldMessage(weightsInput);
  const { min, max } = spec.bits;
  const bits = slider({ label: 'Bits', min, max, value: params.bits, hint: `${min} to ${max}`, onInput: (v) => view.set({ bits: v }) });
  const restore = h('button', { type: 'button', on: { click: () => {
    weightsInput.value = NOTEBOOK_WEIGHTS.join(', ');
    onWeights();
  } } }, 'Use the notebook’s weights');

  const keyNumbers = h('dl', { class: 'key-numbers' });
  const figure = chartFigure({ title: 'Weights on the quantization grid' });
  const tableHost = h('div', { class: 'table-host' });
  const stale = h('p', { class: 'stale-note', hidden: true, text: 'The results below are for the last valid weights.' });

  root.append(
    h('div', { class: 'controls' },
      h('div', { class: 'field wide' }, h('label', { for: weightsId, text: 'Weights (separated by commas or spaces)' }), weightsInput, weightsMessage.el),
      bits.field,
      h('div', { class: 'field' }, restore)),
    stale, keyNumbers, figure.figure, tableHost);

  let refused = false; // the core refused the last weights: their message is on the weights field
  function render() {
    const { w, bits: b } = view.get();
    let r;
    try {
      r = lab.symmetricQuantize(w, b);
    } catch (e) {
      // Weights the core refuses (e.g. a subnormal scale from 1e-310): its message goes where the weights are typed,
      // and the rest of the page stays as it was.
      weightsMessage.set(`These weights cannot be quantized: ${e.message}.`);
      stale.hidden = !keyNumbers.childElementCount;
      refused = true;
      return;
    }
    if (refused) {
      refused = false;
      weightsMessage.clear();
      stale.hidden = true;
    }
    const rec = lab.symmetricDequantize(r.q, r.scale);
    const stats = lab.errorStats(w, rec);
    const maxAbs = Math.max(...w.map(Math.abs));
    fill(keyNumbers,
      h('div', {}, h('dt', { text: 'qmax' }), h('dd', { class: 'qmax', text: `2^(${r.bits}−1) − 1 = ${r.qmax}` })),
      h('div', {}, h('dt', { text: 'scale' }), h('dd', { class: 'scale' }, `${num(maxAbs)} / ${r.qmax} = `,
        h('strong', { text: r.allZero ? '0' : fixed(r.scale, 6) }), h('code', { class: 'exact', text: ` (${exact(r.scale)})` }))),
      h('div', {}, h('dt', { text: 'largest error' }), h('dd', { text: sig(stats.maxAbs, 4) })),
      h('div', {}, h('dt', { text: 'MSE' }), h('dd', { text: sig(stats.mse, 4) })));
    const info = { w, rec, scale: r.scale, qmax: r.qmax, bits: r.bits, stats, allZero: r.allZero, maxAbs };
    figure.update((c) => chartConfig(c, info), (chart) => summary({ ...info, levelsDrawn: chart.$levelsDrawn }));
    fill(tableHost, table({
      caption: `Each weight, its quotient x ÷ scale, the integer q and the value it comes back as (${r.bits} bits)`,
      columns: ['i', 'original x', 'x ÷ scale', 'q', 'recovered', 'error x − recovered'],
      rows: w.map((x, i) => [
        String(i), num(x), r.allZero ? '—' : num(x / r.scale), h('strong', { class: 'q', text: num(r.q[i]) }),
        sig(rec[i], 7), sig(x - rec[i], 3)]),
    }));
  }

  function onWeights() {
    const parsed = parseWeights(weightsInput.value, spec.w.maxLength);
    if (parsed.error) {
      weightsMessage.set(parsed.error);
      stale.hidden = false;
      return;
    }
    weightsMessage.clear();
    stale.hidden = true;
    view.set({ w: parsed.values });
  }
  weightsInput.addEventListener('input', onWeights);

  render();
  return {
    update(next) {
      weightsInput.value = next.w.join(', ');
      bits.set(next.bits);
      weightsMessage.clear();
      stale.hidden = true;
      view.replace({ w: [...next.w], bits: next.bits });
    },
    destroy: () => figure.destroy(),
  };
}

// The exercise's number, title, URL parameters and tasks are declared in ../registry.js.
export default { lesson, mountLab };
