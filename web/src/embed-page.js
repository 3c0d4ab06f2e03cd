// embed.html: one exercise without the site's header and footer, for an <iframe> in a course page.
//
//   embed.html#exercise=2&bits=4&hide=editor&parent=https://course.example
//
// The hash holds the same options as the <quant-lab> element's attributes (embed.js), plus `parent`: the origins
// (one or more, comma-separated or repeated) of the pages allowed to embed and talk to this frame.
//
// To the parent window it posts, whenever the content's height changes, {type: 'quantlab:resize', height} and
// Canvas's {subject: 'lti.frameResize', height}; and the progress: {type: 'quantlab:started' | 'quantlab:checked'
// | 'quantlab:completed' | 'quantlab:ready' | 'quantlab:error', exercise, …}. With `parent` set, every message is
// posted to those origins only (postMessage's targetOrigin); without it, to any parent ('*'): the messages hold
// heights and scores, never the learner's code.
//
// From the parent it accepts {type: 'quantlab:get-height'} and {type: 'quantlab:get-state'} (answered with
// {type: 'quantlab:state', exercise, params, link}), and only from a parent whose origin `parent` lists:
// without `parent`, no message is accepted; anything else is ignored.
import './style.css';
import { mountEmbed, readOptions } from './embed.js';
import { MAX_HASH_LENGTH } from './state.js';

const root = document.getElementById('widget');
const framed = window.parent !== window;

let embed = null;
let parents = [];

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
  if (!framed) return;
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
  parents = parent.origins;
  const options = readOptions((name) => search.get(name), { present: [...new Set(search.keys())], extra: ['parent'] });
  if (location.hash.length > MAX_HASH_LENGTH) options.error = 'this link is too long to be used.';
  if (parent.bad && !options.error) options.ignored.push('parent');
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
