// Exercise 1 in the browser: NumPy's numbers on the page, the URL state (a reload reproduces the view), and bad
// weights explained next to their field.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { hashOf, launch, reloadPage, rowCells, withPage } from '../browser.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

describe('exercise 1', () => {
  it("shows NumPy's q = 101 for 0.247 and scale 0.002457", async () => {
    await withPage(env, '#/ex1', {}, async ({ page }) => {
      assert.deepEqual(await page.locator('.q').allInnerTexts(), ['101', '−42', '36', '−63', '127', '−113']);
      assert.equal(await page.locator('.scale strong').innerText(), '0.002457');
      // 4 significant digits, the exact value on hover and focus; the quotient a hair from a tie in full.
      const first = await page.locator('table.data tbody tr').nth(0).locator('.num').evaluateAll((els) => els.map((e) => [e.textContent, e.title]));
      assert.deepEqual(first.slice(0, 2), [['0.2470', '0.247'], ['100.5', '100.54166666666666']]);
      for (const [shown, exact] of first) assert.equal(Number(shown.replace('−', '-')).toPrecision(4), Number(exact.replace(/−/g, '-')).toPrecision(4));
      assert.deepEqual((await rowCells(page, 3)).slice(0, 4), ['3', '−0.1560', '−63.49999999999999', '−63']);
    });
  });

  it('keeps bits and weights in the URL: a reload shows the same view', async () => {
    await withPage(env, '#/ex1', {}, async ({ page }) => {
      const slider = page.getByLabel('Bits', { exact: true });
      await slider.focus();
      await page.keyboard.press('Home'); // keyboard-operable: 2 bits
      await page.keyboard.press('ArrowRight'); // 3 bits
      await page.getByLabel('Weights (separated by commas or spaces)').fill('0.5, -1, 0.25');
      assert.equal(await hashOf(page), '#/ex1?bits=3&w=0.5,-1,0.25');
      await reloadPage(page);
      assert.equal(await page.getByLabel('Bits', { exact: true }).inputValue(), '3');
      assert.equal(await page.getByLabel('Weights (separated by commas or spaces)').inputValue(), '0.5, -1, 0.25');
      assert.deepEqual(await page.locator('.q').allInnerTexts(), ['2', '−3', '1']); // 0.5/(1/3) = 1.5 -> 2 (half to even)
      assert.equal(await page.locator('.qmax').innerText(), '2^(3−1) − 1 = 3');
      // A link followed from the same page updates the view in place (the editor keeps its state).
      await page.evaluate(() => { location.hash = '#/ex1?bits=5'; });
      await page.waitForFunction(() => document.querySelector('.qmax')?.textContent === '2^(5−1) − 1 = 15');
      assert.equal(await page.getByLabel('Weights (separated by commas or spaces)').inputValue(), '0.247, -0.103, 0.089, -0.156, 0.312, -0.278');
    });
  });

  it('explains bad weights next to the field and keeps the last good results (no NaN, no lost text)', async () => {
    await withPage(env, '#/ex1', {}, async ({ page }) => {
      const field = page.getByLabel('Weights (separated by commas or spaces)');
      for (const [text, message] of [
        ['0.5, abc, 1', /Weight 2, “abc”, is not a number/],
        ['', /Give at least one weight/],
        [Array(70).fill('1').join(','), /At most 64 weights/],
        ['1e999', /is not a number/],
      ]) {
        await field.fill(text);
        assert.match(await page.locator('.field-message').first().innerText(), message);
        assert.equal(await field.getAttribute('aria-invalid'), 'true');
        assert.equal(await field.inputValue(), text);
        assert.deepEqual(await page.locator('.q').allInnerTexts(), ['101', '−42', '36', '−63', '127', '−113']);
        assert.doesNotMatch(await page.locator('main').innerText(), /NaN/);
      }
      await field.fill('0, 0, 0');
      assert.deepEqual(await page.locator('.q').allInnerTexts(), ['0', '0', '0']);
      assert.match(await page.locator('.chart-summary').first().innerText(), /All 3 weights are 0/);
      assert.doesNotMatch(await page.locator('main').innerText(), /NaN|Infinity/);
    });
  });
});
