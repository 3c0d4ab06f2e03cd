// Shared by the SCORM tests (scorm.test.mjs in Chromium, firefox.test.mjs): the packages read from dist/scorm/, the
// ones to play unpacked as an LMS does on upload, next to host.html (the player page) and scorm-again's run-times,
// served from one localhost origin.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { packageName, PACKAGE_DIR } from '../../../build-scripts/scorm-packages.mjs';
import { startServer } from '../../../build-scripts/serve.mjs';
import { repoRoot } from '../browser.mjs';
import { readZip } from './unzip.mjs';

/** Reads the package of `entry` for `version` from dist/scorm/: {names, files}. */
export const readPackage = (entry, version) => readZip(readFileSync(`${repoRoot}dist/${PACKAGE_DIR}/${packageName(entry, version)}`));

/**
 * Serves a player for the packages of `cases` ([{entry, version}]) from `build/<dir>/`. Returns {url, close()}:
 * `${url}host.html` is the player, and a package's launch page is `${packageName}/scorm.html` beside it.
 */
export async function startPlayer(cases, dir) {
  const root = `${repoRoot}build/${dir}/`;
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  for (const file of ['host.html', 'host.js']) cpSync(`${repoRoot}tests/browser/lms/${file}`, root + file);
  cpSync(`${repoRoot}node_modules/scorm-again/dist/scorm12.min.js`, `${root}scorm12.js`);
  cpSync(`${repoRoot}node_modules/scorm-again/dist/scorm2004.min.js`, `${root}scorm2004.js`);
  for (const { entry, version } of cases) {
    const name = packageName(entry, version);
    for (const [file, data] of readPackage(entry, version).files) {
      const path = `${root}${name}/${file}`;
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, data);
    }
  }
  const { server, url } = await startServer({ root, port: 0 });
  return { url, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** What an LMS keeps for the next launch of an attempt the learner suspended, from a committed CMI snapshot. */
export function kept(cmi, version) {
  return version === '1.2'
    ? { suspend_data: cmi.suspend_data, core: { lesson_status: cmi.core.lesson_status, entry: 'resume', score: { ...cmi.core.score } } }
    : { suspend_data: cmi.suspend_data, completion_status: cmi.completion_status, success_status: cmi.success_status, entry: 'resume', score: { ...cmi.score } };
}
