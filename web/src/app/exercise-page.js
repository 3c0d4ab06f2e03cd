// The frame every exercise page shares: a title with the exercise's status, the lesson in four parts (the idea,
// why it matters, the formula, a note where the notebook misleads), the hands-on lab, and learner mode.
//
// The exercise comes from the registry (exercises/registry.js): its page module exports
//   {lesson: {idea, why, formula, note?, deeper?}, mountLab?(el, ctx)}  (deeper: a collapsed "Going deeper" box)
// mountLab draws the interactive part and returns {update(params), destroy()}; ctx = {lab, params, spec (the
// entry's parameter types, for the controls' bounds), setParams, started}. Learner mode mounts the entry's tasks.
//
// mountExercise() mounts into any element, so that a page, a web component or an iframe can host an exercise.
// The parts an embedding may hide are marked with data-part (embed/options.js's PARTS) and hidden by style.css
// when the article's data-hide lists them. Learner mode is not even loaded when the editor is hidden; otherwise
// it loads (CodeMirror, the tasks, the runner worker) when the learner reaches "Your turn" or moves the keyboard
// focus into it, so that the first chart never waits for the editor.
import { EXERCISES, exerciseById, exerciseModule } from '../exercises/registry.js';
import { h, prose } from '../ui/dom.js';
import { labWith } from './core.js';
import { statusBadge } from './status-badge.js';

/** "Next exercise →" after a pass: the next exercise in the registry's order, or back to the list after the last. */
function nextExercise(id) {
  const at = EXERCISES.findIndex((e) => e.id === id);
  const next = EXERCISES[at + 1];
  return next
    ? { href: `#/${next.id}`, label: `Next exercise → ${next.number} · ${next.title}` }
    : { href: '#/', label: 'All exercises done: back to the list →' };
}

function section(title, part, ...content) {
  return h('section', { class: 'lesson-part', 'data-part': part }, h('h2', { text: title }), ...content);
}

/**
 * Calls load() once, when `el` comes within a screen's height of the viewport or the focus moves into it.
 * Returns a function that stops watching.
 */
function whenReached(el, load) {
  let done = false;
  const observer = typeof IntersectionObserver === 'function'
    ? new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) go(); }, { rootMargin: '0px 0px 100% 0px' })
    : null;
  function stop() {
    done = true;
    observer?.disconnect();
    el.removeEventListener('focusin', go);
  }
  function go() {
    if (done) return;
    stop();
    load();
  }
  el.addEventListener('focusin', go);
  if (observer) observer.observe(el);
  else queueMicrotask(go);
  return stop;
}

/**
 * Mounts exercise `id` into `root`.
 * @param {HTMLElement} root
 * @param {string} id a registry id, such as 'ex2'
 * @param {{lab: object, params: object, setParams?: (params: object) => void, hide?: string[],
 *          onProgress?: (type: 'started' | 'checked' | 'completed', detail: object) => void, codeKey?: string}} ctx
 *   hide: parts of PARTS not to show; onProgress: 'started' once (the first change, edit, Run or Check), 'checked'
 *   after every Check with {exercise, passed, total, score}, 'completed' once, when a Check first passes; codeKey:
 *   where learner mode keeps the code (store.js), the exercise id unless an embedding gives another.
 * @returns {Promise<{update(params: object): void, destroy(): void, heading: HTMLElement, title: string}>}
 */
