// The status of a real-data job on a page: a progress bar with its text and Cancel while it runs; a clear message
// and "Try again" when a file is missing or broken or the job fails; nothing left over when it is done. The
// page draws its charts only from a result, so a failure never leaves a NaN or a blank chart behind.
import { h } from '../ui/dom.js';

// The client (and the worker's URL) load when a job starts: the page draws first, and Node can import the pages.
const client = () => import('./client.js');

/**
 * {el, start(job, onResult)}: start() runs runDataJob(job) and calls onResult(result) when it succeeds.
 * `what` names the work in the texts ("the evaluation").
 */
export function jobStatus({ what }) {
  const progress = h('progress', { max: 1, value: 0, 'aria-label': `Progress of ${what}` });
  const text = h('p', { class: 'data-status', role: 'status' });
  const error = h('p', { class: 'data-error', role: 'alert', hidden: true });
  const cancelButton = h('button', { type: 'button', on: { click: () => running?.cancel() } }, 'Cancel');
  const retryButton = h('button', { type: 'button', hidden: true, on: { click: () => last && start(...last) } }, 'Try again');
  const el = h('div', { class: 'data-job' }, progress, text, error, h('div', { class: 'button-row' }, cancelButton, retryButton));
  let running = null;
  let last = null;

  function start(job, onResult) {
    last = [job, onResult];
    running?.cancel();
    el.hidden = false;
    error.hidden = true;
    retryButton.hidden = true;
    cancelButton.hidden = false;
    progress.hidden = false;
    progress.removeAttribute('value');
    text.textContent = `Preparing ${what}…`;
    el.closest('.exercise')?.setAttribute('aria-busy', 'true');
    const run = lazyRun(() => client().then(({ runDataJob }) => runDataJob({ ...job, onProgress: ({ fraction, text: t }) => {
      if (fraction === null || fraction === undefined) progress.removeAttribute('value');
      else progress.value = fraction;
      if (t) text.textContent = t;
    } })));
    running = run;
    const finish = () => {
      if (running === run) running = null;
      el.closest('.exercise')?.setAttribute('aria-busy', 'false');
    };
    run.promise.then((result) => {
      if (running !== run) return;
      finish();
      el.hidden = true;
      onResult(result);
    }, (e) => {
      if (running !== run) return;
      finish();
      progress.hidden = true;
      cancelButton.hidden = true;
      retryButton.hidden = false;
      if (e?.name === 'AbortError') {
        text.textContent = `Cancelled: ${what} did not run.`;
        return;
      }
      text.textContent = '';
      error.hidden = false;
      error.textContent = `${what[0].toUpperCase()}${what.slice(1)} could not run: ${e?.message ?? e}.`.replace(/\.\.$/, '.');
    });
  }
  return { el, start, destroy: () => running?.cancel() };
}

/** {promise, cancel()} of a job whose runner is still loading: a cancel before it starts cancels it once it has. */
function lazyRun(load) {
  let inner = null;
  let cancelled = false;
  const promise = load().then((run) => {
    inner = run;
    if (cancelled) run.cancel();
    return run.promise;
  });
  return {
    promise,
    cancel() {
      cancelled = true;
      inner?.cancel();
    },
  };
}
