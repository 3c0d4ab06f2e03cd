// Exercise 7 in the browser, one page load: the first measurement on the trained network (float32, int8 and the
// configuration of the link on the scatter and in the table), a second configuration set with the controls and
// measured (a new point, the URL state), mixed precision; looked at in light, dark and at 390 px with axe.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { looksRight as check, hashOf, launch, withPage } from '../browser.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const looksRight = (page, name) => check(page, `ex7-${name}`);

const rows = (page) => page.locator('.ex7-results table.data tbody tr');
const idle = (page) => page.waitForFunction(() => document.querySelector('.exercise')?.getAttribute('aria-busy') !== 'true', null, { timeout: 180000 });

describe('exercise 7', () => {
  it('measures configurations on the trained network, adds each as a point; mixed precision; light, dark, 390 px', async () => {
    await withPage(env, '#/ex7?bits=3&gran=g64', { waitEditor: false }, async ({ page }) => {
      // Drawn at once, before any data: what the scales cost.
      assert.match(await page.locator('.chart-summary').first().innerText(), /At 3 bits the values take 3\.00 bits per weight; groups of 64 adds 0\.531 bits per weight/);
      await page.waitForSelector('.ex7-results:not([hidden])', { timeout: 180000 });
      // float32, int8 and 3-bit g64: the committed model's figures (docs/lowbit.md).
      assert.equal(await rows(page).count(), 3);
      const texts = await rows(page).allInnerTexts();
      assert.match(texts[0], /^float32\s+814\.2 kB\s+file\s+32\.00\s+87\.50%/);
      assert.match(texts[1], /^int8 per channel\s+205\.4 kB\s+file/);
      assert.match(texts[2], /^3-bit g64\s+90\.84 kB\s+file\s+3\.530\s+84\.40%\s+−3\.10/);
      assert.match(await page.locator('.ex7-results .chart-summary').last().innerText(), /Layer 1’s 200,704 weights.*3,328 groups.*7 levels as dashed lines/);

      // NF4 in groups of 64, the last layer at 8 bits: a mixed-precision point.
      await page.getByRole('radio', { name: 'NF4 (normal float)' }).check();
      await page.getByRole('radio', { name: '8 bits' }).check();
      assert.equal(await hashOf(page), '#/ex7?bits=3&gran=g64&grid=nf4&last=8');
      assert.equal(await page.locator('.field.slider input').isDisabled(), true, 'NF4 is 4 bits');
      await page.getByRole('button', { name: 'Measure this configuration' }).click();
      await page.waitForFunction(() => document.querySelectorAll('.ex7-results table.data tbody tr').length === 4, null, { timeout: 180000 });
      assert.match((await rows(page).allInnerTexts())[3], /^NF4 g64 \+ 8-bit g64\s+[\d.]+ kB\s+computed/);
      await idle(page);
      await looksRight(page, 'light');

      await page.emulateMedia({ colorScheme: 'dark' });
      await page.getByRole('radio', { name: 'layer 2 (256 → 10)' }).check();
      assert.match(await page.locator('.ex7-results .chart-summary').last().innerText(), /Layer 2’s 2,560 weights/);
      await looksRight(page, 'dark');
      await page.setViewportSize({ width: 390, height: 844 });
      await looksRight(page, 'phone-dark');
    });
  });
});
