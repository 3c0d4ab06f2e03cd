// The SCORM packages (build-scripts/scorm-packages.mjs, web/src/lms/) in a player whose run-time is scorm-again,
// an LMS-side SCORM implementation used by real players: every exercise of the registry has a 1.2 and a 2004
// package whose imsmanifest.xml is well-formed and carries what LMSs require; then, for one exercise per version,
// the CMI values recorded after a failing and a passing Check, the session time and exit at the end, and a relaunch
// that resumes from suspend_data (the code and the exercise's state restored, the status kept).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { LAUNCH, packageName, PACKAGE_DIR, VERSIONS } from '../../build-scripts/scorm-packages.mjs';
import { EXERCISES } from '../../web/src/exercises/registry.js';
import { axeViolations, launch, openEditor, runCheck, screenshotDir, setCode } from './browser.mjs';
import { kept, readPackage, startPlayer } from './lms/player.mjs';

const withTasks = EXERCISES.filter((e) => e.tasks);
// One exercise per version, the first two with a Check.
// Two exercises with a slider (the test moves one and expects it back after a relaunch): exercise 1 and 2.
const CASES = [{ version: '1.2', entry: withTasks.find((e) => e.id === 'ex1') }, { version: '2004', entry: withTasks.find((e) => e.id === 'ex2') }];

let env; // the browser (dist/ is served too, for the launch page without an LMS)
let player;
const packages = new Map(); // package name -> {names, files}

before(async () => {
  env = await launch();
  for (const entry of EXERCISES) for (const version of VERSIONS) packages.set(packageName(entry, version), readPackage(entry, version));
  player = await startPlayer(CASES, 'scorm-test');
});
after(async () => {
  await env?.close();
  await player?.close();
});

// Parses a manifest with the browser's XML parser and returns what the test asserts about it.
function readManifest(text) {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) return { error: doc.getElementsByTagName('parsererror')[0].textContent };
  const all = (name) => [...doc.getElementsByTagNameNS('*', name)];
  const m = doc.documentElement;
  const adlcp = m.lookupNamespaceURI('adlcp');
  const resource = all('resource')[0];
  return {
    root: m.localName,
    namespace: m.namespaceURI,
    identifier: m.getAttribute('identifier'),
    schema: all('schema')[0]?.textContent,
    schemaversion: all('schemaversion')[0]?.textContent,
    defaultOrg: all('organizations')[0]?.getAttribute('default'),
    organizations: all('organization').map((o) => o.getAttribute('identifier')),
    items: all('item').map((i) => ({ identifier: i.getAttribute('identifier'), ref: i.getAttribute('identifierref'), title: i.getElementsByTagNameNS('*', 'title')[0]?.textContent })),
    resources: all('resource').map((r) => r.getAttribute('identifier')),
    identifiers: [...doc.querySelectorAll('[identifier]')].map((e) => e.getAttribute('identifier')),
    href: resource?.getAttribute('href'),
    type: resource?.getAttribute('type'),
    scormType: resource ? (resource.getAttributeNS(adlcp, 'scormtype') || null) : null,
    scormType2004: resource ? (resource.getAttributeNS(adlcp, 'scormType') || null) : null,
    adlcp,
    files: all('file').map((f) => f.getAttribute('href')),
  };
}

