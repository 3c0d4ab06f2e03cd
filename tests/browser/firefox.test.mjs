// The page tests in Firefox (Debian's firefox-esr through WebDriver BiDi, tests/browser/firefox.mjs): every exercise
// of the registry renders with its charts drawn, Run and Check work in the runner worker, and the demo course page
// on another origin runs the web component (a Check in it, its score event heard) and the iframe. One browser and
// one page for the exercises, one more page for the course: what Chromium's tests check in depth (themes, axe,
// phone width, URL state, messages) is not repeated here; this file catches what differs in Firefox.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { startServer } from '../../build-scripts/serve.mjs';
import { EXERCISES } from '../../web/src/exercises/registry.js';
import { computedText, repoRoot, screenshotDir } from './browser.mjs';
import { canvasInk, clickButton, launchFirefox, runFinished, setCode } from './firefox.mjs';
import { kept, startPlayer } from './lms/player.mjs';
import { LAUNCH, packageName } from '../../build-scripts/scorm-packages.mjs';

const DEMO_SOURCE = `${repoRoot}docs/embed-example/`;
const DEMO_ROOT = `${repoRoot}build/embed-example-firefox/`;
const ADDRESSES = { lab: 'http://127.0.0.1:8080', course: 'http://127.0.0.1:8081' };

let lab;
let course;
let player;
const SCORM_CASE = { version: '2004', entry: EXERCISES.filter((e) => e.tasks)[1] ?? EXERCISES.find((e) => e.tasks) };
let browser;
let page;
const errors = [];
const foreign = [];
const seen = []; // every request heard: the check for foreign ones is only worth something if requests are heard

function watch(p, allowed) {
  const origins = allowed.map((u) => new URL(u).origin);
  p.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  p.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  p.on('request', (r) => {
    const url = r.url();
    seen.push(url);
    if (!url.startsWith('data:') && !url.startsWith('blob:') && !origins.includes(new URL(url).origin)) foreign.push(url);
  });
}

before(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  lab = await startServer({ root: `${repoRoot}dist`, port: 0, cors: true });
  rmSync(DEMO_ROOT, { recursive: true, force: true });
  mkdirSync(DEMO_ROOT, { recursive: true });
  course = await startServer({ root: DEMO_ROOT, port: 0 });
  for (const name of readdirSync(DEMO_SOURCE)) {
    writeFileSync(DEMO_ROOT + name, readFileSync(DEMO_SOURCE + name, 'utf8')
      .replaceAll(ADDRESSES.lab, lab.url.replace(/\/$/, ''))
      .replaceAll(ADDRESSES.course, course.url.replace(/\/$/, '')));
  }
  player = await startPlayer([SCORM_CASE], 'scorm-test-firefox');
  const started = Date.now();
  browser = await launchFirefox();
  console.log(`# ${await browser.version()} started in ${Date.now() - started} ms`);
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  watch(page, [lab.url]);
});
after(async () => {
  await browser?.close();
  for (const s of [lab, course]) if (s) await new Promise((resolve) => s.server.close(resolve));
  await player?.close();
});

