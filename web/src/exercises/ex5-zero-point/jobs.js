// Exercise 5's data job (run in ../../data/worker.js): the trained SimpleNet's hidden activations after ReLU on
// 1,000 test images, the levels that symmetric int8 and affine uint8 give them, the error of both for 2 to 8 bits,
// and the test accuracy with the hidden activations fake-quantized each way at 8 and 4 bits (the range: min and
// max over the 1,024 calibration images, which are training images).
import { rint, SWEEP_BITS } from './data.js';

export const ACTIVATION_IMAGES = 1000;

export default {
  async zeroPoint(ctx) {
    const { lab } = ctx;
    const test = ctx.dataset('test');
    const cal = ctx.dataset('calibration');
    const fp32 = ctx.model();
    ctx.progress(0.02, `Hidden activations of ${ACTIVATION_IMAGES.toLocaleString('en-US')} test images…`);
    const { values } = lab.hiddenActivations(fp32, test, { count: ACTIVATION_IMAGES });
    let max = 0;
    let zeros = 0;
    for (const v of values) {
      if (v > max) max = v;
      if (v === 0) zeros++;
    }
    // Which of the 256 codes of a byte each scheme uses at 8 bits, over the range [0, max].
    const symCounts = new Float64Array(256); // q = −128 … 127 at index q + 128
    const affCounts = new Float64Array(256); // q = 0 … 255
    const sym = lab.activationQuantParams({ lo: 0, hi: max, bits: 8, scheme: 'symmetric' });
    const aff = lab.activationQuantParams({ lo: 0, hi: max, bits: 8, scheme: 'affine' });
    for (const v of values) {
      symCounts[Math.min(127, Math.max(-127, rint(v / sym.scale))) + 128]++;
      affCounts[Math.min(255, Math.max(0, rint(v / aff.scale) + aff.zeroPoint))]++;
    }
    ctx.progress(0.1, 'Error of symmetric and affine quantization for 2 to 8 bits…');
    const sweep = SWEEP_BITS.map((bits) => {
      const point = { bits };
      for (const scheme of ['symmetric', 'affine']) {
        const r = lab.fakeQuantize(values, { lo: 0, hi: max, bits, scheme });
        point[scheme] = { mse: r.mse, sqnrDb: r.sqnrDb };
      }
      return point;
    });
    ctx.progress(0.2, 'The activations’ range over the 1,024 calibration images…');
    const range = lab.calibrate(lab.hiddenActivations(fp32, cal).values, { method: 'minmax' });
    const accuracy = {};
    const runs = [['fp32'], ['symmetric', 8], ['affine', 8], ['symmetric', 4], ['affine', 4]];
    for (const [i, [scheme, bits]] of runs.entries()) {
      ctx.progress(0.25 + 0.15 * i, scheme === 'fp32'
        ? 'Evaluating float32 on the 10,000 test images…'
        : `Evaluating with ${bits}-bit ${scheme} activations on the 10,000 test images…`);
      accuracy[bits ? `${scheme}${bits}` : scheme] = (bits
        ? lab.evaluateFakeQuant(fp32, test, { lo: range.lo, hi: range.hi, bits, scheme })
        : lab.evaluate(fp32, test)).accuracy;
    }
    ctx.progress(1, 'Done.');
    return { images: ACTIVATION_IMAGES, values: values.length, max, zeros, symCounts, affCounts, sweep, range: { lo: range.lo, hi: range.hi }, accuracy };
  },
};
