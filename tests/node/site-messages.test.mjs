// The site's texts (www/messages/<lang>/<area>.json, the crates' flat `key → text` format, one
// file per area: the key's first segment): both languages say the same things, the catalogs
// and the code that renders them agree, and each module loads the areas it renders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
const MESSAGES = join(ROOT, 'www', 'messages');
/** A language's files: area → `key → text`. */
const files = (lang) => Object.fromEntries(readdirSync(join(MESSAGES, lang)).map((name) => {
  assert.match(name, /^[a-z]+\.json$/, `messages/${lang}/${name}`);
  return [name.slice(0, -'.json'.length), JSON.parse(readFileSync(join(MESSAGES, lang, name), 'utf8'))];
}));
const areas = { ja: files('ja'), en: files('en') };
const catalog = (lang) => Object.assign({}, ...Object.values(areas[lang]));
const ja = catalog('ja');
const en = catalog('en');
const areaOf = (key) => key.split('.')[0];

/** Every file below `dir` whose name ends in one of `exts`, with its text. */
function sources(dir, exts) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'pkg' ? [] : sources(p, exts);
    return exts.some((ext) => name.endsWith(ext)) ? [{ path: relative(ROOT, p), text: readFileSync(p, 'utf8') }] : [];
  });
}
// The scripts, and the pages whose static text (data-i18n) the shell translates.
const code = [...sources(join(ROOT, 'www', 'js'), ['.js']), ...sources(join(ROOT, 'www'), ['.html'])];

const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

// Keys the code builds from a prefix and a value, so no literal names them. Each prefix is
// here with the place that builds it.
const BUILT = {
  'home.': 'views/home.js: home.${key} and home.${key}.d for each flow on the start page',
  'adv.fit.': 'views/advisor.js: the badge of a product\'s fit (good, possible, no)',
  'ap.s.': 'views/apply.js: the stepper\'s steps (APPLY_STEPS)',
  'ap.p.': 'views/apply-key.js: the key progress\'s stages',
  'ap.backup.file.': 'views/apply-backup.js: both(name), the backup file\'s header lines',
  'ck.kind.': 'views/check.js: the kind of file the inspection found',
  'ck.role.': 'views/check.js: a certificate\'s role in the file',
  'ck.v.': 'views/check.js: a platform\'s verdict',
  'c.status.': 'views/common.js: an application\'s status from the worker',
  'c.dl.': 'views/common.js: the download rule\'s counted_from and after_deadline values',
  'c.before.': 'views/common.js: a notice\'s unit (days, weeks, months)',
  'c.profile.': 'views/common.js: the PKCS#12 profile and its why',
  'c.plan.reapply.': 'views/common.js: the plan\'s reapply_basis',
};

// The English text names a technical reason (an exception's message) that the Japanese text
// leaves out, as it did before the texts moved here.
const EN_ONLY_PLACEHOLDERS = {
  'error.worker_failed': ['reason'],
  'error.wasm_load_failed': ['reason'],
  'error.worker_unexpected': ['reason'],
};

test('both languages have the same files and keys, and each key is in its area\'s file', () => {
  assert.deepEqual(Object.keys(areas.ja).sort(), Object.keys(areas.en).sort());
  assert.deepEqual(readdirSync(MESSAGES).sort(), ['en', 'ja'], 'www/messages holds one folder per language');
  for (const lang of ['ja', 'en']) {
    for (const [area, texts] of Object.entries(areas[lang])) {
      for (const key of Object.keys(texts)) assert.equal(areaOf(key), area, `messages/${lang}/${area}.json: ${key}`);
    }
  }
  assert.deepEqual(Object.keys(ja).sort(), Object.keys(en).sort());
});

test('every key has the same placeholders in both languages', () => {
  for (const key of Object.keys(ja)) {
    const only = EN_ONLY_PLACEHOLDERS[key] ?? [];
    assert.deepEqual(placeholders(ja[key]), placeholders(en[key]).filter((p) => !only.includes(p)), key);
  }
});

// Texts that are the same in both languages and need no Japanese: a format and algorithm names.
const ASCII_IN_JAPANESE = new Set(['ap.id.item', 'wb.rsa3072', 'wb.p384']);