export async function mountExercise(root, id, { lab, params, setParams = () => {}, hide = [], onProgress = () => {}, codeKey = id, nextLink = false }) {
  const entry = exerciseById(id);
  if (!entry) throw new Error(`no exercise "${String(id).slice(0, 20)}"`);
  const def = (await entry.page()).default;
  const { badge, off } = statusBadge(id);
  const heading = h('h1', { tabindex: '-1' }, `Exercise ${entry.number} · ${entry.title}`);
  const labHost = h('div', { class: 'lab' });
  const learnerHost = h('div', { class: 'learner', tabindex: '-1' });
  const { idea, why, formula, note, deeper } = def.lesson;
  const withLearner = Boolean(entry.tasks) && !hide.includes('editor');

  const article = h('article', { class: 'exercise', 'data-exercise': id, 'data-hide': hide.length ? hide.join(' ') : null },
    h('header', { class: 'exercise-header' }, heading, badge),
    section('The idea', 'text', ...idea.map((p) => prose(p))),
    section('Why it matters', 'text', ...why.map((p) => prose(p))),
    section('The formula', 'text', h('pre', { class: 'formula', tabindex: '0', 'aria-label': 'Formula', text: formula.math }), ...formula.notes.map((p) => prose(p))),
    note ? h('aside', { class: 'note', 'aria-label': note.title, 'data-part': 'text' }, h('h2', { text: note.title }), ...note.paragraphs.map((p) => prose(p))) : null,
    // "Going deeper" (lesson.deeper = {title?, paragraphs}): what a curious learner may read, collapsed.
    deeper ? h('details', { class: 'going-deeper', 'data-part': 'text' }, h('summary', { text: deeper.title ?? 'Going deeper' }),
      ...deeper.paragraphs.map((p) => prose(p))) : null,
    def.mountLab ? h('section', { class: 'lesson-part' }, h('h2', { text: 'Try it' }), labHost) : null,
    withLearner ? section('Your turn: write it yourself', 'editor', learnerHost) : null,
  );
  root.replaceChildren(article);

  // Progress, for a host that records it: 'started' and 'completed' are said once per mounted exercise.
  const said = new Set();
  const progress = (type, detail = {}) => {
    if (type !== 'checked' && said.has(type)) return;
    if (type !== 'started') progress('started');
    said.add(type);
    onProgress(type, { exercise: entry.number, ...detail });
  };

  const labView = def.mountLab?.(labHost, {
    lab,
    params,
    spec: entry.params,
    started: () => progress('started'), // for a lab control that changes no state (ex4's timing Run)
    setParams(next) {
      progress('started');
      setParams(next);
    },
  });

  let learner = null;
  let destroyed = false;
  let requested = false;
  let stopWatching = () => {};
  const openButton = h('button', { type: 'button', class: 'primary' }, 'Open the editor');
  async function loadLearner() {
    if (requested) return;
    requested = true;
    stopWatching();
    const hadFocus = learnerHost.contains(root.getRootNode().activeElement); // the learner tabbed to the button:
    // keep the focus here while the button goes, so that the next Tab reaches the editor
    learnerHost.replaceChildren(h('div', { class: 'loading', role: 'status' },
      h('progress', { 'aria-label': 'Loading the editor' }), h('span', { text: 'Loading the editor…' })));
    if (hadFocus) learnerHost.focus();
    try {
      // The tasks run on the exercise's module, which may be larger than the one the page drew with.
      const [{ mountLearner }, tasks, taskLab] = await Promise.all([import('../learner/learner.js'), entry.tasks(),
        labWith(lab, exerciseModule(entry))]);
      if (destroyed) return;
      learnerHost.replaceChildren();
      learner = mountLearner(learnerHost, {
        exercise: id, task: tasks.default, lab: taskLab, codeKey, onProgress: progress,
        next: nextLink ? nextExercise(id) : null,
        onResult: (result) => labView?.learnerResult?.(result),
      });
    } catch (e) {
      learnerHost.replaceChildren(h('p', { class: 'error-text', text: `The editor could not load: ${e.message}` }));
    }
  }
  if (withLearner) {
    learnerHost.append(h('div', { class: 'learner-placeholder' }, openButton));
    openButton.addEventListener('click', loadLearner); // where focus does not follow a click (Safari)
    stopWatching = whenReached(learnerHost, loadLearner);
  }

  return {
    heading,
    title: `Exercise ${entry.number}: ${entry.title}`,
    update: (next) => labView?.update(next),
    destroy() {
      destroyed = true;
      stopWatching();
      off();
      labView?.destroy();
      learner?.destroy();
      article.remove();
    },
  };
}
