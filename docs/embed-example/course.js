// The course page's own script: it records the progress the embedded exercises report, as a course platform
// would (here it only lists it). The <quant-lab> elements dispatch quantlab:started, quantlab:checked and
// quantlab:completed; quantlab-resizer.js dispatches the same events on the iframe when embed.html posts them.
// Both bubble, so one listener on the document hears every exercise.
const log = document.getElementById('progress-log');
const empty = document.getElementById('progress-empty');

/** Every event heard, for a platform to send on (and for QuantLab's tests). */
window.courseProgress = [];

function describe(type, detail) {
  const exercise = `Exercise ${detail.exercise}`;
  if (type === 'started') return `${exercise}: started`;
  const checks = `${detail.passed} of ${detail.total} checks pass (score ${Math.round(detail.score * 100)} %)`;
  return type === 'completed' ? `${exercise}: completed, ${checks}` : `${exercise}: checked, ${checks}`;
}

for (const type of ['started', 'checked', 'completed']) {
  document.addEventListener(`quantlab:${type}`, (event) => {
    const detail = event.detail ?? {};
    const source = event.target instanceof Element ? event.target.id : '';
    window.courseProgress.push({ type, source, detail });
    const item = document.createElement('li');
    item.textContent = describe(type, detail);
    log.append(item);
    empty.remove(); // (course.css unsets everything, including what the hidden attribute does)
  });
}
