// The timing schedule (timeInterleaved) against simulated runs: a 100 µs clock, code that gets much faster in
// the middle of the warm-up (V8 tiering up), a clock that never moves and runs that return nonsense.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { timeInterleaved, timeInterleavedAsync } from './load.mjs';

// A run whose work costs `slowUs` per iteration for its first `slowCalls` calls and `fastUs` afterwards, read on
// a clock that only moves in 100 µs steps (the elapsed time rounds down to the step, as a jittered clamp can).
function tieringRun({ slowUs, fastUs, slowCalls }) {
  let calls = 0;
  const run = (n) => {
    calls += 1;
    const us = n * (calls <= slowCalls ? slowUs : fastUs);
    return Math.floor(us / 100) * 100;
  };
  run.calls = () => calls;
  return run;
}

const quick = { warmupMs: 20, batches: 5 };

describe('timeInterleaved', () => {
  it('keeps calls long enough to read when the code gets 80x faster during the warm-up', () => {
    const t = timeInterleaved({ tiered: tieringRun({ slowUs: 40, fastUs: 0.5, slowCalls: 10 }) }, quick).tiered;
    assert.ok(Number.isInteger(t.iterations) && t.iterations >= 1 && t.iterations <= 1e8, `iterations ${t.iterations}`);
    assert.ok(t.iterations * 0.5 >= 2000, `a batch of ${t.iterations} calls is too short to read`);
    assert.ok(Math.abs(t.medianUs - 0.5) / 0.5 < 0.05, `median ${t.medianUs} µs, expected about 0.5 µs`);
  });

  it('times each run for about batchMs, round-robin, and reports progress', () => {
    const order = [];
    const progress = [];
    const runs = {
      a: (n) => { order.push('a'); return n * 10; },
      b: (n) => { order.push('b'); return n * 1000; },
    };
    const t = timeInterleaved(runs, { ...quick, batchMs: 25, onProgress: (done, total, id) => progress.push([done, total, id]) });
    assert.equal(t.a.medianUs, 10);
    assert.equal(t.b.medianUs, 1000);
    assert.equal(t.a.iterations, 2500);
    assert.equal(t.b.iterations, 25);
    assert.deepEqual(order.slice(-10), ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
    assert.deepEqual(progress.at(-1), [10, 10, 'b']);
  });

  it('names a clock that never moves instead of returning Infinity or 0', () => {
    assert.throws(() => timeInterleaved({ frozen: () => 0 }, quick),
      /the clock did not advance while 'frozen' ran 100000000 times: it cannot be timed here/);
  });

  it('rejects runs that return something other than microseconds', () => {
    for (const bad of [NaN, -1, Infinity, undefined, '5']) {
      assert.throws(() => timeInterleaved({ odd: () => bad }, quick), /the timing of 'odd' returned .+, not a number of microseconds/);
    }
  });

  it('rejects bad options with a message naming them', () => {
    const run = { r: (n) => n * 100 };
    assert.throws(() => timeInterleaved(run, { batches: 0 }), /batches must be an integer from 1 to 1000, got 0/);
    assert.throws(() => timeInterleaved(run, { batchMs: NaN }), /batchMs must be a number above 0 and at most 5000, got NaN/);
    assert.throws(() => timeInterleaved(run, { warmupMs: -5 }), /warmupMs must be a number from 0 to 60000, got -5/);
  });

  it('awaits runs that return promises (timeInterleavedAsync)', async () => {
    const t = await timeInterleavedAsync({ p: async (n) => n * 50 }, quick);
    assert.equal(t.p.medianUs, 50);
    assert.equal(t.p.samplesUs.length, 5);
  });
});
