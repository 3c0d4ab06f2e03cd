// Light and dark themes. "system" follows prefers-color-scheme; "light" and "dark" set data-theme on <html>,
// which sets color-scheme in style.css. The palette lives in CSS custom properties; charts read it through colors().
import { getTheme, setTheme } from './store.js';

const listeners = new Set();
const media = globalThis.matchMedia?.('(prefers-color-scheme: dark)');

/** 'light' or 'dark': what is on screen now. */
export function effectiveTheme() {
  const chosen = document.documentElement.dataset.theme;
  if (chosen === 'light' || chosen === 'dark') return chosen;
  return media?.matches ? 'dark' : 'light';
}

function apply(choice) {
  const root = document.documentElement;
  if (choice === 'light' || choice === 'dark') root.dataset.theme = choice;
  else delete root.dataset.theme;
  listeners.forEach((fn) => fn(effectiveTheme()));
}

/** Applies the stored choice and follows the system while the choice is "system". */
export function initTheme() {
  apply(getTheme());
  media?.addEventListener('change', () => apply(getTheme()));
}

/** 'system' | 'light' | 'dark' */
export function chooseTheme(choice) {
  setTheme(choice);
  apply(choice);
}

export const currentChoice = getTheme;

/** Calls fn(theme) after every change of the theme on screen. Returns an unsubscribe function. */
export function onThemeChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

let probe = null;
/** A custom property's color as rgb(), with light-dark() resolved for the current theme (canvas needs that). */
function resolveColor(name) {
  if (!probe) {
    probe = document.createElement('span');
    probe.hidden = true;
    document.body.append(probe);
  }
  probe.style.color = `var(--${name})`;
  return getComputedStyle(probe).color;
}

/** The chart palette of the current theme, from the CSS custom properties in style.css. */
export function colors() {
  return {
    text: resolveColor('fg'),
    muted: resolveColor('muted'),
    grid: resolveColor('chart-grid'),
    level: resolveColor('chart-level'),
    background: resolveColor('bg'),
    series: [resolveColor('chart-1'), resolveColor('chart-2'), resolveColor('chart-3'), resolveColor('chart-4')],
  };
}
