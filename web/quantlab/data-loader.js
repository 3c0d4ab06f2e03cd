// QuantLab's data files (dist/data/): fetching with progress, gzip decompression (DecompressionStream) and
// validation of idx files, with messages a learner can act on. Shipped beside quantlab.js; works in browsers,
// Web Workers and Node 20 (pass `fetch` where there is none).
//
//   import { loadFashionMnist } from './data-loader.js';
//   const { images, labels } = await loadFashionMnist('test', { onProgress: ({ fraction }) => bar.value = fraction });
//   const test = lab.loadDataset(images, labels, { name: 'test', expectedCount: 10000 });
//
// Every failure is a DataFileError whose `reason` is 'missing', 'network', 'corrupt', 'magic', 'count',
// 'truncated' or 'extra' and whose message names the file and what is wrong.

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;

/** The files `vite build` puts in dist/data/ (docs/data-and-training.md says where each comes from). */
export const DATA_FILES = Object.freeze({
  testImages: { path: 'data/fashion-mnist-test-images.idx3.gz', kind: 'images', count: 10000, label: 'the test-image file' },
  testLabels: { path: 'data/fashion-mnist-test-labels.idx1.gz', kind: 'labels', count: 10000, label: 'the test-label file' },
  calibrationImages: { path: 'data/fashion-mnist-calibration-images.idx3.gz', kind: 'images', count: 1024, label: 'the calibration-image file' },
  calibrationLabels: { path: 'data/fashion-mnist-calibration-labels.idx1.gz', kind: 'labels', count: 1024, label: 'the calibration-label file' },
  trainImages: { path: 'data/fashion-mnist-train-subset-images.idx3.gz', kind: 'images', count: 10000, label: 'the training-image file' },
  trainLabels: { path: 'data/fashion-mnist-train-subset-labels.idx1.gz', kind: 'labels', count: 10000, label: 'the training-label file' },
  model: { path: 'data/simplenet-fashion.qlmodel', label: 'the model file' },
  provenance: { path: 'data/simplenet-fashion.json', label: 'the model\'s provenance file' },
});

/** Fashion-MNIST's classes, by label. */
export const CLASS_NAMES = Object.freeze(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);

export class DataFileError extends Error {
  constructor(message, { reason, url } = {}) {
    super(message);
    this.name = 'DataFileError';
    /** 'missing' | 'network' | 'corrupt' | 'magic' | 'count' | 'truncated' | 'extra' */
    this.reason = reason;
    this.url = url;
  }
}

const defaultBase = () => new URL('./', import.meta.url);

/**
 * The bytes at `url`, reporting onProgress({loaded, total}) as they arrive (total is null when the server
 * does not say). A missing file or a failed connection throws a DataFileError.
 */
export async function fetchBytes(url, { label = String(url), onProgress, signal, fetch = globalThis.fetch } = {}) {
  if (typeof fetch !== 'function') throw new TypeError('no fetch() here: pass options.fetch');
  let response;
  try {
    response = await fetch(url, { signal });
  } catch (e) {
    if (e?.name === 'AbortError') throw e;
    throw new DataFileError(`${label} could not be downloaded (${e?.message ?? e}): check the connection and reload the page`, { reason: 'network', url: String(url) });
  }
  if (!response.ok) {
    const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    throw new DataFileError(`${label} is missing: the server answered ${status} for ${url}`, { reason: 'missing', url: String(url) });
  }
  const header = Number(response.headers?.get?.('content-length'));
  const total = Number.isFinite(header) && header > 0 ? header : null;
  if (!response.body?.getReader) {
    const all = new Uint8Array(await response.arrayBuffer());
    onProgress?.({ loaded: all.length, total: all.length });
    return all;
  }
  const reader = response.body.getReader();
  const chunks = [];
  let loaded = 0;
  onProgress?.({ loaded: 0, total });
  for (;;) {
    let step;
    try {
      step = await reader.read();
    } catch (e) {
      if (e?.name === 'AbortError') throw e;
      throw new DataFileError(`${label} stopped downloading halfway (${e?.message ?? e}): reload the page to try again`, { reason: 'network', url: String(url) });
    }
    if (step.done) break;
    chunks.push(step.value);
    loaded += step.value.length;
    onProgress?.({ loaded, total });
  }
  return concat(chunks, loaded);
}

function concat(chunks, length) {
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const isGzip = (b) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * Decompresses gzip bytes with DecompressionStream. Bytes that are not gzip are returned as they are (a server
 * may have decompressed the file already, with Content-Encoding: gzip); parseIdx then says what they are.
 */
export async function gunzip(bytes, { label = 'the file' } = {}) {
  if (!isGzip(bytes)) return bytes;
  if (typeof DecompressionStream !== 'function') {
    throw new DataFileError(`${label} cannot be decompressed: this browser has no DecompressionStream (use a browser from 2023 or later)`, { reason: 'corrupt' });
  }
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  const reader = stream.getReader();
  const chunks = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
    }
  } catch (e) {
    throw new DataFileError(`${label} is damaged: its gzip data cannot be decompressed (${e?.message ?? e}); it may be truncated`, { reason: 'corrupt' });
  }
  return concat(chunks, length);
}

const hex = (v) => `0x${v.toString(16).toUpperCase().padStart(8, '0')}`;
const u32 = (b, at) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

/**
 * Checks decompressed idx bytes: the magic for `kind` ('images' or 'labels'), the count when given, and that
 * the data are exactly as long as the header says. Returns {kind, count, rows, cols, data, bytes}: `data` the
 * pixels or labels (a view), `bytes` the whole file (what lab.loadDataset takes).
 */
