// Shared by the browser tests: serves the built dist/ on localhost, drives Debian's Chromium headless through
// playwright-core (no browser download), and collects what a test needs to assert about a page.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { startServer } from '../../build-scripts/serve.mjs';

const require = createRequire(import.meta.url);
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const screenshotDir = `${repoRoot}build/screenshots`;
export const CHROMIUM = process.env.QUANTLAB_CHROMIUM ?? '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps trying to reach Google's services.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Starts the server (cors: with Access-Control-Allow-Origin, for embedding) and the browser. Returns {url, browser, close()}. */
export async function launch({ cors = false } = {}) {
  if (!existsSync(`${repoRoot}dist/index.html`)) throw new Error('dist/ is missing: run ./build-scripts/build.sh site first');
  mkdirSync(screenshotDir, { recursive: true });
  const { server, url } = await startServer({ root: `${repoRoot}dist`, port: 0, cors });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return {
    url,
    browser,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Opens the editor of the exercise in `scope` (a page, frame or locator) as a learner does, by scrolling down to
 * "Your turn" (learner mode loads when it comes into view), and waits until it is there.
 */
export async function openEditor(scope) {
  // Chromium pauses rendering in a cross-origin frame out of view: bring the frame itself into view first.
  if (typeof scope.owner === 'function') await scope.owner().scrollIntoViewIfNeeded();
  await scope.locator('.learner').scrollIntoViewIfNeeded();
  await scope.locator('.cm-content').waitFor({ timeout: 15000 });
}

/**
 * Opens `route` (a hash such as "#/ex1") in a fresh context. Collects console errors, page errors and every request
 * of the context (pages, frames, workers) that went anywhere but the origins of `allowed` (the lab's by default).
 * Waits until the page has drawn (body[data-ready]) and, on exercise pages, opens the editor (openEditor); or,
 * given `url` (another page) and `ready(page)`, for what ready() waits for. `beforeGoto(page)` runs before the
 * page is opened (e.g. to throttle it). Returns {page, context, errors, foreign, responses}.
 */
export async function openPage(env, route, {
  colorScheme = 'light', width = 1280, height = 900, init, waitEditor = true, url = env.url + route, allowed = [env.url],
  ready, permissions = [], beforeGoto,
} = {}) {
  const context = await env.browser.newContext({ viewport: { width, height }, colorScheme, reducedMotion: 'reduce', permissions });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  await beforeGoto?.(page);
  const errors = [];
  const foreign = [];
  const responses = [];
  const origins = allowed.map((u) => new URL(u).origin);
  const isAllowed = (u) => u.startsWith('data:') || origins.includes(new URL(u.replace(/^blob:/, '')).origin);
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  context.on('request', (r) => { if (!isAllowed(r.url())) foreign.push(r.url()); });
  page.on('response', (r) => responses.push(r));
  await page.goto(url);
  if (ready) {
    await ready(page);
  } else {
    await page.waitForSelector('body[data-ready]', { state: 'attached', timeout: 15000 });
    if (waitEditor && /^#\/ex\d/.test(route)) await openEditor(page);
  }
  return { page, context, errors, foreign, responses };
}

/** For every chart canvas of a page, frame or locator (shadow roots included): its size and how many pixels are not blank. */
export function canvasInk(page) {
  // Canvases on screen only: a page may keep charts hidden until their data arrive (exercises 5 and 6).
  return page.locator('canvas').evaluateAll((canvases) => canvases.filter((c) => c.checkVisibility()).map((c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) ink++;
    return { width: c.width, height: c.height, ink };
  }));
}

const axeSource = require('axe-core').source;

/**
 * Runs axe-core in a page or frame (shadow roots included; frames are checked on their own); returns the serious
 * and critical violations as readable lines.
 */
export async function axeViolations(page) {
  await page.evaluate(axeSource); // evaluated through DevTools: the page's CSP does not apply
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'], iframes: false }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Replaces the editor's code, as a learner pasting would: select all, then insert the text in one go. `scope` is
 * where the editor is (a locator or frame; the page by default).
 */
export async function setCode(page, code, scope = page) {
  await scope.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
}

/**
 * Clicks Check in `scope` (a page, frame or locator) and waits until the run is over; fails with the status line
 * and the output when it never finishes. Returns the summary ("n of m checks pass").
 */
export async function runCheck(scope) {
  await scope.getByRole('button', { name: 'Check', exact: true }).click();
  const status = scope.locator('.run-status');
  await status.filter({ hasText: /checks pass|syntax error/ }).waitFor({ timeout: 30000 })
    .catch(async (e) => assert.fail(`Check did not finish; the status line says “${await status.innerText()}”, `
      + `the output “${await scope.locator('.run-output').innerText().catch(() => '?')}” (${e.message})`));
  console.log(`# check: ${await status.innerText()}`);
  return scope.locator('.check-results .summary').innerText();
}

/** The texts of the cells of row `row` of the page's first data table body. */
export const rowCells = (page, row) => page.locator('table.data tbody tr').nth(row).locator('th, td').allInnerTexts();

/** The page's location hash, read in the page (page.url() follows replaceState a moment late). */
export const hashOf = (page) => page.evaluate(() => location.hash);

/** Reloads the page and waits until it has drawn again (body[data-ready]). */
export async function reloadPage(page) {
  await page.reload();
  await page.waitForSelector('body[data-ready]', { state: 'attached' });
}

/** The editor's text (CodeMirror renders one .cm-line per line; lines out of view are not in the DOM). */
export const editorText = (page) => page.locator('.cm-content').innerText();

/**
 * Opens `route` (see openPage()), runs fn({page, errors, foreign, responses}), then checks that the page logged no
 * error, and closes it.
 */
export async function withPage(env, route, options, fn) {
  const opened = await openPage(env, route, options);
  try {
    await fn(opened);
    assert.deepEqual(opened.errors, [], 'console errors, page errors or dialogs');
  } finally {
    await opened.context.close();
  }
}

/**
 * Run in the page (Playwright's or Puppeteer's page.evaluate): the text of <main> without what may name NaN or
 * Infinity in words or code (lesson prose, the editor, the checks' names: exercise 0 teaches them), so that a test
 * can look for NaN among the computed values only.
 */
export function computedText() {
  const copy = (document.querySelector('main') ?? document.body).cloneNode(true);
  copy.querySelectorAll('[data-part~="text"], .cm-editor, .test-list, details.going-deeper, .hints').forEach((el) => el.remove());
  return copy.textContent;
}

/**
 * What every real-data exercise test asserts of its page in a view (light, dark, 390 px): each chart of `charts`
 * (a locator; every canvas by default) has ink, the text `text(page)` shows no NaN or undefined (and no Infinity
 * with `infinity: true`), the page does not scroll sideways, axe finds nothing; then a full-page screenshot
 * `<shot>.png` in screenshotDir.
 */
export async function looksRight(page, shot, { charts = page, text = (p) => p.locator('body').innerText(), infinity = false } = {}) {
  for (const c of await canvasInk(charts)) assert.ok(c.ink > 500, `a blank chart: ${JSON.stringify(c)}`);
  assert.doesNotMatch(await text(page), infinity ? /\bNaN\b|undefined|Infinity/ : /\bNaN\b|undefined/);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(wide <= 0, `the page scrolls sideways by ${wide} px`);
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: `${screenshotDir}/${shot}.png`, fullPage: true });
}
