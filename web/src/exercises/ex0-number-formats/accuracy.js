// Exercise 0: the trained SimpleNet's weights in each format, measured on the 10,000 test images in a worker
// (accuracy-worker.js) with a progress bar and Cancel: weight MSE and test accuracy per format.
import { labWith } from '../../app/core.js';
import { fill, h, fillTable } from '../../ui/dom.js';
import { exact, fixed, grouped, sig } from '../../ui/format.js';
import { WEIGHT_VARIANTS } from './data.js';

const NOISE_POINTS = 0.3; // about ±0.3 points is noise at 10,000 test images (one standard error of a 87.5 % accuracy)

const percent = (a) => `${fixed(100 * a, 2)} %`;

/** The sentence under the table, once every row is in. */
export function accuracySummary(rows) {
  const fp32 = rows[0];
  const others = rows.slice(1);
  const shifts = others.map((r) => 100 * (r.accuracy - fp32.accuracy));
  const largest = Math.max(...shifts.map(Math.abs));
  const mses = others.map((r) => r.mse).filter((m) => m > 0);
  const spread = Math.max(...mses) / Math.min(...mses);
  const noise = largest <= NOISE_POINTS
    ? `every format is within ${fixed(largest, 2)} points of float32, inside the noise of a 10,000-image test (about ±${NOISE_POINTS} points)`
    : `the largest change is ${fixed(largest, 2)} points (the noise of a 10,000-image test is about ±${NOISE_POINTS} points)`;
  return `Float32 gets ${percent(fp32.accuracy)}; ${noise}. The weight error, meanwhile, differs ` +
    `${grouped(Number(spread.toPrecision(2)))}-fold between formats, from ${sig(Math.min(...mses), 2)} to ` +
    `${sig(Math.max(...mses), 2)}: accuracy barely moves, the error does. A trained network shrugs off small, unbiased ` +
    'noise in its weights; below 8 bits the error grows about 4× per bit lost (exercise 3), and then accuracy moves too.';
}

export function mountAccuracy(root, { lab, started }) {
  const button = h('button', { type: 'button', class: 'primary' }, 'Measure on the 10,000 test images');
  const cancel = h('button', { type: 'button', hidden: true }, 'Cancel');
  const bar = h('progress', { max: 1, value: 0, 'aria-label': 'Measurement progress', hidden: true });
  const status = h('p', { class: 'accuracy-status', role: 'status', text: 'Downloads the test set (about 4.5 MB) and the trained model (0.8 MB) once, then evaluates seven versions of the model in a worker: a few seconds.' });
  const tableHost = h('div', { class: 'table-host' });
  const summary = h('p', { class: 'accuracy-summary' });
  root.append(h('div', { class: 'button-row' }, button, cancel), bar, status, tableHost, summary);

  let worker = null;
  let destroyed = false;
  let rows = [];
  const draw = () => fillTable(tableHost, {
    caption: 'The trained SimpleNet with its weights stored in each format and read back (activations stay float32)',
    columns: ['weights in', 'bits per weight', 'weight MSE', 'largest |error|', 'test accuracy', 'vs float32'],
    rows: WEIGHT_VARIANTS.map((v, i) => {
      const r = rows[i];
      const bits = v.format === 'float32' ? 32 : lab.formatInfo(v.format).bits;
      if (!r) return [v.label, String(bits), '…', '…', '…', '…'];
      const delta = 100 * (r.accuracy - rows[0].accuracy);
      return [v.label, String(bits),
        h('span', { title: exact(r.mse), tabindex: '0', text: r.mse === 0 ? '0' : sig(r.mse, 2) }),
        h('span', { title: exact(r.maxAbs), tabindex: '0', text: r.maxAbs === 0 ? '0' : sig(r.maxAbs, 2) }),
        h('span', { title: `${r.correct} of ${r.count}`, tabindex: '0', text: percent(r.accuracy) }),
        i === 0 ? '—' : `${delta >= 0 ? '+' : '−'}${fixed(Math.abs(delta), 2)} points`];
    }),
  });

  function stop(message) {
    worker?.terminate();
    worker = null;
    button.disabled = false;
    cancel.hidden = true;
    bar.hidden = true;
    if (message !== undefined) status.textContent = message;
  }

  let runs = 0;
  button.addEventListener('click', async () => {
    const run = ++runs;
    started?.();
    stop();
    rows = [];
    draw();
    summary.textContent = '';
    button.disabled = true;
    cancel.hidden = false;
    bar.hidden = false;
    bar.value = 0;
    status.textContent = 'Downloading the test set and the model…';
    let start;
    let dataLab; // the worker evaluates models: the 'data' module (the page draws with 'core'), compiled here once
    try {
      [{ startAccuracyWorker: start }, dataLab] = await Promise.all([import('./accuracy-start.js'), labWith(lab, 'data')]);
    } catch (e) {
      stop(`The measurement could not start: ${e.message}`);
      return;
    }
    if (run !== runs || destroyed) return; // cancelled, or pressed again, while the module loaded
    worker = start();
    worker.addEventListener('message', ({ data }) => {
      if (data.type === 'progress' && data.stage === 'download') {
        bar.value = 0.4 * data.fraction;
      } else if (data.type === 'progress') {
        bar.value = 0.4 + (0.6 * data.done) / data.total;
        status.textContent = `Evaluating on the 10,000 test images: ${data.done} of ${data.total} versions done…`;
      } else if (data.type === 'row') {
        rows[data.index] = data;
        draw();
      } else if (data.type === 'done') {
        stop('Done: every version was evaluated on all 10,000 test images.');
        summary.textContent = accuracySummary(rows);
      } else if (data.type === 'error') {
        stop(`The measurement failed: ${data.message}`);
      }
    });
    worker.addEventListener('error', (e) => stop(`The measurement failed: ${e.message ?? 'the worker did not start'}`));
    worker.postMessage({ type: 'start', simd: dataLab.simd, wasmModule: dataLab.wasmModule });
  });
  cancel.addEventListener('click', () => {
    runs += 1;
    stop('Cancelled. Press the button to start again.');
  });
  draw();
  return {
    destroy() {
      destroyed = true;
      stop();
    },
  };
}
