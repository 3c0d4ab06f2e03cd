// dist/data-loader.js: the data files in dist/data/ load and check out; a missing, broken, truncated or wrong
// file gives a DataFileError that names the file and the problem. fetch is faked over the files (test.sh runs
// Node without fetch); the bodies arrive in chunks, as over a network.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';

import { repoRoot } from './load.mjs';

const loader = await import(new URL('../../dist/data-loader.js', import.meta.url).href);
const { DATA_FILES, DataFileError, loadFashionMnist, loadIdx, loadTrainedModel, parseIdx, gunzip } = loader;

const BASE = 'http://lab.test/';
const dist = (path) => new Uint8Array(readFileSync(`${repoRoot}dist/${path}`));

/** A fetch serving `files` (path -> bytes, an HTTP status, or an Error to throw), in 64 KiB chunks. */
export function fakeFetch(files, { contentLength = true } = {}) {
  return async (url) => {
    const entry = files[new URL(url).pathname.slice(1)];
    if (entry instanceof Error) throw entry;
    if (!(entry instanceof Uint8Array)) {
      return { ok: false, status: entry ?? 404, statusText: entry ? 'Server Error' : 'Not Found', headers: { get: () => null } };
    }
    const body = new ReadableStream({
      start(c) {
        for (let i = 0; i < entry.length; i += 65536) c.enqueue(entry.slice(i, i + 65536));
        c.close();
      },
    });
    const headers = { get: (h) => (h.toLowerCase() === 'content-length' && contentLength ? String(entry.length) : null) };
    return { ok: true, status: 200, statusText: 'OK', headers, body };
  };
}

const distFiles = () => Object.fromEntries(Object.values(DATA_FILES).map((f) => [f.path, dist(f.path)]));

async function rejectsWith(promise, reason, message) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof DataFileError, `expected a DataFileError, got ${e}`);
    assert.equal(e.reason, reason);
    if (message instanceof RegExp) assert.match(e.message, message);
    else assert.equal(e.message, message);
    return true;
  });
}

describe('data files in dist/data', () => {
  it('the test set and the calibration subset load, with progress up to 1', async () => {
    const seen = [];
    const test = await loadFashionMnist('test', { baseUrl: BASE, fetch: fakeFetch(distFiles()), onProgress: (p) => seen.push(p) });
    assert.equal(test.images.count, 10000);
    assert.equal(test.images.rows, 28);
    assert.equal(test.images.cols, 28);
    assert.equal(test.images.data.length, 7840000);
    assert.equal(test.labels.count, 10000);
    assert.ok(test.labels.data.every((l) => l < 10));
    assert.ok(seen.length > 10, 'progress is reported chunk by chunk');
    const fractions = seen.map((p) => p.fraction).filter((f) => f !== null);
    assert.ok(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]), 'progress never goes back');
    assert.equal(fractions.at(-1), 1);
    const cal = await loadFashionMnist('calibration', { baseUrl: BASE, fetch: fakeFetch(distFiles()) });
    assert.equal(cal.images.count, 1024);
    assert.equal(cal.labels.count, 1024);
    // The calibration subset comes from the training set: none of its images is a test image.
    const testImages = new Set();
    for (let i = 0; i < 10000; i++) testImages.add(Buffer.from(test.images.data.subarray(i * 784, (i + 1) * 784)).toString('base64'));
    let shared = 0;
    for (let i = 0; i < 1024; i++) shared += testImages.has(Buffer.from(cal.images.data.subarray(i * 784, (i + 1) * 784)).toString('base64'));
    assert.equal(shared, 0);
    const { bytes, provenance } = await loadTrainedModel({ baseUrl: BASE, fetch: fakeFetch(distFiles()) });
    assert.equal(bytes.length, provenance.model_bytes);
    assert.equal(provenance.test_images, 10000);
  });

  it('the training subset for QAT loads as \'train\': 10,000 images, the calibration images first', async () => {
    const train = await loadFashionMnist('train', { baseUrl: BASE, fetch: fakeFetch(distFiles()) });
    assert.equal(train.images.count, 10000);
    assert.equal(train.labels.count, 10000);
    const cal = await loadFashionMnist('calibration', { baseUrl: BASE, fetch: fakeFetch(distFiles()) });
    assert.deepEqual(train.images.data.subarray(0, 1024 * 784), cal.images.data);
    await assert.rejects(loadFashionMnist('training', { baseUrl: BASE, fetch: fakeFetch(distFiles()) }),
      /which must be 'test', 'calibration' or 'train', got training/);
  });

  it('a server that sends no length still reports bytes loaded (fraction null)', async () => {
    const seen = [];
    await loadIdx(`${BASE}${DATA_FILES.calibrationLabels.path}`, {
      kind: 'labels', count: 1024, fetch: fakeFetch(distFiles(), { contentLength: false }), onProgress: (p) => seen.push(p),
    });
    assert.ok(seen.every((p) => p.total === null));
    assert.ok(seen.at(-1).loaded > 0);
  });

  it('a file the server already decompressed (Content-Encoding: gzip) is accepted', async () => {
    const files = distFiles();
    files[DATA_FILES.calibrationLabels.path] = gunzipSync(files[DATA_FILES.calibrationLabels.path]);
    const { labels } = await loadFashionMnist('calibration', { baseUrl: BASE, fetch: fakeFetch(files) });
    assert.equal(labels.count, 1024);
  });
});

