// The exercises, declared once. Everything that lists exercises iterates over EXERCISES, in this order (the
// learner's path): the nav and the landing cards (app/main.js, app/landing.js), the URL-state table
// (app/state.js), the runner worker's tasks (learner/runner-worker.js), the embed options (embed/options.js) and
// the tests. Adding an exercise is one folder plus one entry here: docs/design.md, "Adding an exercise".
//
// An entry:
//   id      'ex<number>': the route (#/ex2), the storage keys (quantlab:code:ex2) and the folder's prefix
//   number  what the learner sees ("Exercise 2") and what embeds name (exercise="2"); any integer 0–99, unique.
//           Neither the number nor the id says where an exercise stands: the order of this list does.
//   slug    the rest of the folder's name: exercises/<id>-<slug>/
//   nav     the short label of the header's nav ("2 · Per-channel")
//   title, blurb   the page's title and the landing card's one line
//   params  the URL-state parameters: name -> type from app/params.js, with bounds and default (#/ex2?bits=4)
//   page    () => import of the folder's lab.js: {default: {lesson, mountLab?}}
//   tasks   () => import of the folder's tasks.js: {default: task} (learner mode; leave out for none)
//   wasm    the WebAssembly module the page, its tasks and its workers need (app/core.js's WASM_MODULES): 'core'
//           (random numbers, quantization and its errors, number formats, an activation grid, NF4's levels), 'data'
//           (core + models, datasets, evaluation, calibration) or 'full' (everything, the default when left out:
//           low-bit weights, GPTQ, AWQ, training, QAT). The smaller, the sooner the page's first chart.
//   pageWasm  the smaller module the page itself draws with, when its first chart needs less than `wasm` (leave
//           out: `wasm`). The page gets that lab; its tasks, data jobs and workers get `wasm`'s, loaded after the
//           first chart (app/core.js's labWith).
// Data files (a data set, a trained model) are the folder's own business: see app/core.js's assetUrl().
import { choice, int, numberList } from '../app/params.js';
import { WASM_MODULES } from '../app/core.js';
import { EMBED_OPTIONS, FRAME_OPTIONS } from '../embed/names.js';
import { oneNumber } from './ex0-number-formats/data.js';
import { NOTEBOOK_WEIGHTS } from './ex1-symmetric/data.js';
import { NOTEBOOK_CHANNEL_SCALES } from './ex2-per-channel/data.js';
import { DISTRIBUTIONS } from './ex3-bit-width/data.js';
import { BITS, METHOD_IDS } from './ex6-calibration/data.js';
import { GRANULARITY_IDS, GRID_IDS, LAST_IDS } from './ex7-low-bit/data.js';
import { ALPHAS, CALIBRATION_SIZES, DAMPS, GROUPS } from './ex8-gptq/data.js';
import { BITS as QAT_BITS, GROUP_IDS, LEARNING_RATES, MAX_EPOCHS } from './ex9-qat/data.js';

