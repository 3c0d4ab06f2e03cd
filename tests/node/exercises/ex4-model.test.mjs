// Exercise 4's checks: the learner's dynamic int8 forward pass (quantize the activations, the int32 dot products,
// the rescale and the bias, the whole network) against the core; typical mistakes get the message that teaches;
// the checks hand the learner's functions plain, cloneable arrays only; every model is freed.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { agreementInputs } from '../../../web/quantlab/agreement.js';
import { forwardInt8, layersOf } from '../../../web/src/exercises/ex4-model/reference.js';
import { checkCode, lab, messageOf, taskOf } from './support.mjs';

let ex4;
before(async () => {
  ex4 = await taskOf('ex4');
});

const causeOf = async (code, test) => (await checkCode(ex4, code, lab)).tests.find((t) => t.name.startsWith(test));

describe('checks that teach (exercise 4, dynamic int8 by hand)', () => {
  it('the JavaScript reference equals the core\'s SIMD int8 network to 1e-6 of the largest output, on 20 inputs', () => {
    for (const perChannel of [false, true]) {
      const fp32 = lab.createSimpleNet(0);
      const int8 = lab.quantizeDynamic(fp32, { perChannel });
      const layers = layersOf(int8.serialize());
      assert.deepEqual(layers.map((l) => [l.in, l.out, l.scales.length, l.q.length]), [[784, 256, perChannel ? 256 : 1, 784 * 256], [256, 10, perChannel ? 10 : 1, 2560]]);
      for (const x of agreementInputs(lab, 20)) {
        const core = int8.forward(x);
        const mine = forwardInt8(x, layers);
        const top = Math.max(...core.map(Math.abs));
        assert.ok(core.every((v, i) => Math.abs(v - mine[i]) <= 1e-6 * top));
      }
      int8.delete();
      fp32.delete();
    }
  });

  it('the arguments the checks pass survive a structured clone (the learner\'s code runs in its own realm)', async () => {
    const seen = [];
    const task = { ...ex4, tests: ex4.tests };
    const code = `${ex4.solution}\n`;
    const result = await checkCode({ ...task, tests: task.tests.map((t) => ({ ...t, run: (ctx) => t.run({ ...ctx, call: (name, ...args) => { seen.push(args); return ctx.call(name, ...structuredClone(args)); } }) })) }, code, lab, { exercise: 'ex4' });
    assert.equal(result.ok, true, JSON.stringify(result.tests.filter((t) => !t.passed)));
    assert.ok(seen.length >= 5);
  });

  it('scale = max|x| / 255 (uint8 thinking) is named', async () => {
    const code = ex4.solution.replace('const scale = maxAbs / 127;', 'const scale = maxAbs / 255;');
    const t = await causeOf(code, 'quantizeVector: input 0');
    assert.equal(t.cause, 'qmax-255');
    assert.match(t.message, /symmetric int8, −127 … 127/);
  });

  it('a missing bias, activation scale or weight scale is named', async () => {
    const noBias = ex4.solution.replace('y[r] = acc * (xScale * wScale) + layer.bias[r];', 'y[r] = acc * (xScale * wScale);');
    assert.match(await messageOf(ex4, noBias, 'int8Linear: SimpleNet'), /the bias is missing/);
    const noX = ex4.solution.replace('y[r] = acc * (xScale * wScale) + layer.bias[r];', 'y[r] = acc * wScale + layer.bias[r];');
    assert.match(await messageOf(ex4, noX, 'int8Linear: SimpleNet'), /activation scale xScale is missing/);
    const noW = ex4.solution.replace('y[r] = acc * (xScale * wScale) + layer.bias[r];', 'y[r] = acc * xScale + layer.bias[r];');
    assert.match(await messageOf(ex4, noW, 'int8Linear: SimpleNet'), /weight scale is missing/);
  });

  it('the scale of row 0 on every row of a per-channel layer is named', async () => {
    const code = ex4.solution.replace('const wScale = layer.scales.length === 1 ? layer.scales[0] : layer.scales[r];', 'const wScale = layer.scales[0];');
    assert.equal((await causeOf(code, 'int8Linear with one weight scale per output row')).cause, 'per-channel-scale');
  });

  it('weights read column by column are named', async () => {
    const code = ex4.solution.replace('acc += xq[k] * layer.q[r * layer.in + k];', 'acc += xq[k] * (layer.q[k * layer.out + r] ?? 0);');
    assert.match(await messageOf(ex4, code, 'int8Linear: SimpleNet'), /read column by column/);
  });

  it('no ReLU, a ReLU after the last layer, and the float network are named', async () => {
    const noRelu = ex4.solution.replace('if (l < layers.length - 1) h = h.map((v) => Math.max(0, v));', '');
    assert.equal((await causeOf(noRelu, 'forwardInt8 gives')).cause, 'no-relu');
    const reluLast = ex4.solution.replace('if (l < layers.length - 1) h = h.map((v) => Math.max(0, v));', 'h = h.map((v) => Math.max(0, v));');
    assert.equal((await causeOf(reluLast, 'forwardInt8 gives')).cause, 'relu-last');
    const float = ex4.solution.replace(/function forwardInt8\(x, layers\) \{[^]*?\n\}\n/, 'function forwardInt8(x, layers) {\n  const m = createSimpleNet(0);\n  return m.forward(x);\n}\n');
    assert.equal((await causeOf(float, 'forwardInt8 gives')).cause, 'not-quantized');
  });

  it('the code saved for the earlier task runs and fails with a message naming what to write', async () => {
    const old = `function quantizeModel(model, perChannel) { return quantizeDynamic(model, { perChannel }); }
function modelSizes(a, b) { return { fp32Bytes: a.serialize().length, int8Bytes: b.serialize().length, ratio: 4 }; }
const m = createSimpleNet(0); quantizeModel(m, false);`;
    const result = await checkCode(ex4, old, lab);
    assert.equal(result.error, null);
    assert.equal(result.ok, false);
    assert.match(result.tests[0].message, /quantizeVector is not defined/);
  });

  it('frees every model the code and the checks created', async () => {
    const before = lab.memoryStats().allocatedBytes;
    await checkCode(ex4, ex4.solution, lab);
    await checkCode(ex4, ex4.starter, lab);
    ex4.cleanup();
    assert.equal(lab.memoryStats().allocatedBytes, before);
  });
});
