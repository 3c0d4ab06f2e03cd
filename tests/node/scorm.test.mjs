// The SCORM side of the lab without a browser: the run-time search (lms/scorm-api.js), suspend_data's encoding
// (lms/suspend.js) and what a session records for the checker's progress events (lms/session.js), against a fake
// LMS that keeps the values it is given. The packages themselves are played by tests/browser/scorm.test.mjs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { connect, findApi, sessionTime } from '../../web/src/lms/scorm-api.js';
import { createScormSession } from '../../web/src/lms/session.js';
import { decodeSuspend, encodeSuspend, encodeSuspendNow, SUSPEND_LIMITS } from '../../web/src/lms/suspend.js';

/** A minimal LMS run-time of either version: values in a Map, calls logged. */
function fakeApi(version, initial = {}) {
  const values = new Map(Object.entries(initial));
  const log = [];
  const limit = version === '1.2' ? 4096 : 64000;
  const methods = {
    initialize: () => 'true',
    terminate: () => { log.push(['terminate']); return 'true'; },
    get: (name) => values.get(name) ?? '',
    set: (name, value) => {
      if (name === 'cmi.suspend_data' && value.length > limit) return 'false';
      values.set(name, value);
      log.push(['set', name, value]);
      return 'true';
    },
    commit: () => { log.push(['commit']); return 'true'; },
    error: () => '0',
    text: () => '',
  };
  const names = version === '1.2'
    ? { initialize: 'LMSInitialize', terminate: 'LMSFinish', get: 'LMSGetValue', set: 'LMSSetValue', commit: 'LMSCommit', error: 'LMSGetLastError', text: 'LMSGetErrorString' }
    : { initialize: 'Initialize', terminate: 'Terminate', get: 'GetValue', set: 'SetValue', commit: 'Commit', error: 'GetLastError', text: 'GetErrorString' };
  const api = Object.fromEntries(Object.entries(names).map(([k, n]) => [n, methods[k]]));
  return { api, values, log };
}

describe('finding the run-time', () => {
  it('looks up the parents, skips frames it may not read, then the opener', () => {
    const { api } = fakeApi('1.2');
    const top = { API: api };
    top.parent = top;
    const foreign = { parent: top };
    Object.defineProperty(foreign, 'API', { get() { throw new Error('cross-origin'); } });
    const frame = { parent: foreign };
    assert.equal(findApi('1.2', frame), api);
    assert.equal(findApi('2004', frame), null, 'the 2004 name only');
    const opened = { parent: null, top: null };
    opened.parent = opened;
    opened.top = { opener: top };
    assert.equal(findApi('1.2', opened), api);
    const alone = {};
    alone.parent = alone;
    assert.equal(findApi('1.2', alone), null);
  });

  it('formats session time for each version', () => {
    assert.equal(sessionTime(3723450, '1.2'), '0001:02:03.45');
    assert.equal(sessionTime(3723450, '2004'), 'PT1H2M3.45S');
    assert.equal(sessionTime(0, '1.2'), '0000:00:00.00');
  });
});

describe('suspend_data', () => {
  it('round-trips the state and the code, compressed when shorter', async () => {
    const code = 'function f(x) {\n  return x * 2; // ünïcode\n}\n'.repeat(40);
    const { text, trimmed } = await encodeSuspend({ link: '#/ex2?bits=4', code }, SUSPEND_LIMITS['1.2']);
    assert.equal(trimmed, false);
    assert.ok(text.length < code.length, 'compressed');
    assert.deepEqual(await decodeSuspend(text), { link: '#/ex2?bits=4', code });
    assert.deepEqual(await decodeSuspend(encodeSuspendNow({ link: '#/ex1', code: 'x' }, 4096)), { link: '#/ex1', code: 'x' });
  });

  it('keeps the state and leaves the code out when even compressed it does not fit', async () => {
    let code = '';
    for (let i = 0; i < 3000; i++) code += `const v${i} = ${(i * 7919) % 10007};\n`; // hardly compressible
    const { text, trimmed } = await encodeSuspend({ link: '#/ex3?hi=12', code }, SUSPEND_LIMITS['1.2']);
    assert.equal(trimmed, true);
    assert.ok(text.length <= 4096);
    assert.deepEqual(await decodeSuspend(text), { link: '#/ex3?hi=12' });
    assert.equal(encodeSuspendNow({ link: '#/ex3', code }, 4096), null);
    const roomy = await encodeSuspend({ link: '#/ex3', code }, SUSPEND_LIMITS[2004]);
    assert.equal(roomy.trimmed, false, 'SCORM 2004 has room for it');
  });

  it('decodes only what it wrote', async () => {
    for (const junk of ['', 'hello', 'QL1:', 'QL1:{"l":5}', 'QL1:[1]', 'QL1z:@@@', `QL1:${JSON.stringify({ l: 'x'.repeat(5000) })}`, null]) {
      assert.equal(await decodeSuspend(junk), null, String(junk).slice(0, 20));
    }
  });
});

