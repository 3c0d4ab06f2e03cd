// Speed a learner feels, measured and printed (never asserted as thresholds: the machine running the tests may
// be busy): time from navigation to the first chart drawn, time for a slider change to recompute and redraw, and
// the gzipped bytes of everything one exercise page loads (JS, CSS, WebAssembly, including the runner worker).
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';

import { launch, withPage } from './browser.mjs';

const ROUTES = ['#/ex1', '#/ex2', '#/ex3', '#/ex4'];
const report = [];

let env;
before(async () => { env = await launch(); });
after(async () => {
  await env?.close();
  if (report.length) {
    console.log('\nSpeed (localhost, headless Chromium; printed, not asserted):');
    for (const line of report) console.log(`  ${line}`);
  }
});

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;

describe('speed', () => {
  for (const route of ROUTES) {
    it(`${route}: first chart, slider redraw, bytes`, async () => {
      // First chart: three cold loads (fresh context, empty cache), median.
      const firsts = [];
      for (let i = 0; i < 3; i++) {
        await withPage(env, route, { waitEditor: false }, async ({ page }) => {
          await page.waitForFunction(() => performance.getEntriesByName('quantlab:first-chart').length > 0);
          firsts.push(await page.evaluate(() => performance.getEntriesByName('quantlab:first-chart')[0].startTime));
        });
      }

      await withPage(env, route, {}, async ({ page, responses }) => {
        await page.waitForLoadState('networkidle'); // the runner worker has loaded its core too
        const timings = await page.evaluate(async () => {
          const input = document.querySelector('.field.slider input[type="range"]');
          const out = [];
          for (let i = 0; i < 30; i++) {
            const value = Number(input.min) + (i % (Number(input.max) - Number(input.min) + 1));
            const t0 = performance.now();
            input.value = String(value);
            input.dispatchEvent(new Event('input', { bubbles: true }));
            const sync = performance.now() - t0;
            await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
            out.push({ sync, painted: performance.now() - t0 });
          }
          return out;
        });

        const seen = new Map();
        for (const r of responses) {
          const url = r.url().split('#')[0];
          if (seen.has(url) || r.status() !== 200) continue;
          seen.set(url, { url, type: r.headers()['content-type'] ?? '', body: await r.body().catch(() => Buffer.alloc(0)) });
        }
        const groups = { js: 0, wasm: 0, css: 0, html: 0 };
        let raw = 0;
        for (const { url, type, body } of seen.values()) {
          const gz = gzipSync(body, { level: 9 }).length;
          raw += body.length;
          const kind = type.includes('wasm') ? 'wasm' : type.includes('css') ? 'css' : type.includes('html') ? 'html' : 'js';
          groups[kind] += gz;
          if (kind === 'wasm') assert.match(url, /quantlab-simd\.wasm$/, 'one WebAssembly build per page');
        }
        const total = Object.values(groups).reduce((a, b) => a + b, 0);
        const wasmFetches = responses.filter((r) => r.url().endsWith('.wasm')).length;

        report.push(`${route}: first chart ${median(firsts).toFixed(0)} ms after navigation (runs: ${firsts.map((t) => t.toFixed(0)).join(', ')} ms); ` +
          `slider change → recomputed and redrawn in ${median(timings.map((t) => t.sync)).toFixed(1)} ms median ` +
          `(max ${Math.max(...timings.map((t) => t.sync)).toFixed(1)} ms), on screen after the next frame in ` +
          `${median(timings.map((t) => t.painted)).toFixed(1)} ms median`);
        report.push(`${route}: ${seen.size} files, ${kB(total)} gzipped (${kB(raw)} raw): JS ${kB(groups.js)}, ` +
          `WebAssembly ${kB(groups.wasm)} (fetched ${wasmFetches}× — page and runner worker), CSS ${kB(groups.css)}, HTML ${kB(groups.html)}`);
      });
    });
  }
});
