#!/usr/bin/env node
// The low-bit benchmark (not a test; the whole int4 model's keys in build/bench/results.json come from
// lowbit-model-bench.mjs): int4 against int8 at SimpleNet's shapes — the forward pass at batch 1 and 10,000 and the first
// layer's kernel alone — and GPTQ's time on both layers, natively (build/native/tests/bench/quantlab_lowbit_bench),
// in Node and in headless Chromium (a page of dist/, as the lab would run it). Needs
// `build-scripts/build.sh native site`. Prints tables; `--quick` for a shorter run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = join(root, 'dist');
const quick = process.argv.includes('--quick');
const say = (line) => console.log(`[lowbit-bench] ${line}`);

// Runs in Node and, serialized, in the page: no closure, imports by URL.
async function measure({ apiUrl, moduleUrl, wasmUrl, quick }) {
  const { timeInterleaved } = await import(apiUrl);
  const factory = (await import(moduleUrl)).default;
  const options = {};
  if (typeof process === 'object' && process.versions?.node) {
    const fsName = 'node:fs/promises';
    options.wasmBinary = await (await import(fsName)).readFile(new URL(wasmUrl));
  }
  const m = await factory(options);
  const check = (v) => {
    if (v instanceof Error) throw v;
    return v;
  };
  const groups = [784, 128, 64, 32, 16];
  const name = (g) => (g >= 784 ? 'int4 channel' : `int4 g${g}`);
  const forward = (batch) => {
    const runs = { 'int8 channel': (n) => check(m.timeLowBitSimpleNet('int8', 0, batch, 'simd', n)) };
    for (const g of groups) runs[name(g)] = (n) => check(m.timeLowBitSimpleNet('int4', g, batch, 'simd', n));
    return runs;
  };
  const big = quick ? 1000 : 10000;
  // The median of the batches and, on a busy machine the steadier figure, the fastest batch.
  const perBatch = (t) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, { median: v.medianUs, min: v.minUs }]));
  const result = {};
  const total = (r) => r.reduce((s, t) => s + t.hessianMs + t.factorMs + t.columnsMs, 0);
  // GPTQ first, on fresh code (the engine has optimized nothing yet), as a learner's first click runs it.
  const first = [1, 2].map((l) => check(m.timeGptq(l, 1024, 0, 'simd')));
  result.forward1 = perBatch(timeInterleaved(forward(1), { batches: quick ? 7 : 15 }));
  const layer = { 'int8 channel': (n) => check(m.timeLowBitLayerKernel('int8', 1, 0, 1, 'simd', n)) };
  for (const g of groups) layer[name(g)] = (n) => check(m.timeLowBitLayerKernel('int4', 1, g, 1, 'simd', n));
  result.layer1 = perBatch(timeInterleaved(layer, { batches: quick ? 7 : 15 }));
  const bigRuns = forward(big);
  delete bigRuns['int4 g128'];
  delete bigRuns['int4 g32'];
  result.forwardBig = perBatch(timeInterleaved(bigRuns, { batches: quick ? 3 : 7, batchMs: 200, warmupMs: 300 }));
  result.big = big;
  result.gptq = { 'channel, first run': { total: total(first), layers: first } };
  for (const g of [0, 128, 32]) {
    const runs = [];
    for (let r = 0; r < (quick ? 2 : 5); r++) runs.push([1, 2].map((l) => check(m.timeGptq(l, 1024, g, 'simd'))));
    runs.sort((a, b) => total(a) - total(b));
    const med = runs[runs.length >> 1];
    result.gptq[g === 0 ? 'channel' : `g${g}`] = { total: total(med), layers: med };
  }
  return result;
}

function print(where, r) {
  console.log(`\n${where}: int4 against int8, median of the batches (fastest batch), µs; ratio to int8 of each`);
  const cell = (table, k, scale = 1) => {
    const v = table[k];
    const b = table['int8 channel'];
    if (!v) return ''.padStart(30);
    return `${(v.median / scale).toFixed(1).padStart(8)} (${(v.min / scale).toFixed(1).padStart(7)}) ${(v.median / b.median).toFixed(2)}x/${(v.min / b.min).toFixed(2)}x`;
  };
  console.log(`  ${''.padEnd(14)} ${'forward, batch 1'.padEnd(30)} ${'layer 1 kernel, batch 1'.padEnd(30)} forward, batch ${r.big} (ms)`);
  for (const k of Object.keys(r.forward1)) {
    console.log(`  ${k.padEnd(14)} ${cell(r.forward1, k)} ${cell(r.layer1, k)} ${cell(r.forwardBig, k, 1000)}`);
  }
  console.log(`${where}: GPTQ, 4 bits, 1,024 calibration inputs, both layers (ms; per layer: H + factor + columns)`);
  for (const [k, t] of Object.entries(r.gptq)) {
    const parts = t.layers.map((l, i) => `layer ${i + 1}: ${l.hessianMs.toFixed(1)} + ${l.factorMs.toFixed(1)} + ${l.columnsMs.toFixed(1)}`);
    console.log(`  ${k.padEnd(19)} ${t.total.toFixed(1).padStart(7)}  (${parts.join('; ')})`);
  }
}

const native = join(root, 'build/native/tests/bench/quantlab_lowbit_bench');
if (existsSync(native)) {
  say('native (g++ -O3, SSE4.1)...');
  console.log(execFileSync(native, quick ? ['--quick'] : [], { encoding: 'utf8' }));
} else {
  say(`${native} is missing: run build-scripts/build.sh native`);
}

if (!existsSync(join(dist, 'quantlab-simd.mjs'))) throw new Error('dist/ is missing: run build-scripts/build.sh site');
say(`Node ${process.version}...`);
print('Node', await measure({
  apiUrl: pathToFileURL(join(dist, 'quantlab.js')).href,
  moduleUrl: pathToFileURL(join(dist, 'quantlab-simd.mjs')).href,
  wasmUrl: pathToFileURL(join(dist, 'quantlab-simd.wasm')).href,
  quick,
}));

const { CHROMIUM, launch } = await import('../browser/browser.mjs');
if (!existsSync(CHROMIUM)) {
  say(`${CHROMIUM} is missing: Chromium skipped`);
} else {
  say('headless Chromium (a page of dist/, in a worker-free page)...');
  const { url, browser, close } = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(url);
    const r = await page.evaluate(`(${measure})({apiUrl: './quantlab.js', moduleUrl: './quantlab-simd.mjs', quick: ${quick}})`);
    print(`Chromium ${browser.version()}`, r);
  } finally {
    await close();
  }
}
