// A learner's realm in a Node worker thread (see learner-realm.mjs): web/src/learner/realm.js's protocol on the
// thread's port, with unhandled rejections and process.exit() reported as the browser's learner worker reports
// them.
import { parentPort } from 'node:worker_threads';

import { exerciseById } from '../../web/src/exercises/registry.js';
import { hostLearnerRealm } from '../../web/src/learner/realm.js';
import { createQuantLab } from './load.mjs';

const post = parentPort.postMessage.bind(parentPort);
const realm = hostLearnerRealm({
  post,
  listen: (handler) => parentPort.on('message', handler),
  loadLab: ({ simd, wasmModule }) => createQuantLab(wasmModule instanceof WebAssembly.Module ? { simd, wasmModule } : {}),
  loadTask: async (exercise) => {
    const entry = typeof exercise === 'string' ? exerciseById(exercise) : undefined;
    return entry?.tasks ? (await entry.tasks()).default : null;
  },
});
process.on('unhandledRejection', (reason) => realm.asyncError(reason));
process.on('uncaughtException', (error) => realm.asyncError(error));
const exit = process.exit.bind(process);
process.exit = (code) => {
  realm.closing();
  exit(code);
};
