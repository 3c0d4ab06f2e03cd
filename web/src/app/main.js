// The lab as a page: loads the WebAssembly core (showing progress), follows the URL hash (state.js) and mounts the
// landing page or an exercise into <main>, with "Copy embed code" under an exercise. Also writes the header's nav
// (one link per exercise of the registry, in its order), and wires the theme switch and "Erase my data".
import '../ui/style.css';
import { EXERCISES, exerciseById, pageModule } from '../exercises/registry.js';
import { h, fill } from '../ui/dom.js';
import { chooseTheme, currentChoice, initTheme } from '../ui/theme.js';
import { loadLab } from './core.js';
import { formatHash, parseHash } from './state.js';
import { eraseAll } from './store.js';

const app = document.getElementById('app');
const loadingText = document.getElementById('loading-text');
const noticeEl = document.getElementById('notice');
const buildInfo = document.getElementById('build-info');

let lab = null; // the first lab loaded (its build is shown in the footer)
let current = null; // {route, view}
let navigation = 0;

initTheme();
setUpNav();
setUpThemeSwitch();
setUpErase();

function setUpNav() {
  fill(document.querySelector('#nav ul'), EXERCISES.map((e) => h('li', {}, h('a', { href: `#/${e.id}` }, `${e.number} · ${e.nav}`))));
}

function setUpThemeSwitch() {
  const select = document.getElementById('theme');
  select.value = currentChoice();
  select.addEventListener('change', () => chooseTheme(select.value));
}

function setUpErase() {
  const area = document.getElementById('erase-area');
  const start = h('button', { type: 'button', class: 'link-button' }, 'Erase my data');
  const idle = () => fill(area, start);
  start.addEventListener('click', () => {
    const yes = h('button', { type: 'button', class: 'danger' }, 'Erase');
    const no = h('button', { type: 'button' }, 'Cancel');
    yes.addEventListener('click', async () => {
      // Close the page first (it saves code still waiting to be saved), then erase, then show the page anew.
      current?.view.destroy();
      current = null;
      eraseAll();
      await show({ focus: false });
      fill(area, h('span', { role: 'status', text: 'Your code, progress and theme choice were erased from this browser.' }), ' ', start);
      chooseTheme('system');
      document.getElementById('theme').value = 'system';
    });
    no.addEventListener('click', () => { idle(); start.focus(); });
    fill(area, h('span', { text: 'Remove your code and progress for every exercise from this browser?' }), ' ', yes, ' ', no);
    no.focus();
  });
  idle();
}

function setNotice(text) {
  noticeEl.textContent = text;
  noticeEl.hidden = !text;
}