describe('SCORM packages', () => {
  it('every exercise has a SCORM 1.2 and a SCORM 2004 package with a manifest LMSs accept', async () => {
    const page = await env.browser.newPage();
    try {
      await page.goto(`${env.url}${LAUNCH}`); // any page of the site, for its XML parser
      for (const entry of EXERCISES) {
        for (const version of VERSIONS) {
          const name = packageName(entry, version);
          const { names, files } = packages.get(name);
          const m = await page.evaluate(readManifest, files.get('imsmanifest.xml').toString('utf8'));
          assert.equal(m.error, undefined, `${name}: imsmanifest.xml is not well-formed XML: ${m.error}`);
          assert.equal(m.root, 'manifest', name);
          assert.equal(m.namespace, version === '1.2' ? 'http://www.imsproject.org/xsd/imscp_rootv1p1p2' : 'http://www.imsglobal.org/xsd/imscp_v1p1', name);
          assert.equal(m.adlcp, version === '1.2' ? 'http://www.adlnet.org/xsd/adlcp_rootv1p2' : 'http://www.adlnet.org/xsd/adlcp_v1p3', name);
          assert.equal(m.schema, 'ADL SCORM', name);
          assert.equal(m.schemaversion, version === '1.2' ? '1.2' : '2004 4th Edition', name);
          assert.match(m.identifier, /^[A-Za-z_][\w.-]*$/, `${name}: manifest identifier`);
          assert.equal(new Set(m.identifiers).size, m.identifiers.length, `${name}: identifiers are unique`);
          assert.ok(m.organizations.includes(m.defaultOrg), `${name}: the default organization exists`);
          assert.equal(m.items.length, 1, `${name}: one activity`);
          assert.ok(m.resources.includes(m.items[0].ref), `${name}: the item's identifierref names a resource`);
          assert.match(m.items[0].title, new RegExp(`Exercise ${entry.number}: `), name);
          assert.equal(m.type, 'webcontent', name);
          if (version === '1.2') assert.equal(m.scormType, 'sco', `${name}: adlcp:scormtype`);
          else assert.equal(m.scormType2004, 'sco', `${name}: adlcp:scormType`);
          assert.equal(m.href, LAUNCH, name);
          // Every file of the package is listed, and every listed file is there.
          assert.deepEqual([...m.files].sort(), names.filter((n) => n !== 'imsmanifest.xml').sort(), `${name}: <file> elements`);
          assert.ok(names.includes('quantlab-simd.wasm') && names.some((n) => n.startsWith('assets/')), `${name}: the site is inside`);
          assert.ok(!names.some((n) => n.startsWith(`${PACKAGE_DIR}/`)), `${name}: no package inside a package`);
          // The QAT training subset (4.4 MB) only where a page trains on it: exercise 9.
          const subset = names.filter((n) => n.startsWith('data/fashion-mnist-train-subset-')).length;
          assert.equal(subset, entry.id === 'ex9' ? 2 : 0, `${name}: the training subset's files`);
          // LMSs serve files with their own MIME types, which may not know .mjs: none in a package, none named.
          assert.deepEqual(names.filter((n) => n.endsWith('.mjs')), [], `${name}: .mjs files`);
          for (const n of names.filter((f) => /\.(js|html)$/.test(f))) assert.doesNotMatch(files.get(n).toString('utf8'), /quantlab-[\w-]+\.mjs/, `${name}: ${n} names a .mjs file`);
          assert.match(files.get(LAUNCH).toString('utf8'), new RegExp(`<meta name="quantlab-scorm" content="exercise=${entry.number}&amp;version=${version}">`), `${name}: its launch page names it`);
        }
      }
    } finally {
      await page.close();
    }
  });

  it('without an LMS, the launch page is the exercise on its own', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${env.url}${LAUNCH}#exercise=${withTasks[0].number}`);
      await page.waitForSelector('body[data-ready]', { state: 'attached', timeout: 20000 });
      await page.locator('canvas').first().waitFor();
      assert.match(await page.locator('#lms-status').innerText(), /No course platform found/);
      assert.deepEqual(await axeViolations(page), []);
      assert.match(await page.locator('h1').innerText(), new RegExp(`Exercise ${withTasks[0].number} · `));
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});

describe('download links', () => {
  it('every exercise page of the lab links its two packages, beside "Embed this exercise"', async () => {
    const page = await env.browser.newPage();
    try {
      for (const entry of EXERCISES) {
        // A fresh document per exercise: after a hash change alone, the click could land on the previous
        // exercise's block while the next page is still being drawn.
        await page.goto('about:blank');
        await page.goto(`${env.url}?links#/${entry.id}`);
        await page.waitForSelector('body[data-ready]', { state: 'attached' });
        await page.locator('details.course-authors > summary').click(); // the collapsed "For course authors" block
        const links = page.locator('.embed-code .scorm-downloads a');
        await links.first().waitFor({ timeout: 20000 });
        const hrefs = await links.evaluateAll((as) => as.map((a) => a.href));
        assert.deepEqual(hrefs, VERSIONS.map((v) => `${env.url}${PACKAGE_DIR}/${packageName(entry, v)}`), entry.id);
        for (const href of hrefs) {
          const response = await page.request.head(href);
          assert.equal(response.status(), 200, href);
        }
      }
    } finally {
      await page.close();
    }
  });
});

// Reads cmi.suspend_data as the page wrote it (plain or deflated): {l: link, c: code}.
async function decodeSuspend(page, text) {
  return page.evaluate(async (t) => {
    if (t.startsWith('QL1:')) return JSON.parse(t.slice(4));
    const bytes = Uint8Array.from(atob(t.slice(5)), (c) => c.charCodeAt(0));
    const out = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).text();
    return JSON.parse(out);
  }, text);
}

