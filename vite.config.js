// Vite builds the lab's pages from web/ into dist/.
//
// The WebAssembly core is shipped once, at the top of dist/, as the public API (quantlab.js, quantlab.d.ts and
// the quantlab-{simd,scalar}.{mjs,wasm} modules); the bundled pages and the learner-code worker load
// ../quantlab.js at run time (web/src/app/core.js) instead of bundling a second copy. The plugin below supplies those
// files: in `vite build` it emits them into dist/, in `vite` (dev server) it serves them from the same sources.
//
// Embedding (README, "Embedding the lab in a course page"): Vite builds three entries, the lab (index.html), one
// exercise for an iframe (embed.html) and the <quant-lab> web component (web/src/embed/element.js, hashed into
// assets/ like every chunk). The plugin adds the two files a course page names, at dist/'s top level with fixed
// names: quantlab-embed.js, a one-line module importing the component's chunk, and quantlab-resizer.js.
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defineConfig, transformWithEsbuild } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// The registry, imported by Node at run time (a path in a variable: bundling the config must not follow its page
// loaders into the pages' own imports).
const registryPath = pathToFileURL(`${root}web/src/exercises/registry.js`).href;
const { EXERCISES, pageModule } = await import(registryPath);

// Public name in dist/ -> where the file comes from (the JS facade is source; the modules are build output).
const API_FILES = {
  'quantlab.js': 'web/quantlab/quantlab.js',
  'quantlab.d.ts': 'web/quantlab/quantlab.d.ts',
  'forward-timings.js': 'web/quantlab/forward-timings.js',
  'timing-worker.js': 'web/quantlab/timing-worker.js',
  'data-loader.js': 'web/quantlab/data-loader.js',
  'timing.js': 'web/quantlab/timing.js',
  'agreement.js': 'web/quantlab/agreement.js',
  'describe.js': 'web/quantlab/describe.js',
  'quantlab-simd.mjs': 'build/wasm/cpp/bindings/quantlab-simd.mjs',
  'quantlab-simd.wasm': 'build/wasm/cpp/bindings/quantlab-simd.wasm',
  'quantlab-scalar.mjs': 'build/wasm/cpp/bindings/quantlab-scalar.mjs',
  'quantlab-scalar.wasm': 'build/wasm/cpp/bindings/quantlab-scalar.wasm',
  // The smaller modules (quantlab.js's WASM_MODULES; a registry entry names the one its page needs).
  ...Object.fromEntries(['core', 'data'].flatMap((module) => ['simd', 'scalar'].flatMap((isa) => ['mjs', 'wasm'].map((ext) =>
    [`quantlab-${module}-${isa}.${ext}`, `build/wasm/cpp/bindings/quantlab-${module}-${isa}.${ext}`])))),
};

// Files for the pages that embed the lab, emitted as they are (name in dist/ -> source).
const HOST_FILES = {
  'quantlab-resizer.js': 'web/host/quantlab-resizer.js',
};
// The data the pages fetch at run time (docs/data-and-training.md), under dist/data/: Fashion-MNIST's test set as
// Debian ships it (dataset-fashion-mnist, installed by build-scripts/setup.sh), and what build-scripts/train.sh
// made and the repository keeps in web/data/ (the trained model, its provenance, the calibration subset, the
// training subset for QAT).
const FASHION_MNIST = process.env.QUANTLAB_FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
const DATA_FILES = {
  'data/fashion-mnist-test-images.idx3.gz': `${FASHION_MNIST}/t10k-images-idx3-ubyte.gz`,
  'data/fashion-mnist-test-labels.idx1.gz': `${FASHION_MNIST}/t10k-labels-idx1-ubyte.gz`,
  'data/fashion-mnist-calibration-images.idx3.gz': 'web/data/fashion-mnist-calibration-images.idx3.gz',
  'data/fashion-mnist-calibration-labels.idx1.gz': 'web/data/fashion-mnist-calibration-labels.idx1.gz',
  'data/fashion-mnist-train-subset-images.idx3.gz': 'web/data/fashion-mnist-train-subset-images.idx3.gz',
  'data/fashion-mnist-train-subset-labels.idx1.gz': 'web/data/fashion-mnist-train-subset-labels.idx1.gz',
  'data/simplenet-fashion.qlmodel': 'web/data/simplenet-fashion.qlmodel',
  'data/simplenet-fashion.json': 'web/data/simplenet-fashion.json',
};
const PUBLIC_FILES = { ...API_FILES, ...HOST_FILES, ...DATA_FILES };
const EMBED_ENTRY = 'quantlab-embed'; // the component's entry chunk; dist/quantlab-embed.js imports it

