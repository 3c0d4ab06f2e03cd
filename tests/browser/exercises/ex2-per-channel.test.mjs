// Exercise 2 in the browser: NumPy's per-tensor and per-channel numbers, overall and per row, bad magnitudes
// explained next to their field, and the URL state.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { hashOf, launch, reloadPage, rowCells, withPage } from '../browser.mjs';

// NumPy 1.24: np.random.seed(42); W = np.random.randn(4, 64); rows scaled by 0.01, 0.1, 1, 10; 8 bits.
const NUMPY_EX2 = {
  mseTensor: '0.005130749017167746',
  mseChannel: '0.001961771397161954',
  rowMseTensor: [8.28957434681012e-05, 0.0057722208228118115, 0.0068633715215588205, 0.007804507980832253],
  rowMseChannel: [1.8616761680305237e-09, 4.307804891483182e-07, 4.214957197280272e-05, 0.007804503374509698],
  sqnrTensor: ['0.0 dB', '2.2 dB', '20.9 dB', '41.7 dB'],
  sqnrChannel: ['46.5 dB', '43.5 dB', '43.1 dB', '41.7 dB'],
  improvement: ['44,527×', '13,399×', '163×', '1.0×'],
};
let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

describe('exercise 2', () => {
  it("matches NumPy's per-tensor and per-channel numbers, overall and per row", async () => {
    await withPage(env, '#/ex2', {}, async ({ page }) => {
      // 4 significant digits on screen, NumPy's exact value on hover and focus.
      assert.equal(await page.locator('.mse-tensor').getAttribute('title'), NUMPY_EX2.mseTensor);
      assert.equal(await page.locator('.mse-channel').getAttribute('title'), NUMPY_EX2.mseChannel);
      assert.equal(await page.locator('.mse-tensor').innerText(), '0.005131');
      assert.equal(await page.locator('.mse-ratio').innerText(), '2.6×');
      const exact = await page.locator('table.data tbody span[data-exact]').evaluateAll((els) => els.map((e) => Number(e.dataset.exact)));
      assert.deepEqual(exact.filter((_, i) => i % 2 === 0), NUMPY_EX2.rowMseTensor);
      assert.deepEqual(exact.filter((_, i) => i % 2 === 1), NUMPY_EX2.rowMseChannel);
      for (let r = 0; r < 4; r++) {
        const cells = await rowCells(page, r);
        assert.deepEqual(cells.slice(4), [NUMPY_EX2.improvement[r], NUMPY_EX2.sqnrTensor[r], NUMPY_EX2.sqnrChannel[r]]);
      }
    });
  });

  it('says which magnitude is bad, keeps the results, and restores the view from the URL', async () => {
    await withPage(env, '#/ex2', {}, async ({ page }) => {
      const row0 = page.getByLabel('Row 0 magnitude', { exact: true });
      await row0.fill('abc');
      const rangeMessage = 'Row 0: a number, 1e−6 to 1e6.';
      assert.equal(await page.locator('.field-message').first().innerText(), '', 'no message while typing');
      await row0.blur(); // or a pause in typing
      assert.equal(await page.locator('.field-message').first().innerText(), rangeMessage);
      assert.equal(await page.locator('.mse-tensor').getAttribute('title'), NUMPY_EX2.mseTensor);
      assert.equal(await page.locator('.stale-note').isVisible(), true);
      await row0.fill('-1');
      await page.locator('.field-message').first().filter({ hasText: rangeMessage }).waitFor({ timeout: 3000 }); // after the pause
      await row0.fill('');
      await row0.blur();
      assert.equal(await page.locator('.field-message').first().innerText(), 'Row 0: give a magnitude.');
      await row0.fill('0.5');
      assert.equal(await page.locator('.stale-note').isVisible(), false);
      await page.getByLabel('Bits', { exact: true }).fill('4');
      assert.equal(await hashOf(page), '#/ex2?bits=4&s=0.5,0.1,1,10');
      const shown = await page.locator('.mse-channel').innerText();
      await reloadPage(page);
      assert.equal(await page.getByLabel('Row 0 magnitude', { exact: true }).inputValue(), '0.5');
      assert.equal(await page.locator('.mse-channel').innerText(), shown);
      assert.doesNotMatch(await page.locator('main').innerText(), /NaN/);
    });
  });
});
