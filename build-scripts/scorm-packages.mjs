// Writes the SCORM packages of the lab into dist/scorm/: for every exercise of the registry, one SCORM 1.2 and one
// SCORM 2004 (4th edition) package, each a zip of the whole site (dist/, whose URLs are all relative) with an
// imsmanifest.xml whose one SCO launches scorm.html. Each package's scorm.html names its exercise and version in a
// <meta> (web/src/lms/page.js reads it), so the launch needs no URL parameters, which some LMSs drop.
// Run by build-scripts/build.sh (site) after Vite: node build-scripts/scorm-packages.mjs [dist-dir]
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { EXERCISES } from '../web/src/exercises/registry.js';
import { PACKAGE_DIR, packageName, SCORM_VERSIONS as VERSIONS } from '../web/src/lms/packages.js';
import { prepareEntry, zipArchive } from './zip.mjs';

export { PACKAGE_DIR, packageName, VERSIONS };
export const LAUNCH = 'scorm.html';

const xml = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const NAMESPACES = {
  '1.2': [
    'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"',
    'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"',
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    'xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd"',
  ],
  2004: [
    'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"',
    'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"',
    'xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"',
    'xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"',
    'xmlns:imsss="http://www.imsglobal.org/xsd/imsss"',
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    'xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd"',
  ],
};

/** imsmanifest.xml of exercise `entry`'s package for `version`, listing `files` (paths inside the package). */
export function manifest(entry, version, files) {
  const id = `quantlab-${entry.id}-scorm${version.replace('.', '')}`;
  const title = xml(`QuantLab · Exercise ${entry.number}: ${entry.title}`);
  const scormType = version === '1.2' ? 'adlcp:scormtype="sco"' : 'adlcp:scormType="sco"';
  const schemaVersion = version === '1.2' ? '1.2' : '2004 4th Edition';
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="${id}" version="1" ${NAMESPACES[version].join('\n  ')}>
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>${schemaVersion}</schemaversion>
  </metadata>
  <organizations default="quantlab-org">
    <organization identifier="quantlab-org">
      <title>${title}</title>
      <item identifier="quantlab-item-${entry.id}" identifierref="quantlab-sco" isvisible="true">
        <title>${title}</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="quantlab-sco" type="webcontent" ${scormType} href="${LAUNCH}">
${files.map((f) => `      <file href="${xml(f)}"/>`).join('\n')}
    </resource>
  </resources>
</manifest>
`;
}

/** The launch page of one package: dist/scorm.html naming its exercise and version. */
export function launchPage(html, entry, version) {
  const marker = '<meta name="quantlab-scorm" content="">';
  if (!html.includes(marker)) throw new Error(`${LAUNCH} lacks ${marker}: was it built from web/scorm.html?`);
  return html.replace(marker, `<meta name="quantlab-scorm" content="exercise=${entry.number}&amp;version=${version}">`);
}

// An LMS serves a package's files with its own table of MIME types, where `.mjs` may be missing (served as
// application/octet-stream, a module script is refused). Inside the packages the Emscripten modules' glue files are
// `.js`, and the files that name them say so. (A .wasm served with the wrong type still loads: quantlab.js compiles
// it from its bytes.)
const RENAMED = Object.fromEntries(['', 'core-', 'data-'].flatMap((module) => ['simd', 'scalar'].map((isa) =>
  [`quantlab-${module}${isa}.mjs`, `quantlab-${module}${isa}.js`])));

/** A file of dist/ as it goes into a package: [name, bytes]. */
export function packagedFile(name, bytes) {
  const renamed = RENAMED[name] ?? name;
  if (!/\.(m?js|html)$/.test(name)) return [renamed, bytes];
  let text = bytes.toString('utf8');
  for (const [from, to] of Object.entries(RENAMED)) text = text.replaceAll(`./${from}`, `./${to}`);
  return [renamed, Buffer.from(text, 'utf8')];
}

function listFiles(dir, base = dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (relative(base, path) !== PACKAGE_DIR) out.push(...listFiles(path, base));
    } else {
      out.push(relative(base, path).split(sep).join('/'));
    }
  }
  return out;
}

// Files of dist/ only some exercises load, packaged with those only: the QAT training subset (4.4 MB) goes into
// exercise 9's packages, where the page trains on it, and stays out of every other.
const ONLY_FOR = [{ file: /^data\/fashion-mnist-train-subset-/, exercises: ['ex9'] }];
const onlyFor = (f) => ONLY_FOR.find((o) => o.file.test(f));

/** Builds every package from `dist`; returns [{name, bytes}]. */
export function writePackages(dist) {
  const all = listFiles(dist);
  const files = all.filter((f) => !onlyFor(f));
  if (!files.includes(LAUNCH)) throw new Error(`${dist}/${LAUNCH} is missing: build the site first`);
  for (const [from, to] of Object.entries(RENAMED)) {
    if (files.includes(to)) throw new Error(`dist/ has both ${from} and ${to}: the packages rename one to the other`);
  }
  const html = packagedFile(LAUNCH, readFileSync(join(dist, LAUNCH)))[1].toString('utf8');
  const shared = files.filter((f) => f !== LAUNCH).map((f) => prepareEntry(...packagedFile(f, readFileSync(join(dist, f)))));
  const own = new Map(); // exercise id -> its own files, prepared once
  for (const f of all.filter(onlyFor)) {
    for (const id of onlyFor(f).exercises) {
      if (!own.has(id)) own.set(id, []);
      own.get(id).push(prepareEntry(...packagedFile(f, readFileSync(join(dist, f)))));
    }
  }
  const outDir = join(dist, PACKAGE_DIR);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const written = [];
  for (const entry of EXERCISES) {
    const entries = [...shared, ...(own.get(entry.id) ?? [])];
    const listed = [LAUNCH, ...entries.map((e) => e.name)].sort();
    for (const version of VERSIONS) {
      const zip = zipArchive([
        prepareEntry('imsmanifest.xml', manifest(entry, version, listed)),
        prepareEntry(LAUNCH, launchPage(html, entry, version)),
        ...entries,
      ]);
      const name = packageName(entry, version);
      writeFileSync(join(outDir, `${name}.part`), zip);
      renameSync(join(outDir, `${name}.part`), join(outDir, name));
      written.push({ name, bytes: zip.length });
    }
  }
  return written;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dist = process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url));
  const written = writePackages(dist);
  const mb = written.reduce((sum, p) => sum + p.bytes, 0) / 1e6;
  console.log(`[scorm] ${written.length} packages in ${join(dist, PACKAGE_DIR)} (${mb.toFixed(1)} MB in all)`);
}
