// Runs learner code off the page: the runner worker (runner-worker.js) is the checks' realm, and it starts a fresh
// learner's realm of its own for every Run or Check (learner/realm.js), where the code runs under a 2-second limit
// that the runner worker keeps. The page keeps a longer limit for the whole job (JOB_LIMIT_MS): if the runner
// worker itself does not answer in time, it is terminated and a fresh one started, so the page never freezes and
// the next Run works as usual. The clock starts when the worker says it has started the job, so neither loading
// WebAssembly nor a moment's wait for a busy machine counts.
//
// A worker gets the page's compiled WebAssembly module in its first message ({type: 'init', simd, wasmModule}), so
// it instantiates the core without fetching or compiling it again, and hands it on to the learner's realms.
//
// Results are accepted from the runner worker only (the learner's realms cannot post to the page), for a job this
// runner sent, once, and every field is validated (result.js) before the page uses it.
import { startModuleWorker } from '../app/module-worker.js';
// The URL of the bundled worker script (Vite builds it as a worker and gives its URL relative to this module), so
// that the worker also starts when the lab is embedded in a page on another origin (module-worker.js).
import runnerWorkerUrl from './runner-worker.js?worker&url';
import { TIME_LIMIT_MS } from './realm-client.js';
import { validateResult } from './result.js';

export { TIME_LIMIT_MS };
const START_LIMIT_MS = 20000;
/** The whole job (the learner's realm starting, the code, the checks), from the worker's 'started'. */
export const JOB_LIMIT_MS = 30000;

export class Runner {
  #worker = null;
  #ready = null;
  #jobs = new Map();
  #nextId = 1;
  #core;

  /** core: {simd, wasmModule} of the page's lab, handed to every worker; without them a worker loads its own. */
  constructor(core = {}) {
    this.#core = core;
  }

  /** Starts the worker now (it loads the WebAssembly core), so that the first Run does not wait for it. */
  warmUp() {
    if (this.#worker) return this.#ready;
    const worker = startModuleWorker(runnerWorkerUrl, { name: 'quantlab-runner' });
    this.#worker = worker;
    this.#ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the code runner did not start within 20 s')), START_LIMIT_MS);
      worker.addEventListener('message', ({ data }) => {
        if (data?.type === 'ready') {
          clearTimeout(timer);
          if (data.error) reject(new Error(data.error));
          else resolve();
        } else if (data?.type === 'started' && Number.isInteger(data.id)) {
          this.#jobs.get(data.id)?.started();
        } else if (data?.type === 'result' && Number.isInteger(data.id)) {
          this.#jobs.get(data.id)?.done(data.result);
        }
      });
      worker.addEventListener('error', (e) => {
        clearTimeout(timer);
        e.preventDefault();
        reject(new Error(`the code runner failed to start${e.message ? `: ${e.message}` : ''}`));
      });
    });
    this.#ready.catch(() => this.#reset());
    const { simd = 'auto', wasmModule } = this.#core;
    try {
      worker.postMessage({ type: 'init', simd, wasmModule });
    } catch {
      worker.postMessage({ type: 'init', simd: 'auto' }); // a module this worker cannot receive: it compiles its own
    }
    return this.#ready;
  }

  #reset() {
    this.#worker?.terminate();
    this.#worker = null;
    this.#ready = null;
  }

  /**
   * Runs a job: {action: 'run' | 'check', exercise, code}; `total` is the number of tests of the page's copy of the
   * task. Resolves to the checker's result, validated (result.js), or to {timedOut: true, where, ms} when a time
   * limit stopped it. Rejects only when the worker cannot start.
   */
  async run(job, { total = 0 } = {}) {
    await this.warmUp();
    const worker = this.#worker;
    const id = this.#nextId++;
    let started = performance.now();
    return new Promise((resolve) => {
      const stop = () => {
        this.#jobs.delete(id);
        if (this.#worker === worker) this.#reset();
        this.warmUp().catch(() => {}); // a fresh worker for the next job
        resolve({ timedOut: true, where: 'the checks', ms: Math.round(performance.now() - started) });
      };
      // The limit counts from the worker's 'started' (a machine busy elsewhere must not make short code look
      // endless); a worker that never starts the job is stopped after START_LIMIT_MS all the same.
      let timer = setTimeout(stop, START_LIMIT_MS);
      this.#jobs.set(id, {
        started: () => {
          clearTimeout(timer);
          started = performance.now();
          timer = setTimeout(stop, JOB_LIMIT_MS);
        },
        done: (result) => {
          clearTimeout(timer);
          this.#jobs.delete(id);
          const ms = Math.round(performance.now() - started);
          resolve(validateResult(result && typeof result === 'object' ? { ...result, ms } : result, { action: job.action, total }));
        },
      });
      worker.postMessage({ id, ...job });
    });
  }

  dispose() {
    this.#jobs.clear();
    this.#reset();
  }
}
