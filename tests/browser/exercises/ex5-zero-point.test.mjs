// Exercise 5 in the browser: one evaluation on the trained network (the levels ReLU outputs use, the error
// sweep, the accuracy table), looked at in light, dark and at 390 px with axe; the bits in the URL; and a broken
// or missing data file giving a clear message instead of charts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { looksRight as check, hashOf, launch, reloadPage, withPage } from '../browser.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const RESULTS = '.zero-point-results:not([hidden])';

const looksRight = (page, name) => check(page, `ex5-${name}`);

describe('exercise 5', () => {
  it('measures the trained network: codes used, error per bit width, accuracy; light, dark, 390 px', async () => {
    await withPage(env, '#/ex5', { waitEditor: false }, async ({ page }) => {
      await page.waitForSelector(RESULTS, { timeout: 180000 });
      const summaries = await page.locator('.zero-point-results .chart-summary').allInnerTexts();
      const used = summaries.slice(0, 2).map((t) => Number(/use (\d+) of the 256 codes/.exec(t)?.[1]));
      assert.ok(used[0] <= 128, `symmetric uses at most half the codes: ${used[0]}`);
      assert.ok(used[1] > 150, `affine uses most of them: ${used[1]}`);
      const accuracy = await page.locator('.zero-point-results table.data td span[class^="acc-"]').allInnerTexts();
      assert.equal(accuracy.length, 4);
      for (const a of accuracy) assert.match(a, /^8\d\.\d\d%$/);
      assert.match(await page.locator('.accuracy-verdict').innerText(), /noise/);
      await looksRight(page, 'light');
      await page.emulateMedia({ colorScheme: 'dark' });
      await looksRight(page, 'dark');
      await page.setViewportSize({ width: 390, height: 844 });
      await looksRight(page, 'phone-dark');
    });
  });

  it('keeps the bits of the grids in the URL and marks the zero-point', async () => {
    await withPage(env, '#/ex5?bits=4', { waitEditor: false }, async ({ page }) => {
      const summary = page.locator('.chart-summary').first();
      assert.match(await summary.innerText(), /at 4 bits.*zero-point z = 2, levels 0 … 15/);
      await page.getByLabel('Bits').fill('6');
      assert.equal(await hashOf(page), '#/ex5?bits=6');
      await reloadPage(page);
      assert.match(await summary.innerText(), /at 6 bits.*levels 0 … 63/);
    });
  });

  it('a truncated or missing data file gives a clear message and no chart', async () => {
    const truncate = (page) => page.route('**/data/fashion-mnist-calibration-images.idx3.gz', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: (await response.body()).subarray(0, 5000) });
    });
    await withPage(env, '#/ex5', { waitEditor: false, beforeGoto: truncate }, async ({ page, errors }) => {
      const error = page.locator('.data-error');
      await error.waitFor({ timeout: 60000 });
      assert.match(await error.innerText(), /the calibration-image file is damaged/);
      assert.equal(await page.locator(RESULTS).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Try again' }).isVisible(), true);
      assert.doesNotMatch(await page.locator('body').innerText(), /\bNaN\b/);
      // Missing: the server answers 404 (which the browser also logs).
      await page.route('**/data/fashion-mnist-calibration-images.idx3.gz', (route) => route.fulfill({ status: 404, body: 'not here' }));
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.locator('.data-error', { hasText: 'is missing' }).waitFor({ timeout: 60000 });
      assert.match(await error.innerText(), /the calibration-image file is missing: the server answered 404/);
      errors.splice(0, errors.length, ...errors.filter((e) => !/404/.test(e)));
    });
  });
});
