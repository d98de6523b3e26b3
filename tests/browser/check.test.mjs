// "Check a file" in Chromium, on an OpenSSL-made .p12 (AES-256, 600,000 iterations — what a
// current issuer ships): a wrong password is said in the user's language; the candidate list
// finds the right line; the report shows the certificate; the re-packed file opens in OpenSSL
// with the new password. Every step runs through the site's worker, i.e. the *Async exports
// with PBKDF2 delegated to WebCrypto.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve, launchChromium, tmp, openssl, testCa } from './harness.mjs';

let server, context;
before(async () => { server = await serve(); context = await launchChromium(); });
after(async () => { await context?.close(); server?.stop(); });

test('check: wrong password in Japanese, candidates find line 3, report, re-pack opens in OpenSSL', async () => {
  const dir = tmp();
  const ca = testCa(dir);
  ca.signedLeaf('/CN=山田 太郎/emailAddress=taro@example.jp');
  const pin = '秘密の-PIN-2026';
  writeFileSync(join(dir, 'pw'), pin);
  openssl(['pkcs12', '-export', '-inkey', join(dir, 'leaf.key'), '-in', join(dir, 'chain.pem'), '-iter', '600000',
    '-passout', `file:${join(dir, 'pw')}`, '-out', join(dir, 'issuer.p12')]);

  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(server.url);
  await page.getByRole('button', { name: '日本語' }).click();
  await page.goto(`${server.url}#/check`);
  await page.setInputFiles('#ck-file', join(dir, 'issuer.p12'));
  await page.locator('#ck-pw-form').waitFor({ state: 'visible' });

  await page.fill('#ck-pw', 'まちがい');
  await page.click('#ck-open');
  const alert = page.locator('[data-error]');
  await alert.waitFor({ state: 'visible' });
  assert.equal(await alert.getAttribute('data-code'), 'wrong_password');
  assert.match(await alert.textContent(), /パスワード/);

  await page.fill('#ck-cands', ['1234', 'yamada2026', pin, 'later-line'].join('\n'));
  await page.click('#ck-try');
  await page.locator('#ck-try-status[data-found]').waitFor();
  assert.equal(await page.locator('#ck-try-status').getAttribute('data-found'), '3');
  await page.locator('#ck-report article.cert[data-role="leaf"]').waitFor();
  assert.match(await page.locator('#ck-report').textContent(), /山田 太郎/);
  assert.match(await page.locator('#ck-report').textContent(), /対応しています/);

  await page.fill('#ck-newpw', 'new-password-2026');
  await page.locator('input[name="ck-profile"][value="legacy"]').check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#ck-repack-go')]);
  const out = join(dir, 'repacked.p12');
  await download.saveAs(out);
  writeFileSync(join(dir, 'pw2'), 'new-password-2026');
  const info = openssl(['pkcs12', '-in', out, '-passin', `file:${join(dir, 'pw2')}`, '-info', '-nodes'], { encoding: 'utf8' });
  assert.match(info, /BEGIN PRIVATE KEY/);
  const leafKey = openssl(['pkey', '-in', join(dir, 'leaf.key'), '-pubout']);
  const repackedKey = openssl(['pkey', '-pubout'], { input: info });
  assert.equal(repackedKey, leafKey, 'the re-packed file holds the issuer file\'s key');
  assert.deepEqual(errors, []);
  await page.close();
});
