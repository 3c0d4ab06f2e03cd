// The options of an embedded exercise, read the same way for the <quant-lab> web component (element.js) and the
// iframe page (page.js): `exercise`, `hide`, `theme`, `storage-key` and the exercise's own URL-state parameters
// from the registry (bits, s, dist, …), as attributes of the element or as keys of the iframe's hash. What each
// option means is the README's business ("Embedding the lab in a course page"). Pure: no DOM.
//
// Nothing read from an attribute or a hash is evaluated or parsed as HTML: state values go through state.js's
// typed table exactly as the lab's own links do (bad ones are dropped and named in a note), the other options are
// matched against fixed words, and every message reaches the page as text.
import { defaults, parseHash, STATE } from '../app/state.js';
import { EXERCISES, exerciseByNumber } from '../exercises/registry.js';
import { EMBED_OPTIONS, PARTS } from './names.js';

/** Every URL-state key of every exercise: new keys work here without a change. */
export const STATE_KEYS = Object.freeze([...new Set(Object.values(STATE).flatMap((spec) => Object.keys(spec)))]);

const THEMES = ['light', 'dark', 'system'];
const STORAGE_KEY = /^[A-Za-z0-9_-]{1,40}$/;
const shown = (text) => String(text).slice(0, 40);

function findExercise(text) {
  const m = /^\s*(?:ex)?(\d{1,2})\s*$/i.exec(text ?? '');
  return m ? exerciseByNumber(Number(m[1])) : undefined;
}

/**
 * Reads an embedding's options. `get(name)` returns an attribute's or a hash key's text, or null; `present` lists
 * the names the source holds that should be reported when they mean nothing here (the iframe's hash keys; the
 * element's state attributes), except those in `extra` (read by the caller).
 * @returns {{error: string} | {route: string, number: number, title: string, params: object, hide: string[],
 *   theme: 'light' | 'dark' | 'system', storageKey: string | null, ignored: string[]}}
 */
export function readOptions(get, { present = [], extra = [] } = {}) {
  const text = (name) => {
    const v = get(name);
    return typeof v === 'string' ? v : null;
  };
  const exercise = text('exercise');
  const entry = findExercise(exercise);
  const numbers = EXERCISES.map((e) => e.number).join(', ');
  if (exercise === null || exercise.trim() === '') return { error: `choose an exercise with exercise="1" (one of ${numbers}).` };
  if (!entry) return { error: `there is no exercise “${shown(exercise)}”: use one of ${numbers}.` };
  const route = entry.id;
  const spec = STATE[route] ?? {};
  const ignored = [];

  // The exercise's state, parsed exactly as the lab parses its own links.
  const query = new URLSearchParams();
  for (const key of Object.keys(spec)) if (text(key) !== null) query.append(key, text(key));
  const parsed = parseHash(`#/${route}?${query}`);
  const params = parsed.route === route ? parsed.params : defaults(route);
  ignored.push(...(parsed.route === route ? parsed.ignored : [...query.keys()]));
  for (const name of present) {
    if (!EMBED_OPTIONS.includes(name) && !extra.includes(name) && !Object.hasOwn(spec, name)) ignored.push(shown(name));
  }

  const hide = [];
  for (const word of (text('hide') ?? '').split(/[\s,]+/).filter(Boolean)) {
    if (PARTS.includes(word)) {
      if (!hide.includes(word)) hide.push(word);
    } else {
      ignored.push(`hide=${shown(word)}`);
    }
  }
  let theme = text('theme')?.trim() || 'system';
  if (!THEMES.includes(theme)) {
    ignored.push('theme');
    theme = 'system';
  }
  let storageKey = text('storage-key');
  if (storageKey !== null && !STORAGE_KEY.test(storageKey)) {
    ignored.push('storage-key');
    storageKey = null;
  }
  return { route, number: entry.number, title: entry.title, params, hide, theme, storageKey, ignored };
}