const ENTRIES = [
  {
    id: 'ex0',
    number: 0,
    slug: 'number-formats',
    nav: 'Formats',
    title: 'Number formats',
    blurb: 'Before you start: float32, float16, bfloat16 and fp8 bit by bit, what they do to a trained model, and what a model needs in memory.',
    params: {
      x: oneNumber({ def: 0.1 }), // the number taken apart, any finite float32-sized value
      p: oneNumber({ min: 0.001, max: 10000, def: 7 }), // the memory calculator's model size, billions of parameters
    },
    page: () => import('./ex0-number-formats/lab.js'),
    tasks: () => import('./ex0-number-formats/tasks.js'),
    wasm: 'data',
    pageWasm: 'core', // the formats are drawn at once; SimpleNet's sizes and the accuracies need models
  },
  {
    id: 'ex1',
    number: 1,
    slug: 'symmetric',
    nav: 'Symmetric',
    title: 'Symmetric quantization',
    blurb: 'Map real weights to small integers with one scale, and back. See every weight land on the grid.',
    params: {
      bits: int(2, 16, 8),
      w: numberList({ maxLength: 64, def: NOTEBOOK_WEIGHTS }),
    },
    page: () => import('./ex1-symmetric/lab.js'),
    tasks: () => import('./ex1-symmetric/tasks.js'),
    wasm: 'core',
  },
  {
    id: 'ex2',
    number: 2,
    slug: 'per-channel',
    nav: 'Per-channel',
    title: 'Per-tensor vs per-channel',
    blurb: 'One scale for a whole matrix, or one per row? An overall ratio of 2.6× hides gains of 10,000× and more.',
    params: {
      bits: int(2, 16, 8),
      s: numberList({ minLength: 4, maxLength: 4, min: 1e-6, max: 1e6, def: NOTEBOOK_CHANNEL_SCALES }),
    },
    page: () => import('./ex2-per-channel/lab.js'),
    tasks: () => import('./ex2-per-channel/tasks.js'),
    wasm: 'core',
  },
  {
    id: 'ex3',
    number: 3,
    slug: 'bit-width',
    nav: 'Bit width',
    title: 'Error vs bit width',
    blurb: 'How fast does the error fall with each extra bit, and what do outliers do to it?',
    params: {
      dist: choice(DISTRIBUTIONS, 'gaussian'),
      hi: int(4, 16, 8),
    },
    page: () => import('./ex3-bit-width/lab.js'),
    tasks: () => import('./ex3-bit-width/tasks.js'),
    wasm: 'core',
  },
  {
    id: 'ex4',
    number: 4,
    slug: 'model',
    nav: 'Model',
    title: 'Quantize a small network to int8',
    blurb: 'The notebook’s 784→256→10 network in int8: a 4× smaller file, outputs that agree, and a speed you measure.',
    params: {
      seed: int(0, 99999, 0),
      scheme: choice(['tensor', 'channel'], 'tensor'), // one int8 weight scale per tensor or per output channel
      input: int(0, 99, 0),
      weights: choice(['random', 'trained'], 'random'), // the notebook's random SimpleNet, or the one trained on Fashion-MNIST
    },
    page: () => import('./ex4-model/lab.js'),
    tasks: () => import('./ex4-model/tasks.js'),
    wasm: 'data',
  },
  {
    id: 'ex5',
    number: 5,
    slug: 'zero-point',
    nav: 'Zero-point',
    title: 'Asymmetric quantization and the zero-point',
    blurb: 'A grid that fits the range: ReLU outputs use all 256 levels instead of 128, and 0.0 stays exact.',
    params: {
      bits: int(2, 8, 3), // of the skewed weights' grids
    },
    page: () => import('./ex5-zero-point/lab.js'),
    tasks: () => import('./ex5-zero-point/tasks.js'),
    wasm: 'data',
    pageWasm: 'core', // the grids are drawn at once; the activations and accuracies come from a data job
  },
  {
    id: 'ex6',
    number: 6,
    slug: 'calibration',
    nav: 'Calibration',
    title: 'Static quantization and calibration',
    blurb: 'Fix the activations’ range ahead of time from 1,024 images: min/max, percentiles, MSE search or entropy, measured on 10,000 test images.',
    params: {
      method: choice(METHOD_IDS, 'minmax'),
      bits: choice(BITS, '8'), // of the activations (weights: int8 per channel)
    },
    page: () => import('./ex6-calibration/lab.js'),
    tasks: () => import('./ex6-calibration/tasks.js'),
    wasm: 'data',
    pageWasm: 'core', // the synthetic activations' grid is drawn at once; calibration and accuracies in a data job
  },
  {
    id: 'ex7',
    number: 7,
    slug: 'low-bit',
    nav: 'Below 8 bits',
    title: 'Below 8 bits: groups, int4 packing and NF4',
    blurb: 'Weights at 2 to 8 bits, one scale per tensor, channel or group, uniform or NF4: the file size against the accuracy on 10,000 test images.',
    params: {
      bits: int(2, 8, 4), // of the weights (NF4: always 4)
      gran: choice(GRANULARITY_IDS, 'channel'), // one scale per tensor, per channel or per group of G weights of a row
      grid: choice(GRID_IDS, 'uniform'),
      last: choice(LAST_IDS, 'same'), // the last layer's bits: mixed precision
      layer: choice(['1', '2'], '1'), // the layer whose weights the histogram shows
    },
    page: () => import('./ex7-low-bit/lab.js'),
    tasks: () => import('./ex7-low-bit/tasks.js'),
    pageWasm: 'core', // the costs and the grid's levels are drawn at once; the measurements run in a data job
  },
  {
    id: 'ex8',
    number: 8,
    slug: 'gptq',
    nav: 'AWQ, GPTQ',
    title: 'AWQ and GPTQ: quantizing with calibration data',
    blurb: 'Round-to-nearest falls apart at 3 and 2 bits. AWQ rescales the busy input channels; GPTQ pushes each column’s rounding error onto the next. Measured live on 10,000 test images.',
    params: {
      bits: int(2, 4, 3), // of the weights, every layer
      group: choice(GROUPS, 'channel'), // one scale per output channel, or per G weights of a row
      damp: choice(DAMPS, '0.01'), // GPTQ's damping, a fraction of mean(diag H)
      alpha: choice(ALPHAS, 'search'), // AWQ's exponent: searched on 0, 0.05, …, 1, or fixed
      n: choice(CALIBRATION_SIZES, '1024'), // calibration images for GPTQ and AWQ
    },
    page: () => import('./ex8-gptq/lab.js'),
    tasks: () => import('./ex8-gptq/tasks.js'),
  },
  {
    id: 'ex9',
    number: 9,
    slug: 'qat',
    nav: 'QAT',
    title: 'Quantization-aware training',
    blurb: 'Train through the rounding: fake-quantized weights forward, the straight-through estimator backward. 2-bit weights go from 31% to about 70%.',
    params: {
      bits: choice(QAT_BITS, '3'), // of the weights
      group: choice(GROUP_IDS, 'channel'), // one scale per output channel, or per group of 64 (g64) or 16 (g16) weights
      lr: choice(LEARNING_RATES, '0.001'), // Adam's learning rate
      epochs: int(1, MAX_EPOCHS, 2), // over the 10,000-image training subset
    },
    page: () => import('./ex9-qat/lab.js'),
    tasks: () => import('./ex9-qat/tasks.js'),
    pageWasm: 'core', // the fake quantizer's picture is drawn at once; the training runs in the exercise's worker
  },
];

