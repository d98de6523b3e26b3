// The widget on a hostile issuer's page. Three origins: the issuer's page H, the Inkan worker E
// serving widget.js, the embed frames and the API, and an "ad" frame V on a third origin that
// forges messages. All three are 127.0.0.1 on different ports: cross-origin (the same-origin
// policy is what keeps the page out of the frame) but same-site, as the README recommends
// (Inkan on a subdomain of the issuer's site), because Chromium blocks a cross-site frame's
// storage outright (see www/widget/README.md, "Storage"). The host page runs a collector (tests/browser/widget-hostile.js) that does its
// worst — keylogs, listens to every event and message, patches fetch/postMessage/XHR, reads its
// own storage and tries to read the frames — while a person applies and collects by keyboard
// and mouse inside the frames. Nothing it collects may hold the key, a PIN, the download
// password or the .p12; forged messages must change nothing; a page not in
// INKAN_EMBED_ORIGINS cannot frame the widget at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { serve, startWorker, startWrangler, launchChromium, recordRequests, tmp, approve, assertNoSecrets, keyFromP12, freePort, mailedCode } from './harness.mjs';
import { applyUntilKey, saveBackup, submit, confirmMailbox, fetchCertificate, buildP12, PERSON } from './flows.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHOTS = process.env.INKAN_SCREENSHOTS ?? join(tmpdir(), 'inkan-screenshots');
let worker, hostServer, adServer, strangerServer, context;
let H, E, V, X, H3, crossServer;

