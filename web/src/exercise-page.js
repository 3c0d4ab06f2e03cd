// The frame every exercise page shares: a title with the exercise's status, the lesson in four parts (the idea,
// why it matters, the formula, a note where the notebook misleads), the hands-on lab, and learner mode.
//
// An exercise module (ex1-symmetric.js, …) exports a definition:
//   { id, number, title, lesson: {idea, why, formula, note?}, tasks?, mountLab?(el, ctx) }
// mountLab draws the interactive part and returns {update(params), destroy()}; ctx = {lab, params, setParams}.
// A new exercise is one more such module plus one line in exercises.js (and its URL parameters in state.js).
//
// mountExercise() mounts into any element, so that a page, a web component or an iframe can host an exercise.
import { h, prose } from './dom.js';
import { EXERCISES, statusBadge } from './exercises.js';

function section(title, ...content) {
  return h('section', { class: 'lesson-part' }, h('h2', { text: title }), ...content);
}

/**
 * Mounts exercise `id` into `root`.
 * @param {HTMLElement} root
 * @param {string} id 'ex1' … 'ex4'
 * @param {{lab: object, params: object, setParams?: (params: object) => void}} ctx
 * @returns {Promise<{update(params: object): void, destroy(): void, heading: HTMLElement, learnerReady: Promise<void>}>}
 */
export async function mountExercise(root, id, { lab, params, setParams = () => {} }) {
  const entry = EXERCISES.find((e) => e.id === id);
  if (!entry) throw new Error(`no exercise "${String(id).slice(0, 20)}"`);
  const def = (await entry.load()).default;
  const { badge, off } = statusBadge(id);
  const heading = h('h1', { tabindex: '-1' }, `Exercise ${def.number} · ${def.title}`);
  const labHost = h('div', { class: 'lab' });
  const learnerHost = h('div', { class: 'learner' });
  const { idea, why, formula, note } = def.lesson;

  const article = h('article', { class: 'exercise', 'data-exercise': id },
    h('header', { class: 'exercise-header' }, heading, badge),
    section('The idea', ...idea.map((p) => prose(p))),
    section('Why it matters', ...why.map((p) => prose(p))),
    section('The formula', h('pre', { class: 'formula', tabindex: '0', 'aria-label': 'Formula', text: formula.math }), ...formula.notes.map((p) => prose(p))),
    note ? h('aside', { class: 'note', 'aria-label': note.title }, h('h2', { text: note.title }), ...note.paragraphs.map((p) => prose(p))) : null,
    def.mountLab ? h('section', { class: 'lesson-part' }, h('h2', { text: 'Try it' }), labHost) : null,
    def.tasks ? h('section', { class: 'lesson-part' }, h('h2', { text: 'Your turn: write it yourself' }), learnerHost) : null,
  );
  root.replaceChildren(article);

  const labView = def.mountLab?.(labHost, { lab, params, setParams });
  // The editor (CodeMirror) is the largest piece of code on the page: it loads after the lab has drawn.
  let learner = null;
  let destroyed = false;
  const learnerReady = def.tasks
    ? import('./learner.js').then(({ mountLearner }) => {
      if (!destroyed) learner = mountLearner(learnerHost, { exercise: id, task: def.tasks });
    }).catch((e) => {
      learnerHost.replaceChildren(h('p', { class: 'error-text', text: `The editor could not load: ${e.message}` }));
    })
    : Promise.resolve();

  return {
    heading,
    title: `Exercise ${def.number}: ${def.title}`,
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
