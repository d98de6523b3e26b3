// Writes the site's static data from the built wasm package, so views can paint without
// waiting for the 1.5 MB wasm: the advisor's questions and the product catalog, exactly as
// the wasm returns them (`advisorQuestions()`, `products()`, `sources()`: the sellers' page
// titles shown instead of seed file names; all carry ja and en texts).
// The data is never written by hand: scripts/build-site.sh runs this after every wasm build.
//
//   node scripts/site-data.mjs PKG_DIR OUT_FILE      (default: www/pkg www/data/advisor.json)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = resolve(process.argv[2] ?? join(ROOT, 'www/pkg'));
const out = resolve(process.argv[3] ?? join(ROOT, 'www/data/advisor.json'));

// The knowledge module (catalog, expiry, advisor) holds these exports.
const inkan = await import(pathToFileURL(join(pkg, 'inkan_knowledge.js')).href);
inkan.initSync({ module: readFileSync(join(pkg, 'inkan_knowledge_bg.wasm')) });

const data = { version: inkan.version(), questions: inkan.advisorQuestions(), products: inkan.products(), sources: inkan.sources() };
const text = `${JSON.stringify(data)}\n`;
// JSON must carry the values unchanged: a Map, undefined or BigInt from serde-wasm-bindgen
// would be lost or altered silently by JSON.stringify, so compare the round trip.
if (!isDeepStrictEqual(JSON.parse(text), data)) {
  throw new Error('site-data: the wasm returned values that JSON cannot carry unchanged');
}
if (!data.questions.length || !data.products.length) throw new Error('site-data: no questions or no products');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, text);
console.log(`site-data: ${out} (${data.questions.length} questions, ${data.products.length} products, ${text.length} bytes)`);
