// Mounting an embedded exercise, for the <quant-lab> web component (element.js) and the iframe page (page.js):
// mountEmbed() shows a loading line, loads the one WebAssembly core of the page (app/core.js), claims a place for
// the learner's code, mounts the exercise (app/exercise-page.js) and reports progress to emit().
import { loadLab } from '../app/core.js';
import { mountExercise } from '../app/exercise-page.js';
import { exerciseById, pageModule } from '../exercises/registry.js';
import { formatHash } from '../app/state.js';
import { fill, h } from '../ui/dom.js';
import { themeChanged } from '../ui/theme.js';

// ---- where an embedded exercise keeps the learner's code ----
//
// The lab keeps code under quantlab:code:<exercise>. The first widget of an exercise on a page uses that same
// key (so the code follows the learner between the lab and the course pages of one site); a second widget of the
// same exercise on the page gets a key of its own (quantlab:code:ex2:2, …), so two widgets never overwrite each
// other's code. An author who wants a separate, stable place names it: storage-key="chapter-3" gives
// quantlab:code:ex2:chapter-3. The claim is a Web Lock where the browser has them, which also separates two
// iframes of the same exercise on one page (they are separate documents of one origin); elsewhere, a claim lasts
// for this document. Either way it ends when the widget goes away.

const claimed = new Set();

function lockIfFree(name) {
  const locks = globalThis.navigator?.locks;
  if (typeof locks?.request !== 'function') return Promise.resolve(() => {});
  return new Promise((resolve) => {
    locks.request(name, { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(null);
        return undefined;
      }
      return new Promise((release) => resolve(release)); // held until release() is called
    }).catch(() => resolve(() => {}));
  });
}

async function claimCodeSlot(route, storageKey) {
  const base = storageKey ? `${route}:${storageKey}` : route;
  for (let n = 1; n < 100; n++) {
    const key = n === 1 ? base : `${base}:${n}`;
    if (claimed.has(key)) continue;
    claimed.add(key);
    const release = await lockIfFree(`quantlab:code:${key}`);
    if (release) {
      return { key, release: () => { claimed.delete(key); release(); } };
    }
    claimed.delete(key);
  }
  return { key: base, release() {} };
}

// ---- mounting ----

const sameOptions = (a, b) => a.route === b.route && a.storageKey === b.storageKey && a.hide.join() === b.hide.join();

function ignoredNote(ignored) {
  return ignored.length
    ? `Note: some settings of this embedded exercise could not be used and were left at their defaults (${ignored.join(', ')}).`
    : '';
}

/**
 * Mounts an embedded exercise into `root` (a .ql-root element). `options` come from options.js's readOptions().
 * emit(type, detail) receives the progress: 'started', 'checked' and 'completed' (see exercise-page.js), and
 * 'ready' once the exercise is on screen.
 * @returns {{apply(options): boolean, state(): object | null, destroy(): void}} apply() takes new options
 *   without remounting when only the state, the theme or the notes changed, and returns false otherwise.
 */
export function mountEmbed(root, options, { emit = () => {} } = {}) {
  const notice = h('p', { class: 'notice', role: 'status', hidden: true });
  const body = h('div', { class: 'ql-body' });
  root.replaceChildren(notice, body);
  let current = options;
  let params = options.params;
  let view = null;
  let slot = null;
  let destroyed = false;

  function setTheme(theme) {
    if (theme === 'light' || theme === 'dark') root.dataset.theme = theme;
    else delete root.dataset.theme;
  }
  function setNotes({ ignored = [], notes = [] }) {
    notice.textContent = [ignoredNote(ignored), ...notes].filter(Boolean).join(' ');
    notice.hidden = !notice.textContent;
  }
  function fail(text) {
    fill(body, h('p', { class: 'error-text', role: 'alert', text: `QuantLab: ${text}` }));
    emit('error', { message: text });
  }

  async function start() {
    fill(body, h('div', { class: 'loading', role: 'status' },
      h('progress', { 'aria-label': 'Loading QuantLab' }), h('span', { text: 'Loading QuantLab…' })));
    let lab;
    try {
      const entry = exerciseById(current.route);
      lab = await loadLab({ module: entry && pageModule(entry) }); // the module the exercise's page draws with
    } catch (e) {
      const foreign = new URL(import.meta.url).origin !== location.origin;
      fail(`the lab could not start: ${e.message}.${foreign
        ? ' The site that hosts QuantLab must send Access-Control-Allow-Origin with its files (see QuantLab’s README).' : ''}`);
      return;
    }
    if (destroyed) return;
    slot = await claimCodeSlot(current.route, current.storageKey);
    if (destroyed) {
      slot.release();
      return;
    }
    try {
      const mounted = await mountExercise(body, current.route, {
        lab,
        params,
        hide: current.hide,
        codeKey: slot.key,
        setParams(next) {
          params = next;
        },
        onProgress: emit,
      });
      if (destroyed) mounted.destroy();
      else view = mounted;
    } catch (e) {
      fail(`this exercise could not be shown: ${e.message}.`);
      return;
    }
    if (!destroyed) emit('ready', { exercise: current.number });
  }

  setTheme(options.theme);
  setNotes(options);
  if (options.error) fail(options.error);
  else start();

  return {
    apply(next) {
      if (destroyed || options.error || next.error || !sameOptions(current, next)) return false;
      if (next.theme !== current.theme) {
        setTheme(next.theme);
        themeChanged();
      }
      setNotes(next);
      if (formatHash(next.route, next.params) !== formatHash(current.route, current.params)) {
        params = next.params;
        view?.update(params);
      }
      current = next;
      return true;
    },
    /** {exercise, params, link}: link is the lab page's hash for this state, such as "#/ex2?bits=4". */
    state: () => (options.error ? null : { exercise: current.number, params, link: formatHash(current.route, params) }),
    destroy() {
      destroyed = true;
      view?.destroy();
      view = null;
      slot?.release();
      slot = null;
    },
  };
}
