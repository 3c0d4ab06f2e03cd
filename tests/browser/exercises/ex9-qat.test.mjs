// Exercise 9 in the browser, in one page load: the fake quantizer drawn from the URL's bits; a missing training
// file's message and Try again; a 2-bit QAT run that trains (the loss falls, the curves redraw), pauses (no step
// while paused, the controls still work), resumes and finishes, filling in the comparison with QAT far above
// round-to-nearest; a second run cancelled, leaving the page usable; light, dark and 390 px, axe clean,
// screenshots. Prints what the redraws of the curves cost while training.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { looksRight as check, computedText, hashOf, launch, withPage } from '../browser.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const looksRight = (page, name) => check(page, `ex9-${name}`, { text: (p) => p.evaluate(computedText) });

const STATUS = '.qat-status';

describe('exercise 9', () => {
  it('trains, pauses, resumes, finishes and cancels; the comparison fills in; light, dark, 390 px', async () => {
    await withPage(env, '#/ex9?bits=2&epochs=1', { waitEditor: false }, async ({ page, errors }) => {
      const ste = page.locator('.chart-summary').first();
      assert.match(await ste.innerText(), /^At 2 bits the weights take 3 levels, −1 … 1/);
      assert.equal(await page.locator('.qat-curves').isVisible(), false, 'no curves before a run');

      // A missing training file: a clear message and Try again, no chart (the browser logs the 404).
      const subset = '**/data/fashion-mnist-train-subset-images.idx3.gz';
      await page.route(subset, (route) => route.fulfill({ status: 404, body: 'not here' }));
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await page.locator('.qat-run .data-error', { hasText: 'is missing' }).waitFor({ timeout: 60000 });
      assert.match(await page.locator('.qat-run .data-error').innerText(), /^The training could not run: the training-image file is missing: the server answered 404/);
      assert.equal(await page.locator('.qat-curves').isVisible(), false);
      errors.splice(0, errors.length, ...errors.filter((e) => !/404/.test(e)));
      await page.unroute(subset);

      await page.getByRole('button', { name: 'Try again' }).click();
      const lossCanvas = page.locator('.qat-curves canvas').first();
      await page.waitForFunction((sel) => /step \d+ of 79/.test(document.querySelector(sel)?.textContent ?? ''), STATUS, { timeout: 180000, polling: 100 });
      const before = await lossCanvas.evaluate((c) => c.toDataURL());
      await page.waitForFunction((sel) => /step (1[6-9]|[2-9]\d) of 79/.test(document.querySelector(sel)?.textContent ?? ''), STATUS, { timeout: 180000, polling: 100 });
      // The loss chart follows the steps (redrawn at the next animation frame).
      await page.waitForFunction((old) => document.querySelector('.qat-curves canvas').toDataURL() !== old, before, { timeout: 10000, polling: 200 });
      const lossSummary = page.locator('.qat-curves .chart-summary').first();
      // The comparison already has round-to-nearest and GPTQ at 2 bits.
      assert.match(await page.locator('.qat-compare .chart-summary').innerText(), /^2 bits: round-to-nearest \d\d\.\d\d%, GPTQ \d\d\.\d\d%, QAT not run to the end yet/);

      await page.getByRole('button', { name: 'Pause' }).click();
      await page.locator(STATUS, { hasText: /^Paused after step \d+ of 79/ }).waitFor({ timeout: 60000 });
      const paused = Number(/step (\d+)/.exec(await page.locator(STATUS).innerText())[1]);
      const [first, last] = (/fell from ([\d.]+) .* to ([\d.]+) /.exec(await lossSummary.innerText()) ?? []).slice(1).map(Number);
      assert.ok(last < first, `the loss falls: ${first} → ${last}`);
      await page.waitForTimeout(1000);
      assert.match(await page.locator(STATUS).innerText(), new RegExp(`^Paused after step ${paused} of`), 'no step while paused');
      // The page stays usable: a control changes the link and the drawing.
      await page.getByRole('radio', { name: '3 bits' }).check();
      assert.equal(await hashOf(page), '#/ex9?epochs=1');
      assert.match(await ste.innerText(), /^At 3 bits the weights take 7 levels/);

      await page.getByRole('button', { name: 'Resume' }).click();
      await page.locator(STATUS, { hasText: /^Done: 2-bit, per channel/ }).waitFor({ timeout: 240000 });
      const redraws = (await page.locator('[data-redraw-times]').first().getAttribute('data-redraw-times')).split(',').map(Number);
      const done = await page.locator(STATUS).innerText();
      const qat = Number(/scores ([\d.]+)% on the test images/.exec(done)[1]);
      const rtn = Number(/round-to-nearest ([\d.]+)%/.exec(done)[1]);
      assert.ok(qat > rtn + 15, `QAT recovers 2 bits: ${rtn}% → ${qat}%`);
      // The comparison shows the 2-bit bars, the chart following the 3 bits now chosen only in the STE picture.
      assert.match(await page.locator('.qat-compare .chart-summary').innerText(), /^2 bits: round-to-nearest [\d.]+%, GPTQ [\d.]+%, QAT [\d.]+% \(1 epoch, learning rate 10⁻³\)/);
      await looksRight(page, 'light');

      // A second run, cancelled while it trains: the page is usable, Start is back.
      await page.getByRole('button', { name: 'Start again' }).click();
      await page.waitForFunction((sel) => /step \d+ of 79/.test(document.querySelector(sel)?.textContent ?? ''), STATUS, { timeout: 180000, polling: 100 });
      await page.getByRole('button', { name: 'Cancel' }).click();
      assert.match(await page.locator(STATUS).innerText(), /^Cancelled: the run \(3-bit, per channel, learning rate 10⁻³\) stopped after \d+ steps/);
      assert.equal(await page.getByRole('button', { name: 'Start', exact: true }).isVisible(), true);
      assert.equal(await page.getByRole('button', { name: 'Pause' }).isVisible(), false);
      await page.getByRole('radio', { name: 'groups of 64' }).check();
      assert.equal(await hashOf(page), '#/ex9?group=g64&epochs=1');
      assert.match(await page.locator('.qat-compare .chart-summary').innerText(), /^No run groups of 64 yet/);
      // 8-bit layers take no groups on the lab's kernels: Start says so instead of failing.
      await page.getByRole('radio', { name: '8 bits' }).check();
      assert.equal(await page.getByRole('button', { name: 'Start', exact: true }).isDisabled(), true);
      assert.match(await page.locator('.qat-run .hint').innerText(), /choose per channel to train 8 bits/);
      // Printed, not asserted (timings belong to the benchmark): the first redraws create the charts.
      const later = redraws.slice(2).sort((a, b) => a - b);
      console.log(`# ex9: ${redraws.length} redraws of the curves while training; after the first two: median ${later[later.length >> 1]} ms, ` +
        `90th percentile ${later[Math.floor(0.9 * (later.length - 1))]} ms, slowest ${later.at(-1)} ms (first two: ${redraws.slice(0, 2).join(', ')} ms)`);

      await page.emulateMedia({ colorScheme: 'dark' });
      await looksRight(page, 'dark');
      await page.setViewportSize({ width: 390, height: 844 });
      await looksRight(page, 'phone-dark');
    });
  });
});
