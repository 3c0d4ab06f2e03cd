// The landing page: a learner starts within one screen. What the lab does in one paragraph and a picture, Start or
// Continue (to the first exercise, in the registry's order, that is not passed yet), the overall progress, then
// the exercises with their status. Which build of the core runs is said in the footer (main.js).
import { EXERCISES } from '../exercises/registry.js';
import { h, prose } from '../ui/dom.js';
import { getStatus, onChange, STATUS } from './store.js';
import { statusBadge } from './status-badge.js';

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element (h() makes HTML elements only). */
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/**
 * The lab in one picture: six weights on a number line snap to the nearest of the quantization grid's levels; each
 * becomes a small integer q, and q × scale is what the network computes with. (The notebook's weights, 3 bits.)
 */
function picture() {
  const weights = [0.247, -0.103, 0.089, -0.156, 0.312, -0.278];
  const qmax = 3;
  const scale = 0.312 / qmax;
  const W = 360;
  const x = (v) => 20 + ((v + 0.35) / 0.7) * (W - 40);
  const round = (v) => Math.max(-qmax, Math.min(qmax, Math.round(v / scale)));
  const parts = [
    svg('line', { x1: 14, y1: 40, x2: W - 14, y2: 40, class: 'pic-axis' }),
    svg('line', { x1: 14, y1: 100, x2: W - 14, y2: 100, class: 'pic-axis' }),
    svg('text', { x: 14, y: 22, class: 'pic-label' }, 'weights (float32)'),
    svg('text', { x: 14, y: 130, class: 'pic-label' }, 'levels q · scale (3 bits: q = −3 … 3)'),
  ];
  for (let k = -qmax; k <= qmax; k++) {
    parts.push(svg('line', { x1: x(k * scale), y1: 92, x2: x(k * scale), y2: 108, class: 'pic-level' }));
    parts.push(svg('text', { x: x(k * scale), y: 86, class: 'pic-q', 'text-anchor': 'middle' }, k < 0 ? `−${-k}` : String(k)));
  }
  for (const w of weights) {
    const q = round(w);
    parts.push(svg('line', { x1: x(w), y1: 44, x2: x(q * scale), y2: 96, class: 'pic-snap' }));
    parts.push(svg('circle', { cx: x(w), cy: 40, r: 5, class: 'pic-weight' }));
  }
  return svg('svg', {
    viewBox: `0 0 ${W} 140`, class: 'landing-picture', role: 'img',
    'aria-label': 'Six weights on a number line each move to the nearest of seven evenly spaced levels: quantization to 3 bits.',
  }, ...parts);
}

/** The first exercise, in the learner's path, that is not passed yet (null when all are). */
export function firstUnfinished() {
  return EXERCISES.find((e) => getStatus(e.id) !== STATUS.PASSED) ?? null;
}

/** Mounts the landing page into `root`. Returns {heading, title, update(), destroy()}. */
export function mountLanding(root) {
  const offs = [];
  const heading = h('h1', { tabindex: '-1', text: 'QuantLab: quantization, hands on' });
  const items = EXERCISES.map((e) => {
    const { badge, off } = statusBadge(e.id);
    offs.push(off);
    return h('li', { class: 'exercise-card' },
      h('h3', {}, h('a', { href: `#/${e.id}` }, `Exercise ${e.number} · ${e.title}`)),
      badge,
      h('p', { text: e.blurb }));
  });

  const start = h('a', { class: 'button start-button' });
  const progress = h('progress', { max: EXERCISES.length, value: 0, 'aria-labelledby': 'landing-progress-text' });
  const progressText = h('span', { id: 'landing-progress-text' });
  function showProgress() {
    const passed = EXERCISES.filter((e) => getStatus(e.id) === STATUS.PASSED).length;
    const begun = EXERCISES.some((e) => getStatus(e.id) !== STATUS.NOT_STARTED);
    const next = firstUnfinished();
    progress.value = passed;
    progressText.textContent = `${passed} of ${EXERCISES.length} exercises passed`;
    if (next) {
      start.href = `#/${next.id}`;
      start.textContent = `${begun ? 'Continue' : 'Start'}: exercise ${next.number} · ${next.title} →`;
    } else {
      start.href = `#/${EXERCISES[0].id}`;
      start.textContent = `All passed: back to exercise ${EXERCISES[0].number} →`;
    }
  }
  showProgress();
  offs.push(onChange(showProgress));

  const page = h('div', { class: 'landing' },
    h('div', { class: 'landing-top' },
      h('div', { class: 'landing-intro' },
        heading,
        prose('A network’s weights are real numbers, stored in 32 bits. Quantization stores them as small integers — 8 bits or fewer — plus a scale to turn them back. Each exercise lets you move the numbers and watch what that costs, then asks you to write it yourself in JavaScript; Check compares your code with NumPy’s numbers, computed in your browser.'),
        h('p', { class: 'button-row start-row' }, start),
        h('p', { class: 'landing-progress' }, progress, ' ', progressText)),
      h('figure', { class: 'landing-figure' }, picture(),
        h('figcaption', { text: 'Quantization in one picture: every weight moves to the nearest level of a grid.' }))),
    h('h2', { text: 'Exercises' }),
    h('ol', { class: 'exercise-list' }, items),
    prose('Every number comes from a C++ core compiled to WebAssembly that computes what NumPy computes: the same rounding, the same float32 and float64 arithmetic, the same seeded random numbers. Your code and progress stay in this browser.'),
  );
  root.replaceChildren(page);
  return {
    heading,
    title: 'QuantLab',
    update() {},
    destroy() {
      offs.forEach((off) => off());
      page.remove();
    },
  };
}