/** An issuer's page embedding the widget the way www/widget/README.md says. */
function hostPage(dir, { host, inkan, ad }) {
  writeFileSync(join(dir, 'index.html'), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Example issuer — apply</title>
<script src="/widget-hostile.js"></script>
<script type="module" src="${inkan}/widget.js"></script>
</head><body>
<header><h1>Example issuer</h1></header>
<main>
<p><a id="before" href="#enroll">Apply below</a></p>
<inkan-enroll id="enroll" product="jcan-mcci" locale="en" receive-url="${host}/collect?id={id}"></inkan-enroll>
<p><a id="between" href="#receive">Collect below</a></p>
<inkan-receive id="receive" locale="en"></inkan-receive>
<inkan-expiry product="jcan-mcci" locale="ja" downloaded="2026-11-22"></inkan-expiry>
${ad ? `<iframe id="ad" title="Advertisement" src="${ad}/forge.html"></iframe>` : ''}
</main>
</body></html>`);
  copyFileSync(join(HERE, 'widget-hostile.js'), join(dir, 'widget-hostile.js'));
}

/** The host CSP the README asks for (+ the ad frame): no connect-src, worker-src, wasm or style
 * allowance for Inkan any more — the work happens in the frame. */
const hostCsp = (inkan, ad) => `default-src 'self'; script-src 'self' ${inkan}; frame-src ${inkan} blob: ${ad}; object-src 'none'; base-uri 'none'`;

before(async () => {
  const hostPort = await freePort();
  H = `http://127.0.0.1:${hostPort}`;
  const crossPort = await freePort();
  H3 = `http://127.0.0.1:${crossPort}`;
  worker = await startWorker({ embedOrigins: [H, H3] });
  E = new URL(worker.url).origin;
  const adDir = tmp('inkan-ad-');
  writeFileSync(join(adDir, 'forge.html'), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ad</title><script src="forge.js"></script></head><body><p>Ad</p></body></html>');
  // A third-origin frame on the page forging the protocol in both directions.
  writeFileSync(join(adDir, 'forge.js'), `window.forge = () => {
  let sent = 0;
  for (let i = 0; i < parent.frames.length; i++) {
    if (parent.frames[i] === window) continue;
    parent.frames[i].postMessage({ inkan: 1, type: 'update', detail: { locale: 'ja', application: 'FORGED-APP', theme: { accent: '#ff0000' } } }, '*');
    sent++;
  }
  parent.postMessage({ inkan: 1, type: 'application', detail: { id: 'FORGED-ID', status: 'approved' } }, '*');
  parent.postMessage({ inkan: 1, type: 'height', detail: { height: 5 } }, '*');
  return sent;
};`);
  adServer = await serve(adDir, { csp: "default-src 'self'" });
  V = new URL(adServer.url).origin;
  const hostDir = tmp('inkan-host-');
  hostPage(hostDir, { host: H, inkan: E, ad: V });
  hostServer = await serve(hostDir, { port: hostPort, csp: hostCsp(E, V) });
  // A page on an origin that is not in INKAN_EMBED_ORIGINS.
  const strangerDir = tmp('inkan-stranger-');
  hostPage(strangerDir, { host: 'http://stranger.invalid', inkan: E });
  strangerServer = await serve(strangerDir, { csp: `default-src 'self'; script-src 'self' ${E}; frame-src ${E}` });
  X = new URL(strangerServer.url).origin;
  // An issuer page embedding Inkan from another site (localhost vs 127.0.0.1).
  const crossInkan = `http://localhost:${new URL(worker.url).port}`;
  const crossDir = tmp('inkan-cross-');
  hostPage(crossDir, { host: H3, inkan: crossInkan });
  crossServer = await serve(crossDir, { port: crossPort, csp: `default-src 'self'; script-src 'self' ${crossInkan}; frame-src ${crossInkan}` });
  context = await launchChromium();
});
after(async () => { await context?.close(); worker?.stop(); hostServer?.stop(); adServer?.stop(); strangerServer?.stop(); crossServer?.stop(); });

async function frameOf(page, selector, ready) {
  const handle = await page.waitForSelector(`${selector} > iframe`, { state: 'attached' });
  const frame = await handle.contentFrame();
  await frame.waitForSelector(ready, { state: 'attached', timeout: 30_000 });
  return frame;
}

/** Presses Tab until the focused element in `frame` has `id` (keyboard only, as a person would). */
async function tabTo(page, frame, id) {
  for (let i = 0; i < 80; i++) {
    if (await frame.evaluate(() => document.activeElement?.id) === id) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached #${id}`);
}

async function axe(page, label) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations.map((v) => `${label}: ${v.id} (${v.impact}) ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`);
}

/** The whole embedded flow on the hostile page at `host`, against `inkan` (the worker
 * `server`, native or wrangler): what the page learns, what crosses the network, axe, keyboard. */
async function embeddedFlow({ host, inkan, server }) {
  const [H, E] = [host, inkan];
  const worker = server;
  const dir = tmp();
  const pin = 'widget-pin-1234';
  const page = await context.newPage();
  const requests = recordRequests(context);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(`${H}/`);
  const enroll = await frameOf(page, 'inkan-enroll', '#ap-product option[value="jcan-mcci"]');
  const receive = await frameOf(page, 'inkan-receive', '#rc-fetch');
  const expiry = await frameOf(page, 'inkan-expiry', '.plan[data-expires]');
  assert.equal(await page.getAttribute('inkan-enroll > iframe', 'title'), 'Inkan: apply for a certificate');
  assert.match(await expiry.textContent('.plan'), /有効期限/);
  // Auto-height: the frame reported its content's height and the element sized the iframe.
  await page.waitForFunction(() => { const f = document.querySelector('inkan-enroll > iframe'); return f.style.height && f.style.height !== '5px'; });
  const a11y = await axe(page, 'forms');

  // Forged messages from the ad's origin: to every frame (an update) and to the page (fake
  // reports). Then the real page changes a frame's locale: once that arrived, the forgeries
  // posted before it have been handled too.
  const ad = await (await page.waitForSelector('#ad')).contentFrame();
  await ad.waitForFunction(() => typeof window.forge === 'function');
  assert.ok(await ad.evaluate(() => window.forge()) >= 3, 'the ad reached the widget frames');
  await page.evaluate(() => document.querySelector('inkan-receive').setAttribute('locale', 'ja'));
  await receive.waitForFunction(() => document.documentElement.lang === 'ja');
  assert.equal(await enroll.evaluate(() => document.documentElement.lang), 'en', 'a forged update changed the locale');
  for (const frame of [enroll, receive]) {
    assert.equal(await frame.evaluate(() => document.documentElement.style.getPropertyValue('--accent')), '', 'a forged theme was applied');
  }
  await page.evaluate(() => document.querySelector('inkan-receive').setAttribute('locale', 'en'));
  await receive.waitForFunction(() => document.documentElement.lang === 'en');

  // Keyboard only, across the frame boundary: Tab from the page into the frame, Shift+Tab out.
  await page.focus('#before');
  await page.keyboard.press('Tab');
  assert.match(await enroll.evaluate(() => document.activeElement?.id ?? ''), /^ap-/, 'Tab enters the widget frame');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'before', 'Shift+Tab leaves it');
  await page.keyboard.press('Tab');
  for (const [id, value] of [['ap-namejp', PERSON.nameJa], ['ap-romaji', PERSON.romaji], ['ap-email', PERSON.email], ['ap-org', PERSON.org], ['ap-pin', pin], ['ap-pin2', pin]]) {
    await tabTo(page, enroll, id);
    await page.keyboard.type(value);
  }
  await tabTo(page, enroll, 'ap-create');
  await page.keyboard.press('Enter');
  await enroll.locator('#ap-key').waitFor({ state: 'visible', timeout: 90_000 });
  await page.evaluate(() => window.__sweep());

  await saveBackup(enroll, dir);
  const { id, downloadPassword } = await submit(enroll);
  await page.evaluate(() => window.__sweep());
  await confirmMailbox(enroll, await mailedCode(worker, id));
  await approve(worker.url, id);
  a11y.push(...await axe(page, 'letter'));
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `widget-host-letter-${server.dataDir ? 'native' : 'wrangler'}.png`), fullPage: true });

  await receive.fill('#rc-id', id);
  await receive.fill('#rc-pw', 'WRONG-WRONG-WRONG-WRONG');
  await receive.click('#rc-fetch');
  await page.waitForFunction(() => window.__events.some((e) => e.type === 'inkan:error' && e.detail.code === 'wrong_password'));
  await fetchCertificate(receive, { id, downloadPassword });
  // The key is in this frame's storage (the same site of the same page), so it is found.
  assert.equal(await receive.isVisible('#rc-key-found'), true);
  const p12 = await buildP12(receive, dir, { pin, profile: 'modern' });
  const got = keyFromP12(p12, pin, dir);
  assert.match(got.leaf, /Taro Yamada/);
  await receive.click('#rc-confirm');
  await page.waitForFunction(() => window.__events.some((e) => e.type === 'inkan:key-removed'));
  a11y.push(...await axe(page, 'done'));
  await page.evaluate(() => window.__sweep());

  // What the page collected: it worked (it has the id and the CSR) but it holds no secret.
  const loot = await page.evaluate(() => window.__loot.join('\n'));
  assert.ok(loot.includes(id), 'the collector saw the public reports');
  assert.match(loot, /BLOCKED contentDocument/, 'reading the frame DOM failed');
  assert.match(loot, /BLOCKED contentWindow\.document/);
  assert.doesNotMatch(loot, /ap-pin|rc-pin|ap-letter-pw/, 'the frame DOM leaked into the page');
  assert.doesNotMatch(loot, /keydown: \{"key":"[^"]"/, 'a character key typed in the frame reached the page');
  const asRequest = [{ url: 'host-page-collector', method: 'LOOT', body: Buffer.from(loot, 'utf8') }];
  assertNoSecrets(asRequest, { keyDer: got.keyDer, spkiDer: got.spkiDer, pins: [pin, downloadPassword] });
  // The .p12 in any encoding (its bytes are ciphertext: every 16-byte window is "secret").
  assertNoSecrets(asRequest, { keyDer: readFileSync(p12), spkiDer: Buffer.alloc(0), pins: [] });

  // What the page was told: the allowed reports, nothing more.
  const events = await page.evaluate(() => window.__events);
  const of = (type) => events.filter((e) => e.type === type).map((e) => e.detail);
  assert.ok(of('inkan:csr').some((d) => /BEGIN CERTIFICATE REQUEST/.test(d.pem) && d.product === 'jcan-mcci'), 'inkan:csr');
  assert.ok(of('inkan:application').some((d) => d.id === id && d.product === 'jcan-mcci'), 'inkan:application');
  assert.ok(of('inkan:mailbox-confirmed').some((d) => d.id === id), 'inkan:mailbox-confirmed');
  assert.deepEqual(of('inkan:p12'), [{ applicationId: id, profile: 'modern', filename: of('inkan:p12')[0]?.filename }]);
  assert.match(of('inkan:p12')[0].filename, /\.p12$/);
  assert.deepEqual(of('inkan:key-removed'), [{ applicationId: id }]);
  const wrong = of('inkan:error').find((d) => d.code === 'wrong_password');
  assert.ok(wrong?.message?.ja && wrong?.message?.en, 'errors carry ja/en text');
  assert.ok(!events.some((e) => JSON.stringify(e.detail).includes('FORGED')), 'a forged report reached the page');
  assert.notEqual(await page.evaluate(() => document.querySelector('inkan-enroll > iframe').style.height), '5px');

  // The network: no key, PIN or download password in any URL or body, from page or frames.
  assertNoSecrets(requests, { keyDer: got.keyDer, spkiDer: got.spkiDer, pins: [pin] });
  assert.ok(requests.some((r) => r.url === `${E}/api/applications`), 'the frame called the API on its own origin');
  assert.deepEqual(a11y, [], 'axe inside the frames');
  // (403 = the deliberate wrong password; 404 = the host page's own favicon)
  assert.deepEqual(problems.filter((p) => !/ 403 | 404 |Forbidden|Not Found/.test(p)), []);
  await page.close();
}

