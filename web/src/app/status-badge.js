// The status badge of an exercise (not started / attempted / passed), on the landing cards and the page's title.
import { h } from '../ui/dom.js';
import { getStatus, onChange } from './store.js';

/** A badge showing an exercise's status that follows changes. Returns {badge, off()}. */
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
