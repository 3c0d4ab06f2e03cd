// The exercises, in order, and their status badge. Each page is its own chunk, loaded when its route is opened.
import { h } from './dom.js';
import { getStatus, onChange } from './store.js';

export const EXERCISES = [
  {
    id: 'ex1',
    number: 1,
    title: 'Symmetric quantization',
    blurb: 'Map real weights to small integers with one scale, and back. See every weight land on the grid.',
    load: () => import('./ex1-symmetric.js'),
  },
  {
    id: 'ex2',
    number: 2,
    title: 'Per-tensor vs per-channel',
    blurb: 'One scale for a whole matrix, or one per row? An overall ratio of 2.6× hides gains of 10,000× and more.',
    load: () => import('./ex2-per-channel.js'),
  },
  {
    id: 'ex3',
    number: 3,
    title: 'Error vs bit width',
    blurb: 'How fast does the error fall with each extra bit, and what do outliers do to it?',
    load: () => import('./ex3-bits.js'),
  },
  {
    id: 'ex4',
    number: 4,
    title: 'Quantize a small network to int8',
    blurb: 'The notebook’s 784→256→10 network in int8: a 4× smaller file, outputs that agree, and a speed you measure.',
    load: () => import('./ex4-model.js'),
  },
];

/** A badge showing an exercise's status (not started / attempted / passed) that follows changes. */
export function statusBadge(exercise) {
  const badge = h('span', { class: 'status-badge' });
  const update = () => {
    const status = getStatus(exercise);
    badge.textContent = status;
    badge.dataset.status = status.replace(' ', '-');
  };
  update();
  return { badge, off: onChange(update) };
}