describe('broken data files get clear messages', () => {
  const load = (files) => loadFashionMnist('test', { baseUrl: BASE, fetch: fakeFetch(files) });

  it('missing: the server says 404 (or 500)', async () => {
    const files = distFiles();
    delete files[DATA_FILES.testImages.path];
    await rejectsWith(load(files), 'missing',
      `the test-image file is missing: the server answered 404 Not Found for ${BASE}${DATA_FILES.testImages.path}`);
    files[DATA_FILES.testImages.path] = 500;
    await rejectsWith(load(files), 'missing', /^the test-image file is missing: the server answered 500 Server Error/);
  });

  it('no connection', async () => {
    const files = distFiles();
    files[DATA_FILES.testLabels.path] = new TypeError('Failed to fetch');
    await rejectsWith(load(files), 'network', 'the test-label file could not be downloaded (Failed to fetch): check the connection and reload the page');
  });

  it('broken gzip: a flipped byte, or cut off halfway', async () => {
    const files = distFiles();
    const gz = files[DATA_FILES.testImages.path];
    const flipped = gz.slice();
    for (let i = 1000; i < 1100; i++) flipped[i] ^= 0x5a;
    files[DATA_FILES.testImages.path] = flipped;
    await rejectsWith(load(files), 'corrupt', /^the test-image file is damaged: its gzip data cannot be decompressed/);
    files[DATA_FILES.testImages.path] = gz.subarray(0, gz.length >> 1);
    await rejectsWith(load(files), 'corrupt', /^the test-image file is damaged: .*it may be truncated$/);
  });

  it('wrong magic: labels where images belong, a web page where data belong', async () => {
    const files = distFiles();
    files[DATA_FILES.testImages.path] = files[DATA_FILES.testLabels.path];
    await rejectsWith(load(files), 'magic',
      'the test-image file is not an idx image file: its magic number is 0x00000801 (an idx label file), expected 0x00000803');
    files[DATA_FILES.testImages.path] = new TextEncoder().encode('<!doctype html><title>Not here</title>');
    await rejectsWith(load(files), 'magic', /^the test-image file is not an idx image file: its magic number is 0x3C21646F, expected/);
  });

  it('wrong count: the calibration labels where the test labels belong', async () => {
    const files = distFiles();
    files[DATA_FILES.testLabels.path] = files[DATA_FILES.calibrationLabels.path];
    await rejectsWith(load(files), 'count', 'the test-label file holds 1024 labels, expected 10000');
  });

  it('truncated or too long idx data inside valid gzip', async () => {
    const files = distFiles();
    const idx = gunzipSync(files[DATA_FILES.testImages.path]);
    files[DATA_FILES.testImages.path] = gzipSync(idx.subarray(0, idx.length - 784 * 3));
    await rejectsWith(load(files), 'truncated',
      'the test-image file is truncated: 10000 images of 28 x 28 pixels need 7840000 bytes after the header, the file has 7837648');
    files[DATA_FILES.testImages.path] = gzipSync(Buffer.concat([idx, Buffer.alloc(5)]));
    await rejectsWith(load(files), 'extra', 'the test-image file has 5 unexpected bytes after its 10000 images of 28 x 28 pixels');
    files[DATA_FILES.testImages.path] = gzipSync(idx.subarray(0, 10));
    await rejectsWith(load(files), 'truncated', 'the test-image file is truncated: 10 bytes, less than an idx header (16 bytes)');
  });

  it('parseIdx refuses a header whose sizes exceed what fits in memory, and gzip it cannot read', async () => {
    const header = new Uint8Array([0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0, 0, 16, 0, 0, 0, 16, 0]);
    assert.throws(() => parseIdx(header, { kind: 'images', label: 'the file' }),
      { name: 'DataFileError', message: 'the file declares 4294967295 images of 4096 x 4096 pixels: more than the 2 GiB QuantLab can hold' });
    assert.throws(() => parseIdx(gzipSync(header), { kind: 'images', label: 'the file' }), { message: 'the file is still gzip-compressed: decompress it first (gunzip)' });
    assert.deepEqual(await gunzip(gzipSync(Buffer.from([1, 2, 3]))), new Uint8Array([1, 2, 3]));
  });
});
