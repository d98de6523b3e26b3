// The issuer's review desk (issue 19), end to end in Chromium with the real worker: an applicant
// applies → the desk, in a second browser context, signs in with a reviewer's token (keyboard
// only), sees what will be signed → rejects with a reason → the applicant sees the reason →
// applies again → the desk approves → the applicant's .p12 opens in OpenSSL; the decision log
// The first application carries a JPEG and a PDF, sealed in the applicant's browser to the
// document key the desk created (HPKE); the desk decrypts them locally. Neither the documents
// nor the desk's passphrase or key ever cross the network in clear, and the database row holds
// ciphertext only.
// (and its CSV) lists both decisions with the reviewer's label; axe finds 0 violations on the
// desk in Japanese and English. With INKAN_DESK_SCREENSHOTS=1 the desk's screenshots are saved
// into docs/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { ROOT, ADMIN_TOKEN, startWorker, launchChromium, tmp, keyFromP12, mailedCode, recordRequests, assertNoSecrets } from './harness.mjs';
import { applyUntilKey, saveBackup, submit, confirmMailbox, fetchCertificate, buildP12 } from './flows.mjs';

const ALICE = 'alice-desk-token-0123456789abcdef';
const BOB = 'bob-desk-token-0123456789abcdef';
const SHOTS = process.env.INKAN_DESK_SCREENSHOTS ? join(ROOT, 'docs', 'screenshots') : null;

let worker, applicant, desk;
before(async () => {
  worker = await startWorker({ env: { INKAN_ADMIN_TOKENS: `alice:${ALICE},bob:${BOB}` } });
  applicant = await launchChromium();
  desk = await launchChromium({ viewport: { width: 1280, height: 900 } });
});
after(async () => { await applicant?.close(); await desk?.close(); worker?.stop(); });

async function axe(page, label) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations.map((v) => `${label}: ${v.id} (${v.impact}) ${v.help} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function shot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

function minimalPdf() {
  return Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n'
    + '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% Yamada Taro bar registration 12345\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');
}

/** A small JPEG "ID card" drawn by the browser itself. */
async function makeJpeg(page) {
  const b64 = await page.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 200; c.height = 120;
    const g = c.getContext('2d');
    g.fillStyle = '#fff'; g.fillRect(0, 0, 200, 120);
    for (let i = 0; i < 120; i++) { g.fillStyle = `hsl(${i * 7},60%,50%)`; g.fillRect((i * 37) % 200, (i * 53) % 120, 5, 5); }
    g.fillStyle = '#000'; g.font = '16px sans-serif'; g.fillText('ID 1234-5678', 20, 60);
    const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.85));
    let text = '';
    for (const x of new Uint8Array(await blob.arrayBuffer())) text += String.fromCharCode(x);
    return btoa(text);
  });
  return Buffer.from(b64, 'base64');
}

/** Applies through the site and confirms the mailbox; returns { id, downloadPassword }. With
 * `documents` (paths), applies for JCAN via 123sign (PDF or JPEG) and adds each document. */
async function apply(page, pin, dir, documents = []) {
  const product = documents.length ? 'jcan-123sign' : 'sign123';
  await page.goto(`${worker.url}#/apply`);
  await page.reload();
  await page.locator(`#ap-product option[value="${product}"]`).waitFor({ state: 'attached' });
  await page.selectOption('#ap-product', product);
  await applyUntilKey(page, { pin, algorithm: 'p256' });
  for (const [i, path] of documents.entries()) {
    await page.waitForSelector('#ap-id-upload[data-enabled="true"]');
    await page.setInputFiles('#ap-id-file', path);
    await page.waitForFunction((n) => document.querySelectorAll('#ap-id-docs li').length === n, i + 1);
  }
  await saveBackup(page, dir);
  const letter = await submit(page);
  await confirmMailbox(page, await mailedCode(worker, letter.id));
  return letter;
}

/** The desk opens one application from the queue, by keyboard. */
async function openFromQueue(page, id) {
  await page.focus('#desk-status');
  await page.selectOption('#desk-status', 'submitted');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter'); // "Show"
  const open = page.locator(`#desk-table tr[data-id="${id}"] button.open`);
  await open.waitFor();
  await open.focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector(`#desk-detail[data-id="${id}"]:not([hidden])`);
}

