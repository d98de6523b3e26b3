// End to end in Chromium with the real worker and its local issuer:
// advisor → apply → (admin approves) → receive → .p12 opened by OpenSSL with the key made in
// the page; the same from the backup file after IndexedDB is cleared; "lost both" → apply
// again. Every request is recorded and checked: no private key, no PIN on the wire.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWorker, launchChromium, recordRequests, tmp, openssl, approve, assertNoSecrets, keyFromP12, mailedCode } from './harness.mjs';
import { applyUntilKey, saveBackup, submit, confirmMailbox, fetchCertificate, buildP12, PERSON } from './flows.mjs';
import { noisePng } from './images.mjs';

let worker, context;
before(async () => { worker = await startWorker(); context = await launchChromium(); });
after(async () => { await context?.close(); worker?.stop(); });

async function newPage(lang) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('dialog', (d) => d.accept());
  await page.goto(worker.url);
  await page.getByRole('button', { name: lang === 'ja' ? '日本語' : 'English' }).click();
  return { page, errors };
}

test('advisor → apply → approve → receive → .p12 opened by OpenSSL; no key or PIN on the wire', async () => {
  const dir = tmp();
  const pin = 'Yamada-PIN-2026';
  const { page, errors } = await newPage('ja');
  const requests = recordRequests(context);

  // 1. Which certificate? A lawyer on a Mac who signs e-mail.
  await page.click('a[data-route="advisor"]');
  await page.locator('#adv-questions fieldset').first().waitFor();
  await page.check('input[name="adv-profession"][value="lawyer"]');
  await page.check('input[name="adv-purposes"][value="smime_sign"]');
  await page.check('input[name="adv-os"][value="mac"]');
  await page.click('#adv-submit');
  await page.locator('[data-product="jcan-mcci"]').waitFor();
  assert.ok(await page.locator('#adv-results .checks li').count() > 0, 'a documents checklist is shown');
  await page.click('[data-product="jcan-mcci"] a[href*="#/apply"]');

  // 2. Apply: the product is pre-selected; the key is made in the worker with progress.
  await page.locator('#ap-title').waitFor();
  await page.waitForFunction(() => document.querySelector('#ap-product')?.value === 'jcan-mcci');
  await applyUntilKey(page, { pin });
  // A reload loses nothing already saved: the key step is still there, the details kept.
  await page.reload();
  await page.locator('#ap-key').waitFor({ state: 'visible' });
  assert.equal(await page.inputValue('#ap-romaji'), PERSON.romaji);
  assert.equal(await page.locator('#ap-send').isDisabled(), true, 'submitting needs the backup first');
  const backup = await saveBackup(page, dir);
  assert.match(readFileSync(backup, 'utf8'), /-----BEGIN ENCRYPTED PRIVATE KEY-----/);

  // ID image pre-check: a 7 MB PNG is shrunk below MCCI's 4 MB and shown before upload.
  writeFileSync(join(dir, 'id.png'), noisePng(1800, 1400));
  await page.setInputFiles('#ap-id-file', join(dir, 'id.png'));
  await page.waitForSelector('#ap-id-status[data-shrunk="true"]', { timeout: 60_000 });
  assert.ok(Number(await page.getAttribute('#ap-id-status', 'data-bytes')) <= 4 * 1024 * 1024);
  assert.ok(await page.locator('#ap-id-preview canvas').isVisible());
  // No document key is published on this worker: the page says so, and applies without them.
  assert.equal(await page.getAttribute('#ap-id-upload', 'data-enabled'), 'false');
  assert.match(await page.textContent('#ap-id-upload'), /まだ有効にしていません|has not enabled document upload/);

  const { id, downloadPassword } = await submit(page);
  assert.match(downloadPassword, /^[A-Z2-9]{5}(-[A-Z2-9]{5}){3}$/);
  const csrPem = await page.evaluate(() => JSON.parse(localStorage.getItem('inkan.draft.apply')).csr);

  // A mistyped e-mail code is refused, and the page says so in the flow's error box.
  await page.fill('#ap-code', 'WRONG123');
  await page.click('#ap-confirm');
  const refused = page.locator('inkan-apply [data-error]');
  await refused.waitFor({ state: 'visible' });
  assert.equal(await refused.getAttribute('data-code'), 'wrong_confirmation_code');

  // 3. The issuer approves (the local CA signs at once).
  await confirmMailbox(page, await mailedCode(worker, id));
  assert.equal(await refused.isHidden(), true, 'the error goes once the right code is in');
  await approve(worker.url, id);

  // 4. Receive: typed in lower case with spaces, the password still works.
  await page.goto(`${worker.url}#/receive?id=${id}`);
  await fetchCertificate(page, { id, downloadPassword: downloadPassword.toLowerCase().replace(/-/g, ' ') });
  assert.ok(await page.locator('#rc-key-found').isVisible(), 'the key is found in IndexedDB');
  const p12 = await buildP12(page, dir, { pin, profile: 'legacy' });

  const got = keyFromP12(p12, pin, dir);
  writeFileSync(join(dir, 'page.csr'), csrPem);
  const csrPub = openssl(['req', '-in', join(dir, 'page.csr'), '-noout', '-pubkey']);
  assert.equal(openssl(['pkey', '-in', join(dir, 'all.pem'), '-pubout']), csrPub, 'the .p12 holds the key made in the page');
  assert.match(got.info, /pbeWithSHA1And3-KeyTripleDES-CBC/, 'legacy profile for Mac');
  assert.match(got.leaf, /Taro Yamada/);

  // 5. The expiry plan with an .ics; then "it works" removes the IndexedDB key.
  await page.locator('#rc-plan .plan').waitFor();
  const [ics] = await Promise.all([page.waitForEvent('download'), page.click('#rc-plan .ics')]);
  await ics.saveAs(join(dir, 'plan.ics'));
  assert.match(readFileSync(join(dir, 'plan.ics'), 'utf8'), /BEGIN:VCALENDAR[\s\S]*BEGIN:VEVENT/);
  await page.click('#rc-confirm');
  await page.locator('#rc-removed').filter({ hasText: /消去しました/ }).waitFor();
  const left = await page.evaluate(async (appId) => (await import('./js/store.js')).keyForApplication(appId), id);
  assert.equal(left, undefined, 'the pending key is gone from IndexedDB');

  const stats = assertNoSecrets(requests, { keyDer: got.keyDer, spkiDer: got.spkiDer, pins: [pin] });
  const post = requests.find((r) => r.url.endsWith('/api/applications') && r.method === 'POST');
  assert.ok(post, 'the application was posted');
  // The download password stays here: the page sends a PBKDF2 verifier (600,000 iterations) instead.
  assert.equal(JSON.parse(post.body.toString('utf8')).download_password_verifier?.iterations, 600000);
  assert.ok(requests.every((r) => !r.body.toString('utf8').includes(downloadPassword)), 'the download password is never sent');
  assert.ok(stats.windows > 100);
  assert.deepEqual(errors, []);
  await page.close();
});

