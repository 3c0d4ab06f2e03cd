// Exercise 8's data job (run in ../../data/worker.js): one method's run on the trained SimpleNet. Round-to-nearest
// quantizes both layers' weights (quantizeWeights); GPTQ and AWQ calibrate them layer by layer on the first n
// calibration images (gptqModel, awqModel: each layer sees the inputs the model quantized so far gives it) and
// report each layer's output error ||W X^T - W^ X^T||^2 on those inputs, theirs and round-to-nearest's. Then the
// quantized model is evaluated on the 10,000 test images. The page runs the three methods one after the other.
import { alphasOf, groupSizeOf, METHODS } from './data.js';

const STAGES = { hessian: 'the Hessian H = 2XᵀX', factor: 'the Cholesky factor of H⁻¹', columns: 'the columns', alpha: 'the search for α' };

export default {
  async method(ctx) {
    const { lab, params } = ctx;
    const { method, bits, group, damp, alpha, n, withFp32 } = params;
    if (!METHODS[method]) throw new Error(`no method '${method}'`);
    const test = ctx.dataset('test');
    const fp32 = ctx.model();
    const scheme = { bits: Number(bits), groupSize: groupSizeOf(group) };
    const label = METHODS[method].label;
    let fp32Accuracy = null;
    if (withFp32) {
      ctx.progress(0.01, 'Evaluating float32 on the 10,000 test images…');
      fp32Accuracy = lab.evaluate(fp32, test).accuracy;
    }
    ctx.progress(0.1, `${label}: quantizing both layers…`);
    const start = performance.now();
    let model;
    if (method === 'rtn') {
      model = ctx.own(lab.quantizeWeights(fp32, scheme));
    } else {
      const cal = ctx.dataset('calibration');
      const onProgress = ({ stage, layer, done, total }) => ctx.progress(0.1 + (0.75 * done) / total, `${label}, layer ${layer}: ${STAGES[stage] ?? stage}…`);
      model = ctx.own(method === 'gptq'
        ? lab.gptqModel(fp32, cal, { ...scheme, damp: Number(damp), count: Number(n), onProgress })
        : lab.awqModel(fp32, cal, { ...scheme, alphas: alphasOf(alpha), count: Number(n), onProgress }));
    }
    const ms = performance.now() - start;
    ctx.progress(0.88, `${label}: evaluating on the 10,000 test images…`);
    const accuracy = lab.evaluate(model, test).accuracy;
    ctx.progress(1, 'Done.');
    const q = model.quantization ?? {};
    return {
      method, accuracy, ms, fp32Accuracy, sizeBytes: model.sizeBytes,
      layerErrors: q.layerErrors ?? null, rtnErrors: q.rtnErrors ?? null, alphas: q.alphas ?? null,
    };
  },
};
