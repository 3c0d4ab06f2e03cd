// The whole low-bit models of issue 13 in headless Chromium, for build-scripts/bench.sh (run-bench.mjs): the
// trained SimpleNet (web/data) with its weights per channel at 4, 3 and 2 bits by round-to-nearest, AWQ and GPTQ
// (1,024 calibration images), accuracy on the 10,000 test images; the time of the whole 4-bit GPTQ (both layers:
// Hessians, factorizations, columns, the second layer's inputs); the int4 model's batch-1 forward against int8's,
// interleaved in the same page; the int4 file's size (per channel).

// Runs in the page (serialized): no closure, imports by URL.
export async function measureLowBitModels() {
  const { createQuantLab, timeInterleaved } = await import('./quantlab.js');
  const { loadFashionMnist, loadTrainedModel } = await import('./data-loader.js');
  const lab = await createQuantLab();
  const test = await loadFashionMnist('test');
  const calib = await loadFashionMnist('calibration');
  const testSet = lab.loadDataset(test.images, test.labels, { name: 'test', expectedCount: 10000 });
  const calibSet = lab.loadDataset(calib.images, calib.labels, { name: 'calibration', expectedCount: 1024 });
  const fp32 = lab.loadModel((await loadTrainedModel()).bytes);
  const out = { simd: lab.simd };
  const accuracy = (m) => {
    const a = lab.evaluate(m, testSet).accuracy;
    m.delete();
    return a;
  };
  for (const bits of [4, 3, 2]) {
    out[`accuracy_rtn_int${bits}_channel`] = accuracy(lab.quantizeWeights(fp32, { bits, groupSize: 'channel' }));
    out[`accuracy_awq_int${bits}_channel`] = accuracy(lab.awqModel(fp32, calibSet, { bits, groupSize: 'channel' }));
    out[`accuracy_gptq_int${bits}_channel`] = accuracy(lab.gptqModel(fp32, calibSet, { bits, groupSize: 'channel' }));
  }
  // GPTQ, both layers, 4 bits per channel: the first run (code not yet optimized, a learner's first click), then
  // the median of 5.
  const gptqMs = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    lab.gptqModel(fp32, calibSet, { bits: 4 }).delete();
    gptqMs.push(performance.now() - t0);
  }
  out.gptq_chromium_first_ms = gptqMs[0];
  const rest = gptqMs.slice(1).sort((a, b) => a - b);
  out.gptq_chromium_ms = rest[rest.length >> 1];
  // Batch-1 forward of the seed-0 SimpleNet (like simplenet_int8_simd_chromium), int4 and int8 per channel, interleaved.
  const net = lab.createSimpleNet(0);
  const int8 = lab.quantizeDynamic(net, { perChannel: true });
  const int4 = lab.quantizeWeights(net, { bits: 4, groupSize: 'channel' });
  const int4g64 = lab.quantizeWeights(net, { bits: 4, groupSize: 64 });
  const t = timeInterleaved({
    int8: lab.forwardTimer(int8, { kernels: 'simd' }),
    int4: lab.forwardTimer(int4, { kernels: 'simd' }),
    int4g64: lab.forwardTimer(int4g64, { kernels: 'simd' }),
  }, { batches: 15 });
  out.simplenet_int4_simd_chromium = t.int4.medianUs;
  out.simplenet_int4_g64_simd_chromium = t.int4g64.medianUs;
  out.simplenet_int8_channel_simd_chromium_same_run = t.int8.medianUs;
  const trained4 = lab.quantizeWeights(fp32, { bits: 4, groupSize: 'channel' });
  out.size_int4_bytes = trained4.sizeBytes;
  for (const m of [net, int8, int4, int4g64, trained4, fp32, testSet, calibSet]) m.delete();
  return out;
}

// Opens a page of dist/ in the browser tests' Chromium and measures; returns the keys, or null (and a note) if it
// cannot run.
export async function lowBitModelsChromium(notes) {
  let tools;
  try {
    tools = await import('../browser/browser.mjs');
  } catch (e) {
    notes.push(`low-bit models: the browser tests' tools did not load (${e.message}), skipped`);
    return null;
  }
  const { existsSync } = await import('node:fs');
  if (!existsSync(tools.CHROMIUM)) {
    notes.push('low-bit models: no Chromium, skipped');
    return null;
  }
  const { url, browser, close } = await tools.launch();
  try {
    const page = await browser.newPage();
    await page.goto(url);
    return await page.evaluate(`(${measureLowBitModels})()`);
  } finally {
    await close();
  }
}
