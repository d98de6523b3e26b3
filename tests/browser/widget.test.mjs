// The widget on an issuer's page on another origin, the way an issuer embeds it: one module
// script tag from the widget's origin, the API on the worker's origin (CORS), the host page
// under its own strict CSP. Three origins: host page, widget files, worker API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve, startWorker, launchChromium, recordRequests, tmp, approve, assertNoSecrets, keyFromP12, freePort, SITE_DIR, mailedCode } from './harness.mjs';
import { applyUntilKey, saveBackup, submit, confirmMailbox, fetchCertificate, buildP12 } from './flows.mjs';

let widgetServer, hostServer, worker, context, hostUrl;
before(async () => {
  widgetServer = await serve(SITE_DIR, { cors: true }); // e.g. https://inkan.example
  const W = new URL(widgetServer.url).origin;
  const hostPort = await freePort();
  const H = `http://127.0.0.1:${hostPort}`;
  worker = await startWorker({ corsOrigins: [H] });
  const E = new URL(worker.url).origin;
  const hostDir = tmp('inkan-host-');
  mkdirSync(hostDir, { recursive: true });
  // The snippet from www/widget/README.md, as an issuer would paste it.
  writeFileSync(join(hostDir, 'index.html'), `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>Example issuer — apply</title>
<script type="module" src="${W}/widget.js"></script>
</head><body>
<h1>Example issuer</h1>
<main>
<inkan-enroll endpoint="${E}" product="jcan-mcci" locale="en"></inkan-enroll>
<inkan-receive endpoint="${E}" locale="en"></inkan-receive>
<inkan-expiry product="jcan-mcci" locale="ja" downloaded="2026-11-22"></inkan-expiry>
</main>
</body></html>`);
  const csp = `default-src 'self'; script-src 'self' ${W} 'wasm-unsafe-eval'; style-src 'self' ${W}; worker-src blob: ${W}; connect-src ${W} ${E}; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'`;
  hostServer = await serve(hostDir, { csp, port: hostPort });
  hostUrl = hostServer.url;
  context = await launchChromium();
});
after(async () => { await context?.close(); worker?.stop(); widgetServer?.stop(); hostServer?.stop(); });

test('widget on another origin: enroll → approve → receive → .p12, events, CORS, no key on the wire', async () => {
  const dir = tmp();
  const pin = 'widget-pin-1234';
  const page = await context.newPage();
  const requests = recordRequests(context);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(hostUrl);
  await page.evaluate(() => {
    window.__events = [];
    for (const type of ['inkan:csr', 'inkan:application', 'inkan:p12', 'inkan:error']) {
      document.addEventListener(type, (e) => window.__events.push({ type, code: e.detail?.code, bytes: e.detail?.bytes?.length, id: e.detail?.id, pem: !!e.detail?.pem }));
    }
  });
  // Shadow DOM, styled (components.css loaded from the widget origin), English by attribute.
  await page.waitForSelector('inkan-enroll[data-styled]');
  assert.equal(await page.evaluate(() => !!document.querySelector('inkan-enroll').shadowRoot), true);
  assert.equal((await page.textContent('inkan-enroll h1')).trim(), 'Apply for a certificate');
  // The expiry widget needs no network beyond its own files: Japanese, with the plan.
  await page.waitForSelector('inkan-expiry .plan[data-expires]');
  assert.match(await page.textContent('inkan-expiry .plan'), /有効期限/);

  await applyUntilKey(page, { pin, scope: 'inkan-enroll' });
  await saveBackup(page, dir, { scope: 'inkan-enroll' });
  const { id, downloadPassword } = await submit(page, { scope: 'inkan-enroll' });
  await confirmMailbox(page, await mailedCode(worker, id), { scope: 'inkan-enroll' });
  await approve(worker.url, id);

  await page.fill('inkan-receive #rc-id', id);
  await page.fill('inkan-receive #rc-pw', 'WRONG-WRONG-WRONG-WRONG');
  await page.click('inkan-receive #rc-fetch');
  await page.waitForFunction(() => window.__events.some((e) => e.type === 'inkan:error' && e.code === 'wrong_password'));
  await fetchCertificate(page, { id, downloadPassword, scope: 'inkan-receive' });
  const p12 = await buildP12(page, dir, { pin, profile: 'modern', scope: 'inkan-receive' });
  const got = keyFromP12(p12, pin, dir);
  assert.match(got.leaf, /Taro Yamada/);

  const events = await page.evaluate(() => window.__events);
  assert.ok(events.some((e) => e.type === 'inkan:csr' && e.pem), 'inkan:csr');
  assert.ok(events.some((e) => e.type === 'inkan:application' && e.id === id), 'inkan:application');
  assert.ok(events.some((e) => e.type === 'inkan:p12' && e.bytes > 1000), 'inkan:p12 with the bytes');

  // The wasm and the worker module came from the widget's origin; the API from the worker's.
  const W = new URL(widgetServer.url).origin;
  assert.ok(requests.some((r) => r.url === `${W}/pkg/inkan_bg.wasm`), 'wasm from the widget origin');
  assert.ok(requests.some((r) => r.url === `${W}/js/inkan.worker.js`), 'worker module from the widget origin');
  assert.ok(requests.some((r) => r.url.startsWith(new URL(worker.url).origin) && r.url.endsWith('/api/applications')), 'API on the worker origin');
  assertNoSecrets(requests, { keyDer: got.keyDer, spkiDer: got.spkiDer, pins: [pin] });
  // (403 = the deliberate wrong password; 404 = the host page's own favicon)
  assert.deepEqual(problems.filter((p) => !/ 403 | 404 |Forbidden|Not Found/.test(p)), []);
  await page.close();
});
