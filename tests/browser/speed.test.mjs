// Speed a learner feels, measured and printed (never asserted as thresholds: the machine running the tests may
// be busy), for every exercise of the registry:
//   - the first chart: time from navigation to the first chart drawn, on localhost, and with the CPU throttled 4×
//     (Chrome DevTools Protocol Emulation.setCPUThrottlingRate, standing for a mid-range phone);
//   - the gzipped bytes the page requested before its first chart (HTML, JS, CSS, WebAssembly), and everything it
//     loads once the learner opens the editor (CodeMirror, the tasks, the runner worker);
//   - the time a slider change takes to recompute and redraw;
//   - where the first chart's time goes, on one idle load: when the HTML, the entry chunk, the page's code (its
//     lab.js chunk) and Chart.js had arrived, when the WebAssembly was compiled and instantiated (WebAssembly's
//     functions wrapped by an init script), and the chart itself;
//   - the floor under the time budget on this machine: a page with nothing but Chart.js drawing one chart.
// The bytes with the editor open and the slider's times come from the first idle load, carried on (one load less
// per page). The budget (issue 9): ≤ 200 kB gzipped before the first chart, first chart ≤ 300 ms, ≤ 1.2 s throttled.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';

import { EXERCISES, exerciseModule, pageModule } from '../../web/src/exercises/registry.js';
import { launch, openEditor, repoRoot, withPage } from './browser.mjs';

const BUDGET = { kB: 200, ms: 300, throttledMs: 1200 };
const report = [];

let env;
before(async () => { env = await launch(); });
after(async () => {
  await env?.close();
  if (report.length) {
    console.log(`\nSpeed (localhost, headless Chromium; printed, not asserted; budget ≤ ${BUDGET.kB} kB gzipped before the first chart, ` +
      `first chart ≤ ${BUDGET.ms} ms, ≤ ${BUDGET.throttledMs} ms with the CPU throttled 4×):`);
    for (const line of report) console.log(`  ${line}`);
  }
});

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
const over = (value, budget) => (value > budget ? ' (over budget)' : '');
const firstChart = (page) => page.waitForFunction(() => performance.getEntriesByName('quantlab:first-chart')[0]?.startTime)
  .then((handle) => handle.jsonValue());

// Records when the page first compiles and instantiates WebAssembly (ms after navigation).
const WASM_HOOK = () => {
  const times = {};
  Object.defineProperty(window, 'quantlabWasmTimes', { value: times });
  for (const name of ['compileStreaming', 'compile', 'instantiate']) {
    const original = WebAssembly[name];
    if (typeof original !== 'function') continue;
    WebAssembly[name] = function timed(...args) {
      times[`${name}Start`] ??= performance.now();
      const result = original.apply(this, args);
      result.then(() => { times[`${name}End`] ??= performance.now(); }, () => {});
      return result;
    };
  }
};

