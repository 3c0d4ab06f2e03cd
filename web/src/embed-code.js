// "Copy embed code" on every exercise page: the two snippets a course author pastes into a page to show this
// exercise in its current state (the URL hash), pointing at wherever this copy of dist/ is hosted.
import { h, uid } from './dom.js';
import { formatHash } from './state.js';

const escapeAttribute = (text) => String(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * Both snippets for exercise `number` in state `params` of `route`, for a lab hosted at `base` (an absolute URL
 * ending in "/"): the web component and the iframe with its resizer.
 * @returns {{component: string, iframe: string, text: string}}
 */
export function embedSnippets({ base, route, number, title, params }) {
  const state = new URLSearchParams(formatHash(route, params).split('?')[1] ?? '');
  const attributes = [['exercise', String(number)], ...state].map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join('');
  const hash = new URLSearchParams([['exercise', String(number)], ...state]).toString().replace(/%2C/g, ',');
  const component = [
    `<script type="module" src="${escapeAttribute(`${base}quantlab-embed.js`)}"></script>`,
    `<quant-lab${attributes}></quant-lab>`,
  ].join('\n');
  const iframe = [
    `<iframe src="${escapeAttribute(`${base}embed.html#${hash}`)}" title="${escapeAttribute(`QuantLab exercise ${number}: ${title}`)}"`,
    '        style="width: 100%; border: 0" height="900"></iframe>',
    `<script src="${escapeAttribute(`${base}quantlab-resizer.js`)}" defer></script>`,
  ].join('\n');
  const text = [
    `<!-- QuantLab exercise ${number} as a web component (the script once per page; one tag per exercise; hide="editor" and more in QuantLab's README) -->`,
    component,
    '',
    '<!-- or as an iframe that takes the height of its content (quantlab-resizer.js once per page); add &parent=https://your.site to the src to let your page talk to it -->',
    iframe,
    '',
  ].join('\n');
  return { component, iframe, text };
}

/**
 * Mounts the "Embed this exercise" section: a button that copies both snippets with the Clipboard API and shows
 * them in a read-only text box (selected and focused when the browser refuses to copy).
 * getSnippets() builds them at the moment of the click, from the page's current state.
 * @returns {HTMLElement}
 */
export function embedCodeSection(getSnippets) {
  const boxId = uid('embed-code');
  const status = h('p', { class: 'embed-status', role: 'status' });
  const box = h('textarea', { id: boxId, class: 'embed-snippet', readonly: true, rows: 9, spellcheck: 'false', hidden: true });
  const label = h('label', { for: boxId, class: 'visually-hidden', text: 'Embed code' });
  const button = h('button', { type: 'button' }, 'Copy embed code');
  button.addEventListener('click', async () => {
    const { text } = getSnippets();
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
    status, label, box);
}
