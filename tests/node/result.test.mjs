// The page's validation of a Run's or Check's result (web/src/learner/result.js): only well-formed results with
// consistent counts become what the learner sees and the events a course page receives.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { scoreOf, validateResult } from '../../web/src/learner/result.js';

const test = (passed, extra = {}) => ({ name: 'a check', hidden: false, passed, message: passed ? '' : 'wrong', ...extra });
const good = { ok: false, output: ['hi'], error: null, tests: [test(true), test(false, { cause: 'qmax-255' })], passed: 1, total: 2, ms: 12 };
const check = (raw, total = 2) => validateResult(raw, { action: 'check', total });

describe('validating a result before the page uses it', () => {
  it('keeps a well-formed Check result, field by field (cause included)', () => {
    assert.deepEqual(check(good), { ...good, tests: good.tests.map((t) => ({ ...t })) });
    assert.equal(check({ ...good, extra: 'x' }).extra, undefined);
    assert.deepEqual(validateResult({ ok: true, output: [], error: null }, { action: 'run', total: 2 }), { ok: true, output: [], error: null, ms: 0 });
  });

  const forged = {
    'passed: 1e9': { ...good, passed: 1e9 },
    'passed > total': { ...good, passed: 3, total: 2 },
    'passed not the count of passed tests': { ...good, passed: 2 },
    'a total other than the exercise\'s': { ...good, total: 1, tests: [test(true)], passed: 1, ok: true },
    'ok without every test passed': { ...good, ok: true },
    'fractional passed': { ...good, passed: 0.5 },
    'NaN passed': { ...good, passed: NaN },
    'a test without a boolean': { ...good, tests: [test(true), { ...test(false), passed: 'yes' }] },
    'a huge message': { ...good, tests: [test(true), test(false, { message: 'x'.repeat(10_000) })] },
    'a cause that is not a string': { ...good, tests: [test(true), test(false, { cause: { toString: () => 'x' } })] },
    'an error line of -1': { ...good, error: { name: 'Error', message: 'm', line: -1 } },
    'output not strings': { ...good, output: [{}] },
    'not an object': 'passed',
    null: null,
  };
  for (const [what, raw] of Object.entries(forged)) {
    it(`refuses ${what}, and it never passes`, () => {
      const r = check(raw);
      assert.equal(r.invalid, true);
      assert.equal(r.ok, false);
      assert.deepEqual(scoreOf(r), { passed: 0, total: 0, score: 0 });
    });
  }

  it('scores are counts with a score in [0, 1]', () => {
    assert.deepEqual(scoreOf(check(good)), { passed: 1, total: 2, score: 0.5 });
    assert.deepEqual(scoreOf({ timedOut: true, total: 4 }), { passed: 0, total: 4, score: 0 });
    assert.deepEqual(scoreOf({ passed: 1e9, total: 2 }), { passed: 0, total: 2, score: 0 }, 'an impossible count counts as 0');
  });
});
