// Small DOM helpers. Text always goes in through textContent (text nodes): nothing from the URL, the learner's
// code or its output is ever parsed as HTML.

/**
 * Creates an element. props: {class, text, on: {event: handler}, ...attributes}; children: nodes or strings.
 * Attribute values are set with setAttribute; `text` becomes a text node.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') el.textContent = String(value);
    else if (key === 'on') for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let counter = 0;
/** A document-unique id, so that several mounted exercises never share label targets. */
export const uid = (prefix) => `${prefix}-${++counter}`;

/**
 * A labelled range slider with a live <output>; onInput(value) on every move. Returns {field, input, set(value)}.
 */
export function slider({ label, min, max, step = 1, value, hint, onInput }) {
  const id = uid('slider');
  const input = h('input', { type: 'range', id, min, max, step, value });
  const output = h('output', { for: id, text: value });
  const hintEl = hint ? h('span', { class: 'hint', id: `${id}-hint`, text: hint }) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  input.addEventListener('input', () => {
    output.textContent = input.value;
    onInput?.(Number(input.value));
  });
  const field = h('div', { class: 'field slider' }, h('label', { for: id, text: label }), input, output, hintEl);
  return {
    field,
    input,
    set(v) {
      input.value = output.textContent = String(v);
    },
  };
}

/**
 * A fieldset of radio buttons, one per value of `labels` ({value: label}, or [[value, label], …] when the values look
 * like integers and must keep their order); onChange(value) when the learner picks one. Returns {field, set(value)}:
 * set() checks a value without calling onChange.
 */
export function radioGroup({ legend, labels, onChange }) {
  const name = uid('radio');
  const radios = (Array.isArray(labels) ? labels : Object.entries(labels)).map(([value, label]) => {
    const id = uid('radio');
    const input = h('input', { type: 'radio', name, id, value });
    input.addEventListener('change', () => { if (input.checked) onChange(value); });
    return { value, input, field: h('div', { class: 'radio' }, input, h('label', { for: id, text: label })) };
  });
  return {
    field: h('fieldset', { class: 'radio-group' }, h('legend', { text: legend }), radios.map((r) => r.field)),
    set(value) {
      radios.forEach((r) => { r.input.checked = r.value === value; });
    },
  };
}

/**
 * A message area tied to a control (aria-describedby), for bad input: role=status so screen readers hear it.
 * Returns {el, set(text), clear()}.
 */
export function fieldMessage(control) {
  const el = h('p', { class: 'field-message', id: uid('msg'), role: 'status' });
  const ids = (control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  control.setAttribute('aria-describedby', [...ids, el.id].join(' '));
  return {
    el,
    set(text) {
      el.textContent = text;
      control.setAttribute('aria-invalid', 'true');
    },
    clear() {
      el.textContent = '';
      control.removeAttribute('aria-invalid');
    },
  };
}

/** A body row of table(): the first cell is the row's header. */
const tableRow = (cells) => h('tr', {}, cells.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c))));

/** A table from column headers and rows of cells (strings, numbers or nodes). */
export function table({ caption, columns, rows }) {
  // The wrapper scrolls sideways on narrow screens: focusable, so that a keyboard can scroll it too.
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': caption ?? 'table' },
    h('table', { class: 'data' },
      caption ? h('caption', { text: caption }) : null,
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', text: c })))),
      h('tbody', {}, rows.map(tableRow))));
}

/**
 * fill(host, table(spec)), except that a table with the same head (caption or not, the same column headers) already in
 * `host` is updated in place: its caption, the contents of its cells, and body rows added or removed to match (a row
 * whose number of cells changed is replaced). Chromium keeps a small style object (a MediaQuerySet, about 160 bytes)
 * for every table it lays out and never frees it, so a page that rebuilt its table on every slider move grew its heap
 * without end (issue 10's heap soak: tests/browser/soak.test.mjs); so did one whose slider changed the number of rows
 * (exercise 3's highest bit width: 800 of them in 4,000 interactions). Pages that redraw a table use this instead of
 * fill(host, table(spec)).
 */
export function fillTable(host, spec) {
  const shape = JSON.stringify([Boolean(spec.caption), spec.columns]);
  const current = host.childElementCount === 1 ? host.firstElementChild : null;
  if (!current || current.dataset.shape !== shape) {
    const el = table(spec);
    el.dataset.shape = shape;
    fill(host, el);
    return el;
  }
  if (spec.caption) {
    current.setAttribute('aria-label', spec.caption);
    current.querySelector('caption').textContent = spec.caption;
  }
  const body = current.querySelector('tbody');
  while (body.rows.length > spec.rows.length) body.lastElementChild.remove();
  spec.rows.forEach((cells, r) => {
    const row = body.rows[r];
    if (!row) body.append(tableRow(cells));
    else if (row.cells.length !== cells.length) row.replaceWith(tableRow(cells));
    else cells.forEach((cell, i) => fill(row.cells[i], cell));
  });
  return current;
}

/** Paragraph text with `code` spans: our own lesson strings, turned into text nodes and <code> elements. */
export function prose(text, tag = 'p') {
  const parts = text.split('`');
  return h(tag, {}, parts.map((part, i) => (i % 2 ? h('code', { text: part }) : part)));
}

/**
 * A number shown with `shown` (4 significant digits, say) whose exact value appears on hover (title) and on
 * keyboard focus (style.css shows data-exact under it); a screen reader reads both.
 */
export function numberSpan(shown, exactText, extra = {}) {
  if (shown === exactText) return h('span', { ...extra, text: shown });
  return h('span', { ...extra, class: `num${extra.class ? ` ${extra.class}` : ''}`, tabindex: '0', title: exactText,
    'data-exact': exactText, 'aria-label': `${shown} (exactly ${exactText})`, text: shown });
}
