// The learner's realm in the browser: a dedicated module worker that the runner worker (the checks) starts for one
// Run or Check and terminates afterwards. It runs learner/realm.js's protocol; this file only connects it to the
// worker's messages and reports what would otherwise go unseen: an unhandled rejection, an exception thrown by a
// timer, and close(). It never talks to the page: its messages reach the runner worker only.
import { loadLab } from '../app/core.js';
import { hostLearnerRealm } from './realm.js';
import { loadTask } from './task-files.js';

// Taken before the learner's code can replace them.
const post = self.postMessage.bind(self);
const closeWorker = self.close.bind(self);
const scope = Object.getPrototypeOf(self);

const realm = hostLearnerRealm({
  post,
  listen: (handler) => addEventListener('message', ({ data }) => handler(data)),
  loadLab: ({ simd, wasmModule }) => loadLab(wasmModule instanceof WebAssembly.Module ? { simd, wasmModule } : { simd: 'auto' }),
  loadTask,
});

addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  realm.asyncError(event.reason);
});
addEventListener('error', (event) => {
  event.preventDefault();
  realm.asyncError(event.error ?? event.message);
});
// close() would end the worker without a word, which looks like an endless loop to the checks: say so first.
const closing = () => {
  realm.closing();
  closeWorker();
};
for (const target of [self, scope]) {
  try {
    Object.defineProperty(target, 'close', { value: closing, configurable: false, writable: false });
  } catch {
    // not redefinable here: the checks' time limit still ends the job, and blames it
  }
}
