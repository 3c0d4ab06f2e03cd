// Every page in light and dark themes and at phone width: loads without console errors or requests to other
// origins, draws its charts (no blank canvas), shows no NaN, and has no serious or critical axe-core violation.
// Screenshots of each go to build/screenshots/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { axeViolations, canvasInk, launch, reloadPage, screenshotDir, withPage } from './browser.mjs';

const PAGES = [
  { route: '#/', name: 'home', charts: 0 },
  { route: '#/ex1', name: 'ex1', charts: 1 },
  { route: '#/ex2', name: 'ex2', charts: 2 },
  { route: '#/ex3', name: 'ex3', charts: 1 },
  { route: '#/ex4', name: 'ex4', charts: 2 },
];
const VIEWS = [
  { label: 'light', colorScheme: 'light', width: 1280 },
  { label: 'dark', colorScheme: 'dark', width: 1280 },
  { label: 'phone', colorScheme: 'light', width: 390, height: 844 },
  { label: 'phone-dark', colorScheme: 'dark', width: 390, height: 844 },
];

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

for (const view of VIEWS) {
  describe(`pages, ${view.label} (${view.width} px)`, () => {
    for (const { route, name, charts } of PAGES) {
      it(`${route} loads cleanly, draws its charts and passes axe-core`, async () => {
        await withPage(env, route, view, async ({ page, foreign }) => {
          const inks = await canvasInk(page);
          assert.equal(inks.length, charts, 'number of charts');
          for (const c of inks) assert.ok(c.ink > 500 && c.width > 100, `a chart is blank: ${JSON.stringify(c)}`);
          const text = await page.locator('body').innerText();
          assert.doesNotMatch(text, /\bNaN\b|undefined/);
          const theme = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
          assert.equal(theme, view.colorScheme === 'dark' ? 'rgb(15, 20, 25)' : 'rgb(255, 255, 255)');
          const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          assert.ok(wide <= 0, `the page scrolls sideways by ${wide} px`);
          assert.deepEqual(await axeViolations(page), []);
          await page.screenshot({ path: `${screenshotDir}/${name}-${view.label}.png`, fullPage: true });
          assert.deepEqual(foreign, []);
        });
      });
    }
  });
}

describe('theme switch', () => {
  it('overrides the system theme, redraws the charts, and is remembered', async () => {
    await withPage(env, '#/ex3', { colorScheme: 'light' }, async ({ page }) => {
      const pixels = () => page.$eval('canvas', (c) => c.toDataURL());
      const before = await pixels();
      await page.getByLabel('Theme').selectOption('dark');
      assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(15, 20, 25)');
      // The chart is drawn again in the dark palette: its pixels change, and it is not blank.
      await page.waitForFunction((old) => document.querySelector('canvas').toDataURL() !== old, before);
      assert.ok((await canvasInk(page))[0].ink > 500);
      await reloadPage(page);
      assert.equal(await page.getByLabel('Theme').inputValue(), 'dark');
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      await page.screenshot({ path: `${screenshotDir}/ex3-switched-to-dark.png` });
    });
  });
});
