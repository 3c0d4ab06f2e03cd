// Hostile input against the pages (issue 10, page part): the bad-input table for what a page takes in (URL hash
// values, typed inputs, embed attributes), the grader's boundary in the browser (overridden built-ins, forged
// messages, close(), endless promise callbacks, unhandled rejections: each reported for its own job, none earns a
// pass or an event), and storage that is full.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { EXERCISES, exerciseById } from '../../web/src/exercises/registry.js';
import { checkCode } from '../node/learner-realm.mjs';
import { createQuantLab } from '../node/load.mjs';
import { computedText, launch, openEditor, screenshotDir, setCode, withPage } from './browser.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

/** Resolves to true when the page answers within `ms` (a frozen page never does). */
const answers = (page, ms = 3000) => Promise.race([
  page.evaluate(() => true), new Promise((resolve) => setTimeout(() => resolve(false), ms))]);

// Hostile values for each type of URL-state parameter (app/params.js); the page either uses one or ignores it,
// and never freezes or shows NaN or Infinity.
function hostileValues(spec) {
  if (spec.values) return ['<img src=x>', '', 'constructor'];
  if (spec.maxLength !== undefined) {
    const n = Math.max(spec.minLength ?? 1, 1);
    const list = (v) => Array(n).fill(v).join(',');
    return [list('1e-310'), list('5e-324'), list('3e-308'), list('1e308'), list('NaN'), list(String(spec.min ?? -1e9)), list(String(spec.max ?? 1e9)), '1,,2'];
  }
  return [String(spec.min), String(spec.max), '1e309', '-0', '0x10'];
}

describe('the bad-input table against the pages', () => {
  for (const entry of EXERCISES) {
    it(`${entry.id}: hostile link values never freeze the page or put NaN on it`, async () => {
      await withPage(env, `#/${entry.id}`, { waitEditor: false }, async ({ page }) => {
        for (const [name, spec] of Object.entries(entry.params ?? {})) {
          for (const value of hostileValues(spec)) {
            const hash = `#/${entry.id}?${name}=${encodeURIComponent(value)}${name === 'w' ? '&bits=2' : ''}`;
            await page.evaluate((h) => { location.hash = h; }, hash);
            await page.waitForTimeout(100);
            assert.equal(await answers(page), true, `${hash} froze the page`);
            const text = await page.evaluate(computedText);
            assert.doesNotMatch(text, /\bNaN\b|\bInfinity\b|could not be shown/, `${hash}: ${text.slice(0, 300)}`);
          }
        }
      });
    });
  }

  it('exercise 1: subnormal weights get the core\'s message on the weights field, in the link, typed and embedded', async () => {
    await withPage(env, '#/ex1?w=1e-310', { waitEditor: false }, async ({ page }) => {
      const message = page.locator('.field-message').first();
      assert.match(await message.innerText(), /cannot be quantized: .*1e-310 is too small to quantize at 8 bits.*subnormal/);
      // 3e-308 at 2 bits has a normal scale, but no chart axis can span it: the chart says so instead of looping.
      await page.evaluate(() => { location.hash = '#/ex1?w=3e-308&bits=2'; });
      await page.locator('.chart-refused').first().waitFor();
      assert.match(await page.locator('.chart-refused').first().innerText(), /This chart is not drawn: the x axis would span only \d\.\d+e-308/);
      // q = 1 but the float32 recovered value is 0: the page says why, before the numbers that show it.
      assert.match(await page.locator('.range-note').innerText(), /3e−308 .* below the smallest normal float32 \(1\.175e−38\).*stores this scale as 0/);
      assert.equal(await answers(page), true);
      // Typed.
      await page.evaluate(() => { location.hash = '#/ex1'; });
      await page.getByLabel(/^Weights/).first().fill('1e-310, 2e-310');
      assert.match(await message.innerText(), /too small to quantize/);
      assert.equal(await page.getByLabel(/^Weights/).first().getAttribute('aria-invalid'), 'true');
      await page.getByLabel(/^Weights/).first().fill('0.5, -1');
      assert.equal(await message.innerText(), '');
      assert.equal(await page.locator('.chart-refused').first().isHidden(), true);
      assert.equal(await page.locator('.range-note').isHidden(), true);
      await page.screenshot({ path: `${screenshotDir}/ex1-hostile-values.png` });
      // Embedded: w="1e-310" on a <quant-lab> widget.
      await page.evaluate(async () => {
        await import('./quantlab-embed.js');
        const el = document.createElement('quant-lab');
        el.setAttribute('exercise', '1');
        el.setAttribute('w', '1e-310');
        el.setAttribute('hide', 'editor');
        document.body.append(el);
      });
      const widgetMessage = page.locator('quant-lab .field-message').first();
      await widgetMessage.filter({ hasText: /too small/ }).waitFor();
      assert.equal(await answers(page), true);
    });
  });
});

