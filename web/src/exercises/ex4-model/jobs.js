// Exercise 4's trained mode, in the data worker (../../data/worker.js): the trained SimpleNet in float32 and in
// dynamic int8 (one weight scale per tensor, one per output channel) on the 10,000 test images, and the pixels of
// the images on which float32 and an int8 version disagree.

/** Images shown per scheme, at most (the page shows how many there are in all). */
export const MAX_DISAGREEMENTS = 48;

export default {
  async trained(ctx) {
    const { lab } = ctx;
    const test = ctx.dataset('test');
    const fp32 = ctx.model();
    ctx.progress(0.05, 'Evaluating float32 on the 10,000 test images…');
    const result = { count: test.count, labels: test.labels, fp32: lab.evaluate(fp32, test) };
    const schemes = [['tensor', 'one scale per tensor'], ['channel', 'one scale per output channel']];
    for (const [i, [scheme, words]] of schemes.entries()) {
      ctx.progress(0.35 + 0.3 * i, `Evaluating int8 (${words}) on the 10,000 test images…`);
      const int8 = ctx.own(lab.quantizeDynamic(fp32, { perChannel: scheme === 'channel' }));
      const evaluation = lab.evaluate(int8, test);
      const differ = [];
      evaluation.predictions.forEach((p, k) => { if (p !== result.fp32.predictions[k]) differ.push(k); });
      const shown = differ.slice(0, MAX_DISAGREEMENTS);
      const pixels = new Uint8Array(shown.length * test.imageSize);
      shown.forEach((k, j) => pixels.set(test.image(k), j * test.imageSize));
      result[scheme] = { ...evaluation, disagree: differ.length, shown, pixels };
    }
    ctx.progress(1, 'Done.');
    return result;
  },
};
