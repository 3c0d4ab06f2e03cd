// Exercise 3 in the browser: NumPy's MSE for 2..8 bits and the per-bit reduction factors, and the weights'
// distribution kept in the URL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { hashOf, launch, reloadPage, rowCells, withPage } from '../browser.mjs';

// np.random.seed(42); x = np.random.randn(1000): the notebook's MSE for 2..8 bits.
const NUMPY_EX3 = ['0.8194848811442323', '0.14265281456252696', '0.0251970205059017', '0.005198305119941894',
  '0.0013057265972128578', '0.00031344530316145767', '7.638162935494301e-05'];

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

describe('exercise 3', () => {
  it("shows NumPy's MSE for 2..8 bits and the per-bit reduction factors", async () => {
    await withPage(env, '#/ex3', {}, async ({ page }) => {
      // 4 significant digits on screen, NumPy's exact value on hover and focus.
      assert.deepEqual(await page.locator('.sweep-mse').evaluateAll((els) => els.map((e) => e.title)), NUMPY_EX3);
      assert.equal(await page.locator('.sweep-mse').first().innerText(), '0.8195');
      const factors = [];
      for (let r = 1; r < 7; r++) factors.push((await rowCells(page, r))[3]);
      assert.deepEqual(factors, ['5.74×', '5.66×', '4.85×', '3.98×', '4.17×', '4.10×']);
    });
  });

  it('switches to heavy tails, keeps it in the URL, and compares with the Gaussian', async () => {
    await withPage(env, '#/ex3', {}, async ({ page }) => {
      await page.getByLabel('heavy tails (outliers)', { exact: true }).check();
      assert.equal(await hashOf(page), '#/ex3?dist=outliers');
      await reloadPage(page);
      assert.equal(await page.getByLabel('heavy tails (outliers)', { exact: true }).isChecked(), true);
      assert.match(await page.locator('.chart-summary').first().innerText(), /heavy-tailed weights.*against 41\.0 dB for the Gaussian weights/);
    });
  });
});
