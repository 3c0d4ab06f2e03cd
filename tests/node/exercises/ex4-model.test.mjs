// Exercise 4's checks: the model functions, sizes, agreement and timing mistakes get the message that teaches;
// every model the code and the checks create is freed.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { checkCode, lab, messageOf, taskOf, withFunction } from './support.mjs';

let ex4;
before(async () => {
  ex4 = await taskOf('ex4');
});

describe('checks that teach (exercise 4, a small network in int8)', () => {
  it('returning the float model is called out', async () => {
    const code = withFunction(ex4, 'quantizeModel', 'function quantizeModel(model, perChannel) { return model; }');
    assert.match(await messageOf(ex4, code, 'quantizeModel(SimpleNet(0), false)'), /returned a float32 model: return the int8 copy/);
  });

  it('ignoring perChannel is called out', async () => {
    const code = withFunction(ex4, 'quantizeModel', 'function quantizeModel(model, perChannel) { return quantizeDynamic(model); }');
    assert.match(await messageOf(ex4, code, 'quantizeModel(model, true)'), /one scale per tensor, but perChannel was true/);
  });

  it('an inverted size ratio is called out', async () => {
    const code = ex4.solution.replace('ratio: fp32Bytes / int8Bytes', 'ratio: int8Bytes / fp32Bytes');
    assert.match(await messageOf(ex4, code, 'modelSizes'), /below 1: divide the float32 size by the int8 size/);
  });

  it('a signed maximum difference is called out', async () => {
    const code = ex4.solution.replace('Math.max(maxAbsDiff, Math.abs(a[i] - b[i]))', 'Math.max(maxAbsDiff, a[i] - b[i])');
    assert.match(await messageOf(ex4, code, 'agreement on 10 inputs'), /largest signed difference: take Math\.abs/);
  });

  it('a fraction instead of a count of agreeing inputs is called out', async () => {
    const code = ex4.solution.replace('return { maxAbsDiff, argmaxAgree };', 'return { maxAbsDiff, argmaxAgree: argmaxAgree / inputs.length };');
    assert.match(await messageOf(ex4, code, 'agreement on 10 inputs'), /a fraction: count the inputs/);
  });

  it('timing without a warm-up is called out, and so are milliseconds', async () => {
    const noWarmup = ex4.solution.replace('for (let i = 0; i < 100; i++) model.forward(x);', '');
    assert.match(await messageOf(ex4, noWarmup, 'timeForward'), /exactly runs times: warm up first/);
    const millis = ex4.solution.replace('((now() - start) * 1000) / runs', '(now() - start) / runs');
    assert.match(await messageOf(ex4, millis, 'timeForward'), /like milliseconds: now\(\) counts milliseconds, so multiply by 1000/);
  });

  it('frees every model the code and the checks created', async () => {
    const before = lab.memoryStats().allocatedBytes;
    await checkCode(ex4, ex4.solution, lab);
    await checkCode(ex4, ex4.starter, lab);
    ex4.cleanup();
    assert.equal(lab.memoryStats().allocatedBytes, before);
  });
});