const MAP_OVERRIDE = `
Array.prototype.map = function () { return [1, 2, 3]; };
Array.prototype.every = function () { return true; };
Math.abs = () => 0;
// A forged result for every job id the page could be waiting for.
for (let id = 0; id < 50; id++) {
  postMessage({ type: 'result', id, result: { ok: true, output: [], error: null, tests: [], passed: 1e9, total: 1 } });
}
`;

describe('the grader in the browser', () => {
  it('overridden built-ins and forged messages earn no pass, no status and no event; the next Check is clean', async () => {
    await withPage(env, '#/', { waitEditor: false }, async ({ page }) => {
      await page.evaluate(async () => {
        window.events = [];
        for (const type of ['checked', 'completed']) document.addEventListener(`quantlab:${type}`, (e) => window.events.push({ type, ...e.detail }));
        await import('./quantlab-embed.js');
        const el = document.createElement('quant-lab');
        el.setAttribute('exercise', '1');
        el.setAttribute('hide', 'text');
        document.body.append(el);
      });
      const widget = page.locator('quant-lab');
      await openEditor(widget);
      const { starter } = (await exerciseById('ex1').tasks()).default;
      await setCode(page, `${starter}\n${MAP_OVERRIDE}`, widget);
      await widget.getByRole('button', { name: 'Check', exact: true }).click();
      await widget.locator('.run-status').filter({ hasText: /checks pass|could|syntax/ }).waitFor({ timeout: 30000 });
      const summary = await widget.locator('.check-results .summary').innerText();
      const [, passed, total] = /^(\d+) of (\d+) checks pass$/.exec(summary) ?? [];
      assert.ok(Number(passed) < Number(total), summary);
      let events = await page.evaluate(() => window.events);
      assert.deepEqual(events.map((e) => e.type), ['checked']);
      assert.ok(events[0].score >= 0 && events[0].score < 1 && events[0].passed <= events[0].total, JSON.stringify(events[0]));
      assert.equal(await page.evaluate(() => localStorage.getItem('quantlab:status:ex1')), 'attempted');

      // The starter alone, right after: the overrides did not survive into this Check.
      await setCode(page, starter, widget);
      await widget.getByRole('button', { name: 'Check', exact: true }).click();
      await page.waitForFunction(() => window.events.length === 2, null, { timeout: 30000 });
      events = await page.evaluate(() => window.events);
      const task = (await exerciseById('ex1').tasks()).default;
      const clean = await checkCode(task, starter, await createQuantLab());
      assert.equal(events[1].passed, clean.passed, 'the starter scores as it does in a clean realm');
      assert.ok(events[0].passed <= clean.passed, 'the overrides earned nothing');
      assert.ok(!events.some((e) => e.type === 'completed'));
    });
  });

  it('blame: close(), an endless promise callback and an unhandled rejection are reported for their own Run', async () => {
    await withPage(env, '#/ex2', {}, async ({ page }) => {
      const run = async (code) => {
        await page.locator('.run-status').evaluate((el) => { el.textContent = ''; });
        await page.locator('.run-output').evaluate((el) => { el.textContent = ''; });
        await setCode(page, code);
        const t0 = Date.now();
        await page.getByRole('button', { name: 'Run', exact: true }).click();
        await page.waitForFunction(() => /Ran in|stopped with|syntax/.test(document.querySelector('.run-status')?.textContent ?? '')
          || /Stopped/.test(document.querySelector('.run-output')?.textContent ?? ''), null, { timeout: 30000 });
        return { text: await page.locator('.run-output').innerText(), ms: Date.now() - t0 };
      };
      const closed = await run('console.log("closing");\nself.close();');
      assert.match(closed.text, /Error: your code closed its own worker \(self\.close\(\) or close\(\)\)/);
      const looped = await run('Promise.resolve().then(() => { while (true) {} });\nconsole.log("top level done");');
      assert.match(looped.text, /Stopped: your code ran for more than 2 s \(in the top level of your code\)/);
      assert.ok(looped.ms < 8000, `stopped after ${looped.ms} ms`);
      const rejected = await run('Promise.reject(new RangeError("nobody caught me"));\nconsole.log("after");');
      assert.match(rejected.text, /^after\nRangeError: nobody caught me/);
      const thrown = await run('throw new Proxy({}, { get() { throw 1; }, getPrototypeOf() { throw 1; } });');
      assert.match(thrown.text, /Thrown value: a value that cannot be shown/);
      const next = await run('console.log("innocent", 6 * 7);');
      assert.match(next.text, /^innocent 42$/);
      console.log(`# blame: the loop was stopped after ${looped.ms} ms; the innocent Run after it took ${next.ms} ms`);
      assert.ok(next.ms < 4000, `the next Run took ${next.ms} ms`);
    });
  });
});