test('no text is empty, and no Japanese text is pure ASCII', () => {
  for (const [lang, texts] of [['ja', ja], ['en', en]]) {
    for (const [key, text] of Object.entries(texts)) {
      assert.equal(typeof text, 'string', `${lang} ${key}`);
      assert.ok(text.trim().length > 0, `${lang} ${key} is empty`);
    }
  }
  for (const [key, text] of Object.entries(ja)) if (!ASCII_IN_JAPANESE.has(key)) assert.match(text, /[^\x00-\x7f]/, `ja ${key} is pure ASCII`);
});

test('every key is used in www/js or a page', () => {
  const quoted = (key) => new RegExp(`['"\`]${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"\`]`);
  const unused = Object.keys(ja).filter((key) => !Object.keys(BUILT).some((p) => key.startsWith(p))
    && !code.some(({ text }) => quoted(key).test(text)));
  assert.deepEqual(unused, []);
  const stale = Object.keys(BUILT).filter((prefix) => !Object.keys(ja).some((key) => key.startsWith(prefix)));
  assert.deepEqual(stale, [], 'a listed prefix names no key');
});

test('every key the code names literally is in the catalogs', () => {
  const uses = [
    /\bt\(\s*'([^']+)'/g, // t('…') and this.t('…')
    /\btexts\(\s*'([^']+)'/g,
    /\bkey:\s*'([^']+)'/g, // an error's text: { code, key: '…', vars }
    /'data-i18n(?:-placeholder|-label)?':\s*'([^']+)'/g,
    /data-i18n(?:-placeholder|-label)?="([^"]+)"/g,
  ];
  const missing = [];
  for (const { path, text: source } of code) {
    const text = source.split('\n').filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line)).join('\n'); // not comments' examples
    for (const re of uses) for (const [, key] of text.matchAll(re)) if (!(key in ja)) missing.push(`${path}: ${key}`);
  }
  assert.deepEqual(missing, []);
});

// ---- Loading: a module awaits the areas it renders ------------------------------------------
// What a module renders: t() / this.t() / texts() of a key or of a `prefix.${…}` template, and
// data-i18n attributes (translate() fills them). An error's `key: '…'` is not rendered by the
// module that makes the error: View.showError() loads its area when it shows it.
const RENDERED = [
  /\b(?:t|texts)\(\s*['`]([a-z]+)\./g,
  /'data-i18n(?:-placeholder|-label)?':\s*'([a-z]+)\./g,
];
/** The areas `loadTexts([...])` calls name, and those loaded in both languages (`, LANGS`). */
function loads(text) {
  const all = new Set();
  const both = new Set();
  for (const [, list, langs] of text.matchAll(/loadTexts\(\[([^\]]*)\](?:,\s*(\w+))?/g)) {
    for (const [, area] of list.matchAll(/'([a-z]+)'/g)) { all.add(area); if (langs === 'LANGS') both.add(area); }
  }
  return { all, both };
}
const scripts = code.filter(({ path }) => path.endsWith('.js') && !path.endsWith('i18n.js'));

test('each module loads the areas of the texts it renders', () => {
  const missing = [];
  for (const { path, text } of scripts) {
    const { all } = loads(text);
    for (const re of RENDERED) for (const [, area] of text.matchAll(re)) if (!all.has(area)) missing.push(`${path}: ${area}`);
  }
  assert.deepEqual([...new Set(missing)], []);
});

test('texts() in both languages only where the module loads that area in both', () => {
  const missing = [];
  for (const { path, text } of scripts) {
    const { both } = loads(text);
    for (const [, area] of text.matchAll(/\btexts\(\s*['`]([a-z]+)\./g)) if (!both.has(area)) missing.push(`${path}: ${area}`);
  }
  assert.deepEqual([...new Set(missing)], []);
});

test('the pages\' own texts are the shell\'s area, which app.js loads', () => {
  for (const { path, text } of code.filter(({ path }) => path.endsWith('.html'))) {
    for (const [, key] of text.matchAll(/data-i18n(?:-placeholder|-label)?="([^"]+)"/g)) assert.equal(areaOf(key), 'app', `${path}: ${key}`);
  }
  assert.ok(loads(code.find(({ path }) => path === 'www/js/app.js').text).all.has('app'));
});

test('every area is loaded by some module', () => {
  const loaded = new Set(scripts.flatMap(({ text }) => [...loads(text).all]));
  assert.deepEqual(Object.keys(areas.ja).filter((area) => !loaded.has(area)), []);
});
