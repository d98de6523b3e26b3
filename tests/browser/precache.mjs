// The service worker's precache list, generated from the site's files.
//   node tests/browser/precache.mjs            rewrites the list in www/sw.js from www/
//   import { precacheFiles, listedInSw } ...   used by pwa.test.mjs to compare with dist/www
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');

// Not part of the site's shell: the service worker itself, the widget and its frames (used
// from issuers' pages, not offline), TypeScript declarations, build leftovers and docs.
const EXCLUDE = [/^sw\.js$/, /^widget\.js$/, /^widget\//, /^embed\//, /^js\/embed\.js$/, /^js\/embed-storage\.js$/, /^css\/embed\.css$/, /\.d\.ts$/, /(^|\/)\./, /^pkg\/package\.json$/, /\.md$/, /^pkg\/\.route$/];

export function precacheFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.filter((f) => !EXCLUDE.some((re) => re.test(f))).sort();
}

export function listedInSw(swPath) {
  const text = readFileSync(swPath, 'utf8');
  const m = /\/\/ PRECACHE-START\n([\s\S]*?)\/\/ PRECACHE-END/.exec(text);
  if (!m) throw new Error(`${swPath}: no PRECACHE-START/END markers`);
  return JSON.parse(m[1].replace(/^const PRECACHE = /, '').replace(/;\s*$/, ''));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const www = join(ROOT, 'www');
  const files = precacheFiles(www);
  const swPath = join(www, 'sw.js');
  const text = readFileSync(swPath, 'utf8');
  const list = `const PRECACHE = ${JSON.stringify(files, null, 2)};\n`;
  writeFileSync(swPath, text.replace(/(\/\/ PRECACHE-START\n)[\s\S]*?(\/\/ PRECACHE-END)/, `$1${list}$2`));
  console.log(`sw.js: ${files.length} files precached`);
}
