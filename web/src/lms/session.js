// A SCORM session for one exercise: what the lab's progress events (started / checked / completed, from the
// checker: exercise-page.js and learner.js) become in the LMS's data model, and what is kept for the next launch.
//
//   on launch    Initialize; status "incomplete" unless the LMS already has one; exit "suspend" (so that the LMS
//                keeps suspend_data for the next launch); suspend_data read back (suspend.js)
//   Check        score raw / min / max (0–100; and scaled 0–1 in SCORM 2004) and status, then suspend_data, then
//                Commit. The score is the best one so far (one read from the LMS on launch included) and "passed"
//                is never taken back: trying things after passing does not lower a grade.
//                1.2: cmi.core.lesson_status incomplete -> passed. 2004: cmi.completion_status incomplete ->
//                completed, cmi.success_status failed -> passed.
//   edits        suspend_data kept current (every few seconds when the code or the state changed; no Commit)
//   page hidden  session time, suspend_data and Commit; on pagehide also Terminate
import { encodeSuspend, encodeSuspendNow, SUSPEND_LIMITS } from './suspend.js';
import { sessionTime } from './scorm-api.js';

const REFRESH_MS = 5000;

const ELEMENTS = {
  '1.2': {
    status: 'cmi.core.lesson_status', exit: 'cmi.core.exit', raw: 'cmi.core.score.raw', min: 'cmi.core.score.min',
    max: 'cmi.core.score.max', time: 'cmi.core.session_time', suspend: 'cmi.suspend_data',
  },
  2004: {
    completion: 'cmi.completion_status', success: 'cmi.success_status', exit: 'cmi.exit', raw: 'cmi.score.raw',
    min: 'cmi.score.min', max: 'cmi.score.max', scaled: 'cmi.score.scaled', time: 'cmi.session_time',
    suspend: 'cmi.suspend_data',
  },
};

/** A score as the checker reports it: passed and total counts, score = passed / total in [0, 1]. */
function validScore(detail) {
  const { passed, total, score } = detail ?? {};
  return Number.isInteger(passed) && Number.isInteger(total) && total > 0 && passed >= 0 && passed <= total &&
    typeof score === 'number' && Number.isFinite(score) && score >= 0 && score <= 1 ? score : null;
}

const percent = (score) => String(Math.round(score * 10000) / 100);

/**
 * Starts recording for a connected LMS (`lms` from scorm-api.js's connect()). `snapshot()` returns the current
 * {link, code} (code undefined when there is none to keep); `now()` the time in ms. onNote(text) hears what the
 * learner should know (the code left out of suspend_data). Returns {progress(type, detail), saved(), end()}.
 */
export function createScormSession(lms, { snapshot, now = () => Date.now(), onNote = () => {} }) {
  const names = ELEMENTS[lms.version];
  const started = now();
  const limit = SUSPEND_LIMITS[lms.version];

  const statusNow = lms.version === '1.2' ? lms.get(names.status) : lms.get(names.success);
  let passed = statusNow === 'passed';
  const rawNow = Number.parseFloat(lms.get(names.raw));
  let best = Number.isFinite(rawNow) && rawNow >= 0 && rawNow <= 100 ? rawNow / 100 : null;

  if (lms.version === '1.2') {
    if (!['passed', 'completed', 'failed', 'incomplete'].includes(statusNow)) lms.set(names.status, 'incomplete');
  } else {
    const completion = lms.get(names.completion);
    if (completion !== 'completed' && completion !== 'incomplete') lms.set(names.completion, 'incomplete');
  }
  lms.set(names.exit, 'suspend');
  lms.commit();

  // ---- suspend_data ----
  let lastKey = null; // the snapshot that suspend_data holds, as text
  let pending = null;
  const keyOf = (s) => JSON.stringify([s.link, s.code ?? null]);
  async function refreshSuspend() {
    const s = snapshot();
    const key = keyOf(s);
    if (key === lastKey) return;
    const job = (pending ?? Promise.resolve()).then(async () => {
      if (key === lastKey) return;
      const { text, trimmed } = await encodeSuspend(s, limit);
      if (lms.set(names.suspend, text)) lastKey = key;
      if (trimmed) onNote('Your code is too long for your course platform to keep: it is kept in this browser only.');
    });
    pending = job.catch(() => {});
    await pending;
  }
  /** At the page's last moment there is no time for compression: the plain text when the state changed and it fits. */
  function suspendNow() {
    const s = snapshot();
    if (keyOf(s) === lastKey) return;
    const text = encodeSuspendNow(s, limit);
    if (text && lms.set(names.suspend, text)) lastKey = keyOf(s);
  }
  const timer = setInterval(() => { refreshSuspend(); }, REFRESH_MS);
  refreshSuspend();

  // ---- score and status ----
  function record(score) {
    best = best === null ? score : Math.max(best, score);
    if (score === 1) passed = true;
    lms.set(names.raw, percent(best));
    lms.set(names.min, '0');
    lms.set(names.max, '100');
    if (lms.version === '1.2') {
      lms.set(names.status, passed ? 'passed' : 'incomplete');
    } else {
      lms.set(names.scaled, String(Math.round(best * 10000) / 10000));
      lms.set(names.completion, passed ? 'completed' : 'incomplete');
      lms.set(names.success, passed ? 'passed' : 'failed');
    }
  }

  let ended = false;
  function save() {
    lms.set(names.time, sessionTime(now() - started, lms.version));
    suspendNow();
    lms.set(names.exit, 'suspend');
    return lms.commit();
  }

  return {
    async progress(type, detail) {
      if (ended) return;
      if (type === 'checked') {
        const score = validScore(detail);
        if (score === null) return;
        record(score);
        await refreshSuspend();
        if (!ended) save();
      } else if (type === 'started') {
        refreshSuspend();
      }
    },
    /** Session time, suspend_data and Commit, as when the page is hidden. */
    save: () => !ended && save(),
    /** Saves, then Terminate. Nothing is recorded afterwards. */
    end() {
      if (ended) return;
      save();
      ended = true;
      clearInterval(timer);
      lms.terminate();
    },
  };
}