test('IndexedDB lost: the backup file + PIN still give the .p12; a wrong PIN says so; losing both says apply again', async () => {
  const dir = tmp();
  const pin = '鍵のPIN-2026'; // non-ASCII PINs work (and the page warns about keytool)
  const { page, errors } = await newPage('ja');
  const requests = recordRequests(page);
  await page.click('a[data-route="apply"]');
  await page.locator('#ap-title').waitFor();
  await page.selectOption('#ap-product', 'sign123');
  await page.fill('#ap-pin', pin);
  assert.ok(await page.locator('#ap-ascii').isVisible(), 'the non-ASCII warning shows');
  await applyUntilKey(page, { pin, algorithm: 'p256' });
  const backup = await saveBackup(page, dir);
  const { id, downloadPassword } = await submit(page);
  await confirmMailbox(page, await mailedCode(worker, id));
  await approve(worker.url, id);

  // The browser loses its data.
  await page.evaluate(() => new Promise((resolve) => { const r = indexedDB.deleteDatabase('inkan'); r.onsuccess = r.onerror = r.onblocked = resolve; }));
  await page.evaluate(() => { for (const k of Object.keys(localStorage)) if (k.startsWith('inkan.draft.')) localStorage.removeItem(k); });
  await page.goto(`${worker.url}#/receive?id=${id}`);
  await page.reload();
  await fetchCertificate(page, { id, downloadPassword });
  // The key form shows first; the IndexedDB look-up then asks for the file (asynchronously).
  await page.locator('#rc-key-missing').waitFor({ state: 'visible', timeout: 10_000 });
  assert.ok(await page.locator('#rc-key-missing').isVisible(), 'asks for the backup file');
  await page.setInputFiles('#rc-key-file', backup);

  await page.fill('#rc-pin', 'wrong pin');
  await page.click('#rc-build');
  const err = page.locator('#rc-build-error');
  await err.waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await err.textContent(), /PIN.*違います.*\(wrong_password\)/);

  const p12 = await buildP12(page, dir, { pin, profile: 'modern' });
  const got = keyFromP12(p12, pin, dir);
  assert.match(got.info, /PBES2, PBKDF2, AES-256-CBC/);
  assert.match(got.leaf, /Taro Yamada/);
  assertNoSecrets(requests, { keyDer: got.keyDer, spkiDer: got.spkiDer, pins: [pin, 'wrong pin'] });

  // Lost both: a clear message and a way back to applying.
  await page.click('#rc-key-lost');
  const again = page.locator('#rc-apply-again');
  await again.waitFor({ state: 'visible' });
  assert.match(await again.textContent(), /新しく申し込んでください/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('errors are shown in the user language with a code: wrong download password, not issued yet', async () => {
  const dir = tmp();
  const { page } = await newPage('en');
  await page.click('a[data-route="apply"]');
  await applyUntilKey(page, { pin: 'abcdefgh', algorithm: 'p256' });
  await saveBackup(page, dir);
  const { id } = await submit(page);
  await confirmMailbox(page, await mailedCode(worker, id));
  await page.click('a[data-route="receive"]');
  await page.fill('#rc-id', id);
  await page.fill('#rc-pw', 'AAAAA-BBBBB-CCCCC-DDDDD');
  await page.click('#rc-fetch');
  const box = page.locator('#rc-fetch-error');
  await box.waitFor({ state: 'visible' });
  assert.match(await box.textContent(), /not issued yet.*\(not_issued_yet\)/);
  await approve(worker.url, id);
  await page.click('#rc-fetch');
  await page.waitForFunction(() => document.querySelector('#rc-fetch-error').dataset.code === 'wrong_password');
  assert.match(await box.textContent(), /download password is wrong/);
  await page.close();
});
