// Exercise 0: what a model's weights need in memory in each format, against common accelerator memory sizes,
// and the lab's own SimpleNet beside them (its real file sizes, from the lab's model files).
import { fieldMessage, fill, h, uid, fillTable } from '../../ui/dom.js';
import { grouped, sig } from '../../ui/format.js';

const LABELS = { ...FORMAT_LABELS, 'fp8-e4m3': 'fp8 (E4M3, E5M2)' };
import { FORMAT_LABELS, MEMORY_FORMATS, MEMORY_GB, MODEL_SIZES, weightBytes } from './data.js';

/** 28e9 → '28 GB', 3.5e9 → '3.5 GB', 1.2e8 → '120 MB': decimal units, as memory sizes are sold. */
export function bytesText(bytes) {
  const units = [[1e12, 'TB'], [1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']];
  for (const [size, unit] of units) if (bytes >= size) return `${Number((bytes / size).toPrecision(3))} ${unit}`;
  return `${Math.round(bytes)} bytes`;
}

/** One row per format: [format, bytes per parameter, size text, fits in each memory size]. */
export function memoryRows(lab, billions) {
  return MEMORY_FORMATS.map((format) => {
    const { bytes } = lab.formatInfo(format);
    const total = weightBytes(billions, bytes);
    return { format, bytesPerParam: bytes, total, fits: MEMORY_GB.map((gb) => total <= gb * 1e9) };
  });
}

const billionsText = (b) => (b >= 1 ? `${sig(b, 4).replace(/\.?0+$/, '')}B` : `${sig(b * 1000, 4).replace(/\.?0+$/, '')}M`);

/**
 * The calculator: a size picker (presets and a number input, in billions) and the table. setBillions(b) reports a
 * change (the URL state); update(b) redraws; showSimpleNet({params, fp32Bytes, int8Bytes}) adds the lab's own model
 * for scale.
 */
export function mountMemory(root, { lab, billions, spec, setBillions }) {
  const inputId = uid('params');
  const input = h('input', { type: 'text', id: inputId, inputmode: 'decimal', value: String(billions), size: 8, autocomplete: 'off' });
  const message = fieldMessage(input);
  const presets = h('div', { class: 'button-row preset-row', role: 'group', 'aria-label': 'Model sizes' },
    MODEL_SIZES.map((b) => h('button', { type: 'button', 'data-billions': b, on: { click: () => setBillions(b) } }, billionsText(b))));
  input.addEventListener('change', () => {
    const text = input.value.trim();
    const v = Number(text);
    if (!(text !== '' && /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) && Number.isFinite(v) && v >= spec.min && v <= spec.max)) {
      message.set(`Type a number of parameters in billions, from ${spec.min} to ${spec.max} (0.5 is 500 million).`);
      return;
    }
    message.clear();
    setBillions(v);
  });
  const tableHost = h('div', { class: 'table-host' });
  const summary = h('p', { class: 'memory-summary' });
  root.append(
    h('div', { class: 'controls' },
      h('div', { class: 'field' }, h('label', { for: inputId, text: 'Parameters (billions)' }), input, message.el),
      presets),
    tableHost, summary);

  function update(b) {
    if (document.activeElement !== input) input.value = String(b);
    presets.querySelectorAll('button').forEach((el) => el.setAttribute('aria-pressed', String(Number(el.dataset.billions) === b)));
    const rows = memoryRows(lab, b);
    fillTable(tableHost, {
      caption: `The weights of a ${billionsText(b)}-parameter model (${grouped(b * 1e9)} parameters), without activations or caches`,
      columns: ['format', 'bytes per parameter', 'weights take', ...MEMORY_GB.map((gb) => `fits ${gb} GB?`)],
      rows: rows.map((r) => [LABELS[r.format], String(r.bytesPerParam), bytesText(r.total),
        ...r.fits.map((ok) => h('span', { class: ok ? 'fits yes' : 'fits no', text: ok ? '✓ yes' : '✗ no' }))]),
    });
    const f32 = rows.find((r) => r.format === 'float32');
    const i4 = rows.find((r) => r.format === 'int4');
    const smallest = (r) => MEMORY_GB.find((gb, i) => r.fits[i]);
    const where = (r) => (smallest(r) ? `fits ${smallest(r)} GB` : `fits none of these (more than ${MEMORY_GB[MEMORY_GB.length - 1]} GB)`);
    summary.textContent = `${billionsText(b)} parameters take ${bytesText(f32.total)} in float32 (${where(f32)}) and ` +
      `${bytesText(i4.total)} in int4 (${where(i4)}): each halving of the bits halves the memory. A real run needs ` +
      'more than the weights: activations, a cache of past tokens for a language model, and the runtime’s own buffers.';
  }
  update(billions);
  return {
    update,
    /** Adds the note on this lab's SimpleNet (its parameters and real file sizes), once they are known. */
    showSimpleNet(net) {
      root.querySelector('.simplenet-note')?.remove();
      root.append(simpleNetNote(lab, net));
    },
  };
}

function simpleNetNote(lab, net) {
  const f16 = net.params * lab.formatInfo('float16').bytes;
  return h('p', { class: 'simplenet-note' },
    `For scale: this lab’s SimpleNet (784 → 256 → 10) has ${grouped(net.params)} parameters. Its model file takes `,
    h('strong', { text: `${grouped(net.fp32Bytes)} bytes` }), ' in float32 and ',
    h('strong', { text: `${grouped(net.int8Bytes)} bytes` }), ' in int8 (real files of this lab, header and scales included); ',
    `in float16 its parameters would take ${grouped(f16)} bytes. A 7B model is about ${grouped(Math.round(7e9 / net.params))} times larger.`);
}