function markNav(route) {
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === `#/${route}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

/**
 * Writes the page's state into the link (every history.replaceState of the lab goes through here). Safari refuses
 * more than 100 replaceState calls in 10 s (a slider dragged for a few seconds makes that many) and throws: a
 * refused write is tried again a second later with the latest state, so the link catches up and the page never
 * stops drawing. cancel() drops a pending retry: a link the learner opens wins over it.
 */
function hashWriter() {
  let pending = null;
  let timer = 0;
  const flush = () => {
    timer = 0;
    try {
      history.replaceState(null, '', pending);
      pending = null;
    } catch {
      timer = setTimeout(flush, 1000);
    }
  };
  return {
    write(hash) {
      pending = hash;
      if (!timer) flush();
    },
    cancel() {
      clearTimeout(timer);
      timer = 0;
      pending = null;
    },
  };
}

const link = hashWriter();

async function show({ focus = true } = {}) {
  const token = ++navigation;
  link.cancel();
  const parsed = parseHash(location.hash);
  const { route, params } = parsed;
  const canonical = formatHash(route, params);
  const problems = [];
  if (parsed.unknownRoute && location.hash.replace(/^#\/?/, '') !== '') problems.push('this link points to no page of the lab, so here is the start page');
  if (parsed.ignored.length) problems.push(`some settings in this link could not be used and were left at their defaults (${parsed.ignored.join(', ')})`);
  setNotice(problems.length ? `Note: ${problems.join('; ')}.` : '');
  if (location.hash !== canonical && (location.hash || route)) link.write(canonical);
  markNav(route);

  if (current && current.route === route) {
    current.view.update(params);
    return;
  }
  current?.view.destroy();
  current = null;
  let view;
  try {
    if (route === '') {
      const { mountLanding } = await import('./landing.js');
      if (token !== navigation) return;
      view = mountLanding(app, { lab });
    } else {
      // The WebAssembly module this exercise needs (registry `wasm`): loaded now if the page has none that holds it.
      const [{ mountExercise }, routeLab] = await Promise.all([import('./exercise-page.js'), loadLab({ module: pageModule(exerciseById(route)) })]);
      if (token !== navigation) return;
      const setParams = (next) => link.write(formatHash(route, next));
      view = withEmbedCode(await mountExercise(app, route, { lab: routeLab, params, setParams, nextLink: true }), route);
      if (token !== navigation) {
        view.destroy();
        return;
      }
    }
  } catch (e) {
    fill(app, h('p', { class: 'error-text', role: 'alert', text: `This page could not be shown: ${e.message}` }));
    return;
  }
  current = { route, view };
  document.title = route ? `${view.title} — QuantLab` : 'QuantLab: quantization, hands on';
  if (focus) view.heading.focus({ preventScroll: false });
}

/**
 * Adds a collapsed "For course authors" block under an exercise page, once the page has drawn (its code is not
 * needed before): "Embed this exercise" (its snippets follow the hash at the moment of the click), and a slot,
 * `[data-slot="lms"]`, for the LMS package download.
 */
function withEmbedCode(view, route) {
  const { number, title } = exerciseById(route);
  let section = null;
  let destroyed = false;
  Promise.all([import('../embed/copy-code.js'), import('../embed/snippets.js'), import('../lms/packages.js')]).then(([{ embedCodeSection }, { embedSnippets }, { packageLinks }]) => {
    if (destroyed) return;
    const packages = packageLinks(exerciseById(route)).map((p) => ({ href: new URL(p.path, location.href).href, label: p.label }));
    section = embedCodeSection(() => embedSnippets({
      base: new URL('./', location.href).href, // where this copy of dist/ is hosted
      route,
      number,
      title,
      params: parseHash(location.hash).params,
    }), packages);
    section = h('details', { class: 'course-authors' },
      h('summary', { text: 'For course authors' }),
      section);
    app.append(section);
  }, () => {}); // without it, the page is all there
  return {
    ...view,
    destroy() {
      destroyed = true;
      view.destroy();
      section?.remove();
    },
  };
}

async function start() {
  loadingText.textContent = 'Loading the WebAssembly core…';
  // Fetch the page code of the route at the same time as the core.
  const route = parseHash(location.hash).route;
  const entry = exerciseById(route);
  const prefetch = (entry ? Promise.all([import('./exercise-page.js'), entry.page()]) : import('./landing.js')).catch(() => {});
  try {
    // The landing page needs the smallest module; an exercise the one its page draws with (registry.js's pageModule:
    // its tasks and jobs load theirs after the first chart).
    lab = await loadLab({ module: entry ? pageModule(entry) : 'core' });
  } catch (e) {
    fill(app, h('p', { class: 'error-text', role: 'alert',
      text: `QuantLab could not start: ${e.message}. It needs a browser with WebAssembly (any browser from 2018 on).` }));
    return;
  }
  buildInfo.textContent = lab.simd
    ? 'WebAssembly SIMD build'
    : 'scalar WebAssembly build (no SIMD in this browser: the same numbers, computed a little more slowly)';
  buildInfo.dataset.simd = String(lab.simd);
  loadingText.textContent = 'Drawing…';
  await prefetch;
  await show({ focus: false }); // replaces the loading indicator
  document.body.dataset.ready = 'true';
  addEventListener('hashchange', () => show());
}

start();