// The CMI values this test reads, by version.
function values(cmi, version) {
  if (version === '1.2') {
    return {
      status: cmi.core.lesson_status, raw: cmi.core.score.raw, min: cmi.core.score.min, max: cmi.core.score.max,
      exit: cmi.core.exit, time: cmi.core.session_time, suspend: cmi.suspend_data,
    };
  }
  return {
    completion: cmi.completion_status, success: cmi.success_status, raw: cmi.score.raw, min: cmi.score.min,
    max: cmi.score.max, scaled: cmi.score.scaled, exit: cmi.exit, time: cmi.session_time, suspend: cmi.suspend_data,
  };
}

for (const { version, entry } of CASES) {
  describe(`SCORM ${version} package of exercise ${entry.number}, played by scorm-again`, () => {
    const name = packageName(entry, version);
    it('reports the score and status of each Check, and a relaunch resumes the code and the state', async () => {
      const task = (await entry.tasks()).default;
      const context = await env.browser.newContext({ viewport: { width: 1200, height: 900 } });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
      const frame = page.frameLocator('#sco');
      const launchPackage = async (saved) => {
        await page.evaluate(([v, src, s]) => window.player.launch(v, src, s), [version, `${name}/${LAUNCH}`, saved]);
        await frame.locator('body[data-ready]').waitFor({ state: 'attached', timeout: 20000 });
        await openEditor(frame);
      };
      const cmi = async () => values(await page.evaluate(() => window.player.cmi()), version);
      try {
        await page.goto(`${player.url}host.html`);
        await launchPackage(null);
        let v = await cmi();
        if (version === '1.2') assert.equal(v.status, 'incomplete', 'status on launch');
        else assert.equal(v.completion, 'incomplete', 'completion on launch');
        assert.equal(v.exit, 'suspend');
        assert.ok(await page.evaluate(() => window.player.commits.length) >= 1, 'committed on launch');
        assert.match(await frame.locator('#lms-status').innerText().catch(() => ''), /^$/, 'no note when the LMS is there');

        // A failing Check: the starter code.
        await setCode(page, task.starter, frame);
        const failed = await runCheck(frame);
        const [passedCount, total] = failed.match(/(\d+) of (\d+)/).slice(1).map(Number);
        assert.ok(passedCount < total, failed);
        await page.waitForFunction(() => window.player.lastCommit() && (window.player.lastCommit().core?.score?.raw || window.player.lastCommit().score?.raw));
        v = values(await page.evaluate(() => window.player.lastCommit()), version);
        assert.equal(Number(v.raw), Math.round((passedCount / total) * 10000) / 100, 'score.raw, committed');
        assert.equal(v.min, '0');
        assert.equal(v.max, '100');
        if (version === '1.2') {
          assert.equal(v.status, 'incomplete');
        } else {
          assert.equal(v.completion, 'incomplete');
          assert.equal(v.success, 'failed');
          assert.equal(Number(v.scaled), Math.round((passedCount / total) * 10000) / 10000);
        }

        // The exercise's state: move the lab's first slider.
        const slider = frame.locator('.lab input[type=range]').first();
        const moved = await slider.evaluate((el) => {
          const next = Number(el.value) === Number(el.min) ? Number(el.min) + Number(el.step || 1) : Number(el.min);
          el.value = String(next);
          el.dispatchEvent(new Event('input', { bubbles: true }));
          el.dispatchEvent(new Event('change', { bubbles: true }));
          return { name: el.getAttribute('aria-label') ?? el.id, value: el.value };
        });

        // A passing Check: the solution.
        await setCode(page, task.solution, frame);
        assert.match(await runCheck(frame), /exercise passed/);
        await page.waitForFunction(() => window.player.lastCommit() && Number(window.player.lastCommit().core?.score?.raw ?? window.player.lastCommit().score?.raw) === 100);
        v = values(await page.evaluate(() => window.player.lastCommit()), version);
        assert.equal(v.raw, '100');
        if (version === '1.2') {
          assert.equal(v.status, 'passed');
        } else {
          assert.equal(v.completion, 'completed');
          assert.equal(v.success, 'passed');
          assert.equal(Number(v.scaled), 1);
        }

        // The learner edits once more and leaves without a Check: pagehide saves and terminates.
        const marker = `// kept for the next launch ${Date.now()}`;
        await setCode(page, `${marker}\n${task.solution}`, frame);
        await page.evaluate(() => window.player.close());
        await page.waitForFunction(() => window.player.finished, null, { timeout: 10000 });
        const last = await page.evaluate(() => window.player.lastCommit());
        v = values(last, version);
        assert.match(v.time, version === '1.2' ? /^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/ : /^PT\d+H\d+M\d+(\.\d+)?S$/, 'session time');
        assert.doesNotMatch(v.time, version === '1.2' ? /^0+:00:00(\.0+)?$/ : /^PT0H0M0S$/, 'session time counts');
        assert.equal(v.exit, 'suspend');
        assert.ok(v.suspend.length <= (version === '1.2' ? 4096 : 64000), 'suspend_data within the limit');
        const suspended = await decodeSuspend(page, v.suspend);
        assert.ok(suspended.c.includes(marker), 'the last code is in suspend_data');
        assert.match(suspended.l, new RegExp(`^#/${entry.id}\\?`), `the state is in suspend_data: ${suspended.l}`);

        // Relaunch: the LMS starts a new run-time from what was committed.
        await launchPackage(kept(last, version));
        await frame.locator('.cm-content').filter({ hasText: marker }).waitFor({ timeout: 10000 });
        assert.equal(await frame.locator('.lab input[type=range]').first().inputValue(), moved.value, `the slider ${moved.name} is restored`);
        v = await cmi();
        if (version === '1.2') assert.equal(v.status, 'passed', 'a relaunch keeps "passed"');
        else assert.equal(v.success, 'passed', 'a relaunch keeps "passed"');
        await page.screenshot({ path: `${screenshotDir}/scorm-${version.replace('.', '')}-relaunch.png` });

        // A failing Check after passing lowers neither the score nor the status.
        await setCode(page, task.starter, frame);
        await runCheck(frame);
        await page.waitForFunction((n) => window.player.commits.length > n, await page.evaluate(() => window.player.commits.length - 1));
        v = values(await page.evaluate(() => window.player.lastCommit()), version);
        assert.equal(v.raw, '100', 'the best score stays');
        assert.equal(version === '1.2' ? v.status : v.success, 'passed');
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  });
}