describe('Firefox', () => {
  it('renders every exercise with its charts drawn', async () => {
    await page.goto(`${lab.url}#/`);
    await page.waitForSelector('body[data-ready]', { timeout: 30000 });
    for (const entry of EXERCISES) {
      await page.evaluate((id) => { location.hash = `#/${id}`; }, entry.id);
      await page.waitForSelector(`article.exercise[data-exercise="${entry.id}"] figure.chart canvas`, { timeout: 30000 });
      // Charts draw as their data arrive: wait until the page's data jobs are over (exercises 5 and 6) and every
      // chart on screen has ink (exercise 9 keeps its training charts hidden until the learner starts a run).
      await page.waitForFunction(() => {
        if (![...document.querySelectorAll('.data-job')].every((el) => el.hidden || el.querySelector('progress')?.hidden)) return false;
        const canvases = [...document.querySelectorAll('figure.chart canvas')].filter((c) => c.checkVisibility());
        return canvases.length > 0 && canvases.every((c) => {
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let ink = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) ink++;
          return ink > 500;
        });
      }, { timeout: 30000, polling: 200 }).catch(async () => assert.fail(`${entry.id}: a chart stays blank: ${JSON.stringify(await canvasInk(page))}`));
      const inks = await canvasInk(page, 'figure.chart canvas');
      assert.equal(inks.length, await page.$$eval('figure.chart', (f) => f.filter((x) => x.checkVisibility()).length), `${entry.id}: a canvas in every chart figure on screen`);
      for (const c of inks) assert.ok(c.width > 100, `${entry.id}: a chart is too narrow: ${JSON.stringify(c)}`);
      const heading = await page.$eval('h1', (el) => el.textContent);
      assert.match(heading, new RegExp(`Exercise ${entry.number} · `));
      const text = await page.evaluate(computedText);
      assert.doesNotMatch(text, /\bNaN\b|undefined/, `${entry.id}: NaN or undefined on the page`);
      await page.screenshot({ path: `${screenshotDir}/firefox-${entry.id}.png` });
    }
    assert.deepEqual(errors, []);
    assert.ok(seen.some((u) => u.endsWith('.wasm')), `requests are heard: ${seen.length}`);
    assert.deepEqual(foreign, []);
  });

  it('runs and checks the learner’s code in the worker', async () => {
    const entry = EXERCISES.find((e) => e.tasks);
    const task = (await entry.tasks()).default;
    await page.evaluate((id) => { location.hash = `#/${id}`; }, entry.id);
    await page.waitForSelector(`article.exercise[data-exercise="${entry.id}"] .learner`);
    await page.$eval('.learner', (el) => el.scrollIntoView());
    await page.waitForSelector('.cm-content', { timeout: 30000 });

    await setCode(page, 'console.log("from the worker", 6 * 7);');
    assert.match(await page.$eval('.cm-content', (el) => el.innerText), /from the worker/);
    await clickButton(page, '.learner', 'Run');
    assert.match(await runFinished(page, '.learner'), /Ran in/);
    assert.match(await page.$eval('.run-output', (el) => el.textContent), /from the worker 42/);

    await setCode(page, task.starter);
    const failed = await (async () => { await clickButton(page, '.learner', 'Check'); return runFinished(page, '.learner'); })();
    const [passed, total] = failed.match(/(\d+) of (\d+)/).slice(1).map(Number);
    assert.ok(passed < total, `the starter code fails: ${failed}`);
    assert.ok(await page.$eval('.check-results', (el) => el.querySelectorAll('li.fail').length) > 0);

    await setCode(page, task.solution);
    await clickButton(page, '.learner', 'Check');
    assert.match(await runFinished(page, '.learner'), new RegExp(`${total} of ${total} checks pass`));
    assert.match(await page.$eval('.check-results .summary', (el) => el.textContent), /exercise passed/);

    // A loop that never ends is stopped by the time limit, in Firefox too.
    await setCode(page, 'while (true) {}');
    await clickButton(page, '.learner', 'Run');
    await page.waitForFunction(() => /Stopped: your code ran for more than/.test(document.querySelector('.run-output')?.textContent ?? ''), { timeout: 30000 });
    assert.deepEqual(errors, []);
  });

  it('runs the demo course page’s web components and iframe from another origin', async () => {
    const coursePage = await browser.newPage();
    await coursePage.setViewport({ width: 1280, height: 900 });
    watch(coursePage, [lab.url, course.url]);
    try {
      await coursePage.goto(`${course.url}course.html`);
      await coursePage.waitForFunction(() => document.querySelector('#lab-ex2')?.shadowRoot?.querySelector('figure.chart canvas'), { timeout: 30000 });
      const inks = await canvasInk(coursePage, '#lab-ex2 >>> figure.chart canvas');
      assert.ok(inks.length >= 1 && inks.every((c) => c.ink > 500), `the web component draws its charts: ${JSON.stringify(inks)}`);

      // The iframe (embed.html on the lab's origin) shows its exercise and draws.
      const frame = await (await coursePage.waitForSelector('#lab-ex3')).contentFrame();
      await frame.waitForSelector('body[data-ready]', { timeout: 30000 });
      await frame.waitForSelector('figure.chart canvas');
      assert.ok((await canvasInk(frame, 'figure.chart canvas')).some((c) => c.ink > 500), 'the iframe draws its charts');

      // A Check in the first web component: its runner worker starts from a blob: URL on the course's origin.
      const task = (await EXERCISES.find((e) => e.number === 1).tasks()).default;
      await coursePage.$eval('#lab-ex1', (el) => el.shadowRoot.querySelector('.learner').scrollIntoView());
      await coursePage.waitForSelector('#lab-ex1 >>> .cm-content', { timeout: 30000 });
      await setCode(coursePage, task.solution, '#lab-ex1 >>> .cm-content');
      await clickButton(coursePage, '#lab-ex1 >>> .learner', 'Check');
      assert.match(await runFinished(coursePage, '#lab-ex1 >>> .learner'), /(\d+) of \1 checks pass/);
      await coursePage.waitForFunction(() => window.courseProgress.some((p) => p.type === 'completed' && p.source === 'lab-ex1'), { timeout: 10000 });
      const checked = await coursePage.evaluate(() => window.courseProgress.find((p) => p.type === 'checked' && p.source === 'lab-ex1').detail);
      assert.equal(checked.score, 1);
      await coursePage.screenshot({ path: `${screenshotDir}/firefox-embed-course.png` });
      assert.deepEqual(errors, []);
      assert.deepEqual(foreign, []);
    } finally {
      await coursePage.close();
    }
  });

  it('plays a SCORM 2004 package in scorm-again: a passing Check is recorded, a relaunch resumes the code', async () => {
    const { version, entry } = SCORM_CASE;
    const task = (await entry.tasks()).default;
    const lms = await browser.newPage();
    await lms.setViewport({ width: 1280, height: 900 });
    watch(lms, [player.url]);
    const name = packageName(entry, version);
    const launchPackage = async (saved) => {
      await lms.evaluate((v, src, kept) => window.player.launch(v, src, kept), version, `${name}/${LAUNCH}`, saved);
      const frame = await (await lms.waitForSelector('#sco')).contentFrame();
      await frame.waitForSelector('body[data-ready]', { timeout: 30000 });
      await frame.$eval('.learner', (el) => el.scrollIntoView());
      await frame.waitForSelector('.cm-content', { timeout: 30000 });
      return frame;
    };
    try {
      await lms.goto(`${player.url}host.html`);
      let frame = await launchPackage(null);
      const marker = `// Firefox kept this ${Date.now()}`;
      await setCode(frame, `${marker}\n${task.solution}`);
      await clickButton(frame, '.learner', 'Check');
      assert.match(await runFinished(frame, '.learner'), /(\d+) of \1 checks pass/);
      await lms.waitForFunction(() => window.player.lastCommit()?.success_status === 'passed', { timeout: 10000 });
      await lms.evaluate(() => window.player.close());
      await lms.waitForFunction(() => window.player.finished, { timeout: 10000 });
      const last = await lms.evaluate(() => window.player.lastCommit());
      assert.deepEqual([last.completion_status, last.success_status, last.score.raw, last.score.scaled, last.exit],
        ['completed', 'passed', '100', '1', 'suspend']);
      assert.match(last.suspend_data, /^QL1z:/, 'compressed in Firefox too');
      frame = await launchPackage(kept(last, version));
      await frame.waitForFunction((m) => document.querySelector('.cm-content')?.innerText.includes(m), { timeout: 10000 }, marker);
      assert.deepEqual(errors, []);
      assert.deepEqual(foreign, []);
    } finally {
      await lms.close();
    }
  });
});
