// The SCORM packages' names, shared by the build (build-scripts/scorm-packages.mjs writes them into dist/scorm/)
// and the pages (the download links beside "Embed this exercise"). No DOM.
export const SCORM_VERSIONS = Object.freeze(['1.2', '2004']);
export const PACKAGE_DIR = 'scorm'; // under dist/

/** quantlab-ex2-scorm12.zip, quantlab-ex2-scorm2004.zip: the package of a registry entry for a SCORM version. */
export const packageName = (entry, version) => `quantlab-${entry.id}-scorm${version.replace('.', '')}.zip`;

/** The packages' paths relative to dist/, with their labels. */
export const packageLinks = (entry) => SCORM_VERSIONS.map((version) => ({
  version,
  path: `${PACKAGE_DIR}/${packageName(entry, version)}`,
  label: `SCORM ${version === '2004' ? '2004 (4th edition)' : version}`,
}));
