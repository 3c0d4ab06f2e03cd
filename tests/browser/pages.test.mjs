// Every page (the landing page and every exercise of the registry) in light and dark themes and at phone width:
// loads without console errors or requests to other origins, draws every chart it shows (no blank canvas), shows
// no NaN, has no serious or critical axe-core violation, and at phone width nothing reaches off-screen outside a
// scrolling box. Screenshots of each go to build/screenshots/. The
// header's nav and the landing page list the registry's exercises in its order.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { EXERCISES } from '../../web/src/exercises/registry.js';
import { axeViolations, canvasInk, computedText, launch, openEditor, openPage, reloadPage, screenshotDir, withPage } from './browser.mjs';

const PAGES = [{ route: '#/', name: 'home' }, ...EXERCISES.map((e) => ({ route: `#/${e.id}`, name: e.id }))];
const VIEWS = [
  { label: 'light', colorScheme: 'light', width: 1280 },
  { label: 'dark', colorScheme: 'dark', width: 1280 },
  { label: 'phone', colorScheme: 'light', width: 390, height: 844 },
  { label: 'phone-dark', colorScheme: 'dark', width: 390, height: 844 },
];

/**
 * Elements of the page that reach beyond the viewport's sides without a scrolling box of their own around them (a
 * wide table or formula may scroll in its box; nothing else may be cut off at phone width).
 */
const offScreen = (page) => page.evaluate(() => {
  const scrolls = (el) => { for (let p = el.parentElement; p; p = p.parentElement) if (/auto|scroll/.test(getComputedStyle(p).overflowX)) return true; return false; };
  return [...document.querySelectorAll('main *')]
    .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && (r.right > innerWidth + 1 || r.left < -1) && !scrolls(el); })
    .slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`);
});

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

for (const view of VIEWS) {
  describe(`pages, ${view.label} (${view.width} px)`, () => {
    // One tab per view: the landing page loads cold, then the test follows the hash to every exercise as the nav
    // does (each page is built from scratch by the app; the code and the WebAssembly are fetched once). Cold loads
    // of every exercise page are the exercise tests' and the speed test's.
    let opened = null;
    before(async () => { opened = await openPage(env, '#/', { ...view, waitEditor: false }); });
    after(async () => { await opened?.context.close(); });
    for (const { route, name } of PAGES) {
      it(`${route} loads cleanly, draws its charts and passes axe-core`, async () => {
        const { page, foreign, errors } = opened;
        if (route !== '#/') {
          await page.evaluate((hash) => { location.hash = hash; }, route);
          await page.locator(`article.exercise[data-exercise="${name}"]`).waitFor({ timeout: 15000 });
          await openEditor(page);
        }
        const inks = await canvasInk(page);
        assert.equal(inks.length, await page.locator('figure.chart:visible').count(), 'a canvas in every chart figure on screen');
        if (route !== '#/') assert.ok(inks.length >= 1, 'an exercise draws at least one chart');
        for (const c of inks) assert.ok(c.ink > 500 && c.width > 100, `a chart is blank: ${JSON.stringify(c)}`);
        // Computed values only: the lesson's prose, the starter code and the checks' names may name NaN (exercise
        // 0 teaches it).
        const text = await page.evaluate(computedText);
        assert.doesNotMatch(text, /\bNaN\b|undefined/);
        const theme = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        assert.equal(theme, view.colorScheme === 'dark' ? 'rgb(15, 20, 25)' : 'rgb(255, 255, 255)');
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(wide <= 0, `the page scrolls sideways by ${wide} px`);
        if (view.width < 500) assert.deepEqual(await offScreen(page), [], 'nothing off-screen at phone width');
        assert.deepEqual(await axeViolations(page), []);
        await page.screenshot({ path: `${screenshotDir}/${name}-${view.label}.png`, fullPage: true });
        assert.deepEqual(errors.splice(0), [], 'console errors, page errors or dialogs');
        assert.deepEqual(foreign.splice(0), []);
      });
    }
  });
}

describe('nav and landing page', () => {
  it('list the registry\'s exercises in its order, with their numbers and titles', async () => {
    await withPage(env, '#/', {}, async ({ page }) => {
      assert.deepEqual(await page.locator('#nav a').allInnerTexts(), EXERCISES.map((e) => `${e.number} · ${e.nav}`));
      assert.deepEqual(await page.locator('#nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))), EXERCISES.map((e) => `#/${e.id}`));
      assert.deepEqual(await page.locator('.exercise-card h3').allInnerTexts(), EXERCISES.map((e) => `Exercise ${e.number} · ${e.title}`));
      await page.locator('#nav a').nth(1).click();
      await page.locator('h1', { hasText: `Exercise ${EXERCISES[1].number} · ` }).waitFor();
      assert.equal(await page.locator('#nav a[aria-current="page"]').innerText(), `${EXERCISES[1].number} · ${EXERCISES[1].nav}`);
    });
  });
});

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