/** Where the time before the first chart went (one load), as a line. */
async function breakdown(page) {
  const t = await page.evaluate(() => {
    const end = (re) => performance.getEntriesByType('resource').filter((e) => re.test(e.name)).map((e) => e.responseEnd);
    const w = window.quantlabWasmTimes;
    return {
      html: performance.getEntriesByType('navigation')[0].responseEnd,
      entry: Math.max(...end(/\/assets\/index-[^/]*\.js$/)),
      lab: Math.max(...end(/\/assets\/lab-[^/]*\.js$/)),
      chartjs: Math.max(...end(/\/assets\/chartjs-[^/]*\.js$/)),
      wasm: Math.min(...end(/\.wasm$/)), // the page's module (a larger one for its tasks and jobs may follow)
      compiled: w.compileStreamingEnd ?? w.compileEnd,
      instantiated: w.instantiateEnd,
      chart: performance.getEntriesByName('quantlab:first-chart')[0].startTime,
    };
  });
  const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(0)}` : '–');
  return `HTML ${ms(t.html)}, entry chunk ${ms(t.entry)}, .wasm downloaded ${ms(t.wasm)}, compiled ${ms(t.compiled)}, ` +
    `instantiated ${ms(t.instantiated)}, lab.js ${ms(t.lab)}, Chart.js ${ms(t.chartjs)}, first chart drawn ${ms(t.chart)} (ms after navigation)`;
}

const throttle = (rate) => async (page) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
};

/** Gzipped bytes of the responses to `urls` (each once), by kind. */
async function gzipped(responses, urls) {
  const seen = new Map();
  for (const r of responses) {
    const url = r.url().split('#')[0];
    if (seen.has(url) || r.status() !== 200 || (urls && !urls.has(url))) continue;
    seen.set(url, { url, type: r.headers()['content-type'] ?? '', body: await r.body().catch(() => Buffer.alloc(0)) });
  }
  const groups = { js: 0, wasm: 0, css: 0, html: 0, data: 0 };
  for (const { type, body } of seen.values()) {
    const kind = type.includes('wasm') ? 'wasm' : type.includes('css') ? 'css' : type.includes('html') ? 'html'
      : type.includes('javascript') ? 'js' : 'data'; // data: a data set or model an exercise downloads
    groups[kind] += gzipSync(body, { level: 9 }).length;
  }
  const total = Object.values(groups).reduce((a, b) => a + b, 0);
  const parts = `JS ${kB(groups.js)}, WebAssembly ${kB(groups.wasm)}, CSS ${kB(groups.css)}, HTML ${kB(groups.html)}` +
    (groups.data ? `, data ${kB(groups.data)}` : '');
  return { files: seen.size, total, text: `${seen.size} files, ${kB(total)} gzipped (${parts})`, urls: [...seen.keys()] };
}

// The floor under the time budget on the machine running the test: a page holding nothing but Chart.js (from
// node_modules, unbundled) that draws one 200-point scatter chart as soon as it has loaded.
const FLOOR_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Chart.js alone</title>
<script type="importmap">{"imports": {"@kurkle/color": "./kurkle-color.js"}}</script></head>
<body><div style="height: 300px"><canvas id="chart"></canvas></div>
<script type="module">
import { Chart, Legend, LinearScale, PointElement, ScatterController, Tooltip } from './chart.js';
Chart.register(ScatterController, LinearScale, PointElement, Tooltip, Legend);
const data = Array.from({ length: 200 }, (_, i) => ({ x: i, y: Math.sin(i / 10) }));
new Chart(document.getElementById('chart'), { type: 'scatter', data: { datasets: [{ label: 'sin', data }] }, options: { animation: false, maintainAspectRatio: false } });
performance.mark('quantlab:first-chart');
</script></body></html>`;

