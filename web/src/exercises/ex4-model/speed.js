// Exercise 4's speed section at work: times float32 and int8, with the SIMD and the scalar builds, in the timing
// worker (dist/timing-worker.js, the module the benchmark drives), with progress, Cancel, a chart, a table and a
// verdict. lab.js draws the section and loads this module when the learner first presses its button.
import { timingWorkerUrl } from '../../app/core.js';
import { startModuleWorker } from '../../app/module-worker.js';
import { baseOptions, chartFigure, logAxis } from '../../ui/charts.js';
import { fill, h, table } from '../../ui/dom.js';
import { sig, times } from '../../ui/format.js';
import { SCHEME_LABELS } from './data.js';

const TIMING_BATCHES = 10;
const START_LIMIT_S = 30; // from Run to the worker's first message (both builds loaded, one batch timed)
const CONFIG_LABELS = { fp32_simd: 'float32, SIMD', int8_simd: 'int8, SIMD', fp32_scalar: 'float32, scalar', int8_scalar: 'int8, scalar' };

// A dot plot: on a log axis a bar's length means nothing (a 4.5× speed-up would look like 2×), a dot's position does.
function timingChart(c, timings) {
  const ids = Object.keys(timings);
  const labels = ids.map((id) => CONFIG_LABELS[id]);
  const options = baseOptions(c, {
    x: logAxis(c, ids.map((id) => timings[id].medianUs), 'µs per forward pass (log scale, left is faster)'),
    y: { type: 'category', labels, offset: true, grid: { display: true } },
    legend: false,
  });
  options.scales.x.ticks.maxRotation = 0;
  options.plugins.tooltip.callbacks = { label: (item) => `median ${sig(item.parsed.x, 3)} µs` };
  options.plugins.valueLabels = { datasets: [0], color: c.text, format: (_, i) => `${sig(timings[ids[i]].medianUs, 3)} µs` };
  options.layout = { padding: { top: 14, right: 16 } };
  return {
    type: 'scatter',
    data: {
      datasets: [{ label: 'median', data: ids.map((id, i) => ({ x: timings[id].medianUs, y: labels[i] })), pointRadius: 7, pointHoverRadius: 8,
        backgroundColor: ids.map((id) => (id.startsWith('int8') ? c.series[0] : c.series[1])), borderColor: ids.map((id) => (id.startsWith('int8') ? c.series[0] : c.series[1])) }],
    },
    options,
  };
}

/** "3.3× faster" or "8.5× slower" than the baseline time. */
function relative(baseUs, us, isBase) {
  if (isBase) return 'baseline';
  return baseUs >= us ? `${times(baseUs / us)} faster` : `${times(us / baseUs)} slower`;
}

/** What the timings say, in words that do not promise more than was measured. */
function timingVerdict(t) {
  const parts = [];
  // "int8 is 2.8× faster than float32" / "… 1.1× slower than …", from the two medians.
  const compare = (a, b) => relative(t[b].medianUs, t[a].medianUs, false);
  if (t.fp32_simd && t.int8_simd) {
    const r = t.fp32_simd.medianUs / t.int8_simd.medianUs;
    if (r >= 1.2) parts.push(`With SIMD, int8 is ${compare('int8_simd', 'fp32_simd')} than float32 here.`);
    else if (r >= 0.9) parts.push(`With SIMD, int8 and float32 take about the same time here (int8 is ${compare('int8_simd', 'fp32_simd')}): the saved multiplications are eaten by quantizing the input and converting the sums back.`);
    else parts.push(`On this machine int8 is ${compare('int8_simd', 'fp32_simd')} than float32 with SIMD. That happens: quantizing the input and converting the results back cost time, and a fast float unit can win on a layer this small.`);
  } else {
    parts.push('This browser has no WebAssembly SIMD, so only the scalar build was timed.');
  }
  if (t.int8_simd && t.int8_scalar) parts.push(`SIMD makes the int8 network ${compare('int8_simd', 'int8_scalar')} than the scalar build.`);
  if (t.fp32_scalar && t.int8_scalar) {
    const r = t.fp32_scalar.medianUs / t.int8_scalar.medianUs;
    parts.push(r >= 1.2
      ? `Without SIMD, int8 is ${compare('int8_scalar', 'fp32_scalar')} than float32.`
      : `Without SIMD, int8 gains little or nothing over float32 (it is ${compare('int8_scalar', 'fp32_scalar')}): one integer multiply-add costs about what a float one does, so the gain of int8 comes from SIMD doing 8 of them per instruction.`);
  }
  return parts.join(' ');
}

