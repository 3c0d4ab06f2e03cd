// embed.html: one exercise without the site's header and footer, for an <iframe> in a course page
// (embed.html#exercise=2&bits=4&hide=editor&parent=https://course.example). Its hash holds the same options as the
// <quant-lab> element's attributes (options.js), plus `parent`: the origins allowed to talk to this frame.
//
// The messages it posts to its parent and the ones it answers, and what `parent` changes, are described for course
// authors in the README ("Embedding the lab in a course page", the iframe); this file is their one implementation.
// Without `parent`, messages go to any parent ('*': heights and scores, never the learner's code) and none is
// accepted; with it, they go to the listed origins only and only theirs are answered. A `parent` that is not
// exactly an http(s) origin fails closed: no message is sent or answered at all, and the frame says so.
import '../ui/style.css';
import { MAX_HASH_LENGTH } from '../app/state.js';
import { mountEmbed } from './mount.js';
import { FRAME_OPTIONS } from './names.js';
import { readOptions } from './options.js';

const root = document.getElementById('widget');
const framed = window.parent !== window;

let embed = null;
let parents = [];
let silenced = false; // an invalid parent=: no messages at all

/** The origins listed in `parent` (http or https, exactly an origin); the rest are reported as ignored. */
function readParents(values) {
  const origins = [];
  let bad = false;
  for (const value of values.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean)) {
    let origin = null;
    try {
      const url = new URL(value);
      if ((url.protocol === 'https:' || url.protocol === 'http:') && value.replace(/\/$/, '') === url.origin) origin = url.origin;
    } catch {
      origin = null;
    }
    if (origin) origins.push(origin);
    else bad = true;
  }
  return { origins, bad };
}

function post(message) {
  if (!framed || silenced) return;
  if (parents.length) for (const origin of parents) window.parent.postMessage(message, origin);
  else window.parent.postMessage(message, '*');
}

// ---- height ----

let lastHeight = 0;
const contentHeight = () => Math.ceil(document.documentElement.getBoundingClientRect().height);
function reportHeight(force = false) {
  const height = contentHeight();
  if (!force && height === lastHeight) return;
  lastHeight = height;
  post({ type: 'quantlab:resize', height });
  post({ subject: 'lti.frameResize', height });
}
// Browsers pause rendering work (ResizeObserver, animation frames) in a cross-origin frame that is out of view, so
// the height is also measured after every change to the page (MutationObserver) and every resize of the frame.
const measure = () => reportHeight();
new ResizeObserver(measure).observe(document.documentElement);
new MutationObserver(measure).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
addEventListener('resize', measure);

// ---- messages from the parent ----

addEventListener('message', (event) => {
  if (!framed || event.source !== window.parent || !parents.includes(event.origin)) return;
  const type = event.data?.type;
  if (type === 'quantlab:get-height') {
    event.source.postMessage({ type: 'quantlab:resize', height: contentHeight() }, event.origin);
  } else if (type === 'quantlab:get-state') {
    event.source.postMessage({ type: 'quantlab:state', ...embed?.state() }, event.origin);
  }
});

// ---- the exercise ----

function show() {
  const hash = location.hash.length > MAX_HASH_LENGTH ? '' : location.hash.replace(/^#/, '');
  const search = new URLSearchParams(hash);
  const parent = readParents(search.getAll('parent'));
  silenced = parent.bad;
  parents = parent.bad ? [] : parent.origins;
  const options = readOptions((name) => search.get(name), { present: [...new Set(search.keys())], extra: FRAME_OPTIONS });
  if (location.hash.length > MAX_HASH_LENGTH) options.error = 'this link is too long to be used.';
  if (parent.bad && !options.error) {
    options.ignored.push('parent');
    options.notes = ['The parent setting is not an origin such as https://course.example, so this exercise sends no messages to the course page (no height, no score).'];
  }
  if (options.theme === 'light' || options.theme === 'dark') document.documentElement.dataset.theme = options.theme;
  else delete document.documentElement.dataset.theme;
  document.title = options.error ? 'QuantLab' : `Exercise ${options.number}: ${options.title} — QuantLab`;
  if (embed?.apply(options)) return;
  embed?.destroy();
  embed = mountEmbed(root, options, {
    emit(type, detail) {
      post({ type: `quantlab:${type}`, ...detail });
      if (type === 'ready' || type === 'error') document.body.dataset.ready = 'true';
    },
  });
}

show();
addEventListener('hashchange', show);