test('a hostile issuer page embeds the widget: enrol → approve → collect → .p12, and it learns no secret', async () => {
  await embeddedFlow({ host: H, inkan: E, server: worker });
});

test('a page not in INKAN_EMBED_ORIGINS cannot frame the widget (the browser refuses)', async () => {
  const page = await context.newPage();
  const refused = page.waitForEvent('console', { predicate: (m) => m.text().includes('frame-ancestors') && m.text().includes(E) });
  await page.goto(`${X}/`);
  const message = (await refused).text();
  assert.match(message, /violates the following Content Security Policy directive: "frame-ancestors 'self'(?: http:\/\/127\.0\.0\.1:\d+)+"/);
  // The frame holds Chromium's error page, not the widget.
  const frame = await (await page.waitForSelector('inkan-enroll > iframe', { state: 'attached' })).contentFrame();
  await page.waitForFunction(() => document.readyState === 'complete');
  assert.equal(frame.url(), 'chrome-error://chromewebdata/');
  assert.equal(await frame.evaluate(() => !!document.querySelector('inkan-embed-enroll')).catch(() => false), false);
  assert.equal(await page.evaluate(() => window.__events.length), 0, 'the refused frame reported nothing');
  // The embed origins are what the worker says (no wildcard, not the stranger).
  const { origins } = await (await fetch(`${worker.url}api/embed`)).json();
  assert.deepEqual(origins, [H, H3]);
  assert.ok(!origins.includes(X));
  await page.close();
});

