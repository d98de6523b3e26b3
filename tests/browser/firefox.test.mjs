// The apply → receive flow in Firefox ESR, driven over WebDriver BiDi by puppeteer-core
// (TOOLCHAIN.md): key made in Firefox's worker, .p12 opened by OpenSSL, no key on the wire.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { startWorker, tmp, approve, keyFromP12, assertNoSecrets, mailedCode } from './harness.mjs';

const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
let worker, browser;
before(async () => {
  worker = await startWorker();
  const home = tmp('inkan-ff-home-');
  browser = await puppeteer.launch({
    // A fresh profile's first start took over puppeteer's default 30 s on a loaded host.
    browser: 'firefox', executablePath: FIREFOX, headless: true, userDataDir: tmp('inkan-ff-profile-'), timeout: 120_000,
    env: { ...process.env, HOME: home, TMPDIR: home, XDG_CONFIG_HOME: home },
  });
});
after(async () => { await browser?.close(); worker?.stop(); });

async function waitForFile(dir, re, timeout = 90_000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const f = readdirSync(dir).find((n) => re.test(n) && !n.endsWith('.part'));
    if (f) { await new Promise((r) => setTimeout(r, 300)); return join(dir, f); }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no ${re} in ${dir}`);
}

test('Firefox ESR: apply → approve → receive → legacy .p12 opened by OpenSSL', async (t) => {
  const dir = tmp();
  const downloads = join(dir, 'downloads');
  mkdirSync(downloads);
  const pin = 'firefox-pin-2026';
  const context = await browser.createBrowserContext({ downloadBehavior: { policy: 'allow', downloadPath: downloads } });
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => {
    // puppeteer's BiDi mapping may not expose bodies (UnsupportedOperation): record the URL anyway.
    let body = '';
    try { body = r.postData() ?? ''; } catch { body = ''; }
    requests.push({ url: r.url(), method: r.method(), body: Buffer.from(body) });
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${worker.url}#/apply`);
  await page.click('button[data-lang="en"]');
  await page.waitForSelector('#ap-product option[value="jcan-mcci"]');
  await page.select('#ap-product', 'jcan-mcci');
  await page.type('#ap-namejp', '山田 太郎');
  await page.type('#ap-romaji', 'Taro Yamada');
  await page.type('#ap-email', 'taro@yamada-law.example.jp');
  await page.type('#ap-pin', pin);
  await page.type('#ap-pin2', pin);
  await page.click('#ap-create');
  await page.waitForSelector('#ap-key:not([hidden])', { timeout: 120_000 });
  await page.click('#ap-backup');
  const backup = await waitForFile(downloads, /^inkan-key-backup-.*\.pem$/);
  assert.match(readFileSync(backup, 'utf8'), /BEGIN ENCRYPTED PRIVATE KEY/);
  await page.waitForSelector('#ap-send:not([disabled])');
  await page.click('#ap-send');
  await page.waitForSelector('#ap-letter:not([hidden]) #ap-letter-id', { timeout: 30_000 });
  const id = await page.$eval('#ap-letter-id', (e) => e.textContent.trim());
  const pw = await page.$eval('#ap-letter-pw', (e) => e.textContent.trim());
  // The mailbox step, typed like a person would.
  await page.waitForSelector('#ap-mailbox:not([hidden])');
  await page.type('#ap-code', await mailedCode(worker, id));
  await page.click('#ap-confirm');
  await page.waitForSelector('#ap-letter-mailbox');
  await approve(worker.url, id);

  await page.goto(`${worker.url}#/receive?id=${id}`);
  await page.waitForSelector('#rc-pw');
  await page.type('#rc-pw', pw);
  await page.click('#rc-fetch');
  await page.waitForSelector('#rc-key-form:not([hidden])', { timeout: 30_000 });
  assert.ok(await page.$eval('#rc-key-found', (e) => !e.hidden), 'key found in Firefox IndexedDB');
  await page.type('#rc-pin', pin);
  await page.click('#rc-profile-legacy');
  await page.click('#rc-build');
  const p12 = await waitForFile(downloads, /\.p12$/);
  const got = keyFromP12(p12, pin, dir);
  assert.match(got.leaf, /Taro Yamada/);
  assert.match(got.info, /pbeWithSHA1And3-KeyTripleDES-CBC/);
  await page.waitForSelector('#rc-plan:not([hidden]) .plan');
  const post = requests.find((r) => r.method === 'POST' && r.url.endsWith('/api/applications'));
  assert.ok(post, 'the application POST was seen');
  t.diagnostic(post.body.length ? `request bodies recorded (${requests.length} requests)` : 'Firefox BiDi exposed no request bodies: URLs checked here, bodies in the Chromium tests');
  // BiDi gives request bodies when the browser reports them; URLs are always checked.
  assertNoSecrets(requests, { keyDer: got.keyDer, spkiDer: got.spkiDer, pins: [pin] });
  assert.deepEqual(errors, []);
  await context.close();
});
