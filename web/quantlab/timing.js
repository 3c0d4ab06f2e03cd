// The timing schedule every QuantLab measurement uses: the API's benchmark methods (quantlab.js), the lab's and
// the benchmark's forward timings (forward-timings.js) and the peers of the benchmark (tests/bench). The native
// benchmark (tests/bench/native_bench.cpp) runs the same schedule in C++.
//
// It times several `run(iterations)` functions (each returns the elapsed microseconds it measured itself, e.g.
// inside WebAssembly) the way V8 and browsers need. For each run: the iteration count doubles until one call
// takes >= 2 ms (page clocks are coarsened to 100 µs), then calls repeat until `warmupMs` has passed (V8 swaps
// in optimized code only between calls). When optimized code arrives during the warm-up and a call drops below
// 2 ms again, the count doubles again: a call read on a coarse clock must stay long enough to measure (a call
// of 200 µs can read as 0 µs on a jittered 100 µs clock). Then `batches` rounds, each timing every run once for
// about `batchMs`, round-robin, so a machine that slows down for a while slows all of them alike and the ratios
// stay honest. Returns {id: {medianUs, minUs, maxUs, samplesUs, iterations, batches}} in µs per iteration.
// The schedule is a generator: it yields [id, iterations] and is sent back the microseconds measured, so one
// schedule drives both synchronous runs (timeInterleaved) and runs that return promises (timeInterleavedAsync).
import { describe, optionsOf } from './describe.js';

/** The options every timing method takes. */
export const TIMING_OPTIONS = ['warmupMs', 'batches', 'batchMs', 'onProgress'];

const MIN_CALL_US = 2000;
const MAX_ITERATIONS = 1e8;

const now = () => performance.now();

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// One call of a run lasts about batchMs (the schedule sizes it so): at most 5 s, so that no single call blocks a
// page for long; the warm-up is made of short calls.
export function checkTimingOptions({ warmupMs, batches, batchMs, onProgress }) {
  if (!Number.isInteger(batches) || batches < 1 || batches > 1000) {
    throw new RangeError(`batches must be an integer from 1 to 1000, got ${describe(batches)}`);
  }
  if (typeof warmupMs !== 'number' || !(warmupMs >= 0 && warmupMs <= 60000)) {
    throw new RangeError(`warmupMs must be a number from 0 to 60000, got ${describe(warmupMs)}`);
  }
  if (typeof batchMs !== 'number' || !(batchMs > 0 && batchMs <= 5000)) {
    throw new RangeError(`batchMs must be a number above 0 and at most 5000, got ${describe(batchMs)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new TypeError(`onProgress must be a function, got ${describe(onProgress)}`);
  }
}

function microseconds(id, us) {
  if (typeof us === 'number' && us >= 0 && us < Infinity) return us;
  throw new RangeError(`the timing of '${id}' returned ${describe(us)}, not a number of microseconds`);
}

function* calibrate(id, warmupMs) {
  const start = now();
  let n = 1;
  let perIteration = Infinity;
  for (;;) {
    const us = microseconds(id, yield [id, n]);
    const readable = us >= MIN_CALL_US || n >= MAX_ITERATIONS;
    if (readable) perIteration = Math.min(perIteration, us / n);
    else n = Math.min(n * 2, MAX_ITERATIONS);
    if (readable && now() - start >= warmupMs) break;
  }
  if (perIteration === 0) {
    throw new RangeError(`the clock did not advance while '${id}' ran ${n} times: it cannot be timed here`);
  }
  return perIteration;
}

// `method` names the public method whose options these are, for the messages.
function* interleavedSchedule(ids, options, method) {
  const { warmupMs = 150, batches = 15, batchMs = 25, onProgress } = optionsOf(options, method, '{batches: 15}', TIMING_OPTIONS);
  checkTimingOptions({ warmupMs, batches, batchMs, onProgress });
  const iterations = {};
  for (const id of ids) {
    const perIteration = yield* calibrate(id, warmupMs);
    iterations[id] = Math.min(MAX_ITERATIONS, Math.max(1, Math.ceil((batchMs * 1000) / perIteration)));
  }
  const samples = Object.fromEntries(ids.map((id) => [id, []]));
  let done = 0;
  for (let b = 0; b < batches; b++) {
    for (const id of ids) {
      samples[id].push(microseconds(id, yield [id, iterations[id]]) / iterations[id]);
      onProgress?.(++done, batches * ids.length, id);
    }
  }
  return Object.fromEntries(ids.map((id) => [id, {
    medianUs: median(samples[id]),
    minUs: Math.min(...samples[id]),
    maxUs: Math.max(...samples[id]),
    samplesUs: samples[id],
    iterations: iterations[id],
    batches,
  }]));
}

/** Times `runs` ({id: run(iterations) -> µs}) on the schedule above. options: {warmupMs, batches, batchMs, onProgress}. */
export function timeInterleaved(runs, options, method = 'timeInterleaved') {
  const schedule = interleavedSchedule(Object.keys(runs), options, method);
  let step = schedule.next();
  while (!step.done) step = schedule.next(runs[step.value[0]](step.value[1]));
  return step.value;
}

/** timeInterleaved for runs that may return a Promise of the microseconds (e.g. another runtime's session.run). */
export async function timeInterleavedAsync(runs, options) {
  const schedule = interleavedSchedule(Object.keys(runs), options, 'timeInterleavedAsync');
  let step = schedule.next();
  while (!step.done) step = schedule.next(await runs[step.value[0]](step.value[1]));
  return step.value;
}

/** One run on the schedule: {medianUs, minUs, maxUs, samplesUs, iterations, batches}; `method` as above. */
export const timeBatches = (run, options, method) => timeInterleaved({ run }, options, method).run;
