// Language: Japanese for Japanese browsers, English otherwise; the choice is remembered.
//
// The texts are in www/messages/<lang>/<area>.json (flat `key → text`, `{name}` placeholders),
// one file per area, the key's first segment: `ap.s.key` is in messages/<lang>/ap.json. A module
// awaits the areas it renders at its top level, `await loadTexts(['ap'])`, so no view paints a
// raw key and a page fetches only its views' texts, in its language; with `LANGS`, in both (an
// error's `{ja, en}`, a widget frame). tests/node/site-messages.test.mjs checks who loads what.
const STORAGE_KEY = 'inkan.lang';

export const LANGS = ['ja', 'en'];

const catalogs = { ja: {}, en: {} };
const requests = { ja: new Map(), en: new Map() }; // lang → area → its fetch, made once

/** Makes the texts of `names` (areas) ready in `langs`. A file that cannot be fetched leaves
 * its keys out: t() then shows the other language, or the key. */
export async function loadTexts(names, langs = [currentLang()]) {
  await Promise.all(langs.flatMap((lang) => names.map((area) => {
    if (!requests[lang].has(area)) {
      requests[lang].set(area, fetch(new URL(`../messages/${lang}/${area}.json`, import.meta.url))
        .then((res) => (res.ok ? res.json() : {}))
        .then((texts) => Object.assign(catalogs[lang], texts), () => {}));
    }
    return requests[lang].get(area);
  })));
}

export function currentLang() {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'ja' || saved === 'en') return saved;
  return (navigator.languages?.[0] ?? navigator.language ?? 'en').toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

/** Remembered at once (a module loading meanwhile fetches the new language); announced when
 * every area asked for so far is in it, unless another switch came meanwhile. */
export async function setLang(lang) {
  localStorage.setItem(STORAGE_KEY, lang);
  const asked = new Set(LANGS.flatMap((l) => [...requests[l].keys()]));
  await loadTexts([...asked], [lang]);
  if (currentLang() !== lang) return;
  document.documentElement.lang = lang;
  window.dispatchEvent(new CustomEvent('inkan:lang', { detail: { lang } }));
}

/** Translates a key; `{name}` placeholders are filled from `vars`. */
export function t(key, vars = {}, lang = currentLang()) {
  const text = catalogs[lang][key] ?? catalogs.en[key] ?? catalogs.ja[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

/** A key's text in both languages, `{ja, en}` (its area loaded with `LANGS`). */
export function texts(key, vars = {}) {
  return { ja: t(key, vars, 'ja'), en: t(key, vars, 'en') };
}

/** Whether `key`'s text is in both languages. */
export const hasText = (key) => LANGS.every((lang) => key in catalogs[lang]);

/** Fills every `[data-i18n]` element below `root`. */
export function translate(root, lang = currentLang()) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n, {}, lang);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder, {}, lang);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel, {}, lang));
}