/** Serves FLOOR_PAGE and Chart.js's files under <server>/speed-floor/ to `page`. */
async function serveFloor(page) {
  const files = { 'kurkle-color.js': `${repoRoot}node_modules/@kurkle/color/dist/color.esm.js` };
  await page.route('**/speed-floor/**', (request) => {
    const name = new URL(request.request().url()).pathname.replace(/^.*\/speed-floor\//, '');
    if (name === 'index.html') return request.fulfill({ contentType: 'text/html', body: FLOOR_PAGE });
    return request.fulfill({ contentType: 'text/javascript', path: files[name] ?? `${repoRoot}node_modules/chart.js/dist/${name}` });
  });
}

describe('speed', () => {
  it('the floor: Chart.js alone drawing one chart, on this machine', async () => {
    const runs = { idle: [], throttled: [] };
    for (let i = 0; i < 3; i++) {
      for (const [kind, before] of [['idle', serveFloor], ['throttled', async (page) => { await serveFloor(page); await throttle(4)(page); }]]) {
        await withPage(env, '', { url: `${env.url}speed-floor/index.html`, beforeGoto: before, ready: async (page) => runs[kind].push(await firstChart(page)) }, async () => {});
      }
    }
    report.push(`floor: a page with nothing but Chart.js drawing one scatter chart: ${median(runs.idle).toFixed(0)} ms after navigation ` +
      `(runs: ${runs.idle.map((t) => t.toFixed(0)).join(', ')} ms); throttled 4×: ${median(runs.throttled).toFixed(0)} ms ` +
      `(runs: ${runs.throttled.map((t) => t.toFixed(0)).join(', ')} ms). The time budget cannot be met below this floor.`);
  });

  for (const { id } of EXERCISES) {
    const route = `#/${id}`;
    it(`${route}: first chart (also throttled 4×), bytes before it, slider redraw`, async () => {
      // First chart: three cold loads each (fresh context, empty cache), median.
      const firsts = [];
      const throttled = [];
      let before = null;
      let where = null;
      let timings = null;
      let all = null;
      let wasm = null;
      for (let i = 0; i < 3; i++) {
        await withPage(env, route, { waitEditor: false, init: WASM_HOOK }, async ({ page, responses }) => {
          firsts.push(await firstChart(page));
          if (before) return;
          where = await breakdown(page);
          // What the page asked for before its first chart: the document and every resource requested until then.
          const urls = await page.evaluate(() => {
            const mark = performance.getEntriesByName('quantlab:first-chart')[0].startTime;
            return [location.href.split('#')[0], ...performance.getEntriesByType('resource').filter((e) => e.startTime < mark).map((e) => e.name)];
          });
          before = await gzipped(responses, new Set(urls));
          assert.ok(!before.urls.some((u) => /codemirror|runner-worker/.test(u)), `the editor loaded before the first chart: ${before.urls.join(' ')}`);

          // The same load, on: the learner opens the editor; then a slider is moved 30 times.
          await openEditor(page);
          await page.waitForLoadState('networkidle'); // the runner worker has started too
          timings = await page.evaluate(async () => {
            const input = document.querySelector('.field.slider input[type="range"]');
            if (!input) return null; // a page without a slider (exercises 0 and 6)
            const out = [];
            for (let k = 0; k < 30; k++) {
              const value = Number(input.min) + (k % (Number(input.max) - Number(input.min) + 1));
              const t0 = performance.now();
              input.value = String(value);
              input.dispatchEvent(new Event('input', { bubbles: true }));
              const sync = performance.now() - t0;
              await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
              out.push({ sync, painted: performance.now() - t0 });
            }
            return out;
          });
          all = await gzipped(responses);
          wasm = responses.filter((r) => r.url().endsWith('.wasm'));
        });
        await withPage(env, route, { waitEditor: false, beforeGoto: throttle(4) }, async ({ page }) => {
          throttled.push(await firstChart(page));
        });
      }

      {
        // The module the page draws with, then (with the editor open, the tasks need it) the exercise's, if larger.
        const entry = EXERCISES.find((e) => e.id === id);
        const file = (module) => (module === 'full' ? 'quantlab-simd.wasm' : `quantlab-${module}-simd.wasm`);
        assert.deepEqual(wasm.map((r) => r.url().replace(/.*\//, '')).sort(), [...new Set([pageModule(entry), exerciseModule(entry)].map(file))].sort(),
          'the page fetches the WebAssembly module it draws with (registry `pageWasm`) and the one its tasks and jobs need (`wasm`), each once (the workers get them compiled)');

        const first = median(firsts);
        const slow = median(throttled);
        report.push(`${route}: first chart ${first.toFixed(0)} ms after navigation${over(first, BUDGET.ms)} (runs: ${firsts.map((t) => t.toFixed(0)).join(', ')} ms); ` +
          `with the CPU throttled 4×: ${slow.toFixed(0)} ms${over(slow, BUDGET.throttledMs)} (runs: ${throttled.map((t) => t.toFixed(0)).join(', ')} ms)`);
        report.push(`${route}: before the first chart: ${before.text}${over(before.total / 1024, BUDGET.kB)}`);
        report.push(`${route}: where the time went (one idle load): ${where}`);
        report.push(`${route}: with the editor open: ${all.text}; WebAssembly fetched ${wasm.length}×`);
        if (timings) {
          report.push(`${route}: slider change → recomputed and redrawn in ${median(timings.map((t) => t.sync)).toFixed(1)} ms median ` +
            `(max ${Math.max(...timings.map((t) => t.sync)).toFixed(1)} ms), on screen after the next frame in ` +
            `${median(timings.map((t) => t.painted)).toFixed(1)} ms median`);
        }
      }
    });
  }
});