describe('a session', () => {
  for (const version of ['1.2', '2004']) {
    const N = version === '1.2'
      ? { status: 'cmi.core.lesson_status', raw: 'cmi.core.score.raw', exit: 'cmi.core.exit', time: 'cmi.core.session_time' }
      : { status: 'cmi.success_status', completion: 'cmi.completion_status', raw: 'cmi.score.raw', scaled: 'cmi.score.scaled', exit: 'cmi.exit', time: 'cmi.session_time' };

    it(`SCORM ${version}: records checks, keeps the best score and "passed", saves and terminates`, async () => {
      const { api, values, log } = fakeApi(version);
      const lms = connect(api, version);
      let t = 1000;
      const state = { link: '#/ex1', code: 'let a = 1;' };
      const session = createScormSession(lms, { snapshot: () => state, now: () => t });
      try {
        assert.equal(values.get(version === '1.2' ? N.status : N.completion), 'incomplete');
        assert.equal(values.get(N.exit), 'suspend');

        await session.progress('checked', { exercise: 1, passed: 3, total: 12, score: 0.25 });
        assert.equal(values.get(N.raw), '25');
        if (version === '1.2') assert.equal(values.get(N.status), 'incomplete');
        else assert.deepEqual([values.get(N.completion), values.get(N.status), values.get(N.scaled)], ['incomplete', 'failed', '0.25']);
        assert.deepEqual(await decodeSuspend(values.get('cmi.suspend_data')), state);
        assert.deepEqual(log.at(-1), ['commit'], 'a Check commits');

        // Scores the checker cannot have sent are ignored.
        for (const bad of [{ passed: 12, total: 12, score: 2 }, { passed: 1, total: 0, score: 1 }, { passed: 1.5, total: 3, score: 0.5 }, { score: Number.NaN }, null]) {
          await session.progress('checked', bad);
        }
        assert.equal(values.get(N.raw), '25');

        await session.progress('checked', { exercise: 1, passed: 12, total: 12, score: 1 });
        assert.equal(values.get(N.raw), '100');
        assert.equal(values.get(N.status), 'passed');
        await session.progress('checked', { exercise: 1, passed: 1, total: 12, score: 1 / 12 });
        assert.equal(values.get(N.raw), '100', 'the best score stays');
        assert.equal(values.get(N.status), 'passed', '"passed" stays');
        if (version === '2004') assert.equal(values.get(N.completion), 'completed');

        state.code = 'let a = 2; // last edit';
        t += 65_000;
        session.end();
        assert.equal(values.get(N.time), version === '1.2' ? '0000:01:05.00' : 'PT0H1M5S');
        assert.deepEqual(await decodeSuspend(values.get('cmi.suspend_data')), state, 'the last edit is saved at the end');
        assert.deepEqual(log.slice(-2), [['commit'], ['terminate']]);
        await session.progress('checked', { exercise: 1, passed: 0, total: 12, score: 0 });
        assert.deepEqual(log.at(-1), ['terminate'], 'nothing after Terminate');
      } finally {
        session.end();
      }
    });

    it(`SCORM ${version}: a relaunch starts from the LMS's score and status`, async () => {
      const initial = version === '1.2'
        ? { [N.status]: 'passed', [N.raw]: '100' }
        : { [N.status]: 'passed', [N.completion]: 'completed', [N.raw]: '100' };
      const { api, values } = fakeApi(version, initial);
      const session = createScormSession(connect(api, version), { snapshot: () => ({ link: '#/ex1' }) });
      try {
        assert.equal(values.get(N.status), 'passed', 'launch does not reset the status');
        await session.progress('checked', { exercise: 1, passed: 2, total: 12, score: 2 / 12 });
        assert.equal(values.get(N.raw), '100');
        assert.equal(values.get(N.status), 'passed');
      } finally {
        session.end();
      }
    });
  }
});
