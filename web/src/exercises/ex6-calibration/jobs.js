// Exercise 6's data job (run in ../../data/worker.js): the trained SimpleNet's hidden activations over the 1,024
// calibration images, each calibration method's range at 8 and 4 bits, the activation MSE it gives, and the test
// accuracy of static quantization with it (int8 weights per channel, integer GEMMs: evaluateStatic); then the
// accuracy at 4 bits when only the first 1, 8 or 64 calibration images are used.
import { CALIBRATION_SIZES, CURVE_METHODS, METHOD_IDS, METHODS } from './data.js';

const HISTOGRAM_BINS = 120;

export default {
  async calibration(ctx) {
    const { lab } = ctx;
    const cal = ctx.dataset('calibration');
    const test = ctx.dataset('test');
    const fp32 = ctx.model();
    const int8 = ctx.own(lab.quantizeDynamic(fp32, { perChannel: true }));
    ctx.progress(0.01, 'Hidden activations of the 1,024 calibration images…');
    const { values, cols } = lab.hiddenActivations(fp32, cal);
    let max = 0;
    let zeros = 0;
    for (const v of values) {
      if (v > max) max = v;
      if (v === 0) zeros++;
    }
    const histogram = new Float64Array(HISTOGRAM_BINS); // the values > 0, in equal bins over (0, max]
    for (const v of values) if (v > 0) histogram[Math.min(HISTOGRAM_BINS - 1, Math.floor((v / max) * HISTOGRAM_BINS))]++;

    const total = 2 + 2 * METHOD_IDS.length + CURVE_METHODS.length * (CALIBRATION_SIZES.length - 1);
    let done = 0;
    const step = (text) => ctx.progress(0.03 + (0.97 * done++) / total, text);
    step('Evaluating float32 on the 10,000 test images…');
    const fp32Accuracy = lab.evaluate(fp32, test).accuracy;
    step('Evaluating dynamic int8 on the 10,000 test images…');
    const dynamicAccuracy = lab.evaluate(int8, test).accuracy;

    const clippedShare = (hi) => {
      let n = 0;
      for (const v of values) if (v > hi) n++;
      return n / values.length;
    };
    const methods = {};
    for (const bits of [8, 4]) {
      for (const id of METHOD_IDS) {
        step(`Calibrating with ${METHODS[id].label} at ${bits} bits and evaluating on the 10,000 test images…`);
        const c = lab.calibrate(values, { ...METHODS[id].options, bits });
        const range = { lo: c.lo, hi: c.hi, bits };
        const fq = lab.fakeQuantize(values, range);
        const entry = { lo: c.lo, hi: c.hi, scale: c.scale, zeroPoint: c.zeroPoint, mse: fq.mse, clipped: clippedShare(c.hi),
          accuracy: lab.evaluateStatic(int8, test, range).accuracy };
        if (id === 'mse') entry.search = { candidates: c.candidates, scores: c.scores, best: c.best };
        (methods[id] ??= {})[bits] = entry;
      }
    }
    const curve = {};
    for (const id of CURVE_METHODS) {
      curve[id] = CALIBRATION_SIZES.map((n) => {
        if (n === cal.count) return { n, hi: methods[id][4].hi, accuracy: methods[id][4].accuracy };
        step(`Calibrating ${METHODS[id].label} on ${n} image${n > 1 ? 's' : ''} and evaluating at 4 bits…`);
        const c = lab.calibrate(values.subarray(0, n * cols), { ...METHODS[id].options, bits: 4 });
        return { n, hi: c.hi, accuracy: lab.evaluateStatic(int8, test, { lo: c.lo, hi: c.hi, bits: 4 }).accuracy };
      });
    }
    ctx.progress(1, 'Done.');
    return { images: cal.count, values: values.length, max, zeros, histogram, fp32Accuracy, dynamicAccuracy, methods, curve };
  },
};
