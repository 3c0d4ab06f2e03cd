// Exercise 0 in the browser: a number's bits in every format (a click flips a bit and the link follows), the
// number line, the memory calculator, and the trained model's weights in each format measured in a worker.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { canvasInk, hashOf, launch, reloadPage, screenshotDir, withPage } from '../browser.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const row = (page, format) => page.locator(`.format-row[data-format="${format}"]`);
const bits = (page, format) => row(page, format).locator('.bits').innerText().then((t) => t.replace(/\s+/g, ''));

describe('exercise 0', () => {
  it('takes 0.1 apart in every format; a flipped bit changes the number and the link; a NaN code is shown as such', async () => {
    await withPage(env, '#/ex0', {}, async ({ page }) => {
      assert.equal(await bits(page, 'float16'), '0010111001100110'); // 0x2e66
      assert.equal(await bits(page, 'bfloat16'), '0011110111001101'); // 0x3dcd
      assert.equal(await bits(page, 'fp8-e4m3'), '00011101'); // 0x1d: 0.1015625
      assert.equal(await row(page, 'fp8-e4m3').locator('.stored').innerText(), '0.1015625');
      assert.match(await row(page, 'fp8-e4m3').locator('.error').innerText(), /^0\.001562 \(1\.56 %\)$/);
      assert.ok((await canvasInk(page))[0].ink > 1000);
      // Between 0.075 and 0.125 (0.1 ± 25 %): counted from the formats' steps, 2^−7, 2^−6, 2^−11, 2^−14 and 2^−27 there.
      assert.match(await page.locator('figure.chart .chart-summary').innerText(),
        /^Between 0\.07500 and 0\.1250, around 0\.1: fp8 E4M3 7, fp8 E5M2 4, int8 scaled to ±448 0, bfloat16 103, float16 820 values, and float32 6,710,887\./);

      // The sign bit of float16: −0.1 everywhere, and in the link.
      await row(page, 'float16').locator('[data-bit="15"]').click();
      assert.match(await hashOf(page), /^#\/ex0\?x=-0\.0999755859375$/);
      assert.equal(await bits(page, 'float16'), '1010111001100110');
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.bit), '15');
      // 65504, float16's largest; then 70000, beyond it, and a flip that makes a NaN code.
      await page.getByLabel('Your number', { exact: true }).fill('65504');
      await page.getByLabel('Your number', { exact: true }).press('Enter');
      assert.equal(await bits(page, 'float16'), '0111101111111111');
      await row(page, 'float16').locator('[data-bit="2"]').click(); // 0x7bfb: still a number
      await page.getByLabel('Your number', { exact: true }).fill('70000');
      await page.getByLabel('Your number', { exact: true }).press('Enter');
      assert.match(await row(page, 'float16').locator('.happened').innerText(), /overflow: became infinity/);
      assert.match(await row(page, 'fp8-e4m3').locator('.happened').innerText(), /saturated to 448/);
      await row(page, 'float16').locator('[data-bit="0"]').click(); // 0x7c01: NaN, kept on its row only
      assert.match(await row(page, 'float16').locator('.happened').innerText(), /this code is NaN/);
      assert.equal(await hashOf(page), '#/ex0?x=70000');
      await page.getByLabel('Your number', { exact: true }).fill('abc');
      await page.getByLabel('Your number', { exact: true }).press('Enter');
      assert.match(await page.locator('.field-message').first().innerText(), /Type a number such as 0\.1/);
      await page.screenshot({ path: `${screenshotDir}/ex0-bits.png`, fullPage: true });
    });
  });

  it('the memory calculator: 7B is 28 GB in float32 and 3.5 GB in int4; 70B is kept in the link', async () => {
    await withPage(env, '#/ex0', {}, async ({ page }) => {
      assert.match(await page.locator('.memory-summary').innerText(), /^7B parameters take 28 GB in float32 \(fits 80 GB\) and 3\.5 GB in int4 \(fits 8 GB\)/);
      assert.match(await page.locator('.simplenet-note').innerText(), /203,530 parameters.*814,172 bytes in float32 and 204,388 bytes in int8/);
      await page.locator('.preset-row button[data-billions="70"]').click();
      assert.equal(await hashOf(page), '#/ex0?p=70');
      await reloadPage(page);
      assert.match(await page.locator('.memory-summary').innerText(), /^70B parameters take 280 GB in float32 \(fits none of these/);
    });
  });

  it('measures the trained model in every format on the 10,000 test images, in a worker', async () => {
    await withPage(env, '#/ex0', {}, async ({ page }) => {
      await page.getByRole('button', { name: 'Measure on the 10,000 test images' }).click();
      await page.waitForSelector('.accuracy-summary:not(:empty)', { timeout: 120000 });
      const cells = await page.locator('.accuracy table.data tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
      assert.equal(cells.length, 7);
      assert.deepEqual(cells[0].slice(0, 3), ['float32 (as trained)', '32', '0']);
      assert.equal(cells[0][4], '87.50 %');
      for (const r of cells.slice(1)) assert.match(r[4], /^8[67]\.\d\d %$/);
      assert.match(await page.locator('.accuracy-summary').innerText(), /accuracy barely moves, the error does/);
      await page.locator('.accuracy').screenshot({ path: `${screenshotDir}/ex0-accuracy.png` });
    });
  });
});
