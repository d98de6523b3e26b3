// Language: Japanese for Japanese browsers, English otherwise; the choice is remembered.
//
// The texts live in www/messages/ja.json and en.json: flat `key → text` objects with `{name}`
// placeholders, the same format as the crates' messages/ files. They are fetched once, here, at
// the top level of this module: every module that imports this one (the page shell, the widget's
// frames, each view) runs only after both files are in, so no view ever paints a raw key.
const STORAGE_KEY = 'inkan.lang';

const LANGS = ['ja', 'en'];

/** Both catalogs; a file that cannot be fetched leaves its language empty (keys show as-is). */
async function loadCatalogs() {
  const entries = await Promise.all(LANGS.map(async (lang) => {
    try {
      const res = await fetch(new URL(`../messages/${lang}.json`, import.meta.url));
      return [lang, res.ok ? await res.json() : {}];
    } catch {
      return [lang, {}];
    }
  }));
  return Object.fromEntries(entries);
}

const catalogs = await loadCatalogs();

export function currentLang() {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'ja' || saved === 'en') return saved;
  return (navigator.languages?.[0] ?? navigator.language ?? 'en').toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export function setLang(lang) {
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  window.dispatchEvent(new CustomEvent('inkan:lang', { detail: { lang } }));
}

/** Translates a key; `{name}` placeholders are filled from `vars`. */
export function t(key, vars = {}, lang = currentLang()) {
  const text = catalogs[lang]?.[key] ?? catalogs.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

/** A key's text in both languages, `{ja, en}`: the shape every error and widget event carries. */
export function texts(key, vars = {}) {
  return { ja: t(key, vars, 'ja'), en: t(key, vars, 'en') };
}

/** Fills every `[data-i18n]` element below `root`. */
export function translate(root, lang = currentLang()) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n, {}, lang);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder, {}, lang);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel, {}, lang));
}
