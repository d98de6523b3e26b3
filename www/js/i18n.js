// Language: Japanese for Japanese browsers, English otherwise; the choice is remembered.
const STORAGE_KEY = 'inkan.lang';

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

const dictionaries = {};

export function register(strings) {
  for (const [key, value] of Object.entries(strings)) dictionaries[key] = value;
}

/** Translates a key; `{name}` placeholders are filled from `vars`. */
export function t(key, vars = {}, lang = currentLang()) {
  const entry = dictionaries[key];
  const text = entry ? (entry[lang] ?? entry.en) : key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

/** Fills every `[data-i18n]` element below `root`. */
export function translate(root, lang = currentLang()) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n, {}, lang);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder, {}, lang);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel, {}, lang));
}