// The API's JavaScript goes into dist/ minified, as the bundled pages do (local names shortened; exports, property
// names, function and class names and every message untouched): the Emscripten glue, which Emscripten 3.1.6 only
// strips of whitespace, and the facade take a third less for every page to load. The readable sources are in
// web/quantlab/ (and `npx vite` serves them as they are).
const MINIFIED = new Set(Object.keys(API_FILES).filter((name) => /\.m?js$/.test(name)));
const GLUE = new Set(Object.keys(API_FILES).filter((name) => name.endsWith('.mjs'))); // no names to keep: messages never show them

// What every page needs before its first chart from the top of dist/, named in the pages' HTML so that the browser
// fetches it while the page's own code loads, not one file after the other as each import is found: the API, and
// (index.html) the WebAssembly module of the route's exercise, which quantlab-preload.js (a classic script, run as
// the head is parsed) names from the hash and the registry's `wasm` fields before the entry chunk has loaded. The
// SIMD build is every current browser's; one without WebAssembly SIMD loads the scalar build instead and leaves
// the preloaded .wasm unused.
const PRELOADS = [
  '<link rel="modulepreload" href="./quantlab.js">',
  '<link rel="modulepreload" href="./describe.js">',
  '<link rel="modulepreload" href="./timing.js">',
];
const ROUTE_PRELOAD = 'quantlab-preload.js';

/**
 * dist/quantlab-preload.js: preloads the SIMD build of the module the hash's exercise draws with (registry.js's
 * pageModule; the landing page: 'core'). (Preloading the page's JavaScript chunks the same way was measured: no
 * earlier first chart, and each inserted link costs the main thread a few milliseconds before it.)
 */
function routePreload() {
  const modules = Object.fromEntries(EXERCISES.map((e) => [e.id, pageModule(e)]));
  return `// Written by vite.config.js from the registry: fetches (and lets the browser compile) the WebAssembly module the
// page's exercise draws with while the page's code loads. app/main.js loads the same files.
(() => {
  const modules = ${JSON.stringify(modules)};
  const id = new RegExp('^#/?([a-z0-9]+)').exec(location.hash)?.[1];
  const module = id ? modules[id] ?? 'full' : 'core';
  const file = module === 'full' ? 'quantlab-simd' : \`quantlab-\${module}-simd\`;
  for (const [rel, href] of [['modulepreload', \`./\${file}.mjs\`], ['preload', \`./\${file}.wasm\`]]) {
    const link = document.createElement('link');
    link.rel = rel;
    link.href = href;
    if (rel === 'preload') {
      link.as = 'fetch';
      link.crossOrigin = 'anonymous';
    }
    document.head.append(link);
  }
})();
`;
}

const MIME = {
  '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.ts': 'text/plain',
  '.gz': 'application/gzip', '.json': 'application/json', '.qlmodel': 'application/octet-stream',
};

function readApiFile(name) {
  const source = PUBLIC_FILES[name];
  try {
    return readFileSync(source.startsWith('/') ? source : root + source);
  } catch (e) {
    const fix = source.startsWith(FASHION_MNIST) ? "install Debian's dataset-fashion-mnist (./build-scripts/setup.sh does)"
      : Object.hasOwn(DATA_FILES, name) ? 'it is committed in web/data/; build-scripts/train.sh makes it again'
        : 'build the WebAssembly modules first (./build-scripts/build.sh site)';
    throw new Error(`${source} is missing: ${fix}`, { cause: e });
  }
}

