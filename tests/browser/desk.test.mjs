// The issuer's review desk (issue 19), end to end in Chromium with the real worker: an applicant
// applies → the desk, in a second browser context, signs in with a reviewer's token (keyboard
// only), sees what will be signed → rejects with a reason → the applicant sees the reason →
// applies again → the desk approves → the applicant's .p12 opens in OpenSSL; the decision log
// (and its CSV) lists both decisions with the reviewer's label; axe finds 0 violations on the
// desk in Japanese and English. With INKAN_DESK_SCREENSHOTS=1 the desk's screenshots are saved
// into docs/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { ROOT, startWorker, launchChromium, tmp, keyFromP12, mailedCode } from './harness.mjs';
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

/** Applies through the site and confirms the mailbox; returns { id, downloadPassword }. */
async function apply(page, pin, dir) {
  await page.goto(`${worker.url}#/apply`);
  await page.reload();
  await page.locator('#ap-product option[value="sign123"]').waitFor({ state: 'attached' });
  await page.selectOption('#ap-product', 'sign123');
  await applyUntilKey(page, { pin, algorithm: 'p256' });
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

test('apply → desk rejects with a reason → applicant sees it → apply again → desk approves → .p12', async () => {
  const dir = tmp();
  const pin = 'Desk-PIN-2026';
  const page = await applicant.newPage();
  const first = await apply(page, pin, dir);

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

  await openFromQueue(dp, first.id);
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
});
