// What issue 11 asked of the pages, checked once each (the generic tests cover every exercise in both themes and at
// 390 px): a failure's cause shown once with the checks it breaks, the literal TODO answer passing, Next exercise,
// the landing page's Start/Continue, no layout shift while typing a magnitude, the learner's plotted numbers on
// exercise 3's charts and exercise 4's jump to a disagreeing input. (Nothing off-screen at 390 px: pages.test.mjs.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { EXERCISES } from '../../web/src/exercises/registry.js';
import { launch, runCheck, screenshotDir, setCode, withPage } from './browser.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const ex1Task = async () => (await EXERCISES.find((e) => e.id === 'ex1').tasks()).default;

describe('feedback grouped by cause', () => {
  it('qmax = 255 is shown once, first, with the checks it breaks; the literal TODO 5 answer passes its check', async () => {
    const task = await ex1Task();
    await withPage(env, '#/ex1', {}, async ({ page }) => {
      await setCode(page, task.solution.replace('const qmax = 2 ** (bits - 1) - 1;', 'const qmax = 2 ** bits - 1;'));
      await runCheck(page);
      const groups = page.locator('.check-results .cause-group');
      assert.equal(await groups.count(), 1, 'one cause');
      assert.equal(await groups.first().locator('.cause-title').innerText(), 'Fix this first');
      assert.match(await groups.first().locator('.cause-message').innerText(), /^qmax looks like 2\^bits − 1 = 255/);
      assert.ok(await groups.first().locator('li.fail').count() >= 3, 'the checks it breaks, by name');
      assert.equal((await page.locator('.check-results').innerText()).match(/qmax looks like/g).length, 1, 'the cause is said once');
      await page.locator('.check-results').screenshot({ path: `${screenshotDir}/ex1-grouped-cause.png` });

      // The starter with TODO 5 filled in literally, into the starter's Float32Array.
      await setCode(page, task.starter.replace('  // TODO 5: fill recovered[i] with q[i] * scale.\n', '  for (let i = 0; i < q.length; i++) recovered[i] = q[i] * scale;\n'));
      await runCheck(page);
      assert.equal(await page.locator('.check-results li.pass', { hasText: 'symmetricDequantize returns q × scale' }).count(), 1);
    });
  });
});

describe('landing page', () => {
  it('starts at the first exercise, and continues at the first one not passed, with the progress', async () => {
    await withPage(env, '#/', {}, async ({ page }) => {
      const start = page.locator('.start-button');
      assert.equal(await start.getAttribute('href'), `#/${EXERCISES[0].id}`);
      assert.match(await start.innerText(), /^Start: exercise/);
      assert.ok((await start.boundingBox()).y + 40 < 900, 'Start is within the first screen');
      await page.evaluate((id) => localStorage.setItem(`quantlab:status:${id}`, 'passed'), EXERCISES[0].id);
      await page.evaluate((id) => localStorage.setItem(`quantlab:status:${id}`, 'attempted'), EXERCISES[1].id);
      await page.reload();
      await page.waitForSelector('.start-button');
      assert.equal(await start.getAttribute('href'), `#/${EXERCISES[1].id}`);
      assert.match(await start.innerText(), /^Continue: exercise/);
      assert.equal(await page.locator('.landing-progress').innerText(), `1 of ${EXERCISES.length} exercises passed`);
      assert.equal(await page.locator('.landing-picture').count(), 1);
    });
  });
});

describe('exercise 2 magnitudes', () => {
  it('typing "0.05" shows no message on the way and moves nothing on the page', async () => {
    await withPage(env, '#/ex2', { waitEditor: false }, async ({ page }) => {
      const field = page.getByLabel('Row 1 magnitude', { exact: true });
      const below = page.locator('.key-numbers');
      const top = () => below.evaluate((el) => el.getBoundingClientRect().top + window.scrollY); // in the page, not the viewport
      const before = await top();
      await field.fill('');
      for (const ch of '0.05') {
        await field.press(ch === '.' ? 'Period' : ch);
        assert.equal(await page.locator('.field-message').nth(1).innerText(), '', `no message at "${await field.inputValue()}"`);
        assert.equal(await top(), before, `nothing moves at "${await field.inputValue()}"`);
      }
      await field.blur();
      assert.equal(await field.getAttribute('aria-invalid'), null);
      assert.match(await page.locator('.mse-channel').innerText(), /^\d/);
      await field.fill('abc');
      await field.blur();
      assert.match(await page.locator('.field-message').nth(1).innerText(), /Row 1: a number, 1e−6 to 1e6/);
      assert.equal(await top(), before, 'the message has its room');
    });
  });

  it('says nothing about the largest rows dominating when every row has the same magnitude', async () => {
    await withPage(env, '#/ex2?s=1,1,1,1', { waitEditor: false }, async ({ page }) => {
      const text = (await page.locator('.chart-summary').allInnerTexts()).join(' ');
      assert.doesNotMatch(text, /dominat/);
      assert.match(text, /same magnitude/);
    });
  });
});

describe('exercise 3', () => {
  it('draws the learner\'s numbers from Run on both charts, and the clip slider moves the threshold', async () => {
    const task = (await EXERCISES.find((e) => e.id === 'ex3').tasks()).default;
    await withPage(env, '#/ex3', {}, async ({ page }) => {
      const clip = page.getByLabel('Clip at', { exact: true });
      const summary = page.locator('.chart-summary').nth(1);
      const bestText = await summary.innerText();
      assert.match(bestText, /the best threshold, [\d.]+, gives/);
      await clip.fill('60');
      assert.match(await summary.innerText(), /Clipping the heavy-tailed weights at [\d.]+ \(100 % of max\|x\|\) at 4 bits: 0 of 1000 values saturate/);
      await setCode(page, task.solution);
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await page.waitForFunction(() => /Ran in/.test(document.querySelector('.run-status')?.textContent ?? ''));
      await page.waitForFunction(() => /Your numbers from Run \(7 points/.test(document.querySelectorAll('.chart-summary')[0].textContent));
      assert.match(await summary.innerText(), /Your numbers from Run \(60 points/);
      await page.locator('figure.chart').nth(1).screenshot({ path: `${screenshotDir}/ex3-clip-yours.png` });
    });
  });
});

describe('exercise 4', () => {
  it('jumps to an input whose top class differs, and the chart shows float32 − int8', async () => {
    await withPage(env, '#/ex4?seed=2', { waitEditor: false }, async ({ page }) => {
      await page.getByRole('button', { name: 'Show an input whose top class differs' }).click();
      assert.equal(await page.getByLabel('Input shown').inputValue(), '5');
      assert.match(await page.locator('figure.chart .chart-summary').nth(1).innerText(), /^Input 5: float32 picks class \d, int8 picks class \d .*the top class flipped/);
      await page.getByRole('button', { name: 'Show an input whose top class differs' }).click();
      assert.equal(await page.getByLabel('Input shown').inputValue(), '17');
    });
  });
});
