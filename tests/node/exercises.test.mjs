// Learner mode without a browser: for every exercise, the reference solution passes all its checks (visible and
// hidden) and the starter code fails them with messages; typical mistakes get the message that teaches.
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';

import { createQuantLab } from './load.mjs';
import { checkCode, runCode } from '../../web/src/checker.js';
import ex1 from '../../web/src/ex1-tasks.js';
import ex2 from '../../web/src/ex2-tasks.js';
import ex3 from '../../web/src/ex3-tasks.js';
import ex4 from '../../web/src/ex4-tasks.js';

let lab;
before(async () => {
  lab = await createQuantLab();
});

const failures = (result) => result.tests.filter((t) => !t.passed);

for (const task of [ex1, ex2, ex3, ex4]) {
  describe(`${task.id} learner mode`, () => {
    it('the reference solution passes every check, visible and hidden', () => {
      const result = checkCode(task, task.solution, lab);
      assert.equal(result.error, null);
      assert.deepEqual(failures(result), []);
      assert.ok(result.tests.some((t) => t.hidden), 'has hidden tests');
      assert.ok(result.tests.some((t) => !t.hidden), 'has visible tests');
      assert.equal(result.ok, true);
    });

    it('the starter code runs without an exception but fails the checks with messages', () => {
      assert.equal(runCode(task, task.starter, lab).error, null);
      const result = checkCode(task, task.starter, lab);
      assert.equal(result.ok, false);
      for (const t of failures(result)) assert.ok(t.message.length > 20, `${t.name}: "${t.message}"`);
    });

    it('the solution prints what the demo promises', () => {
      const { output, error } = runCode(task, task.solution, lab);
      assert.equal(error, null);
      assert.ok(output.length >= 3);
    });

    it('has hints', () => assert.ok(task.hints.length >= 3));
  });
}

/** The solution with one function replaced (matched from `function name(` to the next line that is just "}"). */
function withFunction(task, name, body) {
  const re = new RegExp(`function ${name}\\([^]*?\\n}\\n`);
  assert.match(task.solution, re);
  return task.solution.replace(re, `${body.trim()}\n`);
}
const messageOf = (task, code, test) => {
  const result = checkCode(task, code, lab);
  const found = result.tests.find((t) => t.name.startsWith(test));
  assert.ok(found, `no test starting with "${test}"`);
  assert.equal(found.passed, false, `${test} should fail`);
  return found.message;
};

describe('checks that teach (exercise 1)', () => {
  it('Math.round instead of round-half-to-even names the tie and NumPy', () => {
    const code = withFunction(ex1, 'roundHalfEven', 'function roundHalfEven(v) { return Math.round(v); }');
    assert.match(messageOf(ex1, code, 'roundHalfEven'), /2\.5 is exactly halfway.*np\.round picks the even neighbour, 2/);
    assert.match(messageOf(ex1, code, 'Exact ties'), /Math\.round\(2\.5\) = 3 rounds halves up.*np\.round rounds halves to the even integer/);
  });

  it('qmax = 2^bits - 1 says the scale is about 2x too small', () => {
    const code = ex1.solution.replace('const qmax = 2 ** (bits - 1) - 1;', 'const qmax = 2 ** bits - 1;');
    assert.match(messageOf(ex1, code, "The notebook's weights"), /2\^bits − 1 = 255.*2\^\(bits−1\) − 1 = 127.*2× too small/);
  });

  it('qmax = 2^(bits-2) - 1 says the scale is 2x too large', () => {
    const code = ex1.solution.replace('const qmax = 2 ** (bits - 1) - 1;', 'const qmax = 2 ** (bits - 2) - 1;');
    assert.match(messageOf(ex1, code, "The notebook's weights"), /2× too large: is qmax 2\^\(bits−1\) − 1 = 127\?/);
  });

  it('max(x) instead of max|x| is named', () => {
    const code = ex1.solution.replace('maxAbs = Math.max(maxAbs, Math.abs(v))', 'maxAbs = Math.max(maxAbs, v)');
    const result = checkCode(ex1, code, lab);
    const hidden = result.tests.find((t) => t.name.includes('largest magnitude is negative'));
    assert.equal(hidden.passed, false);
    assert.match(hidden.message, /max\(x\).*largest magnitude max\|x\|/);
  });

  it('a missing clip is caught by quantizeWithScale', () => {
    const code = ex1.solution.replace('Math.min(qmax, Math.max(-qmax, roundHalfEven(x[i] / scale)))', 'roundHalfEven(x[i] / scale)');
    assert.match(messageOf(ex1, code, 'quantizeWithScale clips'), /228\.6.* beyond ±127\. Clip .*saturates at 127 \(the unclipped level 229 wrapped around to -27 in the Int8Array\)/);
  });

  it('floats instead of integers', () => {
    const code = ex1.solution.replace('const q = qmax <= 127 ? new Int8Array(x.length) : new Int16Array(x.length);', 'const q = new Float64Array(x.length);');
    assert.match(messageOf(ex1, code, '…and q ='), /Float64Array: store whole numbers in an integer array/);
  });

  it('an Int8Array at 16 bits wraps', () => {
    const code = ex1.solution.replace('const q = qmax <= 127 ? new Int8Array(x.length) : new Int16Array(x.length);', 'const q = new Int8Array(x.length);');
    assert.match(messageOf(ex1, code, '16 bits'), /Int8Array, which holds only -128…127/);
  });

  it('float64 dequantization is accepted with a note', () => {
    const code = withFunction(ex1, 'symmetricDequantize', 'function symmetricDequantize(q, scale) { return Array.from(q, (v) => v * scale); }');
    const result = checkCode(ex1, code, lab);
    assert.equal(result.ok, true);
    assert.match(result.tests.find((t) => t.name.startsWith('symmetricDequantize')).message, /float64.*Accepted/);
  });

  it('an exception names the function and the line', () => {
    const code = withFunction(ex1, 'symmetricDequantize', 'function symmetricDequantize(q, scale) {\n  return q.nope.x;\n}');
    const line = code.split('\n').findIndex((l) => l.includes('q.nope.x')) + 1;
    assert.match(messageOf(ex1, code, 'symmetricDequantize'), new RegExp(`symmetricDequantize threw TypeError: .*\\(line ${line}\\)`));
  });

  it('a syntax error is reported as such, with no test run', () => {
    const result = checkCode(ex1, 'function (', lab);
    assert.equal(result.error.name, 'SyntaxError');
    assert.equal(result.tests.length, 0);
  });

  it('a runtime error at top level keeps its line, and the functions are still checked', () => {
    const code = `${ex1.solution}\nnull.boom;\n`;
    const line = code.split('\n').indexOf('null.boom;') + 1;
    const result = checkCode(ex1, code, lab);
    assert.equal(result.error.line, line);
    assert.equal(result.ok, true);
  });
});

