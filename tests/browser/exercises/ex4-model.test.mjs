// Exercise 4 in the browser: the model files' real sizes, the agreement numbers, the URL state, and the timing
// worker with its progress bar, results and Cancel button.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { canvasInk, hashOf, launch, reloadPage, screenshotDir, withPage } from '../browser.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const text = (page, selector) => page.locator(selector).innerText();

describe('exercise 4', () => {
  it('shows the real file sizes (814,172 and 204,388 bytes) and the agreement of 100 inputs', async () => {
    await withPage(env, '#/ex4', {}, async ({ page }) => {
      assert.equal(await text(page, '.size-fp32'), '814,172 bytes');
      assert.equal(await text(page, '.size-int8'), '204,388 bytes');
      assert.match(await page.locator('figure.chart .chart-summary').first().innerText(), /3\.98× smaller/);
      await page.waitForSelector('.argmax-agree');
      assert.match(await text(page, '.argmax-agree'), /^\d+ of 100 inputs$/);
      assert.match(await text(page, '.max-diff'), /^\d\.\d+(e−\d+)?$/);
      assert.match(await page.locator('figure.chart .chart-summary').nth(1).innerText(), /^Input 0: float32 picks class \d, int8 picks (the same|class \d)/);
    });
  });

  it('keeps seed, scheme and input in the URL; per-channel scales make the int8 file 205,444 bytes', async () => {
    await withPage(env, '#/ex4', {}, async ({ page }) => {
      await page.getByLabel('one scale per output channel').check();
      await page.getByLabel('Seed').fill('7');
      assert.equal(await hashOf(page), '#/ex4?seed=7&scheme=channel');
      await reloadPage(page);
      assert.equal(await page.getByLabel('Seed').inputValue(), '7');
      assert.equal(await page.getByLabel('one scale per output channel').isChecked(), true);
      assert.equal(await text(page, '.size-int8'), '205,444 bytes');
      await page.getByLabel('Seed').fill('1.5');
      assert.match(await page.locator('.field-message').first().innerText(), /whole number from 0 to 99999/);
      assert.equal(await page.getByLabel('Seed').getAttribute('aria-invalid'), 'true');
    });
  });

  it('ignores hostile or unknown values in the hash', async () => {
    await withPage(env, '#/ex4?seed=<img src=x onerror=alert(1)>&scheme=both&input=1e9', {}, async ({ page }) => {
      assert.equal(await page.getByLabel('Seed').inputValue(), '0');
      assert.equal(await page.locator('img').count(), 0);
      assert.equal(await text(page, '.size-int8'), '204,388 bytes');
    });
  });

  it('times the four versions in a worker, with progress, a chart and an honest verdict', async () => {
    await withPage(env, '#/ex4', {}, async ({ page }) => {
      const button = page.getByRole('button', { name: 'Time float32 and int8' });
      await button.click();
      assert.equal(await button.isDisabled(), true);
      await page.waitForFunction(() => document.querySelector('progress').value > 0, null, { timeout: 20000 });
      assert.match(await text(page, '.timing-status'), /Timing .+: batch \d+ of 40\./);
      // The page stays responsive while the worker times.
      const t0 = Date.now();
      await page.evaluate(() => 1);
      assert.ok(Date.now() - t0 < 1000);
      await page.waitForSelector('[data-config="int8_scalar"]', { timeout: 60000 });
      const medians = await page.locator('[data-config]').allInnerTexts();
      assert.equal(medians.length, 4);
      for (const m of medians) assert.match(m, /^\d+(\.\d+)? µs$/);
      assert.match(await text(page, '.timing-verdict'), /SIMD makes the int8 network [\d.,]+× faster than the scalar build/);
      const inks = await canvasInk(page);
      assert.equal(inks.length, 3);
      for (const c of inks) assert.ok(c.ink > 500, `blank chart: ${JSON.stringify(c)}`);
      assert.doesNotMatch(await page.locator('body').innerText(), /\bNaN\b|undefined/);
      await page.locator('.benchmark').screenshot({ path: `${screenshotDir}/ex4-timing.png` });
      console.log(`# ex4 timings (µs per forward, this machine): ${medians.join(', ')} — ${await text(page, '.timing-verdict')}`);
    });
  });

  it('Cancel stops the worker and lets the learner start again', async () => {
    await withPage(env, '#/ex4', {}, async ({ page }) => {
      await page.getByRole('button', { name: 'Time float32 and int8' }).click();
      await page.getByRole('button', { name: 'Cancel' }).click();
      assert.match(await text(page, '.timing-status'), /^Cancelled\./);
      assert.equal(await page.getByRole('button', { name: 'Time float32 and int8' }).isDisabled(), false);
      assert.equal(await page.getByRole('button', { name: 'Cancel' }).isDisabled(), true);
      assert.equal(await page.locator('[data-config]').count(), 0);
    });
  });
});
