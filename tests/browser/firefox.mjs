// Firefox for the browser tests: Debian's firefox-esr (installed by build-scripts/setup.sh), driven through WebDriver
// BiDi by puppeteer-core; never a downloaded browser. One browser per test file: its first start takes ~15 s.
import puppeteer from 'puppeteer-core';

export const FIREFOX = process.env.QUANTLAB_FIREFOX ?? '/usr/bin/firefox-esr';

// Keep Firefox from calling home (updates, telemetry, safe browsing lists, captive-portal checks): no request may
// leave localhost during the tests.
const PREFS = {
  'app.update.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'browser.region.network.url': '',
};

export function launchFirefox() {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    protocol: 'webDriverBiDi',
    headless: true,
    extraPrefsFirefox: PREFS,
  });
}

/** For every canvas under `selector` (default: all of the page, `>>>` reaches into shadow roots): size and ink. */
export function canvasInk(scope, selector = 'canvas') {
  // Canvases on screen only: a page may keep charts hidden until their data arrive (exercises 5, 6 and 9).
  return scope.$$eval(selector, (canvases) => canvases.filter((c) => c.checkVisibility()).map((c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) ink++;
    return { width: c.width, height: c.height, ink };
  }));
}

/**
 * Replaces the code of the CodeMirror editor `selector` in `scope` (a page or frame), as typing it would: select
 * all and insert the text with the editing command Firefox offers pages (WebDriver BiDi has no insertText, and
 * Firefox gives a synthetic paste event an empty clipboard).
 */
export async function setCode(scope, code, selector = '.cm-content') {
  await scope.$eval(selector, (el, text) => {
    el.focus();
    const range = document.createRange();
    range.selectNodeContents(el);
    const selection = el.getRootNode().getSelection?.() ?? document.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    document.execCommand('insertText', false, text);
  }, code);
}

/** Clicks the button named `name` inside `container` (a selector; `>>>` reaches into shadow roots). */
export async function clickButton(scope, container, name) {
  const buttons = await scope.$$(`${container} button`);
  for (const b of buttons) {
    if ((await b.evaluate((el) => el.textContent.trim())) === name) {
      await b.click();
      return;
    }
  }
  throw new Error(`no button “${name}” in ${container}`);
}

/**
 * Waits until the run status in `container` says a Run or Check is over; returns its text. `container` is a
 * selector in the document, or "host >>> selector" for one inside a web component's shadow root.
 */
export async function runFinished(scope, container) {
  const handle = await scope.waitForFunction((sel) => {
    const [outer, inner] = sel.split(' >>> ');
    const status = inner ? document.querySelector(outer)?.shadowRoot?.querySelector(inner) : document.querySelector(outer);
    const text = status?.textContent ?? '';
    return /checks pass|syntax error|Ran in|stopped with|could not start/.test(text) && text;
  }, { timeout: 30000, polling: 100 }, `${container} .run-status`);
  return handle.jsonValue();
}
