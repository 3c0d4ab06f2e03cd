// Shared by the Node tests: the built JS API from dist/ (run build-scripts/build.sh site first).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const api = new URL('../../dist/quantlab.js', import.meta.url);
if (!existsSync(api)) {
  throw new Error(`dist/quantlab.js is missing: build the site first (./build-scripts/build.sh site)`);
}
export const { createQuantLab, wasmSimdSupported, SIMD_PROBE, timeInterleaved, timeInterleavedAsync } = await import(api.href);

/** Asserts that fn() throws an Error whose message is `message` (a string, exactly) or matches it (a RegExp). */
export const throwsWith = (fn, message) =>
  assert.throws(fn, (e) => e instanceof Error && (message instanceof RegExp ? message.test(e.message) : e.message === message));
