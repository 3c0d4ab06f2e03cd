// Embedding, as a course author does it. The demo course page (docs/embed-example/course.html) is served from one
// localhost origin and loads the lab from another (dist/, sent with Access-Control-Allow-Origin as a static host
// like GitHub Pages sends it): two <quant-lab> web components and an iframe of embed.html with quantlab-resizer.js,
// under the page's own aggressive CSS and strict Content-Security-Policy. The tests check that all three run and
// look as they do in the lab, that the page's CSS does not reach them nor theirs the page, that no request goes
// to a third origin, that the score events arrive (DOM events and postMessage), that the iframe takes the height
// of its content, that the frame talks only to the origins its author listed, that bad attributes and hashes get
// a message, that attribute changes update a widget, and that the snippets of "Copy embed code" and of the README
// work pasted into a plain page on another origin.
// Screenshots of the course page (light, dark, phone) go to build/screenshots/embed-course-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { startServer } from '../../build-scripts/serve.mjs';
import { exerciseById } from '../../web/src/exercises/registry.js';
import { axeViolations, canvasInk, launch, openEditor, repoRoot, runCheck, screenshotDir, setCode, withPage } from './browser.mjs';

const ex1 = (await exerciseById('ex1').tasks()).default;

// The demo page names the lab as http://127.0.0.1:8080 (start.sh's address) and itself as :8081; the test serves
// a copy with the test servers' addresses instead.
const DEMO_SOURCE = `${repoRoot}docs/embed-example/`;
const DEMO_ROOT = `${repoRoot}build/embed-example/`;
const ADDRESSES = { lab: 'http://127.0.0.1:8080', course: 'http://127.0.0.1:8081' };

let env;
let course;
before(async () => {
  env = await launch({ cors: true });
  rmSync(DEMO_ROOT, { recursive: true, force: true });
  mkdirSync(DEMO_ROOT, { recursive: true });
  course = await startServer({ root: DEMO_ROOT, port: 0 });
  for (const name of readdirSync(DEMO_SOURCE)) {
    writeFileSync(DEMO_ROOT + name, readFileSync(DEMO_SOURCE + name, 'utf8')
      .replaceAll(ADDRESSES.lab, env.url.replace(/\/$/, ''))
      .replaceAll(ADDRESSES.course, course.url.replace(/\/$/, '')));
  }
});
after(async () => {
  await env?.close();
  await new Promise((resolve) => (course ? course.server.close(resolve) : resolve()));
});

// Every message the course page receives, with the id of the iframe that sent it.
function recordMessages() {
  if (window.top !== window) return;
  window.messages = [];
  addEventListener('message', (event) => {
    const frame = [...document.querySelectorAll('iframe')].find((f) => f.contentWindow === event.source);
    window.messages.push({ origin: event.origin, frame: frame?.id ?? null, data: event.data });
  });
}

const frameReady = (page, selector) => page.frameLocator(selector).locator('body[data-ready]').waitFor({ state: 'attached', timeout: 20000 });

