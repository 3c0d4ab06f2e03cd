// The frame every exercise page shares: a title with the exercise's status, the lesson in four parts (the idea,
// why it matters, the formula, a note where the notebook misleads), the hands-on lab, and learner mode.
//
// An exercise module (ex1-symmetric.js, …) exports a definition:
//   { lesson: {idea, why, formula, note?}, tasks?, mountLab?(el, ctx) } (number and title: exercises.js)
// mountLab draws the interactive part and returns {update(params), destroy()}; ctx = {lab, params, setParams}.
// A new exercise is one more such module plus one line in exercises.js (and its URL parameters in state.js).
//
// mountExercise() mounts into any element, so that a page, a web component or an iframe can host an exercise.
// The parts an embedding may hide are marked with data-part (text: the lesson; editor: learner mode; solution:
// inside learner mode; benchmark: marked by an exercise's lab), and hidden by style.css when the article's
// data-hide lists them. Learner mode is not even loaded when the editor is hidden.
import { h, prose } from './dom.js';
import { EXERCISES, statusBadge } from './exercises.js';

function section(title, part, ...content) {
  return h('section', { class: 'lesson-part', 'data-part': part }, h('h2', { text: title }), ...content);
}

/** The parts of an exercise page that an embedding may hide (hide="…"). */
export const PARTS = Object.freeze(['text', 'editor', 'solution', 'benchmark']);

/**
 * Mounts exercise `id` into `root`.
 * @param {HTMLElement} root
 * @param {string} id 'ex1' … 'ex4'
 * @param {{lab: object, params: object, setParams?: (params: object) => void, hide?: string[],
 *          onProgress?: (type: 'started' | 'checked' | 'completed', detail: object) => void, codeKey?: string}} ctx
 *   hide: parts of PARTS not to show; onProgress: 'started' once (the first change, edit, Run or Check), 'checked'
 *   after every Check with {exercise, passed, total, score}, 'completed' once, when a Check first passes; codeKey:
 *   where learner mode keeps the code (store.js), the exercise id unless an embedding gives another.
 * @returns {Promise<{update(params: object): void, destroy(): void, heading: HTMLElement, learnerReady: Promise<void>}>}
 */
export async function mountExercise(root, id, { lab, params, setParams = () => {}, hide = [], onProgress = () => {}, codeKey = id }) {
  const entry = EXERCISES.find((e) => e.id === id);
  if (!entry) throw new Error(`no exercise "${String(id).slice(0, 20)}"`);
  const def = (await entry.load()).default;
  const { badge, off } = statusBadge(id);
  const heading = h('h1', { tabindex: '-1' }, `Exercise ${entry.number} · ${entry.title}`);
  const labHost = h('div', { class: 'lab' });
  const learnerHost = h('div', { class: 'learner' });
  const { idea, why, formula, note } = def.lesson;
  const withLearner = Boolean(def.tasks) && !hide.includes('editor');

  const article = h('article', { class: 'exercise', 'data-exercise': id, 'data-hide': hide.length ? hide.join(' ') : null },
    h('header', { class: 'exercise-header' }, heading, badge),
    section('The idea', 'text', ...idea.map((p) => prose(p))),
    section('Why it matters', 'text', ...why.map((p) => prose(p))),
    section('The formula', 'text', h('pre', { class: 'formula', tabindex: '0', 'aria-label': 'Formula', text: formula.math }), ...formula.notes.map((p) => prose(p))),
    note ? h('aside', { class: 'note', 'aria-label': note.title, 'data-part': 'text' }, h('h2', { text: note.title }), ...note.paragraphs.map((p) => prose(p))) : null,
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
    started: () => progress('started'), // for a lab control that changes no state (ex4's timing Run)
    setParams(next) {
      progress('started');
      setParams(next);
    },
  });
  // The editor (CodeMirror) is the largest piece of code on the page: it loads after the lab has drawn.
  let learner = null;
  let destroyed = false;
  const learnerReady = withLearner
    ? import('./learner.js').then(({ mountLearner }) => {
      if (!destroyed) learner = mountLearner(learnerHost, { exercise: id, task: def.tasks, codeKey, onProgress: progress });
    }).catch((e) => {
      learnerHost.replaceChildren(h('p', { class: 'error-text', text: `The editor could not load: ${e.message}` }));
    })
    : Promise.resolve();

  return {
    heading,
    title: `Exercise ${entry.number}: ${entry.title}`,
    learnerReady,
    update: (next) => labView?.update(next),
    destroy() {
      destroyed = true;
      off();
      labView?.destroy();
      learner?.destroy();
      article.remove();
    },
  };
}
