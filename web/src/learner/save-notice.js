// Saving the learner's code as they type, and saying so when it cannot be saved. localStorage refuses writes when
// its quota is full (or in some private windows and sandboxed frames): the code then stays in the editor, a polite
// notice says that it is not saved and offers "Download my code" (a .js file), the help text stops promising that
// it is saved, and saving is tried again at the next edit and every 30 seconds until it works.
import { saveCode } from '../app/store.js';
import { h } from '../ui/dom.js';

export const SAVE_DELAY_MS = 400;
export const RETRY_MS = 30_000;

export const SAVED_HELP = 'is saved in this browser as you type';
export const UNSAVED_HELP = 'could not be saved in this browser just now (see the note under the editor): it stays here while this page is open';

/**
 * codeKey: where the code is saved; exercise: its id (the file's name); getCode(): the editor's text;
 * onHelp(text): the help text's part about saving changed; onSaved(code): a save worked.
 * @returns {{element: HTMLElement, changed(): void, flush(): void, destroy(): void, failing(): boolean}}
 */
export function mountSaveNotice({ codeKey, exercise, getCode, onHelp = () => {}, onSaved = () => {} }) {
  let timer = null;
  let retry = null;
  let failing = false;

  const download = h('button', { type: 'button', on: { click: downloadCode } }, 'Download my code');
  const element = h('div', { class: 'save-notice', role: 'status', 'aria-live': 'polite', hidden: true },
    h('p', { class: 'save-text', text:
      'Your code could not be saved in this browser: its storage is full or turned off. It stays in the editor ' +
      'while this page is open, and saving is tried again as you type. To keep a copy, download it.' }),
    download);

  function downloadCode() {
    const url = URL.createObjectURL(new Blob([getCode()], { type: 'text/javascript' }));
    const link = h('a', { href: url, download: `quantlab-${String(codeKey).replace(/[^A-Za-z0-9_-]/g, '-')}.js` });
    link.hidden = true;
    element.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  function save() {
    clearTimeout(timer);
    timer = null;
    const code = getCode();
    if (saveCode(codeKey, code)) {
      if (failing) {
        failing = false;
        clearInterval(retry);
        retry = null;
        element.hidden = true;
        onHelp(SAVED_HELP);
      }
      onSaved(code);
      return true;
    }
    if (!failing) {
      failing = true;
      element.hidden = false;
      onHelp(UNSAVED_HELP);
      retry = setInterval(save, RETRY_MS);
    }
    return false;
  }

  return {
    element,
    /** The code changed: save it after a short pause in typing. */
    changed() {
      clearTimeout(timer);
      timer = setTimeout(save, SAVE_DELAY_MS);
    },
    /** Saves now if a save is pending or failing (when the learner mode goes away). */
    flush() {
      if (timer || failing) save();
    },
    failing: () => failing,
    destroy() {
      clearTimeout(timer);
      clearInterval(retry);
    },
    exercise,
  };
}