// The widgets' editors load when the learner scrolls down to them (openEditor).
async function courseReady(page) {
  await page.locator('#lab-ex2 canvas').first().waitFor({ timeout: 20000 });
  await openEditor(page.locator('#lab-ex1'));
  await frameReady(page, '#lab-ex3');
  await openEditor(page.frameLocator('#lab-ex3'));
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** Options for withPage() that open a page of the course site instead of the lab. */
const onCourseSite = (page = 'course.html', ready = courseReady) => ({
  url: course.url + page, allowed: [env.url, course.url], init: recordMessages, ready,
});

async function eventually(what, fn, timeout = 5000) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) assert.fail(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The iframe's height on the page, and the height and scroll sizes of its document. */
async function frameSizes(page, selector) {
  const outer = (await page.locator(selector).boundingBox()).height;
  const inner = await page.frameLocator(selector).locator('html').evaluate((html) => ({
    content: html.getBoundingClientRect().height, scrollHeight: html.scrollHeight, clientHeight: html.clientHeight,
    scrollWidth: html.scrollWidth, clientWidth: html.clientWidth,
  }));
  return { outer, ...inner };
}

/** What the widget's own CSS decides inside a <quant-lab>, which the course page's CSS must not change. */
const widgetLook = (host) => {
  const root = host.shadowRoot;
  const style = (selector) => getComputedStyle(root.querySelector(selector));
  return {
    background: style('.ql-root').backgroundColor,
    font: style('.ql-root').fontFamily,
    letterSpacing: style('.ql-root').letterSpacing,
    textAlign: style('.ql-root').textAlign,
    h1: style('h1').fontSize,
    buttonTransform: style('button').textTransform,
    buttonFont: style('button').fontFamily,
    chartHeight: root.querySelector('canvas').getBoundingClientRect().height,
    hostSheets: document.adoptedStyleSheets.length + document.querySelectorAll('style').length,
  };
};

const VIEWS = [
  { label: 'light', colorScheme: 'light', width: 1280, background: 'rgb(255, 255, 255)' },
  { label: 'dark', colorScheme: 'dark', width: 1280, background: 'rgb(15, 20, 25)' },
  { label: 'phone', colorScheme: 'light', width: 390, height: 844, background: 'rgb(255, 255, 255)' },
];

describe('the demo course page on another origin', () => {
  for (const view of VIEWS) {
    it(`runs two web components and an iframe, untouched by the page's CSS (${view.label}, ${view.width} px)`, async () => {
      await withPage(env, '', { ...view, ...onCourseSite() }, async ({ page, foreign, responses }) => {
        // All three drew their charts at a real size.
        const charts = { '#lab-ex1': 3, '#lab-ex2': 5 };
        for (const [selector, count] of Object.entries(charts)) {
          const inks = await canvasInk(page.locator(selector));
          assert.equal(inks.length, count, `charts in ${selector}`);
          for (const c of inks) assert.ok(c.ink > 500 && c.width > 100 && c.height > 100, `${selector}: a chart is blank: ${JSON.stringify(c)}`);
        }
        const frameInks = await canvasInk(page.frameLocator('#lab-ex3'));
        assert.equal(frameInks.length, 2);
        for (const c of frameInks) assert.ok(c.ink > 500 && c.width > 100, `the iframe's chart is blank: ${JSON.stringify(c)}`);

        // The widgets look as the lab does, whatever the course page's CSS says; the page keeps its own look.
        for (const selector of ['#lab-ex1', '#lab-ex2']) {
          const look = await page.locator(selector).evaluate(widgetLook);
          assert.equal(look.background, view.background, `${selector} background`);
          assert.match(look.font, /^system-ui/);
          assert.equal(look.letterSpacing, 'normal');
          assert.equal(look.textAlign, 'start');
          assert.equal(look.h1, view.width > 768 ? '28px' : '23.2px', `${selector} h1 (the page's root font-size is 10px)`);
          assert.equal(look.buttonTransform, 'none');
          assert.doesNotMatch(look.buttonFont, /Georgia/);
          assert.equal(look.chartHeight, view.width > 768 ? 320 : 256, `${selector} chart height`);
          assert.equal(look.hostSheets, 0, 'the widget added no style sheet to the course page');
        }
        assert.match(await page.locator('.course-header h1').evaluate((el) => getComputedStyle(el).fontFamily), /^Georgia/);
        assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bg').trim()),
          view.colorScheme === 'dark' ? '#1d1916' : '#fbf7ef');

        // Attributes: exercise 2 starts at 4 bits without its editor; exercise 1 has no solution; the frame no lesson.
        assert.equal(await page.locator('#lab-ex2 input[type="range"]').inputValue(), '4');
        assert.equal(await page.locator('#lab-ex2 .cm-content').count(), 0);
        assert.ok(await page.locator('#lab-ex1 .cm-content').isVisible());
        assert.equal(await page.locator('#lab-ex1').getByRole('button', { name: 'Show solution…' }).isVisible(), false);
        assert.ok(await page.locator('#lab-ex1').getByRole('heading', { name: 'The idea' }).isVisible());
        assert.equal(await page.frameLocator('#lab-ex3').getByRole('heading', { name: 'The idea' }).isVisible(), false);

        // One WebAssembly core for the page's two widgets (exercises 1 and 2 need the smallest module, registry
        // `wasm`); no request to a third origin.
        const wasm = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm')).map((e) => e.name));
        assert.deepEqual(wasm, [`${env.url}quantlab-core-simd.wasm`]);
        assert.ok(responses.some((r) => r.url() === `${env.url}quantlab-embed.js` && /javascript/.test(r.headers()['content-type'])));
        assert.deepEqual(foreign, []);

        // The iframe is as tall as its content: no scrollbar; nothing on the page scrolls sideways.
        const sizes = await eventually('the iframe takes its content height', async () => {
          const s = await frameSizes(page, '#lab-ex3');
          return Math.abs(s.outer - s.content) <= 1 ? s : null;
        });
        assert.ok(sizes.scrollHeight <= sizes.clientHeight && sizes.scrollWidth <= sizes.clientWidth, `the iframe scrolls: ${JSON.stringify(sizes)}`);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(wide <= 0, `the course page scrolls sideways by ${wide} px`);

        assert.deepEqual(await axeViolations(page), [], 'axe-core on the course page (shadow roots included)');
        assert.deepEqual(await axeViolations(await (await page.$('#lab-ex3')).contentFrame()), [], 'axe-core in the iframe');
        // The whole page in one tall viewport: a full-page capture would leave the out-of-view iframe unpainted
        // (Chromium pauses offscreen cross-origin frames) and CodeMirror's out-of-view lines undrawn.
        // (Drawn in full, the editors' wrapped lines may make the page taller still: grow until it stays put.)
        for (let i = 0, tall = 0; i < 5; i++) {
          const height = await page.evaluate(() => document.documentElement.scrollHeight);
          if (height === tall) break;
          tall = height;
          await page.setViewportSize({ width: view.width, height: tall });
          await page.waitForTimeout(300);
        }
        await page.screenshot({ path: `${screenshotDir}/embed-course-${view.label}.png` });
      });
    });
  }

  it('reports started, checked and completed, resizes the iframe as it grows, and talks only to the listed origins', async () => {
    await withPage(env, '', onCourseSite(), async ({ page, foreign }) => {
      // The web component: the starter fails Check, the solution passes.
      const widget = page.locator('#lab-ex1');
      assert.match(await runCheck(widget), /^\d+ of \d+ checks pass$/);
      await setCode(page, ex1.solution, widget);
      assert.match(await runCheck(widget), /exercise passed/);
      await page.waitForFunction(() => window.courseProgress.some((e) => e.source === 'lab-ex1' && e.type === 'completed'));
      const events = await page.evaluate(() => window.courseProgress.filter((e) => e.source === 'lab-ex1'));
      assert.deepEqual(events.map((e) => e.type), ['started', 'checked', 'checked', 'completed']);
      const [, failed, passed, completed] = events.map((e) => e.detail);
      assert.equal(failed.exercise, 1);
      assert.ok(failed.total > 0 && failed.passed < failed.total && failed.score === failed.passed / failed.total, JSON.stringify(failed));
      assert.deepEqual(passed, { exercise: 1, passed: failed.total, total: failed.total, score: 1 });
      assert.deepEqual(completed, passed);
      assert.match(await page.locator('#progress-log').innerText(), /Exercise 1: completed, (\d+) of \1 checks pass \(score 100 %\)/);

      // The iframe: Check makes its content taller, and the frame follows.
      const frame = page.frameLocator('#lab-ex3');
      const before = await frameSizes(page, '#lab-ex3');
      assert.match(await runCheck(frame), /^\d+ of \d+ checks pass$/);
      await page.waitForFunction(() => window.courseProgress.some((e) => e.source === 'lab-ex3' && e.type === 'checked'));
      const grown = await eventually('the iframe grows with its content', async () => {
        const s = await frameSizes(page, '#lab-ex3');
        return s.outer > before.outer + 50 && Math.abs(s.outer - s.content) <= 1 ? s : null;
      });
      assert.ok(grown.scrollHeight <= grown.clientHeight, `the iframe scrolls: ${JSON.stringify(grown)}`);

      // What the frame posted: resizes in both forms and the progress, all from the lab's origin.
      const fromFrame = await page.evaluate(() => window.messages.filter((m) => m.frame === 'lab-ex3'));
      const labOrigin = new URL(env.url).origin;
      assert.ok(fromFrame.every((m) => m.origin === labOrigin));
      assert.ok(fromFrame.some((m) => m.data.subject === 'lti.frameResize' && m.data.height === grown.outer), 'lti.frameResize');
      assert.ok(fromFrame.some((m) => m.data.type === 'quantlab:resize' && m.data.height === grown.outer), 'quantlab:resize');
      const checked = fromFrame.find((m) => m.data.type === 'quantlab:checked').data;
      assert.equal(checked.exercise, 3);
      assert.ok(checked.total > 0 && checked.score === checked.passed / checked.total);
      await page.locator('.progress').screenshot({ path: `${screenshotDir}/embed-course-progress.png` });

      // The listed parent may ask for the state.
      await page.evaluate(() => document.getElementById('lab-ex3').contentWindow.postMessage({ type: 'quantlab:get-state' }, '*'));
      const state = await page.waitForFunction(() => window.messages.find((m) => m.frame === 'lab-ex3' && m.data.type === 'quantlab:state')?.data);
      assert.deepEqual(await state.jsonValue(), { type: 'quantlab:state', exercise: 3, params: { dist: 'gaussian', hi: 8 }, link: '#/ex3' });

      // A frame for another site posts nothing here and answers nothing; a frame with no parent= posts to any
      // parent (heights and scores) but answers nobody.
      await page.evaluate((lab) => {
        for (const [id, parent] of [['other-site', '&parent=https://course.example'], ['no-parent', '']]) {
          const frame = Object.assign(document.createElement('iframe'), { id, title: id, className: 'lab-frame', src: `${lab}embed.html#exercise=1&hide=text,editor${parent}` });
          document.querySelector('main').append(frame);
        }
      }, env.url);
      await frameReady(page, '#other-site');
      await frameReady(page, '#no-parent');
      await page.evaluate(() => {
        for (const id of ['other-site', 'no-parent']) document.getElementById(id).contentWindow.postMessage({ type: 'quantlab:get-state' }, '*');
      });
      await page.waitForTimeout(1000);
      const messages = await page.evaluate(() => window.messages);
      assert.deepEqual(messages.filter((m) => m.frame === 'other-site'), []);
      assert.ok(messages.some((m) => m.frame === 'no-parent' && m.data.type === 'quantlab:resize'));
      assert.ok(!messages.some((m) => m.frame === 'no-parent' && m.data.type === 'quantlab:state'));
      assert.deepEqual(foreign, []);
    });
  });

  it('shows a clear message for a bad exercise or hash, ignores hostile values, keeps two widgets\' code apart, follows attribute changes', async () => {
    await withPage(env, '', onCourseSite(), async ({ page }) => {
      const long = `1${',1'.repeat(2500)}`;
      await page.evaluate(({ lab, long }) => {
        const widgets = {
          'bad-number': { exercise: '42' },
          'bad-html': { exercise: '<img src=x onerror="window.pwned = 1">' },
          'no-exercise': {},
          'bad-state': { exercise: '2', bits: '99', s: '<b>1</b>', dist: 'uniform', hide: 'editor bogus', theme: 'neon', 'storage-key': '../x' },
          'second-ex1': { exercise: '1', hide: 'text,benchmark' },
        };
        const main = document.querySelector('main');
        for (const [id, attributes] of Object.entries(widgets)) {
          const el = document.createElement('quant-lab');
          el.id = id;
          for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
          main.append(el);
        }
        const frames = {
          'frame-bad': 'exercise=%3Cscript%3Ealert(1)%3C/script%3E',
          'frame-hostile': 'exercise=1&bits=%3Cimg%20src%3Dx%3E&parent=javascript:alert(1)&hide=text,editor&what=ever',
          'frame-long': `exercise=1&w=${long}`,
          // The course's own origin listed beside an invalid one: fail closed all the same.
          'frame-mixed': `exercise=1&hide=text,editor&parent=${encodeURIComponent(`${location.origin} ftp://x`)}`,
        };
        for (const [id, hash] of Object.entries(frames)) {
          main.append(Object.assign(document.createElement('iframe'), { id, title: id, className: 'lab-frame', src: `${lab}embed.html#${hash}` }));
        }
      }, { lab: env.url, long });

      const text = (id) => page.locator(`#${id} .ql-root`).innerText();
      await page.locator('#bad-number .error-text').waitFor();
      assert.match(await text('bad-number'), /QuantLab: there is no exercise “42”: use one of \d+(, \d+)*\./); // the registry's numbers
      assert.match(await text('bad-html'), /there is no exercise “<img src=x onerror="window\.pwned = 1/);
      assert.equal(await page.locator('#bad-html img').count(), 0);
      assert.match(await text('no-exercise'), /QuantLab: choose an exercise with exercise="1"/);
      await page.locator('#bad-state canvas').first().waitFor();
      assert.match(await page.locator('#bad-state .notice').innerText(),
        /could not be used and were left at their defaults \(bits, s, dist, hide=bogus, theme, storage-key\)/);
      assert.equal(await page.locator('#bad-state input[type="range"]').inputValue(), '8');
      assert.equal(await page.locator('#bad-state .cm-content').count(), 0);

      await frameReady(page, '#frame-bad');
      assert.match(await page.frameLocator('#frame-bad').locator('main').innerText(), /there is no exercise “<script>alert\(1\)<\/script>”/);
      await frameReady(page, '#frame-hostile');
      assert.match(await page.frameLocator('#frame-hostile').locator('.notice').innerText(), /\(bits, what, parent\)/);
      // An invalid parent= means no messages at all (no height, no score), and the frame says so.
      await frameReady(page, '#frame-mixed');
      assert.match(await page.frameLocator('#frame-mixed').locator('.notice').innerText(), /sends no messages to the course page/);
      await page.waitForTimeout(500);
      assert.deepEqual(await page.evaluate(() => window.messages.filter((m) => ['frame-hostile', 'frame-mixed'].includes(m.frame))), []);
      await frameReady(page, '#frame-long');
      assert.match(await page.frameLocator('#frame-long').locator('main').innerText(), /this link is too long/);
      assert.equal(await page.evaluate(() => window.pwned), undefined);

      // hide="benchmark" hides whatever an exercise marks data-part="benchmark" (exercise 4's timings).
      await openEditor(page.locator('#second-ex1'));
      const benchmarkShown = (id) => page.locator(`#${id}`).evaluate((host) => {
        const part = Object.assign(document.createElement('p'), { textContent: 'timings' });
        part.dataset.part = 'benchmark';
        host.shadowRoot.querySelector('.lab').append(part);
        return part.getBoundingClientRect().height > 0;
      });
      assert.equal(await benchmarkShown('second-ex1'), false);
      assert.equal(await benchmarkShown('lab-ex1'), true);

      // Two widgets of exercise 1: the first keeps its code under the lab's key, the second under its own.
      await setCode(page, '// the second widget\n', page.locator('#second-ex1'));
      await setCode(page, '// the first widget\n', page.locator('#lab-ex1'));
      const saved = await eventually('both widgets save their code', () => page.evaluate(() => {
        const first = localStorage.getItem('quantlab:code:ex1');
        const second = localStorage.getItem('quantlab:code:ex1:2');
        return first && second ? { first, second } : null;
      }));
      assert.deepEqual(saved, { first: '// the first widget\n', second: '// the second widget\n' });

      // Attributes changed later update the widget in place; theme="dark" gives it the dark palette on a light page.
      await page.locator('#lab-ex2').evaluate((el) => { el.setAttribute('bits', '6'); el.setAttribute('theme', 'dark'); });
      await eventually('bits="6" reaches the slider', async () => (await page.locator('#lab-ex2 input[type="range"]').inputValue()) === '6');
      assert.equal(await page.locator('#lab-ex2').evaluate((el) => getComputedStyle(el.shadowRoot.querySelector('.ql-root')).backgroundColor), 'rgb(15, 20, 25)');
      assert.deepEqual(await page.locator('#lab-ex2').evaluate((el) => el.state), { exercise: 2, params: { bits: 6, s: [0.01, 0.1, 1, 10] }, link: '#/ex2?bits=6' });
    });
  });
});

describe('"Copy embed code" on the lab\'s exercise pages', () => {
  it('copies both snippets for the current state, and they work pasted into a page on another origin', async () => {
    let snippet;
    await withPage(env, '#/ex2?bits=4', { permissions: ['clipboard-read', 'clipboard-write'] }, async ({ page }) => {
      await page.locator('details.course-authors > summary').click();
      await page.getByRole('button', { name: 'Copy embed code' }).click();
      await page.getByText('Copied: both snippets are on the clipboard').waitFor();
      snippet = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(await page.locator('textarea.embed-snippet').inputValue(), snippet);
      for (const line of [
        `<script type="module" src="${env.url}quantlab-embed.js"></script>`,
        '<quant-lab exercise="2" bits="4"></quant-lab>',
        `<iframe src="${env.url}embed.html#exercise=2&amp;bits=4" title="QuantLab exercise 2: Per-tensor vs per-channel"`,
        `<script src="${env.url}quantlab-resizer.js" defer></script>`,
      ]) assert.ok(snippet.includes(line), `the snippet has ${line}:\n${snippet}`);
    });

    await checkPasted('copied.html', snippet, { bits: '4', editor: true });
  });
});

/**
 * Writes `html` into a plain page of the course site, opens it and checks that the <quant-lab> element and the
 * iframe in it show exercise 2 at `bits`, with or without the editor, and that the iframe takes its content's height.
 */
async function checkPasted(name, html, { bits, editor }) {
  writeFileSync(DEMO_ROOT + name, `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Pasted</title><link rel="icon" href="data:,"></head>\n<body><main>\n${html}\n</main></body>\n</html>\n`);
  const ready = async (page) => {
    await page.locator('quant-lab canvas').first().waitFor({ timeout: 20000 });
    await frameReady(page, 'iframe');
    if (editor) {
      await openEditor(page.locator('quant-lab'));
      await openEditor(page.frameLocator('iframe'));
    }
  };
  await withPage(env, '', onCourseSite(name, ready), async ({ page, foreign }) => {
    const frame = page.frameLocator('iframe');
    for (const scope of [page.locator('quant-lab'), frame]) {
      assert.equal(await scope.getByRole('heading', { level: 1 }).innerText(), 'Exercise 2 · Per-tensor vs per-channel');
      assert.equal(await scope.locator('input[type="range"]').inputValue(), bits);
      assert.equal(await scope.locator('.cm-content').count(), editor ? 1 : 0);
    }
    await eventually('the pasted iframe takes its content height', async () => {
      const s = await frameSizes(page, 'iframe');
      return Math.abs(s.outer - s.content) <= 1;
    });
    assert.deepEqual(foreign, []);
  });
}

describe('README for course authors', () => {
  it('its two snippets, given the lab\'s address, embed exercise 2 in a plain page on another origin', async () => {
    const readme = readFileSync(`${repoRoot}README.md`, 'utf8');
    const section = readme.slice(readme.indexOf('## Embedding the lab in a course page'), readme.indexOf('### Saved code'));
    const snippets = [...section.matchAll(/```html\n([\s\S]*?)```/g)].map((m) => m[1]);
    assert.equal(snippets.length, 2, 'the web component and the iframe');
    const html = snippets.join('\n')
      .replaceAll('https://example.org/quantlab/', env.url)
      .replaceAll('https://course.example', course.url.replace(/\/$/, ''));
    await checkPasted('readme.html', html, { bits: '4', editor: false });
  });
});

describe('"Copy embed code", when copying is refused', () => {
  it('shows the snippets selected in a text box when the browser refuses to copy', async () => {
    const refuse = () => Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')) },
    });
    await withPage(env, '#/ex3?dist=uniform', { init: refuse }, async ({ page }) => {
      await page.locator('details.course-authors > summary').click();
      await page.getByRole('button', { name: 'Copy embed code' }).click();
      await page.getByText('This browser did not let the page copy').waitFor();
      const box = page.locator('textarea.embed-snippet');
      assert.ok(await box.isVisible());
      assert.match(await box.inputValue(), /<quant-lab exercise="3" dist="uniform"><\/quant-lab>/);
      assert.deepEqual(await box.evaluate((el) => [document.activeElement === el, el.selectionStart, el.selectionEnd === el.value.length]), [true, 0, true]);
    });
  });
});

