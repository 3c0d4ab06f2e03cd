// Check's results grouped by cause (web/src/checks/group.js): a cause once, where its first failing test is, with
// every check it breaks; a failure without a cause is its own group; passes are left out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CheckFailure, fail } from '../../web/src/checks/expect.js';
import { groupFailures } from '../../web/src/checks/group.js';

describe('groupFailures', () => {
  it('groups by cause in the order of the first failing test, a failure without a cause alone', () => {
    const t = (name, passed, cause = null, message = `${name} failed`) => ({ name, passed, cause, message });
    const groups = groupFailures([
      t('a', true), t('b', false, 'qmax-unsigned', 'qmax looks like 255'), t('c', false), t('d', false, 'half-up'),
      t('e', false, 'qmax-unsigned', 'another wording'), t('f', false), t('g', false, 'half-up'),
    ]);
    assert.deepEqual(groups, [
      { cause: 'qmax-unsigned', message: 'qmax looks like 255', tests: ['b', 'e'] },
      { cause: null, message: 'c failed', tests: ['c'] },
      { cause: 'half-up', message: 'd failed', tests: ['d', 'g'] },
      { cause: null, message: 'f failed', tests: ['f'] },
    ]);
    assert.deepEqual(groupFailures([t('a', true)]), []);
  });

  it('fail(message, {cause}) carries the cause; without one it is null', () => {
    assert.throws(() => fail('x', { cause: 'per-tensor' }), (e) => e instanceof CheckFailure && e.cause === 'per-tensor' && e.message === 'x');
    assert.throws(() => fail('y'), (e) => e instanceof CheckFailure && e.cause === null);
  });
});
