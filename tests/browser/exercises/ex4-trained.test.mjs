// Exercise 4's trained mode in the browser (web/src/exercises/ex4-model/trained.js): the trained SimpleNet's
// test accuracy in float32 and int8 (the provenance's numbers, live), the confusion matrix and the images on which
// float32 and int8 disagree; the weights and the scheme in the URL; light, dark and 390 px with axe.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { looksRight as check, hashOf, launch, withPage } from '../browser.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const looksRight = (page, name) => check(page, `ex4-trained-${name}`, { charts: page.locator('figure.chart') });

describe('exercise 4, trained on Fashion-MNIST', () => {
  it('evaluates float32 and int8 on the 10,000 test images, with the confusion matrix and the disagreements', async () => {
    await withPage(env, '#/ex4', { waitEditor: false }, async ({ page }) => {
      // Random weights (the notebook) by default: the trained section is not there and nothing is downloaded.
      assert.equal(await page.locator('.trained').count(), 0);
      await page.getByLabel('trained on Fashion-MNIST').check();
      assert.equal(await hashOf(page), '#/ex4?weights=trained');
      const trained = page.locator('.trained');
      await page.waitForSelector('.trained-results:not([hidden])', { timeout: 120000 });
      // The committed model's provenance: 8,750, 8,739 and 8,755 of 10,000.
      assert.equal(await trained.locator('.acc-fp32').innerText(), '87.50%');
      assert.equal(await trained.locator('.acc-tensor').innerText(), '87.39%');
      assert.equal(await trained.locator('.acc-channel').innerText(), '87.55%');
      assert.match(await trained.locator('.trained-verdict').innerText(), /within the noise/);
      assert.match(await trained.locator('.chart-summary').innerText(), /the diagonal holds the 8,739 correct answers/);
      const count = Number(/for (\d+) of 10,000 test images/.exec(await trained.locator('.disagree-count').innerText())[1]);
      assert.ok(count > 0);
      assert.equal(await trained.locator('.test-image').count(), Math.min(48, count));
      assert.match(await trained.locator('.test-image figcaption').first().innerText(), /#\d+: .+\nfloat32: .+\nint8: .+/);
      await looksRight(page, 'light');

      await trained.getByLabel('one scale per output channel').check();
      assert.equal(await hashOf(page), '#/ex4?scheme=channel&weights=trained');
      assert.match(await trained.locator('.chart-summary').innerText(), /the diagonal holds the 8,755 correct answers/);
      await page.emulateMedia({ colorScheme: 'dark' });
      await looksRight(page, 'dark');
      await page.setViewportSize({ width: 390, height: 844 });
      await looksRight(page, 'phone-dark');

      await page.getByLabel('random weights (the notebook)').check();
      assert.equal(await hashOf(page), '#/ex4?scheme=channel');
      assert.equal(await trained.isVisible(), false);
      assert.equal(await page.locator('.size-int8').innerText(), '205,444 bytes');
    });
  });
});