export function parseIdx(bytes, { kind, count, label = `the ${kind} file` } = {}) {
  if (kind !== 'images' && kind !== 'labels') throw new TypeError(`kind must be 'images' or 'labels', got ${String(kind)}`);
  const magic = kind === 'images' ? IMAGES_MAGIC : LABELS_MAGIC;
  const header = kind === 'images' ? 16 : 8;
  const fail = (reason, text) => { throw new DataFileError(`${label} ${text}`, { reason }); };
  if (isGzip(bytes)) fail('corrupt', 'is still gzip-compressed: decompress it first (gunzip)');
  if (bytes.length < 4) fail('truncated', `is truncated: ${bytes.length} bytes, less than an idx header (${header} bytes)`);
  const found = u32(bytes, 0);
  if (found !== magic) {
    const what = found === IMAGES_MAGIC ? ' (an idx image file)' : found === LABELS_MAGIC ? ' (an idx label file)' : '';
    fail('magic', `is not an idx ${kind === 'images' ? 'image' : 'label'} file: its magic number is ${hex(found)}${what}, expected ${hex(magic)}`);
  }
  if (bytes.length < header) fail('truncated', `is truncated: ${bytes.length} bytes, less than an idx header (${header} bytes)`);
  const n = u32(bytes, 4);
  const rows = kind === 'images' ? u32(bytes, 8) : 1;
  const cols = kind === 'images' ? u32(bytes, 12) : 1;
  if (n === 0) fail('count', `holds no ${kind}`);
  if (count !== undefined && n !== count) fail('count', `holds ${n} ${kind}, expected ${count}`);
  if (rows === 0 || cols === 0 || rows > 4096 || cols > 4096) fail('corrupt', `declares images of ${rows} x ${cols} pixels: each side must be 1 to 4096`);
  const needed = BigInt(n) * BigInt(rows) * BigInt(cols);  // up to 2^56: beyond a double's exact integers
  const what = kind === 'images' ? `${n} images of ${rows} x ${cols} pixels` : `${n} labels`;
  if (needed > 2n ** 31n - 1n) fail('truncated', `declares ${what}: more than the 2 GiB QuantLab can hold`);
  const have = BigInt(bytes.length - header);
  if (have < needed) fail('truncated', `is truncated: ${what} need ${needed} bytes after the header, the file has ${have}`);
  if (have > needed) fail('extra', `has ${have - needed} unexpected bytes after its ${what}`);
  return { kind, count: n, rows, cols, data: bytes.subarray(header), bytes };
}

/** fetchBytes + gunzip + parseIdx: one checked idx file. */
export async function loadIdx(url, { kind, count, label, onProgress, signal, fetch } = {}) {
  const raw = await fetchBytes(url, { label, onProgress, signal, fetch });
  return parseIdx(await gunzip(raw, { label }), { kind, count, label });
}

const SUBSETS = {
  test: [DATA_FILES.testImages, DATA_FILES.testLabels],
  calibration: [DATA_FILES.calibrationImages, DATA_FILES.calibrationLabels],
  train: [DATA_FILES.trainImages, DATA_FILES.trainLabels],
};

/**
 * Fashion-MNIST's 10,000 test images ('test'), the 1,024 calibration images from the training set
 * ('calibration') or the 10,000 training images for quantization-aware training ('train': never test images;
 * its first 1,024 are the calibration images), both files checked: {images, labels} as parseIdx returns them.
 * onProgress({loaded, total, fraction, file}) covers both downloads (fraction in [0, 1]).
 */
export async function loadFashionMnist(which = 'test', { baseUrl = defaultBase(), onProgress, signal, fetch } = {}) {
  if (!Object.hasOwn(SUBSETS, which)) throw new TypeError(`which must be 'test', 'calibration' or 'train', got ${String(which)}`);
  const files = SUBSETS[which];
  const progress = files.map(() => ({ loaded: 0, total: null }));
  const report = (i) => (p) => {
    progress[i] = p;
    if (!onProgress) return;
    const loaded = progress.reduce((s, x) => s + x.loaded, 0);
    const known = progress.every((x) => x.total);
    const total = known ? progress.reduce((s, x) => s + x.total, 0) : null;
    onProgress({ loaded, total, fraction: total ? Math.min(1, loaded / total) : null, file: files[i].path });
  };
  const [images, labels] = await Promise.all(files.map((f, i) => loadIdx(new URL(f.path, baseUrl), {
    kind: f.kind, count: f.count, label: f.label, onProgress: report(i), signal, fetch,
  })));
  return { images, labels };
}

/** The trained SimpleNet: {bytes (for lab.loadModel), provenance (its JSON: seed, epochs, accuracy...)}. */
export async function loadTrainedModel({ baseUrl = defaultBase(), onProgress, signal, fetch } = {}) {
  const [bytes, json] = await Promise.all([
    fetchBytes(new URL(DATA_FILES.model.path, baseUrl), { label: DATA_FILES.model.label, onProgress, signal, fetch }),
    fetchBytes(new URL(DATA_FILES.provenance.path, baseUrl), { label: DATA_FILES.provenance.label, signal, fetch }),
  ]);
  let provenance;
  try {
    provenance = JSON.parse(new TextDecoder().decode(json));
  } catch (e) {
    throw new DataFileError(`${DATA_FILES.provenance.label} is damaged: ${e.message}`, { reason: 'corrupt' });
  }
  return { bytes, provenance };
}