describe('checks that teach (exercises 2 and 3)', () => {
  it('per-column scales are called out', () => {
    const code = withFunction(ex2, 'perChannelQuantize', `
function perChannelQuantize(w, rows, cols, bits = 8) {
  const qmax = 2 ** (bits - 1) - 1;
  const scales = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    let m = 0;
    for (let r = 0; r < rows; r++) m = Math.max(m, Math.abs(w[r * cols + c]));
    scales[c] = m / qmax;
  }
  const q = new Int8Array(rows * cols);
  for (let i = 0; i < q.length; i++) q[i] = Math.min(qmax, Math.max(-qmax, roundHalfEven(w[i] / scales[i % cols])));
  return { q, scales };
}`);
    assert.match(messageOf(ex2, code, 'perChannelQuantize gives one scale per row'), /64 scales, one per column.*axis=1/);
    assert.match(messageOf(ex2, code, 'Hidden: a square'), /maxima of the columns/);
  });

  it('a sum instead of a mean is called out', () => {
    const code = ex2.solution.replace('return sum / a.length;', 'return sum;');
    assert.match(messageOf(ex2, code, 'mse(a, b)'), /200× too large: divide the sum of squares by the number of values/);
  });

  it('inverted reduction factors are called out', () => {
    const code = ex3.solution.replace('errors[i - 1] / errors[i]', 'errors[i] / errors[i - 1]');
    assert.match(messageOf(ex3, code, 'reductionFactors'), /below 1: divide the error with fewer bits/);
  });
});

describe('checks that teach (exercise 4)', () => {
  it('returning the float model is called out', () => {
    const code = withFunction(ex4, 'quantizeModel', 'function quantizeModel(model, perChannel) { return model; }');
    assert.match(messageOf(ex4, code, 'quantizeModel(SimpleNet(0), false)'), /returned a float32 model: return the int8 copy/);
  });

  it('ignoring perChannel is called out', () => {
    const code = withFunction(ex4, 'quantizeModel', 'function quantizeModel(model, perChannel) { return quantizeDynamic(model); }');
    assert.match(messageOf(ex4, code, 'quantizeModel(model, true)'), /one scale per tensor, but perChannel was true/);
  });

  it('an inverted size ratio is called out', () => {
    const code = ex4.solution.replace('ratio: fp32Bytes / int8Bytes', 'ratio: int8Bytes / fp32Bytes');
    assert.match(messageOf(ex4, code, 'modelSizes'), /below 1: divide the float32 size by the int8 size/);
  });

  it('a signed maximum difference is called out', () => {
    const code = ex4.solution.replace('Math.max(maxAbsDiff, Math.abs(a[i] - b[i]))', 'Math.max(maxAbsDiff, a[i] - b[i])');
    assert.match(messageOf(ex4, code, 'agreement on 10 inputs'), /largest signed difference: take Math\.abs/);
  });

  it('a fraction instead of a count of agreeing inputs is called out', () => {
    const code = ex4.solution.replace('return { maxAbsDiff, argmaxAgree };', 'return { maxAbsDiff, argmaxAgree: argmaxAgree / inputs.length };');
    assert.match(messageOf(ex4, code, 'agreement on 10 inputs'), /a fraction: count the inputs/);
  });

  it('timing without a warm-up is called out, and so are milliseconds', () => {
    const noWarmup = ex4.solution.replace('for (let i = 0; i < 100; i++) model.forward(x);', '');
    assert.match(messageOf(ex4, noWarmup, 'timeForward'), /exactly runs times: warm up first/);
    const millis = ex4.solution.replace('((now() - start) * 1000) / runs', '(now() - start) / runs');
    assert.match(messageOf(ex4, millis, 'timeForward'), /like milliseconds: now\(\) counts milliseconds, so multiply by 1000/);
  });

  it('frees every model the code and the checks created', () => {
    const before = lab.memoryStats().allocatedBytes;
    checkCode(ex4, ex4.solution, lab);
    checkCode(ex4, ex4.starter, lab);
    ex4.cleanup();
    assert.equal(lab.memoryStats().allocatedBytes, before);
  });
});