describe('exercise 4 as a web component on another origin', () => {
  it('times the models in a worker started across origins under the course CSP, reports started, and hide="benchmark" hides the timing', async () => {
    // The course page's policy (worker-src blob: and the lab's origin), on a page with two exercise-4 widgets.
    const csp = readFileSync(DEMO_ROOT + 'course.html', 'utf8').match(/<meta http-equiv="Content-Security-Policy"[^>]*>/)[0];
    writeFileSync(DEMO_ROOT + 'ex4.html', `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8">${csp}<title>Exercise 4</title><link rel="icon" href="data:,">
<script type="module" src="${env.url}quantlab-embed.js"></script></head>
<body><main>
<quant-lab id="timed" exercise="4" hide="text,editor"></quant-lab>
<quant-lab id="untimed" exercise="4" seed="3" hide="text,editor,benchmark"></quant-lab>
</main></body>\n</html>\n`);
    const init = () => {
      window.events = [];
      for (const type of ['started', 'checked', 'completed']) {
        document.addEventListener(`quantlab:${type}`, (e) => window.events.push({ type, source: e.target.id, exercise: e.detail?.exercise }));
      }
    };
    const ready = (page) => page.locator('#untimed .size-int8').waitFor({ timeout: 20000 });
    await withPage(env, '', { url: `${course.url}ex4.html`, allowed: [env.url, course.url], init, ready }, async ({ page, foreign }) => {
      const timed = page.locator('#timed');
      await timed.locator('.size-int8').waitFor({ timeout: 20000 });
      assert.equal(await timed.locator('.size-int8').innerText(), '204,388 bytes');
      assert.equal(await page.locator('#untimed .benchmark').count(), 1, 'the timing section is there');
      assert.equal(await page.locator('#untimed .benchmark').isVisible(), false, 'and hidden');
      assert.ok(await timed.locator('.benchmark').isVisible());

      await timed.getByRole('button', { name: 'Time float32 and int8' }).click();
      await timed.locator('[data-config="int8_scalar"]').waitFor({ timeout: 90000 })
        .catch(async (e) => assert.fail(`the timing did not finish: “${await timed.locator('.timing-status').innerText()}” (${e.message})`));
      const medians = await timed.locator('[data-config]').allInnerTexts();
      assert.equal(medians.length, 4);
      for (const m of medians) assert.match(m, /^\d+(\.\d+)? µs$/);
      assert.deepEqual(await page.evaluate(() => window.events), [{ type: 'started', source: 'timed', exercise: 4 }]);
      assert.deepEqual(foreign, []);
      // The worker came from a blob: URL importing the lab's timing-worker.js, which loaded both builds from the lab.
      const wasm = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.wasm')));
      assert.deepEqual(wasm, [`${env.url}quantlab-data-simd.wasm`]); // exercise 4's module (registry `wasm`)
    });
  });
});
