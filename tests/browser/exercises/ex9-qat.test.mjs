// Exercise 9 in the browser, in one page load: the fake quantizer drawn from the URL's bits; a 2-bit QAT run that
// trains (the loss falls, the curves redraw), pauses (no step while paused, the controls still work), resumes and
// finishes, filling in the comparison with QAT far above round-to-nearest; a second run cancelled, leaving the
// page usable; light, dark and 390 px, axe clean, screenshots. Prints the redraw times measured while training.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { axeViolations, canvasInk, computedText, hashOf, launch, screenshotDir, withPage } from '../browser.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

async function looksRight(page, name) {
  for (const c of await canvasInk(page)) assert.ok(c.ink > 500, `a blank chart: ${JSON.stringify(c)}`);
  assert.doesNotMatch(await page.evaluate(computedText), /\bNaN\b|undefined/);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(wide <= 0, `the page scrolls sideways by ${wide} px`);
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: `${screenshotDir}/ex9-${name}.png`, fullPage: true });
}

const STATUS = '.qat-status';

describe('exercise 9', () => {
  it('trains, pauses, resumes, finishes and cancels; the comparison fills in; light, dark, 390 px', async () => {
    await withPage(env, '#/ex9?bits=2&epochs=1', { waitEditor: false }, async ({ page }) => {
      const ste = page.locator('.chart-summary').first();
      assert.match(await ste.innerText(), /^At 2 bits the weights take 3 levels, −1 … 1/);
      assert.equal(await page.locator('.qat-curves').isVisible(), false, 'no curves before a run');

      const redraws = [];
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await page.waitForFunction((sel) => /step (1[6-9]|[2-9]\d) of 79/.test(document.querySelector(sel)?.textContent ?? ''), STATUS, { timeout: 180000, polling: 100 });
      const redrawMs = async () => Number(await page.locator('[data-redraw-ms]').first().getAttribute('data-redraw-ms'));
      redraws.push(await redrawMs());
      const lossSummary = page.locator('.qat-curves .chart-summary').first();
      const before = await page.locator('.qat-curves canvas').first().evaluate((c) => c.toDataURL());
      // The comparison already has round-to-nearest and GPTQ at 2 bits.
      assert.match(await page.locator('.qat-compare .chart-summary').innerText(), /^2 bits: round-to-nearest \d\d\.\d\d%, GPTQ \d\d\.\d\d%, QAT not run to the end yet/);

      await page.getByRole('button', { name: 'Pause' }).click();
      await page.locator(STATUS, { hasText: /^Paused after step \d+ of 79/ }).waitFor({ timeout: 60000 });
      const paused = Number(/step (\d+)/.exec(await page.locator(STATUS).innerText())[1]);
      const [first, last] = (/fell from ([\d.]+) .* to ([\d.]+) /.exec(await lossSummary.innerText()) ?? []).slice(1).map(Number);
      assert.ok(last < first, `the loss falls: ${first} → ${last}`);
      assert.notEqual(await page.locator('.qat-curves canvas').first().evaluate((c) => c.toDataURL()), before, 'the loss chart was redrawn');
      await page.waitForTimeout(1000);
      assert.match(await page.locator(STATUS).innerText(), new RegExp(`^Paused after step ${paused} of`), 'no step while paused');
      // The page stays usable: a control changes the link and the drawing.
      await page.getByRole('radio', { name: '3 bits' }).check();
      assert.equal(await hashOf(page), '#/ex9?epochs=1');
      assert.match(await ste.innerText(), /^At 3 bits the weights take 7 levels/);

      await page.getByRole('button', { name: 'Resume' }).click();
      await page.locator(STATUS, { hasText: /^Done: 2-bit, per channel/ }).waitFor({ timeout: 240000 });
      redraws.push(await redrawMs());
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
      assert.equal(await hashOf(page), '#/ex9?group=64&epochs=1');
      assert.match(await page.locator('.qat-compare .chart-summary').innerText(), /^No run groups of 64 yet/);
      console.log(`# ex9: redraw of both curves while training ${redraws.map((t) => `${t} ms`).join(', ')}`);

      await page.emulateMedia({ colorScheme: 'dark' });
      await looksRight(page, 'dark');
      await page.setViewportSize({ width: 390, height: 844 });
      await looksRight(page, 'phone-dark');
    });
  });
});