/** dist/quantlab-embed.js: a fixed name for course pages, importing the component's hashed chunk beside it. */
const embedLoader = (chunkPath) => `// QuantLab's <quant-lab> web component (README: "Embedding the lab in a course page").\nimport ${JSON.stringify(`./${chunkPath}`)};\n`;

// The built page may load code and data from its own origin only. 'wasm-unsafe-eval' allows WebAssembly
// compilation; nothing on the page evaluates strings (the Embind glue is built with -sDYNAMIC_EXECUTION=0).
// Learner code is compiled with new Function in the learner's worker, a same-origin script with its own policy.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy() {
  return {
    name: 'quantlab-csp',
    apply: 'build', // the dev server injects its own inline client
    transformIndexHtml: (html) => html.replace('<meta charset="utf-8">', `<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="${CSP}">`),
  };
}

function quantlabApi() {
  return {
    name: 'quantlab-api',
    transformIndexHtml: (html, ctx) => html.replace('</head>', `${[...PRELOADS,
      ...(ctx.path.endsWith('/index.html') ? [`<script src="./${ROUTE_PRELOAD}"></script>`] : [])].join('\n')}\n</head>`),
    async generateBundle(_options, bundle) {
      for (const fileName of Object.keys(PUBLIC_FILES)) {
        const bytes = readApiFile(fileName);
        const source = MINIFIED.has(fileName)
          ? (await transformWithEsbuild(bytes.toString('utf8'), fileName, { minify: true, keepNames: !GLUE.has(fileName), format: 'esm', target: 'es2022' })).code
          : bytes;
        this.emitFile({ type: 'asset', fileName, source });
      }
      this.emitFile({ type: 'asset', fileName: ROUTE_PRELOAD, source: routePreload() });
      const entry = Object.values(bundle).find((chunk) => chunk.type === 'chunk' && chunk.isEntry && chunk.name === EMBED_ENTRY);
      if (entry) this.emitFile({ type: 'asset', fileName: `${EMBED_ENTRY}.js`, source: embedLoader(entry.fileName) });
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = (req.url ?? '').split('?')[0].replace(/^\//, '');
        if (name === ROUTE_PRELOAD) {
          res.setHeader('Content-Type', MIME['.js']);
          res.end(routePreload());
          return undefined;
        }
        if (name === `${EMBED_ENTRY}.js`) {
          res.setHeader('Content-Type', MIME['.js']);
          res.end(embedLoader('src/embed/element.js'));
          return undefined;
        }
        if (!Object.hasOwn(PUBLIC_FILES, name)) return next();
        res.setHeader('Content-Type', MIME[name.slice(name.lastIndexOf('.'))]);
        res.end(readApiFile(name));
      });
    },
  };
}

export default defineConfig({
  root: 'web',
  base: './', // relative URLs only: dist/ can be hosted under any sub-path
  publicDir: false,
  plugins: [quantlabApi(), contentSecurityPolicy()],
  worker: { format: 'es' },
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rollupOptions: {
      input: {
        index: `${root}web/index.html`,
        'embed-page': `${root}web/embed.html`,
        'scorm-page': `${root}web/scorm.html`, // the SCORM packages' launch page (build-scripts/scorm-packages.mjs)
        [EMBED_ENTRY]: `${root}web/src/embed/element.js`,
      },
      output: {
        // Name the two large libraries' chunks after them (Rollup would name a shared chunk after any module in it).
        manualChunks(id) {
          if (id.includes('/node_modules/chart.js/') || id.includes('/node_modules/@kurkle/')) return 'chartjs';
          if (id.includes('/node_modules/@codemirror/') || id.includes('/node_modules/@lezer/') ||
            /\/node_modules\/(style-mod|w3c-keyname|crelt|@marijn)\//.test(id)) return 'codemirror';
          return undefined;
        },
      },
    },
    chunkSizeWarningLimit: 600,
  },
});
