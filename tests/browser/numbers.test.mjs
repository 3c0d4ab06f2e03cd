// What the pages show against NumPy, the URL state (a reload reproduces the view; hostile hashes are ignored
// safely), bad input next to its control, and the scalar fallback when a browser has no WebAssembly SIMD.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { launch, reloadPage, withPage } from './browser.mjs';

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
// np.random.seed(42); x = np.random.randn(1000): the notebook's MSE for 2..8 bits.
const NUMPY_EX3 = ['0.8194848811442323', '0.14265281456252696', '0.0251970205059017', '0.005198305119941894',
  '0.0013057265972128578', '0.00031344530316145767', '7.638162935494301e-05'];

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const rowCells = (page, row) => page.locator('table.data tbody tr').nth(row).locator('th, td').allInnerTexts();

describe('exercise 1', () => {
  it("shows NumPy's q = 101 for 0.247 and scale 0.002457", async () => {
    await withPage(env, '#/ex1', {}, async ({ page }) => {
      assert.deepEqual(await page.locator('.q').allInnerTexts(), ['101', '−42', '36', '−63', '127', '−113']);
      assert.equal(await page.locator('.scale strong').innerText(), '0.002457');
      assert.match(await page.locator('.scale').innerText(), /\(0\.002456692913385827\)/);
      assert.deepEqual((await rowCells(page, 3)).slice(0, 4), ['3', '−0.156', '−63.49999999999999', '−63']);
    });
  });

  it('keeps bits and weights in the URL: a reload shows the same view', async () => {
    await withPage(env, '#/ex1', {}, async ({ page }) => {
      const slider = page.getByLabel('Bits', { exact: true });
      await slider.focus();
      await page.keyboard.press('Home'); // keyboard-operable: 2 bits
      await page.keyboard.press('ArrowRight'); // 3 bits
      await page.getByLabel('Weights (separated by commas or spaces)').fill('0.5, -1, 0.25');
      assert.equal(new URL(page.url()).hash, '#/ex1?bits=3&w=0.5,-1,0.25');
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
      assert.equal(new URL(page.url()).hash, '#/ex1');
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
      assert.equal(new URL(page.url()).hash, '#/ex2');
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
      assert.match(await page.locator('.chart-summary').innerText(), /All 3 weights are 0/);
      assert.doesNotMatch(await page.locator('main').innerText(), /NaN|Infinity/);
    });
  });
});

describe('exercise 2', () => {
  it("matches NumPy's per-tensor and per-channel numbers, overall and per row", async () => {
    await withPage(env, '#/ex2', {}, async ({ page }) => {
      assert.equal(await page.locator('.mse-tensor').innerText(), NUMPY_EX2.mseTensor);
      assert.equal(await page.locator('.mse-channel').innerText(), NUMPY_EX2.mseChannel);
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
      const rangeMessage = 'Row 0: use a number from 0.000001 to 1000000, such as 0.01 or 10.';
      assert.equal(await page.locator('.field-message').first().innerText(), rangeMessage);
      assert.equal(await page.locator('.mse-tensor').innerText(), NUMPY_EX2.mseTensor);
      assert.equal(await page.locator('.stale-note').isVisible(), true);
      await row0.fill('-1');
      assert.equal(await page.locator('.field-message').first().innerText(), rangeMessage);
      await row0.fill('');
      assert.equal(await page.locator('.field-message').first().innerText(), 'Give row 0 a magnitude (a number from 0.000001 to 1000000).');
      await row0.fill('0.5');
      assert.equal(await page.locator('.stale-note').isVisible(), false);
      await page.getByLabel('Bits', { exact: true }).fill('4');
      assert.equal(new URL(page.url()).hash, '#/ex2?bits=4&s=0.5,0.1,1,10');
      const shown = await page.locator('.mse-channel').innerText();
      await reloadPage(page);
      assert.equal(await page.getByLabel('Row 0 magnitude', { exact: true }).inputValue(), '0.5');
      assert.equal(await page.locator('.mse-channel').innerText(), shown);
      assert.doesNotMatch(await page.locator('main').innerText(), /NaN/);
    });
  });
});

describe('exercise 3', () => {
  it("shows NumPy's MSE for 2..8 bits and the per-bit reduction factors", async () => {
    await withPage(env, '#/ex3', {}, async ({ page }) => {
      assert.deepEqual(await page.locator('.sweep-mse').allInnerTexts(), NUMPY_EX3);
      const factors = [];
      for (let r = 1; r < 7; r++) factors.push((await rowCells(page, r))[3]);
      assert.deepEqual(factors, ['5.74×', '5.66×', '4.85×', '3.98×', '4.17×', '4.10×']);
    });
  });

  it('switches to heavy tails, keeps it in the URL, and compares with the Gaussian', async () => {
    await withPage(env, '#/ex3', {}, async ({ page }) => {
      await page.getByLabel('heavy tails (outliers)', { exact: true }).check();
      assert.equal(new URL(page.url()).hash, '#/ex3?dist=outliers');
      await reloadPage(page);
      assert.equal(await page.getByLabel('heavy tails (outliers)', { exact: true }).isChecked(), true);
      assert.match(await page.locator('.chart-summary').innerText(), /heavy tails.*against 41\.0 dB for the Gaussian weights/);
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
        assert.equal(new URL(page.url()).hash.split('?')[0], `#${route}`);
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
      assert.match(await page.locator('#build-info').innerText(), /scalar WebAssembly build \(no SIMD in this browser\)/);
      assert.match(await page.locator('.build-note').innerText(), /no WebAssembly SIMD, so the lab uses the scalar build/);
      await page.goto(`${env.url}#/ex1`);
      await page.waitForSelector('.q');
      assert.deepEqual(await page.locator('.q').allInnerTexts(), ['101', '−42', '36', '−63', '127', '−113']);
    });
  });
});
