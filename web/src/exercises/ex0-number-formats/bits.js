// Exercise 0: a number in every float format, bit by bit. One row per format: the bits as buttons coloured by
// field (sign, exponent, mantissa; a click flips one), the value the format stores, the rounding error and what
// happened (overflow, saturation, underflow).
import { h } from '../../ui/dom.js';
import { exact, num, sig } from '../../ui/format.js';

const minus = (text) => text.replaceAll('-', '−');
import { FORMAT_LABELS } from './data.js';

const FIELD_NAMES = { s: 'sign', e: 'exponent', m: 'mantissa' };

/** Which field each bit belongs to, from the most significant bit down: 's', 'e' or 'm'. */
export function bitFields(info) {
  return ['s', ...'e'.repeat(info.exponentBits), ...'m'.repeat(info.mantissaBits)];
}

/** What happened to the number, in words (empty when it is stored exactly). */
export function whatHappened(f, info) {
  if (f.valueClass === 'nan') return Number.isNaN(f.input) ? 'NaN stays NaN' : 'became NaN';
  if (f.overflow && f.saturated) return `overflow: beyond ${num(info.max)}, saturated to ${f.sign ? '−' : ''}${num(info.max)}`;
  if (f.overflow) return info.hasInfinity ? 'overflow: became infinity' : 'overflow: became NaN';
  if (f.underflowToZero) return `underflow: below half of ${minus(sig(info.minSubnormal, 3))}, became zero`;
  if (f.underflow) return `subnormal: below ${minus(sig(info.minNormal, 3))}, fewer significant bits`;
  if (f.valueClass === 'subnormal') return 'subnormal, exact';
  if (f.inexact) return 'rounded to the nearest value';
  return 'exact';
}

function fieldsText(f, info) {
  if (f.valueClass === 'nan' || f.valueClass === 'infinity') {
    return `exponent field all ones: ${f.valueClass === 'nan' ? 'NaN' : `${f.sign ? '−' : '+'}infinity`}`;
  }
  const significand = f.significand.toFixed(Math.min(info.mantissaBits, 10)).replace(/0+$/, '').replace(/\.$/, '.0');
  return `(−1)^${f.sign} × ${significand} × 2^${minus(String(f.exponent))}` +
    (f.valueClass === 'subnormal' || f.valueClass === 'zero' ? `  (exponent field 0: no leading 1)` : `  (exponent field ${f.exponentField} − bias ${info.bias})`);
}

function errorText(f) {
  if (f.valueClass === 'nan' || !Number.isFinite(f.input)) return '—';
  if (!Number.isFinite(f.error)) return exact(f.error);
  if (f.error === 0) return '0';
  const relative = f.input !== 0 ? ` (${minus(sig((100 * Math.abs(f.error)) / Math.abs(f.input), 3))} %)` : '';
  return `${minus(sig(f.error, 4))}${relative}`;
}

/**
 * One format's row. onFlip(format, newCode) when a bit is clicked. `f` is floatFormat(x) or, after a flip to an
 * infinity or a NaN, floatFormatCode(code) (no input: no error).
 */
export function formatRow(f, info, { onFlip, flipped }) {
  const fields = bitFields(info);
  const bits = f.bitString.split('').map((bit, i) => {
    const position = info.bits - 1 - i;
    const field = fields[i];
    return h('button', {
      type: 'button',
      class: `bit bit-${field}`,
      'data-bit': position,
      'aria-label': `${FORMAT_LABELS[f.format]} bit ${position}, ${FIELD_NAMES[field]}: ${bit}. Flip it`,
      on: { click: () => onFlip(f.format, (f.code ^ 2 ** position) >>> 0, position) },
    }, bit);
  });
  const stored = f.valueClass === 'nan' ? 'NaN' : num(f.stored);
  return h('div', { class: 'format-row', 'data-format': f.format },
    h('div', { class: 'format-name' },
      h('strong', { text: FORMAT_LABELS[f.format] }),
      h('span', { class: 'hint', text: ` 1 + ${info.exponentBits} + ${info.mantissaBits} bits · code 0x${f.code.toString(16).padStart(info.bits / 4, '0')}` })),
    h('div', { class: 'bits', role: 'group', 'aria-label': `${FORMAT_LABELS[f.format]}: ${info.bits} bits` }, bits),
    h('dl', { class: 'format-values' },
      h('div', {}, h('dt', { text: 'stores' }), h('dd', {}, h('code', { class: 'stored', title: exact(f.stored), text: stored }))),
      h('div', {}, h('dt', { text: 'error' }), h('dd', { class: 'error', text: flipped ? '—' : errorText(f) })),
      h('div', { class: 'wide' }, h('dt', { text: 'as fields' }), h('dd', {}, h('code', { text: fieldsText(f, info) }))),
      h('div', { class: 'wide' }, h('dt', { text: 'what happened' }),
        h('dd', { class: 'happened', text: flipped ? `you flipped a bit: this code is ${f.valueClass === 'nan' ? 'NaN' : 'infinity'} (type a number to go back)` : whatHappened(f, info) }))));
}

/** The legend of the bit colours. */
export const bitLegend = () => h('p', { class: 'bit-legend hint' },
  h('span', { class: 'bit-key bit-s', text: 'sign' }), ' ',
  h('span', { class: 'bit-key bit-e', text: 'exponent' }), ' ',
  h('span', { class: 'bit-key bit-m', text: 'mantissa' }),
  ' — click a bit to flip it.');