/**
 * The timing of the section whose elements lab.js passes in (root: the lab, for aria-busy). Returns
 * {start({seed, perChannel}), cancel(), destroy()}.
 */
export function createTiming({ root, runButton, cancelButton, progress, progressText, timingResults, started }) {
  let worker = null;
  let startWatch = 0;
  let timingFigure = null; // drawn once there is something to show
  let shown = 0; // the seed being timed

  function setRunning(running) {
    runButton.disabled = running;
    cancelButton.disabled = !running;
    root.closest('.exercise')?.setAttribute('aria-busy', running ? 'true' : 'false');
  }

  function start({ seed, perChannel }) {
    cancelTiming(false);
    setRunning(true);
    progress.value = 0;
    progressText.textContent = 'Loading both builds in the worker…';
    started();
    worker = startModuleWorker(timingWorkerUrl(), { name: 'quantlab-timing' });
    const mine = worker;
    // A worker the browser refuses to start (a course page's CSP without worker-src blob:, a host without CORS)
    // may fail without an error event: say so rather than wait forever for the first batch.
    startWatch = setTimeout(() => {
      if (mine !== worker) return;
      finish();
      progressText.textContent = `The timing worker did not start within ${START_LIMIT_S} s. If the lab is embedded, the page must allow `
        + 'workers from blob: URLs and scripts from the lab\'s address (README, "Content-Security-Policy of the course page").';
    }, START_LIMIT_S * 1000);
    worker.onmessage = ({ data }) => {
      if (mine !== worker) return;
      clearTimeout(startWatch);
      if (data.type === 'progress') {
        progress.max = data.total;
        progress.value = data.done;
        progressText.textContent = `Timing ${CONFIG_LABELS[data.config]}: batch ${data.done} of ${data.total}.`;
      } else if (data.type === 'done') {
        finish();
        showTimings(data.result);
      } else if (data.type === 'error') {
        finish();
        progressText.textContent = `The timing stopped with an error: ${data.message}`;
      }
    };
    worker.onerror = (e) => {
      if (mine !== worker) return;
      finish();
      progressText.textContent = `The timing worker could not run: ${e.message || 'it failed to load'}.`;
    };
    shown = seed;
    // The page's WebAssembly module, the smallest that has models (the timing loads its SIMD and scalar builds).
    worker.postMessage({ seed, perChannel, module: 'data', timing: { batches: TIMING_BATCHES } });
  }

  function finish() {
    clearTimeout(startWatch);
    worker?.terminate();
    worker = null;
    setRunning(false);
  }

  function cancelTiming(say = true) {
    if (!worker) return;
    finish();
    progress.value = 0;
    if (say) progressText.textContent = 'Cancelled. Nothing was measured to the end; press the button to start again.';
  }

  function showTimings(result) {
    const t = result.timings;
    const ids = Object.keys(t);
    progressText.textContent = `Measured ${ids.length} versions, ${TIMING_BATCHES} batches each, seed ${shown}, ${SCHEME_LABELS[result.perChannel ? 'channel' : 'tensor']}.`;
    timingFigure ??= chartFigure({ title: 'Time per forward pass (median of batches)' });
    const baseId = t.fp32_simd ? 'fp32_simd' : 'fp32_scalar';
    const base = t[baseId];
    fill(timingResults, timingFigure.figure, h('p', { class: 'timing-verdict', text: timingVerdict(t) }), table({
      caption: 'µs per forward pass: median, fastest and slowest batch, and the median against float32',
      columns: ['version', 'median', 'fastest batch', 'slowest batch', `against ${CONFIG_LABELS[baseId]}`],
      rows: ids.map((id) => [CONFIG_LABELS[id], h('span', { 'data-config': id, text: `${sig(t[id].medianUs, 3)} µs` }),
        `${sig(t[id].minUs, 3)} µs`, `${sig(t[id].maxUs, 3)} µs`, relative(base.medianUs, t[id].medianUs, id === baseId)]),
    }));
    timingFigure.update((c) => timingChart(c, t),
      ids.map((id) => `${CONFIG_LABELS[id]}: ${sig(t[id].medianUs, 3)} µs`).join('; ') + '.');
  }

  return {
    start,
    cancel: () => cancelTiming(),
    destroy() {
      cancelTiming(false);
      timingFigure?.destroy();
    },
  };
}
