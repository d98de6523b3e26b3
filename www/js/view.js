// What every view shares: language (the site's choice, or the widget's `locale` attribute),
// rendering into light DOM (site) or a shadow root (widget), errors in the user's language
// with a next step, and busy states with progress.
import { asInkanError } from './errors.js';
import { currentLang, t, translate } from './i18n.js';

/** Creates an element: h('p', {class: 'x', 'data-i18n': 'k'}, 'text', child…). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** Like el.replaceChildren, but skips null/false (replaceChildren would print "null"). */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false));
  return el;
}

export function loc(text, lang) {
  if (!text) return '';
  if (typeof text === 'string') return text;
  return text[lang] ?? text.en ?? text.ja ?? '';
}

/** "2027-12-31" in the user's language, with the weekday (people plan by weekday). */
export function formatDate(iso, lang) {
  if (!iso) return '';
  const [y, m, d] = iso.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short', timeZone: 'UTC' }).format(date);
}

export function todayIso() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function parseHashQuery() {
  const q = location.hash.split('?')[1] ?? '';
  return new URLSearchParams(q);
}

export class View extends HTMLElement {
  #onLang = () => this.relang();
  #ready = false;

  get lang() {
    const attr = this.getAttribute('locale');
    if (attr === 'ja' || attr === 'en') return attr;
    return currentLang();
  }

  /** Where the view draws: its shadow root (widget) or itself (site). */
  get root() { return this.shadowRoot ?? this; }

  /** The text of `key` in the view's language, or in `lang` (an error's message carries both). */
  t(key, vars, lang = this.lang) { return t(key, vars, lang); }
  q(selector) { return this.root.querySelector(selector); }
  qa(selector) { return [...this.root.querySelectorAll(selector)]; }

  connectedCallback() {
    if (!this.#ready) {
      this.#ready = true;
      this.setup();
    }
    window.addEventListener('inkan:lang', this.#onLang);
    this.relang();
  }

  disconnectedCallback() { window.removeEventListener('inkan:lang', this.#onLang); }

  static get observedAttributes() { return ['locale']; }
  attributeChangedCallback() { if (this.#ready) this.relang(); }

  relang() {
    translate(this.root, this.lang);
    this.onLang?.();
  }

  /**
   * Where this element's errors show when no box is named: a step of a larger view (the apply
   * flow's) is handed its coordinator's box here, so the flow keeps one error place; a view
   * uses its own first [data-error].
   */
  errorBox = null;

  #waiting = new WeakMap(); // error box → the error that will show in it once its text is in

  /** Shows `e` in the error box `box` (default: the view's error box) and emits inkan:error,
   * whose message has both languages: a site text not yet in both is shown once it is. */
  showError(e, box = this.errorBox ?? this.q('[data-error]')) {
    const err = asInkanError(e);
    const show = () => {
      if (box) {
        box.replaceChildren(h('strong', { text: err.text(this.lang) }), ' ', h('span', { class: 'code', text: `(${err.code})` }));
        box.hidden = false;
        box.lang = this.lang;
        box.dataset.code = err.code;
      }
      this.dispatchEvent(new CustomEvent('inkan:error', { bubbles: true, composed: true, detail: { code: err.code, message: { ja: err.ja, en: err.en } } }));
    };
    if (box) this.#waiting.set(box, err);
    const shown = () => { if (box && this.#waiting.get(box) !== err) return; this.#waiting.delete(box); show(); };
    if (err.hasText()) shown(); else err.loadText().then(shown);
    return err;
  }

  clearError(box = this.errorBox ?? this.q('[data-error]')) { if (box) { this.#waiting.delete(box); box.hidden = true; box.replaceChildren(); } }

  /** Disables `button`, shows `status` busy text, runs fn; errors go to the error box. */
  async busy(button, status, text, fn, errorBox) {
    if (button) button.disabled = true;
    if (status) { status.textContent = text; status.classList.add('busy'); }
    this.clearError(errorBox);
    try {
      return await fn();
    } catch (e) {
      if (status) status.textContent = '';
      this.showError(e, errorBox);
      return undefined;
    } finally {
      if (button) button.disabled = false;
      status?.classList.remove('busy');
    }
  }

  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail }));
  }
}