describe('storage full', () => {
  it('says so, keeps the code, offers it as a download, corrects the help text, and saves again once it can', async () => {
    // A quota-exceeding localStorage: every write of code throws QuotaExceededError while window.full is true.
    const init = () => {
      window.full = true;
      const setItem = Storage.prototype.setItem;
      Storage.prototype.setItem = function (key, value) {
        if (window.full && String(key).startsWith('quantlab:code:')) throw new DOMException('quota exceeded', 'QuotaExceededError');
        return setItem.call(this, key, value);
      };
    };
    await withPage(env, '#/ex1', { init }, async ({ page }) => {
      const help = page.locator('.learner p.hint').first();
      assert.match(await help.innerText(), /is saved in this browser as you type/);
      await setCode(page, '// my work that cannot be saved\nconsole.log(1);\n');
      const notice = page.locator('.save-notice');
      await notice.waitFor();
      assert.match(await notice.innerText(), /could not be saved in this browser: its storage is full or turned off\. It stays in the editor/);
      assert.match(await help.innerText(), /could not be saved in this browser just now/);
      assert.doesNotMatch(await help.innerText(), /is saved in this browser as you type/);
      const [download] = await Promise.all([page.waitForEvent('download'), notice.getByRole('button', { name: 'Download my code' }).click()]);
      assert.equal(download.suggestedFilename(), 'quantlab-ex1.js');
      const { readFile } = await import('node:fs/promises');
      assert.match(await readFile(await download.path(), 'utf8'), /my work that cannot be saved/);
      await notice.screenshot({ path: `${screenshotDir}/ex1-storage-full.png` });
      assert.match(await page.locator('.cm-content').innerText(), /my work that cannot be saved/);

      // Space again: the next edit saves, the notice goes, the help text is true again.
      await page.evaluate(() => { window.full = false; });
      await page.locator('.cm-content').click();
      await page.keyboard.press('End');
      await page.keyboard.type(' ');
      await page.waitForFunction(() => /my work that cannot be saved/.test(localStorage.getItem('quantlab:code:ex1') ?? ''));
      await notice.waitFor({ state: 'hidden' });
      assert.match(await help.innerText(), /is saved in this browser as you type/);
    });
  });
});