test('embedded cross-site, where Chromium refuses the frame its storage: it says so; the key is made, and after a reload the receive step explains the missing key and takes the backup file', async () => {
  const dir = tmp();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${H3}/`);
  const enroll = await frameOf(page, 'inkan-enroll', '#ap-product option[value="jcan-mcci"]');
  assert.ok(await enroll.isVisible('#em-storage-refused'), 'the applicant is told');
  assert.match(await enroll.textContent('#em-storage-refused'), /backup file/);
  await page.waitForFunction(() => window.__events.some((e) => e.type === 'inkan:error' && e.detail.code === 'storage_refused'));
  const pin = 'cross-site-pin-1';
  await applyUntilKey(enroll, { pin, algorithm: 'p256' });
  const backupPath = await saveBackup(enroll, dir);
  assert.match(readFileSync(backupPath, 'utf8'), /BEGIN ENCRYPTED PRIVATE KEY/);
  const { id, downloadPassword } = await submit(enroll);
  await confirmMailbox(enroll, await mailedCode(worker, id));
  await approve(worker.url, id);
  // The page is closed and opened again: the key that lived in memory is gone. The receive
  // step says why and takes the backup file.
  await page.reload();
  const receive = await frameOf(page, 'inkan-receive', '#rc-fetch');
  await fetchCertificate(receive, { id, downloadPassword });
  assert.equal(await receive.isVisible('#rc-key-missing'), true, 'the missing key is reported');
  assert.match(await receive.textContent('#rc-key-partitioned'), /7 days/);
  await receive.setInputFiles('#rc-key-file', backupPath);
  await receive.waitForFunction(() => document.querySelector('#rc-key-file-status').textContent.trim() !== '');
  const p12 = await buildP12(receive, dir, { pin, profile: 'legacy' });
  assert.match(keyFromP12(p12, pin, dir).leaf, /Taro Yamada/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the embedded flow against the Workers build under wrangler dev: site, embed pages and API from one Worker', async () => {
  const port = await freePort();
  const host = `http://127.0.0.1:${port}`;
  const wrangler = await startWrangler({ embedOrigins: [host] });
  let hostServer2;
  try {
    const inkan = new URL(wrangler.url).origin;
    // The static assets carry the native server's header policy.
    const embed = await fetch(`${wrangler.url}embed/enroll`);
    assert.equal(embed.status, 200);
    assert.match(embed.headers.get('content-security-policy'), new RegExp(`frame-ancestors 'self' ${host}$`));
    assert.equal(embed.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(embed.headers.get('cross-origin-opener-policy'), 'same-origin');
    const dir = tmp('inkan-host-wrangler-');
    hostPage(dir, { host, inkan, ad: V });
    hostServer2 = await serve(dir, { port, csp: hostCsp(inkan, V) });
    await embeddedFlow({ host, inkan, server: wrangler });
  } finally {
    hostServer2?.stop();
    await wrangler.stop();
  }
});
