// The two snippets a course author pastes into a page to show an exercise in a given state (the web component and
// the iframe with its resizer), pointing at wherever this copy of dist/ is hosted. Pure: no DOM.
import { formatHash } from '../app/state.js';

const escapeAttribute = (text) => String(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * Both snippets for exercise `number` in state `params` of `route`, for a lab hosted at `base` (an absolute URL
 * ending in "/"), as one text with a comment line before each.
 * @returns {string}
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
  return [
    `<!-- QuantLab exercise ${number} as a web component (the script once per page; one tag per exercise; hide="editor" and more in QuantLab's README) -->`,
    component,
    '',
    '<!-- or as an iframe that takes the height of its content (quantlab-resizer.js once per page); add &parent=https://your.site to the src to let your page talk to it -->',
    iframe,
    '',
  ].join('\n');
}

