// What the lab remembers in localStorage: the learner's code per exercise, each exercise's status (not started,
// attempted, passed) and the chosen theme. Every key starts with "quantlab:"; eraseAll() removes exactly those.
// Storage can be missing or refuse writes (private windows, sandboxed iframes, a full quota): the lab then keeps
// working and simply forgets on reload.

const PREFIX = 'quantlab:';
export const STATUS = Object.freeze({ NOT_STARTED: 'not started', ATTEMPTED: 'attempted', PASSED: 'passed' });
const listeners = new Set();

function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // access itself can throw (e.g. storage disabled for this origin)
  }
}

function read(key) {
  try {
    return storage()?.getItem(PREFIX + key) ?? null;
  } catch {
    return null;
  }
}

function write(key, value) {
  const s = storage();
  if (!s) return false;
  try {
    s.setItem(PREFIX + key, value);
    return true;
  } catch {
    return false;
  }
}

const notify = () => listeners.forEach((fn) => fn());

/** Calls fn whenever a status changes or the data is erased. Returns an unsubscribe function. */
export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export const loadCode = (exercise) => read(`code:${exercise}`);
export const saveCode = (exercise, code) => write(`code:${exercise}`, code);
/** Forgets the code kept under this key (a SCORM launch that starts afresh: lms/page.js). */
export function forgetCode(exercise) {
  try {
    storage()?.removeItem(`${PREFIX}code:${exercise}`);
  } catch {
    // nothing stored
  }
}

export function getStatus(exercise) {
  const s = read(`status:${exercise}`);
  return s === STATUS.ATTEMPTED || s === STATUS.PASSED ? s : STATUS.NOT_STARTED;
}

/** Moves an exercise forward (not started -> attempted -> passed); a later failure never takes "passed" away. */
export function markStatus(exercise, status) {
  const order = [STATUS.NOT_STARTED, STATUS.ATTEMPTED, STATUS.PASSED];
  if (order.indexOf(status) <= order.indexOf(getStatus(exercise))) return;
  write(`status:${exercise}`, status);
  notify();
}

export function getTheme() {
  const t = read('theme');
  return t === 'light' || t === 'dark' ? t : 'system';
}

export function setTheme(theme) {
  if (theme === 'light' || theme === 'dark') return write('theme', theme);
  try {
    storage()?.removeItem(`${PREFIX}theme`); // "system" is the default: nothing to keep
  } catch {
    // nothing stored
  }
  return true;
}

/** Removes everything the lab stored in this browser. */
export function eraseAll() {
  const s = storage();
  if (!s) return;
  try {
    const keys = [];
    for (let i = 0; i < s.length; i++) {
      const key = s.key(i);
      if (key?.startsWith(PREFIX)) keys.push(key);
    }
    keys.forEach((key) => s.removeItem(key));
  } catch {
    // nothing stored that we could reach
  }
  notify();
}
