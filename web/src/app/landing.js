// The landing page: what the lab is, whether the SIMD build is in use, and the exercises (in the registry's
// order) with their status.
import { EXERCISES } from '../exercises/registry.js';
import { h, prose } from '../ui/dom.js';
import { statusBadge } from './status-badge.js';

/** Mounts the landing page into `root`. Returns {heading, title, update(), destroy()}. */
export function mountLanding(root, { lab }) {
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
  const build = lab.simd
    ? 'Your browser runs the WebAssembly SIMD128 build of the core.'
    : 'Your browser has no WebAssembly SIMD, so the lab uses the scalar build of the core: the same numbers, computed a little more slowly.';

  const page = h('div', { class: 'landing' },
    heading,
    prose('A neural network’s weights are real numbers, usually stored in 32 bits. Quantization stores them as small integers — 8 bits, or fewer — plus a scale to turn them back. This lab shows what that costs and how to keep the cost small, one idea at a time.'),
    prose('Every number on these pages comes from a C++ core compiled to WebAssembly, which computes bit for bit what NumPy computes: the same rounding, the same float32 and float64 arithmetic, the same seeded random numbers. Where the exercise notebook this lab grew from prints a different number, the page says so.'),
    prose('Each exercise explains the idea, lets you try it with sliders and charts, and then asks you to write it yourself in JavaScript. Check tests your code against the core, and explains what went wrong when it fails. Your code and progress stay in this browser.'),
    h('p', { class: 'build-note', text: build }),
    h('h2', { text: 'Exercises' }),
    h('ol', { class: 'exercise-list' }, items),
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