test('apply with documents → desk decrypts, rejects with a reason → applicant sees it → apply again → desk approves → .p12', async () => {
  const dir = tmp();
  const pin = 'Desk-PIN-2026';
  const passphrase = 'desk-passphrase-審査-2026';
  const applicantRequests = recordRequests(applicant);
  const deskRequests = recordRequests(desk);
  const page = await applicant.newPage();

  // The desk: sign in by keyboard only (Tab to the token field, type, Enter).
  const dp = await desk.newPage();
  const problems = [];
  await dp.goto(`${worker.url}admin`);
  await dp.locator('#desk-token').waitFor();
  problems.push(...await axe(dp, 'ja sign-in'));
  await shot(dp, 'desk-signin-ja-1280');
  await dp.keyboard.press('Tab'); // skip link
  await dp.keyboard.press('Tab'); // language
  while (!(await dp.evaluate(() => document.activeElement?.id === 'desk-token'))) await dp.keyboard.press('Tab');
  await dp.keyboard.type('wrong-token-0123456789');
  await dp.keyboard.press('Enter');
  await dp.waitForFunction(() => document.querySelector('#desk-signin-error').textContent.length > 0);
  assert.equal(await dp.locator('#desk-work').isHidden(), true, 'a wrong token shows nothing');
  await dp.focus('#desk-token');
  await dp.keyboard.type(ALICE);
  await dp.keyboard.press('Enter');
  await dp.locator('#desk-who[data-label="alice"]').waitFor();
  assert.equal(await dp.evaluate(() => document.cookie), '', 'no cookie holds the token');
  assert.ok(!dp.url().includes(ALICE), 'the token is not in the URL');

  // No document key yet: the desk creates one; its public half is published, its private half
  // stays in this browser under the passphrase, with a backup file.
  assert.equal((await (await fetch(`${worker.url}api/document-key`)).json()).enabled, false);
  await dp.waitForSelector('#desk-keys[data-state="none"]');
  await dp.fill('#desk-passphrase', passphrase);
  await dp.click('#desk-keys-create');
  await dp.waitForSelector('#desk-keys[data-state="open"]');
  const published = await (await fetch(`${worker.url}api/document-key`)).json();
  assert.equal(published.enabled, true);
  assert.equal(Buffer.from(published.public_key, 'base64').length, 32);
  const [backup] = await Promise.all([dp.waitForEvent('download'), dp.click('#desk-keys-backup')]);
  await backup.saveAs(join(dir, 'document-key.pem'));
  const backupPem = readFileSync(join(dir, 'document-key.pem'), 'utf8');
  assert.match(backupPem, /-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  const storedPem = await dp.evaluate(() => localStorage.getItem('inkan.desk.documentKey'));
  assert.ok(backupPem.includes(storedPem.trim()), 'the backup is the stored, encrypted key');

  // The applicant applies for JCAN via 123sign with an ID image and a PDF.
  await page.goto(`${worker.url}#/apply`);
  const jpeg = await makeJpeg(page);
  const pdf = minimalPdf();
  writeFileSync(join(dir, 'id.jpg'), jpeg);
  writeFileSync(join(dir, 'registration.pdf'), pdf);
  const first = await apply(page, pin, dir, [join(dir, 'id.jpg'), join(dir, 'registration.pdf')]);

  // A reload closes the key (the token stays in the tab); the passphrase opens it again.
  await dp.reload();
  await dp.locator('#desk-who[data-label="alice"]').waitFor();
  await dp.waitForSelector('#desk-keys[data-state="locked"]');
  await dp.fill('#desk-passphrase', 'not-the-passphrase');
  await dp.click('#desk-keys-unlock');
  await dp.waitForFunction(() => document.querySelector('#desk-keys-error').textContent.length > 0);
  await dp.fill('#desk-passphrase', passphrase);
  await dp.click('#desk-keys-unlock');
  await dp.waitForSelector('#desk-keys[data-state="open"]');

  await openFromQueue(dp, first.id);
  // The documents, decrypted in the desk: the image shown, the PDF offered as a download.
  await dp.waitForSelector('#desk-docs figure img');
  // (The desk's CSP has no connect-src blob:, so the test reads both as downloads.)
  const saved = async (click, name) => {
    const [download] = await Promise.all([dp.waitForEvent('download'), click()]);
    await download.saveAs(join(dir, name));
    return { bytes: readFileSync(join(dir, name)), suggested: download.suggestedFilename() };
  };
  const shownImage = await saved(() => dp.evaluate(() => {
    const link = Object.assign(document.createElement('a'), { href: document.querySelector('#desk-docs figure img').src, download: 'shown.jpg' });
    document.body.append(link); link.click(); link.remove();
  }), 'shown.jpg');
  const offeredPdf = await saved(() => dp.click('#desk-docs a[download]'), 'offered.pdf');
  const opened = { pdfName: offeredPdf.suggested };
  assert.ok(shownImage.bytes.equals(jpeg), 'the desk shows the applicant\'s image, byte for byte');
  assert.ok(offeredPdf.bytes.equals(pdf), 'the desk offers the applicant\'s PDF, byte for byte');
  assert.match(opened.pdfName, /\.pdf$/);
  assert.ok(await dp.locator('#desk-docs figure img').isVisible());
  const subject = await dp.textContent('#desk-tbs-subject');
  assert.match(subject, /^CN=Taro Yamada/, 'the to-be-signed subject is shown');
  assert.match(await dp.textContent('#desk-fields'), /taro@yamada-law\.example\.jp/);
  assert.equal(await dp.getAttribute('#desk-mailbox', 'class'), 'yes');
  problems.push(...await axe(dp, 'ja detail'));
  await shot(dp, 'desk-detail-ja-1280');

  // Reject with a reason from the list and an explanation, by keyboard.
  await dp.focus('#desk-reason');
  await dp.selectOption('#desk-reason', 'details_incorrect');
  await dp.keyboard.press('Tab');
  await dp.keyboard.type('ローマ字のつづりを確かめてください。');
  await dp.keyboard.press('Tab');
  assert.equal(await dp.evaluate(() => document.activeElement?.id), 'desk-reject');
  await dp.keyboard.press('Enter');
  await dp.waitForSelector('#desk-detail[data-status="rejected"]');
  assert.match(await dp.textContent('#desk-history'), /alice/);

  // The applicant sees the reason on the status view.
  await page.goto(`${worker.url}#/receive?id=${first.id}`);
  await page.locator('#rc-check').click();
  await page.waitForSelector('#rc-app-status[data-status="rejected"] .rejection-reason');
  const said = await page.textContent('#rc-app-status');
  assert.match(said, /申込み内容に誤り|contains an error/);
  assert.match(said, /ローマ字のつづり/);

  // Apply again (a new key), then the desk approves — as another reviewer.
  await page.evaluate(() => { for (const k of Object.keys(localStorage)) if (k.startsWith('inkan.draft.')) localStorage.removeItem(k); });
  const second = await apply(page, pin, dir);
  await dp.click('#desk-signout');
  await dp.fill('#desk-token', BOB);
  await dp.keyboard.press('Enter');
  await dp.locator('#desk-who[data-label="bob"]').waitFor();
  await dp.click('#desk-lang'); // English
  await openFromQueue(dp, second.id);
  problems.push(...await axe(dp, 'en detail'));
  await shot(dp, 'desk-detail-en-1280');
  await dp.focus('#desk-approve');
  await dp.keyboard.press('Enter');
  await dp.waitForSelector(`#desk-detail[data-id="${second.id}"]:not([data-status="submitted"])`);

  // The applicant receives a .p12 that OpenSSL opens.
  await page.goto(`${worker.url}#/receive?id=${second.id}`);
  await fetchCertificate(page, second);
  const p12 = await buildP12(page, dir, { pin, profile: 'modern' });
  const got = keyFromP12(p12, pin, dir);
  assert.match(got.leaf, /Taro Yamada/, 'OpenSSL opens the .p12 and finds the certificate');
  assert.ok(got.keyDer.length > 0);

  // The decision log, on screen and as CSV, lists both decisions with their reviewers.
  await dp.click('#desk-audit-show');
  await dp.waitForSelector('#desk-audit-table:not([hidden]) tbody tr');
  const rows = await dp.$$eval('#desk-audit-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.ok(rows.some((r) => r[1] === 'alice' && r[2] === first.id && r[4] === 'details_incorrect'), JSON.stringify(rows));
  assert.ok(rows.some((r) => r[1] === 'bob' && r[2] === second.id), JSON.stringify(rows));
  problems.push(...await axe(dp, 'en audit'));
  await shot(dp, 'desk-audit-en-1280');
  const [download] = await Promise.all([dp.waitForEvent('download'), dp.click('#desk-audit-csv')]);
  const csvPath = join(dir, 'audit.csv');
  await download.saveAs(csvPath);
  const csv = readFileSync(csvPath, 'utf8');
  assert.match(csv, new RegExp(`,alice,${first.id},reject,details_incorrect`));
  assert.match(csv, new RegExp(`,bob,${second.id},approve,`));
  await dp.click('#desk-lang'); // back to Japanese
  await dp.waitForFunction(() => document.documentElement.lang === 'ja');
  problems.push(...await axe(dp, 'ja audit'));
  await shot(dp, 'desk-audit-ja-1280');
  assert.deepEqual(problems, []);

  // The documents never crossed in clear (raw, base64 at any alignment, hex), in either
  // direction: the applicant's upload and the desk's fetch carry ciphertext only.
  for (const doc of [jpeg, pdf]) {
    assertNoSecrets(applicantRequests, { keyDer: doc, spkiDer: Buffer.alloc(0) });
    assertNoSecrets(deskRequests, { keyDer: doc, spkiDer: Buffer.alloc(0) });
  }
  const upload = applicantRequests.filter((r) => r.url.endsWith(`/api/applications/${first.id}/documents`));
  assert.equal(upload.length, 1, 'the documents went up once');
  // The desk's passphrase and its (encrypted) private key never left the desk's browser.
  const pemBody = storedPem.replace(/-----[^-]+-----|\s/g, '');
  for (const r of deskRequests) {
    const text = `${decodeURIComponent(r.url)}\n${r.body.toString('utf8')}`;
    assert.ok(!text.includes(passphrase) && !text.includes(JSON.stringify(passphrase).slice(1, -1)), `${r.url} carries the passphrase`);
    assert.ok(!text.replace(/\\n|\s/g, '').includes(pemBody.slice(0, 48)), `${r.url} carries the document key`);
  }
  const keyPosts = deskRequests.filter((r) => r.url.endsWith('/api/admin/document-key'));
  assert.equal(keyPosts.length, 1);
  assert.deepEqual(Object.keys(JSON.parse(keyPosts[0].body.toString('utf8'))), ['public_key']);

  // The database holds ciphertext only: the documents' rows and the application's row.
  const dump = JSON.parse(execFileSync('python3', ['-c', `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
docs = db.execute("SELECT media_type, sealed FROM documents WHERE application_id = ?", (sys.argv[2],)).fetchall()
body = db.execute("SELECT body FROM applications WHERE id = ?", (sys.argv[2],)).fetchone()[0]
print(json.dumps({"docs": docs, "body": body}))`, join(worker.dataDir, 'inkan.sqlite3'), first.id]).toString());
  assert.deepEqual(dump.docs.map((d) => d[0]), ['image/jpeg', 'application/pdf']);
  const dbRows = [{ url: 'sqlite:documents', method: 'ROW', body: Buffer.from(JSON.stringify(dump)) },
    ...dump.docs.map((d) => ({ url: 'sqlite:documents', method: 'ROW', body: Buffer.from(d[1], 'base64') }))];
  for (const doc of [jpeg, pdf]) assertNoSecrets(dbRows, { keyDer: doc, spkiDer: Buffer.alloc(0) });
  assert.equal(Buffer.from(dump.docs[0][1], 'base64').length, jpeg.length + 48, 'HPKE: 32-byte encapsulated key + 16-byte tag');

  // A wrong or missing token gets nothing from the new desk routes either.
  for (const token of [null, 'wrong-token-0123456789abcdef', ADMIN_TOKEN.slice(0, -1)]) {
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    const docs = await fetch(`${worker.url}api/admin/applications/${first.id}/documents`, { headers });
    assert.equal(docs.status, 401);
    assert.ok(!(await docs.text()).includes(dump.docs[0][1].slice(0, 40)));
    const key = await fetch(`${worker.url}api/admin/document-key`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ public_key: Buffer.alloc(32, 7).toString('base64') }) });
    assert.equal(key.status, 401);
  }
  assert.equal((await (await fetch(`${worker.url}api/document-key`)).json()).public_key, published.public_key, 'the published key is unchanged');
});
