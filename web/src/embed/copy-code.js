// "Copy embed code" under every exercise page of the lab: a button that copies the snippets (snippets.js) of
// the exercise in its current state.
import { h, uid } from '../ui/dom.js';

/**
 * Mounts the "Embed this exercise" section: a button that copies both snippets with the Clipboard API and shows
 * them in a read-only text box (selected and focused when the browser refuses to copy).
 * getSnippets() builds the text at the moment of the click, from the page's current state. `packages` are the
 * exercise's SCORM packages ({href, label}; lms/packages.js), offered for download beside the snippets.
 * @returns {HTMLElement}
 */
export function embedCodeSection(getSnippets, packages = []) {
  const boxId = uid('embed-code');
  const status = h('p', { class: 'embed-status', role: 'status' });
  const box = h('textarea', { id: boxId, class: 'embed-snippet', readonly: true, rows: 9, spellcheck: 'false', hidden: true });
  const label = h('label', { for: boxId, class: 'visually-hidden', text: 'Embed code' });
  const button = h('button', { type: 'button' }, 'Copy embed code');
  button.addEventListener('click', async () => {
    const text = getSnippets();
    box.value = text;
    box.hidden = false;
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      status.textContent = 'Copied: both snippets are on the clipboard (the web component, then the iframe). They are also below.';
    } catch {
      status.textContent = 'This browser did not let the page copy. Select the code below and copy it (Ctrl+C or ⌘C).';
      box.focus();
      box.select();
    }
  });
  return h('section', { class: 'lesson-part embed-code', 'aria-labelledby': `${boxId}-title` },
    h('h2', { id: `${boxId}-title`, text: 'Embed this exercise' }),
    h('p', { class: 'hint', text: 'Course authors: put this exercise, in the state shown above, into your own page, as a web component or as an iframe. The code points at this copy of the lab.' }),
    h('div', { class: 'button-row' }, button),
    status, label, box,
    packages.length ? h('p', { class: 'scorm-downloads' },
      'For a course platform that records grades (Moodle, Canvas, …): download this exercise as a SCORM package, ',
      ...packages.flatMap((p, i) => [i ? ' or ' : '', h('a', { href: p.href, download: '', text: p.label })]),
      ' (it reports the score of every Check; see the README, “Course platforms (SCORM)”).') : null);
}
