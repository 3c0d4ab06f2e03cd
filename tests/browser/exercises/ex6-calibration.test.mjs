// Exercise 6 in the browser: one calibration run on the trained network (histogram with the range, every
// method's numbers, the MSE search, the calibration-size curve), looked at in light, dark and at 390 px with axe;
// the method and the bits in the URL, switched without running the evaluations again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { looksRight as check, hashOf, launch, withPage } from '../browser.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const looksRight = (page, name) => check(page, `ex6-${name}`);

describe('exercise 6', () => {
  it('calibrates with every method and evaluates static quantization; method and bits in the URL; light, dark, 390 px', async () => {
    await withPage(env, '#/ex6?method=p9999&bits=4', { waitEditor: false }, async ({ page }) => {
      // Drawn at once, before any data: rounding against clipping error on a sample.
      assert.match(await page.locator('.chart-summary').first().innerText(), /at 4 bits.*smallest at hi = /);
      await page.waitForSelector('.calibration-results:not([hidden])', { timeout: 180000 });
      const histogram = page.locator('.calibration-results .chart-summary').first();
      // The committed model and calibration set: docs/data-and-training.md's table.
      assert.match(await histogram.innerText(), /262,144 activations.*largest 17\.97.*percentile 99\.99 at 4 bits chooses \[0, 10\.71\]/);
      assert.equal(await page.locator('.calibration-results table.data tbody tr').count(), 6);
      for (const a of await page.locator('.calibration-results table.data td span[class^="acc"]').allInnerTexts()) assert.match(a, /^8\d\.\d\d%$/);
      assert.match(await page.locator('.calibration-verdict').innerText(), /float32 scores 87\.50%.*At 4 bits they spread over/);
      await looksRight(page, 'light');

      await page.getByRole('radio', { name: 'MSE search' }).check();
      await page.getByRole('radio', { name: '8 bits' }).check();
      assert.equal(await hashOf(page), '#/ex6?method=mse'); // 8 bits is the default
      assert.match(await histogram.innerText(), /MSE search at 8 bits chooses \[0, 16\.17\]/);
      assert.equal(await page.locator('.data-job progress').isVisible(), false, 'no second evaluation');

      await page.emulateMedia({ colorScheme: 'dark' });
      await looksRight(page, 'dark');
      await page.setViewportSize({ width: 390, height: 844 });
      await looksRight(page, 'phone-dark');
    });
  });
});
