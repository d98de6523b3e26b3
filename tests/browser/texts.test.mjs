// The site's texts, per area and language (www/messages/<lang>/<area>.json): a first visit
// fetches only the shell's and the start page's texts, in the browser's language; each view
// brings its own; a language switch fetches the other language before it repaints; an error's
// event carries both languages; offline, the other language still comes (the service worker
// precaches every file). And on every view, in both languages, no text is a raw key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SITE_DIR, serve, launchChromium, reloadOffline } from './harness.mjs';

const MESSAGES = join(ROOT, 'www', 'messages');
const KEYS = new Set(readdirSync(join(MESSAGES, 'en')).flatMap((f) => Object.keys(JSON.parse(readFileSync(join(MESSAGES, 'en', f), 'utf8')))));
const text = (lang, area, key) => JSON.parse(readFileSync(join(MESSAGES, lang, `${area}.json`), 'utf8'))[key];

// Each route, what shows once it has painted, and the areas it needs beyond the shell's.
const VIEWS = [
  ['', '.flows', ['home']],
  ['advisor', '#adv-questions fieldset', ['adv', 'error']],
  ['apply', '#ap-product option[value="jcan-mcci"]', ['ap', 'c', 'error']],
  ['receive', '#rc-fetch', ['rc', 'c', 'error']],
  ['check', '#ck-drop', ['ck', 'c', 'error']],
  ['plan', '#pl-product option', ['pl', 'c', 'error']],
  ['tools', '#wb-generate', ['wb', 'error']],
];

let server;
before(async () => { server = await serve(); });
after(() => server?.stop());

/** The message files the page fetched, as 'lang/area', in order. */
function messageRequests(page) {
  const seen = [];
  page.on('request', (r) => { const m = /\/messages\/(ja|en)\/([a-z]+)\.json$/.exec(r.url()); if (m) seen.push(`${m[1]}/${m[2]}`); });
  return seen;
}

/** Every visible text and label on the page that is a key of the catalogs. */
const rawKeys = (page) => page.evaluate((keys) => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) for (const word of walker.currentNode.data.split(/\s+/)) if (keys.includes(word)) found.push(word);
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title]')) {
    for (const attr of ['placeholder', 'aria-label', 'title']) if (keys.includes(el.getAttribute(attr))) found.push(`${attr}=${el.getAttribute(attr)}`);
  }
  return found;
}, [...KEYS]);

test('a first visit fetches its texts only, in its language; views and a switch bring the rest', async () => {
  const context = await launchChromium({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    const fetched = messageRequests(page);
    await page.goto(server.url);
    await page.locator('.flows').waitFor();
    assert.equal(await page.textContent('h1'), text('en', 'home', 'home.title'));
    assert.deepEqual(fetched.sort(), ['en/app', 'en/home']);
    assert.deepEqual(await rawKeys(page), []);

    // Japanese: the areas asked for so far, in Japanese, before the page repaints.
    await page.click('button[data-lang="ja"]');
    await page.waitForFunction(() => document.documentElement.lang === 'ja');
    assert.equal(await page.textContent('h1'), text('ja', 'home', 'home.title'));
    assert.equal(await page.textContent('a[data-route="plan"]'), text('ja', 'app', 'app.nav.plan'));
    assert.deepEqual(fetched.slice(2).sort(), ['ja/app', 'ja/home']);

    // Each view: its own areas, in Japanese only, and no raw key.
    for (const [route, ready, areas] of VIEWS) {
      await page.goto(`${server.url}#/${route}`);
      await page.locator(ready).first().waitFor({ state: 'attached' });
      assert.deepEqual(await rawKeys(page), [], `ja #/${route}`);
      for (const area of areas) assert.ok(fetched.includes(`ja/${area}`), `ja #/${route} fetched ja/${area}`);
    }
    assert.deepEqual(fetched.filter((f) => f.startsWith('en/')).sort(), ['en/app', 'en/home'], 'no English file after the switch');
    assert.equal(new Set(fetched).size, fetched.length, 'each file fetched once');

    // An error the page makes is shown in Japanese; its event carries English too, whose
    // file this page had not needed until then.
    await page.goto(`${server.url}#/receive`);
    await page.locator('#rc-fetch').waitFor();
    const detail = page.evaluate(() => new Promise((resolve) => document.addEventListener('inkan:error', (e) => resolve(e.detail), { once: true })));
    await page.click('#rc-fetch');
    const box = page.locator('#rc-fetch-error');
    await box.waitFor({ state: 'visible' });
    assert.match(await box.textContent(), new RegExp(text('ja', 'rc', 'rc.err.required').slice(0, 8)));
    assert.equal(await box.getAttribute('data-code'), 'invalid_input');
    assert.deepEqual(await detail, { code: 'invalid_input', message: { ja: text('ja', 'rc', 'rc.err.required'), en: text('en', 'rc', 'rc.err.required') } });
    assert.ok(fetched.includes('en/rc'));

    // English again: every area asked for is in English, and every view paints in it.
    await page.click('button[data-lang="en"]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    for (const [route, ready] of VIEWS) {
      await page.goto(`${server.url}#/${route}`);
      await page.locator(ready).first().waitFor({ state: 'attached' });
      assert.deepEqual(await rawKeys(page), [], `en #/${route}`);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    }
    const areasAsked = new Set(fetched.map((f) => f.slice(3)));
    for (const area of areasAsked) assert.ok(fetched.includes(`en/${area}`), `en/${area} after switching back`);
    await page.close();
  } finally {
    await context.close();
  }
});

test('offline, a language switch still brings the other language (precached)', async () => {
  const own = await serve(SITE_DIR);
  const context = await launchChromium({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await reloadOffline(page, own);
    await page.click('button[data-lang="ja"]');
    await page.waitForFunction(() => document.documentElement.lang === 'ja');
    assert.equal(await page.textContent('h1'), text('ja', 'home', 'home.title'));
    await page.click('a[data-route="check"]');
    await page.locator('#ck-drop').waitFor({ state: 'attached' });
    assert.equal(await page.textContent('inkan-check h1'), text('ja', 'ck', 'ck.title'));
    assert.deepEqual(await rawKeys(page), []);
    await page.close();
  } finally {
    await context.close();
    own.stop();
  }
});
