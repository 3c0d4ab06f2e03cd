// A module Web Worker that runs measureForwardTimings off the page's thread. Protocol:
//   page -> worker: {seed, perChannel, configs, module, timing}
//   worker -> page: {type: 'progress', done, total, config} ... then {type: 'done', result} or {type: 'error', message}
// To cancel, the page terminates the worker.
import { measureForwardTimings } from './forward-timings.js';

self.onmessage = async (event) => {
  try {
    const result = await measureForwardTimings({
      ...event.data,
      onProgress: (p) => self.postMessage({ type: 'progress', ...p }),
    });
    self.postMessage({ type: 'done', result });
  } catch (error) {
    self.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
