// Learner mode in the browser: the starter fails Check with its message, the solution (revealed behind its
// confirmation) passes, hints come one at a time, an endless loop is stopped while the page stays responsive,
// errors show their line, and code and progress survive a reload until "Erase my data".
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { editorText, launch, runCheck, screenshotDir, setCode, withPage } from './browser.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const STARTER_FAILURE = {
  ex1: /scale is 0, but max\|x\| is 0\.312: the scale is max\|x\| \/ qmax\./,
  ex2: /scales\[0\] is 0, but max\|w\| over row 0 is 0\.0195967/,
  ex3: /errorsForBits returned null: return an array with one MSE per bit width\./,
  ex4: /quantizeModel returned null: return the int8 model, quantizeDynamic\(model, \{ perChannel \}\)\./,
};

for (const exercise of ['ex1', 'ex2', 'ex3', 'ex4']) {
  describe(`${exercise} learner mode`, () => {
    it('the starter fails Check with a helpful message; the revealed solution passes', async () => {
      await withPage(env, `#/${exercise}`, {}, async ({ page }) => {
        const starterSummary = await runCheck(page);
        assert.match(starterSummary, /^\d+ of \d+ checks pass$/);
        assert.match(await page.locator('.check-results').innerText(), STARTER_FAILURE[exercise]);
        assert.match(await page.locator('.status-badge').innerText(), /attempted/);

        // The solution is hidden until asked for, and asks for confirmation.
        assert.equal(await page.locator('.solution-code').count(), 0);
        await page.getByRole('button', { name: 'Show solution…' }).click();
        assert.equal(await page.locator('.solution-code').count(), 0);
        await page.getByRole('button', { name: 'Yes, show the solution' }).click();
        assert.match(await page.locator('.solution-code').innerText(), /reference solution/);
        await page.getByRole('button', { name: 'Put the solution in the editor' }).click();
        const summary = await runCheck(page);
        assert.match(summary, /^(\d+) of \1 checks pass — exercise passed!$/);
        assert.equal(await page.locator('.check-results li.fail').count(), 0);
        assert.equal(await page.locator('.status-badge').innerText(), 'passed');
        await page.locator('.check-results').scrollIntoViewIfNeeded();
        await page.screenshot({ path: `${screenshotDir}/${exercise}-check-passed.png` });

        await page.getByRole('button', { name: 'Reset to starter code' }).click();
        assert.match(await editorText(page), /TODO/);
        assert.equal(await page.locator('.status-badge').innerText(), 'passed', 'passing once is kept');
      });
    });
  });
}

describe('running code', () => {
  it('stops an endless loop within the time limit, keeps the page responsive, and runs again afterwards', async () => {
    await withPage(env, '#/ex1', {}, async ({ page }) => {
      await setCode(page, 'let i = 0;\nwhile (true) {\n  i++;\n}\n');
      const started = Date.now();
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      // While the loop spins in the worker, the page answers and the lab still recomputes.
      await page.waitForTimeout(300);
      const t0 = Date.now();
      await page.evaluate(() => 1);
      const answerMs = Date.now() - t0;
      await page.getByLabel('Bits', { exact: true }).fill('4');
      assert.equal(await page.locator('.qmax').innerText(), '2^(4−1) − 1 = 7');
      await page.waitForSelector('.run-output .error-text', { timeout: 10000 });
      const stoppedMs = Date.now() - started;
      assert.match(await page.locator('.run-output').innerText(), /Stopped: your code ran for more than 2 s/);
      console.log(`endless loop stopped after ${stoppedMs} ms (limit 2000 ms); the page answered in ${answerMs} ms meanwhile`);
      assert.ok(stoppedMs < 6000, `stopped after ${stoppedMs} ms`);
      assert.ok(answerMs < 1000, `the page took ${answerMs} ms to answer`);
      await page.screenshot({ path: `${screenshotDir}/ex1-endless-loop-stopped.png` });

      await setCode(page, 'console.log("after the loop", 6 * 7);');
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await page.waitForFunction(() => document.querySelector('.run-output')?.textContent.includes('after the loop 42'));
    });
  });

  it('shows the message and line of exceptions and syntax errors', async () => {
    await withPage(env, '#/ex2', {}, async ({ page }) => {
      const run = async (code) => {
        await setCode(page, code);
        await page.getByRole('button', { name: 'Run', exact: true }).click();
        await page.waitForFunction(() => /Ran in|stopped with|syntax/.test(document.querySelector('.run-status')?.textContent ?? ''));
        const text = await page.locator('.run-output').innerText();
        await page.locator('.run-status').evaluate((el) => { el.textContent = ''; });
        return text;
      };
      assert.match(await run('const w = [1, 2];\nconsole.log(w.length);\nw.nope.call();\n'),
        /^2\nTypeError: Cannot read properties of undefined \(reading 'call'\) \(line 3\)$/);
      assert.match(await run('function f() {\n  return 1;\n}\nlet x = ;\n'), /SyntaxError: .* \(line 4\)/);
      assert.match(await run('throw "a string";'), /Thrown value: a string/);
      assert.equal(await page.locator('.cm-errorLine').count(), 0, 'no line marked for a thrown value without a stack');
    });
  });

  it('reveals hints one at a time', async () => {
    await withPage(env, '#/ex3', {}, async ({ page }) => {
      assert.equal(await page.locator('.hints li').count(), 0);
      await page.getByRole('button', { name: /Show a hint \(1 of \d\)/ }).click();
      assert.equal(await page.locator('.hints li').count(), 1);
      await page.getByRole('button', { name: /Show a hint \(2 of \d\)/ }).click();
      assert.equal(await page.locator('.hints li').count(), 2);
    });
  });
});

describe('what the browser keeps', () => {
  it('keeps code and progress across a reload, and "Erase my data" removes them', async () => {
    await withPage(env, '#/ex1', {}, async ({ page }) => {
      await setCode(page, '// my own attempt\nconsole.log("hello");\n');
      // Saved after a short pause in typing.
      await page.waitForFunction(() => /my own attempt/.test(localStorage.getItem('quantlab:code:ex1') ?? ''));
      await page.reload();
      await page.waitForSelector('.cm-content');
      assert.match(await editorText(page), /my own attempt/);
      await page.goto(`${env.url}#/`);
      await page.waitForSelector('.exercise-list');
      assert.deepEqual(await page.locator('.exercise-card .status-badge').allInnerTexts(),
        ['attempted', 'not started', 'not started', 'not started']);

      await page.getByRole('button', { name: 'Erase my data' }).click();
      await page.getByRole('button', { name: 'Erase', exact: true }).click();
      assert.deepEqual(await page.locator('.exercise-card .status-badge').allInnerTexts(),
        ['not started', 'not started', 'not started', 'not started']);
      assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('quantlab:')).length), 0);
      await page.goto(`${env.url}#/ex1`);
      await page.waitForSelector('.cm-content');
      assert.doesNotMatch(await editorText(page), /my own attempt/);
      assert.match(await editorText(page), /TODO 1/);
    });
  });
});
