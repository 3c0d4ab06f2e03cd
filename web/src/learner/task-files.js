// The tasks of every exercise folder, exercises/<id>-<slug>/tasks.js (the files the registry's `tasks` loaders
// name), each loaded when a job first needs it: for the runner worker (the checks) and the learner's realm. They are
// found by folder rather than through the registry, which would make a worker's bundle carry a copy of every
// exercise's page as well.
const TASK_FILES = import.meta.glob('../exercises/*/tasks.js');
const tasks = new Map(); // exercise id -> Promise of its task

/** The task of `exercise` ('ex1'…), or null for anything else. */
export function loadTask(exercise) {
  if (typeof exercise !== 'string' || !/^ex\d{1,2}$/.test(exercise)) return null;
  const file = Object.keys(TASK_FILES).find((path) => path.startsWith(`../exercises/${exercise}-`));
  if (!file) return null;
  if (!tasks.has(exercise)) tasks.set(exercise, TASK_FILES[file]().then((m) => m.default));
  return tasks.get(exercise);
}
