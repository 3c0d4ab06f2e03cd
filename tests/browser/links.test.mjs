// Links: every link form the lab has given out opens the view it names; a link update the browser refuses
// (Safari's limit) never stops the page; hostile or broken hashes are ignored safely and named in a note; and a
// browser without WebAssembly SIMD gets the scalar build with the same numbers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { hashOf, launch, withPage } from './browser.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

// Links as the lab writes them (and as course authors and learners have saved them): each opens its view as it is.
const LINKS = [
  ['#/ex1?bits=3&w=0.5,-1,0.25', async (page) => {
    assert.equal(await page.getByLabel('Bits', { exact: true }).inputValue(), '3');
    assert.equal(await page.getByLabel('Weights (separated by commas or spaces)').inputValue(), '0.5, -1, 0.25');
  }],
  ['#/ex2?bits=4', async (page) => assert.equal(await page.getByLabel('Bits', { exact: true }).inputValue(), '4')],
  ['#/ex2?bits=4&s=0.5,0.1,1,10', async (page) => assert.equal(await page.getByLabel('Row 0 magnitude', { exact: true }).inputValue(), '0.5')],
  ['#/ex3?dist=outliers&hi=12', async (page) => {
    assert.equal(await page.getByLabel('heavy tails (outliers)', { exact: true }).isChecked(), true);
    assert.equal(await page.getByLabel('Highest bit width', { exact: true }).inputValue(), '12');
  }],
  ['#/ex4?seed=7&scheme=channel&input=5', async (page) => {
    assert.equal(await page.getByLabel('Seed').inputValue(), '7');
    assert.equal(await page.getByLabel('one scale per output channel').isChecked(), true);
    assert.equal(await page.getByLabel('Input shown').inputValue(), '5');
  }],
];

describe('links the lab has given out', () => {
  for (const [link, check] of LINKS) {
    it(`${link} opens its view and stays as it is`, async () => {
      await withPage(env, link, { waitEditor: false }, async ({ page }) => {
        await check(page);
        assert.equal(await hashOf(page), link);
        assert.equal(await page.locator('#notice').isVisible(), false);
      });
    });
  }
});

describe('links the browser refuses to write', () => {
  it('keeps drawing when the browser refuses to update the link (Safari’s limit), and the link catches up', async () => {
    // Safari throws a SecurityError after 100 history.replaceState calls in 10 s; here every call throws while
    // window.refuseLinks is set.
    const init = () => {
      const replace = history.replaceState.bind(history);
      history.replaceState = (...args) => {
        if (window.refuseLinks) throw new DOMException('Attempt to use history.replaceState() more than 100 times', 'SecurityError');
        return replace(...args);
      };
    };
    await withPage(env, '#/ex1', { init }, async ({ page }) => {
      await page.evaluate(() => { window.refuseLinks = true; });
      const slider = page.getByLabel('Bits', { exact: true });
      await slider.focus();
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight'); // 3 bits
      assert.equal(await page.locator('.qmax').innerText(), '2^(3−1) − 1 = 3');
      assert.equal(await hashOf(page), '#/ex1');
      await page.evaluate(() => { window.refuseLinks = false; });
      await page.waitForFunction(() => location.hash === '#/ex1?bits=3', null, { timeout: 5000 });
      // A link followed while writes are refused still opens its page, and its own link wins over older ones.
      await page.evaluate(() => { window.refuseLinks = true; });
      await page.keyboard.press('ArrowRight'); // 4 bits: a write waits
      await page.evaluate(() => { location.hash = '#/ex2?bits=99'; });
      await page.locator('h1', { hasText: 'Exercise 2' }).waitFor();
      assert.match(await page.locator('#notice').innerText(), /left at their defaults \(bits\)/);
      await page.evaluate(() => { window.refuseLinks = false; });
      await page.waitForFunction(() => location.hash === '#/ex2', null, { timeout: 5000 });
      await page.waitForTimeout(1200); // past the next retry: the exercise 1 link must not come back
      assert.equal(await hashOf(page), '#/ex2');
    });
  });
});

describe('hostile or broken links', () => {
  const cases = [
    ['#/ex1?bits=99&w=<img src=x onerror=alert(1)>', '/ex1', /bits, w/],
    ['#/<img src=x onerror=alert(1)>', '/', /no page of the lab/],
    ['#/ex2?s=1e400,NaN,-1,0&bits=8.5&__proto__=1', '/ex2', /s, bits, __proto__/],
    ['#/ex3?dist=constructor&hi=1', '/ex3', /dist, hi/],
    [`#/ex1?w=${'9,'.repeat(3000)}`, '/', /too long/],
    ['#/ex1?bits=%E0%A4%A', '/ex1', /bits/],
  ];
  for (const [hash, route, notice] of cases) {
    it(`ignores ${hash.slice(0, 50)}`, async () => {
      await withPage(env, hash, { waitEditor: false }, async ({ page }) => {
        assert.equal((await hashOf(page)).split('?')[0], `#${route}`);
        assert.match(await page.locator('#notice').innerText(), notice);
        assert.equal(await page.locator('img').count(), 0);
        assert.equal(await page.evaluate(() => document.body.innerHTML.includes('onerror')), false);
        assert.doesNotMatch(await page.locator('main').innerText(), /NaN/);
      });
    });
  }
});

describe('a browser without WebAssembly SIMD', () => {
  it('gets the scalar build, says so, and shows the same numbers', async () => {
    // Make the engine reject every SIMD module, as an engine without SIMD support would.
    const init = () => {
      const validate = WebAssembly.validate;
      WebAssembly.validate = (bytes) => (new Uint8Array(bytes.buffer ?? bytes).includes(0xfd) ? false : validate(bytes));
    };
    await withPage(env, '#/', { init }, async ({ page }) => {
      assert.match(await page.locator('#build-info').innerText(), /scalar WebAssembly build \(no SIMD in this browser: the same numbers, computed a little more slowly\)/);
      await page.goto(`${env.url}#/ex1`);
      await page.waitForSelector('.q');
      assert.deepEqual(await page.locator('.q').allInnerTexts(), ['101', '−42', '36', '−63', '127', '−113']);
    });
  });
});
