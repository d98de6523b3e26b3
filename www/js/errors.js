// InkanError: every failure the page shows, with a stable `code` and its text in both
// languages. A site text (www/messages/) travels as its key and arguments, rendered in the
// language that asks; the wasm's and the worker API's texts come as `{ja, en}`.
import { LANGS, hasText, loadTexts, t } from './i18n.js';

export class InkanError extends Error {
  #ja;
  #en;

  constructor({ code, key, vars = {}, ja, en, fatal, status, retryAfter }) {
    super(key ? t(key, vars, 'en') : en);
    this.name = 'InkanError';
    this.code = code;
    this.key = key;
    this.vars = vars;
    this.#ja = ja;
    this.#en = en;
    this.fatal = !!fatal;
    this.status = status;
    this.retryAfter = retryAfter;
  }

  text(lang) { return this.key ? t(this.key, this.vars, lang) : lang === 'ja' ? this.#ja : this.#en; }
  get ja() { return this.text('ja'); }
  get en() { return this.text('en'); }
  /** Whether the text is in both languages; loadText() makes it so. */
  hasText() { return !this.key || hasText(this.key); }
  loadText() { return loadTexts([this.key.split('.')[0]], LANGS); }
}

/** Any thrown value as an InkanError (plain Errors get a generic code). */
export function asInkanError(e) {
  if (e instanceof InkanError) return e;
  if (e?.code && (e?.key || (e?.ja && e?.en))) return new InkanError(e);
  return new InkanError({ code: 'unexpected_error', key: 'error.unexpected', vars: { reason: String(e?.message ?? e) } });
}
