// Finding and speaking to an LMS's SCORM run-time, the standard way: the LMS puts an object named `API` (SCORM 1.2)
// or `API_1484_11` (SCORM 2004) on a window above the content (a parent frame, or the window that opened it) and
// the content looks for it, at most a few levels up each chain. Frames of another origin cannot be read and are
// skipped. connect() hides the two versions' method names behind one small object. No DOM beyond `window`.

const NAMES = { '1.2': 'API', 2004: 'API_1484_11' };
const MAX_LEVELS = 10; // how far up a chain of parents to look (the reference algorithms stop at 7 to 500)

function apiOn(win, name) {
  try {
    const api = win?.[name];
    return api && typeof api === 'object' && (typeof api.LMSInitialize === 'function' || typeof api.Initialize === 'function') ? api : null;
  } catch {
    return null; // a window of another origin
  }
}

function searchUp(win, name) {
  let current = win;
  for (let level = 0; current && level <= MAX_LEVELS; level++) {
    const api = apiOn(current, name);
    if (api) return api;
    let parent = null;
    try {
      parent = current.parent;
    } catch {
      parent = null;
    }
    if (!parent || parent === current) break;
    current = parent;
  }
  return null;
}

/** The LMS's API object of this version ('1.2' or '2004') above `win`, in its parents and then its opener's, or null. */
export function findApi(version, win = globalThis.window) {
  const name = NAMES[version];
  if (!name || !win) return null;
  const found = searchUp(win, name);
  if (found) return found;
  let opener = null;
  try {
    opener = win.top?.opener ?? null;
  } catch {
    opener = null;
  }
  return opener ? searchUp(opener, name) : null;
}

// Each version's names for the same seven calls.
const METHODS = {
  '1.2': { initialize: 'LMSInitialize', terminate: 'LMSFinish', get: 'LMSGetValue', set: 'LMSSetValue', commit: 'LMSCommit', error: 'LMSGetLastError', text: 'LMSGetErrorString' },
  2004: { initialize: 'Initialize', terminate: 'Terminate', get: 'GetValue', set: 'SetValue', commit: 'Commit', error: 'GetLastError', text: 'GetErrorString' },
};

/**
 * Initializes a session with `api` (from findApi) of `version`. Returns {version, get(name), set(name, value),
 * commit(), terminate(), lastError()}: get returns '' for an unset or refused element; set and commit return
 * whether the LMS accepted. Every call is guarded: an LMS that throws is treated as one that refused.
 * Returns null when the LMS refuses to initialize.
 */
export function connect(api, version) {
  const m = METHODS[version];
  const call = (method, ...args) => {
    try {
      return api[m[method]](...args);
    } catch {
      return 'false';
    }
  };
  const ok = (value) => value === true || String(value) === 'true';
  if (!ok(call('initialize', ''))) return null;
  let open = true;
  return {
    version,
    get: (name) => (open ? String(call('get', name) ?? '') : ''),
    set: (name, value) => open && ok(call('set', name, String(value))),
    commit: () => open && ok(call('commit', '')),
    terminate() {
      if (!open) return false;
      const done = ok(call('terminate', ''));
      open = false;
      return done;
    },
    lastError() {
      const code = String(call('error') ?? '0');
      return code === '0' ? null : `${code}: ${String(call('text', code) ?? '')}`;
    },
  };
}

/** Session time in each version's format: 1.2's HHHH:MM:SS.SS, 2004's ISO 8601 duration PT#H#M#S. */
export function sessionTime(ms, version) {
  const total = Math.max(0, Math.round(ms / 10)) / 100; // seconds, to the hundredth
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = Math.round((total % 60) * 100) / 100;
  if (version === '1.2') {
    const [whole, frac = '0'] = seconds.toFixed(2).split('.');
    return `${String(Math.min(hours, 9999)).padStart(4, '0')}:${String(minutes).padStart(2, '0')}:${whole.padStart(2, '0')}.${frac}`;
  }
  return `PT${hours}H${minutes}M${Number(seconds.toFixed(2))}S`;
}
