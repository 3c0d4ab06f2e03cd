// Learner mode in the browser, for every exercise of the registry: learner mode loads when the learner reaches
// "Your turn", the starter fails Check with the message the checks give, the solution (revealed behind its
// confirmation) passes; hints come one at a time, an endless loop is stopped while the page stays responsive,
// errors show their line, and code and progress survive a reload until "Erase my data".
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { checkCode } from '../node/learner-realm.mjs';
import { EXERCISES } from '../../web/src/exercises/registry.js';
import { createQuantLab } from '../node/load.mjs';
import { editorText, launch, openEditor, runCheck, screenshotDir, setCode, withPage } from './browser.mjs';

let env;
let lab;
before(async () => {
  env = await launch();
  lab = await createQuantLab();
});
after(async () => { await env?.close(); });

for (const entry of EXERCISES.filter((e) => e.tasks)) {
  const exercise = entry.id;
  describe(`${exercise} learner mode`, () => {
    it('the starter fails Check with the checks\' message; the revealed solution passes', async () => {
      // The message the checks give the starter code, computed here in Node by the same code the worker runs.
      const task = (await entry.tasks()).default;
      const starterFailure = (await checkCode(task, task.starter, lab)).tests.find((t) => !t.passed).message;
      await withPage(env, `#/${exercise}`, {}, async ({ page }) => {
        const starterSummary = await runCheck(page);
        assert.match(starterSummary, /^\d+ of \d+ checks pass$/);
        // Failures grouped by cause: the first group's message is the first failing check's.
        assert.equal(await page.locator('.check-results .cause-message').first().innerText(), starterFailure);
        assert.equal(await page.locator('.check-results .cause-title').first().innerText(), 'Fix this first');
        assert.equal(await page.locator('.next-exercise').count(), 0, 'no Next exercise before a pass');
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
        assert.equal(await page.locator('.check-results .test-message, .check-results .cause-message').count(), 0, 'no notes on a pass');
        // "Next exercise →", in the registry's order (back to the list after the last).
        const next = EXERCISES[EXERCISES.indexOf(entry) + 1];
        assert.equal(await page.locator('.next-exercise a').getAttribute('href'), next ? `#/${next.id}` : '#/');
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

describe('loading learner mode', () => {
  it('loads the editor only when the learner scrolls down to "Your turn"', async () => {
    await withPage(env, '#/ex2', { waitEditor: false }, async ({ page, responses }) => {
      await page.waitForTimeout(500);
      assert.equal(await page.locator('.cm-content').count(), 0, 'no editor before the learner gets there');
      assert.ok(!responses.some((r) => /codemirror|runner-worker/.test(r.url())), 'no editor code loaded');
      await openEditor(page);
      assert.ok(responses.some((r) => /codemirror/.test(r.url())));
    });
  });

  it('loads it when the keyboard focus reaches "Your turn", and the next Tab goes into the editor', async () => {
    await withPage(env, '#/ex3', { waitEditor: false }, async ({ page }) => {
      await page.getByRole('button', { name: 'Open the editor' }).focus();
      await page.locator('.cm-content').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement.classList.contains('learner')), true);
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.classList.contains('cm-content')), true);
    });
  });
});

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
  it('code saved for an earlier version of an exercise is named, and kept below the new starter on request', async () => {
    const earlier = 'function quantizeModel(model) {\n  return model; // my earlier work\n}\n';
    await withPage(env, '#/', {}, async ({ page }) => {
      await page.evaluate((code) => localStorage.setItem('quantlab:code:ex4', code), earlier);
      await page.goto(`${env.url}#/ex4`);
      await openEditor(page);
      const notice = page.locator('.earlier-code');
      assert.match(await notice.innerText(), /does not define quantizeVector\(\), int8Linear\(\), forwardInt8\(\)/);
      assert.match(await editorText(page), /my earlier work/);
      await notice.getByRole('button').click();
      assert.equal(await notice.count(), 0);
      // The editor shows only the lines in view: read what was saved instead.
      await page.waitForFunction(() => /^\/\/ {3}return model; \/\/ my earlier work$/m.test(localStorage.getItem('quantlab:code:ex4') ?? ''));
      assert.match(await page.evaluate(() => localStorage.getItem('quantlab:code:ex4')), /^function quantizeVector/m);
    });
  });

  it('keeps code and progress across a reload, and "Erase my data" removes them', async () => {
    await withPage(env, '#/ex1', {}, async ({ page }) => {
      await setCode(page, '// my own attempt\nconsole.log("hello");\n');
      // Saved after a short pause in typing.
      await page.waitForFunction(() => /my own attempt/.test(localStorage.getItem('quantlab:code:ex1') ?? ''));
      await page.reload();
      await page.waitForSelector('body[data-ready]', { state: 'attached' });
      await openEditor(page);
      assert.match(await editorText(page), /my own attempt/);
      await page.goto(`${env.url}#/`);
      await page.waitForSelector('.exercise-list');
      assert.deepEqual(await page.locator('.exercise-card .status-badge').allInnerTexts(),
        EXERCISES.map((e) => (e.id === 'ex1' ? 'attempted' : 'not started')));

      await page.getByRole('button', { name: 'Erase my data' }).click();
      await page.getByRole('button', { name: 'Erase', exact: true }).click();
      // The landing page redraws its cards after the erase: wait for them.
      await page.waitForFunction((n) => document.querySelectorAll('.exercise-card .status-badge').length === n, EXERCISES.length);
      assert.deepEqual(await page.locator('.exercise-card .status-badge').allInnerTexts(), EXERCISES.map(() => 'not started'));
      assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('quantlab:')).length), 0);
      await page.goto(`${env.url}#/ex1`);
      await openEditor(page);
      assert.doesNotMatch(await editorText(page), /my own attempt/);
      assert.match(await editorText(page), /TODO 1/);
    });
  });
});
