// Light and dark themes. "system" follows prefers-color-scheme; "light" and "dark" set data-theme on <html>,
// which sets color-scheme in style.css. The palette lives in CSS custom properties; charts read it through colors(),
// resolved where the chart is, so that an embedded exercise (its own data-theme, inside a shadow root) gets its own.
import { getTheme, setTheme } from '../app/store.js';

const listeners = new Set();
const media = globalThis.matchMedia?.('(prefers-color-scheme: dark)');

/** Tells every chart that the colors on screen may have changed (they redraw). */
export function themeChanged() {
  listeners.forEach((fn) => fn());
}
media?.addEventListener('change', themeChanged);

function apply(choice) {
  const root = document.documentElement;
  if (choice === 'light' || choice === 'dark') root.dataset.theme = choice;
  else delete root.dataset.theme;
  themeChanged();
}

/** Applies the stored choice (the lab's own pages; an embedded exercise has its own theme attribute). */
export function initTheme() {
  apply(getTheme());
}

/** 'system' | 'light' | 'dark' */
export function chooseTheme(choice) {
  setTheme(choice);
  apply(choice);
}

export const currentChoice = getTheme;

/** Calls fn() after every change of the theme on screen. Returns an unsubscribe function. */
export function onThemeChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * The chart palette as rgb() colors (canvas needs real colors), from the CSS custom properties in style.css with
 * light-dark() resolved as they are at `context`: a chart's own element, so that a chart inside an embedded
 * exercise (a shadow root with its own theme) gets that exercise's colors.
 */
export function colors(context = document.body) {
  const probe = document.createElement('span');
  probe.hidden = true;
  context.append(probe);
  const resolve = (name) => {
    probe.style.color = `var(--${name})`;
    return getComputedStyle(probe).color;
  };
  try {
    return {
      text: resolve('fg'),
      muted: resolve('muted'),
      bg: resolve('bg'),
      grid: resolve('chart-grid'),
      level: resolve('chart-level'),
      series: [resolve('chart-1'), resolve('chart-2'), resolve('chart-3'), resolve('chart-4')],
    };
  } finally {
    probe.remove();
  }
}
