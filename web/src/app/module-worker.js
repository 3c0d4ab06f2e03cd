// Starting a module worker whose script may live on another origin.
//
// `new Worker(url, {type: 'module'})` throws a SecurityError when `url` is not on the page's own origin, which is
// the case whenever the lab is embedded (quantlab-embed.js) in a course page on another site. A module worker may,
// however, import modules from another origin (with CORS, as a static host like GitHub Pages sends), so for a
// foreign URL the worker starts from a same-origin Blob URL whose whole body is `import "<the real worker>"`. The
// real worker then runs with its own import.meta.url, so everything it loads (../quantlab.js, the .wasm) is found
// where the lab is hosted. The host page's Content-Security-Policy must allow `worker-src blob:` (README).
// On the lab's own origin nothing changes: the worker starts from its URL directly (and the lab's own CSP needs
// no blob:).

/**
 * Starts a module Worker running the script at `url`, from this origin or another one.
 * @param {string | URL} url the worker script, absolute or relative to the page (usually new URL(..., import.meta.url))
 * @param {WorkerOptions} [options] e.g. {name}; `type` is always 'module'
 * @returns {Worker}
 */
export function startModuleWorker(url, options = {}) {
  const href = new URL(url, location.href).href;
  const workerOptions = { ...options, type: 'module' };
  if (new URL(href).origin === location.origin) return new Worker(href, workerOptions);
  const bootstrap = URL.createObjectURL(new Blob([`import ${JSON.stringify(href)};\n`], { type: 'text/javascript' }));
  const worker = new Worker(bootstrap, workerOptions);
  // The Blob URL is only needed to start the worker: let it go once the worker has said something (or failed).
  const revoke = () => {
    URL.revokeObjectURL(bootstrap);
    worker.removeEventListener('message', revoke);
    worker.removeEventListener('error', revoke);
  };
  worker.addEventListener('message', revoke);
  worker.addEventListener('error', revoke);
  return worker;
}