const RESERVED_NAMES = [...EMBED_OPTIONS, ...FRAME_OPTIONS]; // an embedding's own options
/** Throws when an entry breaks the rules above: a mistake in this file fails at once, in every test. */
export function checkEntries(entries) {
  const seen = new Set();
  for (const e of entries) {
    const name = `registry entry ${JSON.stringify(e.id)}`;
    if (!Number.isInteger(e.number) || e.number < 0 || e.number > 99) throw new Error(`${name}: number must be an integer from 0 to 99`);
    if (e.id !== `ex${e.number}`) throw new Error(`${name}: the id must be 'ex${e.number}', from its number`);
    if (seen.has(e.id)) throw new Error(`${name}: declared twice`);
    seen.add(e.id);
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(e.slug ?? '')) throw new Error(`${name}: slug must be lowercase words joined by hyphens`);
    for (const key of ['nav', 'title', 'blurb']) {
      if (typeof e[key] !== 'string' || !e[key]) throw new Error(`${name}: ${key} is missing`);
    }
    for (const [param, type] of Object.entries(e.params ?? {})) {
      if (!/^[a-z][a-z0-9-]*$/.test(param) || RESERVED_NAMES.includes(param)) throw new Error(`${name}: parameter name '${param}' cannot be used`);
      if (typeof type?.parse !== 'function' || typeof type.format !== 'function') throw new Error(`${name}: parameter '${param}' needs a type from app/params.js`);
    }
    if (typeof e.page !== 'function') throw new Error(`${name}: page must be a loader, () => import('./${e.id}-${e.slug}/lab.js')`);
    if (e.tasks !== undefined && typeof e.tasks !== 'function') throw new Error(`${name}: tasks must be a loader or absent`);
    if (e.wasm !== undefined && !WASM_MODULES.includes(e.wasm)) throw new Error(`${name}: wasm must be one of ${WASM_MODULES.join(', ')} or absent`);
    if (e.pageWasm !== undefined && WASM_MODULES.indexOf(e.pageWasm) < 0) throw new Error(`${name}: pageWasm must be one of ${WASM_MODULES.join(', ')} or absent`);
    if (WASM_MODULES.indexOf(e.pageWasm) > WASM_MODULES.indexOf(e.wasm ?? 'full')) throw new Error(`${name}: pageWasm cannot be larger than wasm`);
  }
  return entries;
}

/** The exercises in the learner's order. */
export const EXERCISES = Object.freeze(checkEntries(ENTRIES).map((e) => Object.freeze({ ...e, folder: `${e.id}-${e.slug}` })));

/** The entry with this id ('ex2'), or undefined. */
export const exerciseById = (id) => EXERCISES.find((e) => e.id === id);

/** The WebAssembly module an exercise's page draws with ('core', 'data' or 'full'): its pageWasm, else its wasm. */
export const pageModule = (entry) => entry.pageWasm ?? entry.wasm ?? 'full';

/** The WebAssembly module an exercise's tasks, data jobs and workers need: its wasm ('full' when left out). */
export const exerciseModule = (entry) => entry.wasm ?? 'full';

/** The entry with this number (2), or undefined. */
export const exerciseByNumber = (number) => EXERCISES.find((e) => e.number === number);
