// Exercise 8 in the browser: one page load at 2 bits per channel, the three runs (RTN, GPTQ, AWQ) filling the
// comparison with the committed model's figures (docs/lowbit.md), GPTQ's time over both layers printed; a damping
// change runs GPTQ alone again; looked at in light, dark and at 390 px with axe.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { looksRight as check, hashOf, launch, withPage } from '../browser.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const looksRight = (page, name) => check(page, `ex8-${name}`, { text: (p) => p.locator('.gptq-results').innerText(), infinity: true });

const accuracyOf = (page, method) => page.locator(`.gptq-results .acc-${method}`).innerText();

describe('exercise 8', () => {
  it('runs RTN, GPTQ and AWQ and fills the comparison; a damping change reruns GPTQ only; light, dark, 390 px', async () => {
    await withPage(env, '#/ex8?bits=2', { waitEditor: false }, async ({ page }) => {
      await page.waitForSelector('.gptq-results:not([hidden]) .acc-rtn', { timeout: 180000 });
      await page.waitForSelector('.gptq-results .acc-awq', { timeout: 180000 });
      await page.waitForSelector('.gptq-results .acc-gptq', { timeout: 10000 });
      // The committed model at 2 bits per channel, 1,024 calibration images (docs/lowbit.md's table).
      assert.equal(await accuracyOf(page, 'rtn'), '31.06%');
      assert.equal(await accuracyOf(page, 'gptq'), '82.78%');
      assert.equal(await accuracyOf(page, 'awq'), '30.99%');
      assert.match(await page.locator('.gptq-verdict').innerText(), /^GPTQ gains 51\.72 points over round-to-nearest/);
      const errors = await page.locator('.layer-errors .chart-summary').innerText();
      assert.match(errors, /RTN .* and .*; AWQ .* and .*; GPTQ .* and /);
      const timing = await page.locator('.gptq-timing').innerText();
      const ms = Number(timing.match(/took ([\d,]+) ms/)[1].replace(',', ''));
      console.log(`# GPTQ over both layers (2 bits, per channel, 1,024 images) in Chromium's worker: ${ms} ms`);
      await looksRight(page, 'light');

      await page.getByRole('radio', { name: '0.1', exact: true }).check();
      assert.equal(await hashOf(page), '#/ex8?bits=2&damp=0.1');
      // RTN and AWQ do not depend on the damping: kept; GPTQ runs again.
      assert.equal(await accuracyOf(page, 'rtn'), '31.06%');
      assert.equal(await accuracyOf(page, 'awq'), '30.99%');
      await page.waitForSelector('.gptq-results .acc-gptq', { timeout: 60000 });
      await page.locator('.data-job').waitFor({ state: 'hidden', timeout: 60000 });
      assert.match(await accuracyOf(page, 'gptq'), /^[5-8]\d\.\d\d%$/);

      await page.emulateMedia({ colorScheme: 'dark' });
      await looksRight(page, 'dark');
      await page.setViewportSize({ width: 390, height: 844 });
      await looksRight(page, 'phone-dark');
    });
  });
});
