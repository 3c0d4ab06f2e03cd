// The <quant-lab> web component: one exercise of the lab in any page, with one module script and one tag. Its
// attributes and events, for course authors, are in the README ("Embedding the lab in a course page"); the
// attributes are read by options.js, and changing one later updates the widget.
//
// dist/quantlab-embed.js is a one-line module that imports this one from dist/assets/. Every URL the widget loads
// (the WebAssembly core, the Chart.js and CodeMirror chunks, the runner worker) is resolved from the modules' own
// URLs (import.meta.url), never from the host page, so the lab may live on another origin (it must then send
// Access-Control-Allow-Origin). Every widget of a page shares the page's one WebAssembly core (app/core.js).
//
// The exercise lives in an open shadow root with the lab's style sheet (style.css), under a .ql-root that resets
// what the host page would pass down by inheritance: the host's CSS cannot reach into the widget, and the widget's
// CSS cannot reach the host. Progress is dispatched on the element as quantlab:<type> events.
import styles from '../ui/style.css?inline';
import { h } from '../ui/dom.js';
import { mountEmbed } from './mount.js';
import { EMBED_OPTIONS } from './names.js';
import { readOptions, STATE_KEYS } from './options.js';

// The lab's sizes are in rem of its 16 px root; in a host page rem is the host's root font size (often 10 px),
// so the widget's copy of the sheet states them in px (the lab's text is 16 px, so nothing else changes).
const css = styles.replace(/(?<![\w.])(\d*\.?\d+)rem\b/g, (_, n) => `${Number(n) * 16}px`);

// One style sheet object for every widget of the page (constructable style sheets need no CSP 'unsafe-inline').
let sheet = null;
try {
  sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
} catch {
  sheet = null; // an older browser: each shadow root gets a <style> element instead
}

export class QuantLabElement extends HTMLElement {
  static observedAttributes = [...EMBED_OPTIONS, ...STATE_KEYS];

  #root = null;
  #embed = null;
  #scheduled = false;

  connectedCallback() {
    if (!this.#root) {
      const shadow = this.attachShadow({ mode: 'open' });
      if (sheet && 'adoptedStyleSheets' in shadow) shadow.adoptedStyleSheets = [sheet];
      else shadow.append(h('style', { text: css }));
      this.#root = h('div', { class: 'ql-root' });
      shadow.append(this.#root);
    }
    this.#schedule();
  }

  disconnectedCallback() {
    // A move within the page disconnects and reconnects at once: keep the exercise then.
    queueMicrotask(() => {
      if (this.isConnected) return;
      this.#embed?.destroy();
      this.#embed = null;
    });
  }

  attributeChangedCallback() {
    if (this.#root) this.#schedule();
  }

  /** The current state: {exercise, params, link} (link: the lab page's hash), or null. */
  get state() {
    return this.#embed?.state() ?? null;
  }

  // Several attribute changes in one task cause one update.
  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (this.isConnected) this.#render();
    });
  }

  #render() {
    const present = this.getAttributeNames().filter((name) => STATE_KEYS.includes(name));
    const options = readOptions((name) => this.getAttribute(name), { present });
    if (this.#embed?.apply(options)) return;
    this.#embed?.destroy();
    this.#embed = mountEmbed(this.#root, options, {
      emit: (type, detail) => this.dispatchEvent(new CustomEvent(`quantlab:${type}`, { detail, bubbles: true, composed: true })),
    });
  }
}

if (!customElements.get('quant-lab')) customElements.define('quant-lab', QuantLabElement);
