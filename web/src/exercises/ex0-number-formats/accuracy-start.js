// Starts exercise 0's measurement worker. Loaded when the learner presses the button (accuracy.js), so that the
// page itself never imports the worker's URL: Vite's `?worker&url` exists only in the bundle, and the page's module
// also loads in Node (the registry's tests).
import { startModuleWorker } from '../../app/module-worker.js';
import workerUrl from './accuracy-worker.js?worker&url';

export const startAccuracyWorker = () => startModuleWorker(workerUrl, { name: 'quantlab-formats' });
