// The issue-2 smoke test: in real Chromium, make a key, a CSR with a Japanese name, have
// OpenSSL sign it, build a .p12 in the page, and open that .p12 with OpenSSL: its key must
// be the one whose public half is in the CSR, and no request may carry the key or the PIN.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve, launchChromium, recordRequests, tmp, openssl, opensslAll, testCa } from './harness.mjs';

let server, context;
before(async () => { server = await serve(); context = await launchChromium(); });
after(async () => { await context?.close(); server?.stop(); });

for (const [algorithm, profile, pin] of [['p256', 'modern', 'correct horse'], ['rsa2048', 'legacy', '山田の PIN 2026']]) {
  test(`workbench: ${algorithm} key → CSR → OpenSSL-signed cert → ${profile} .p12 opened by OpenSSL`, async () => {
    const dir = tmp();
    const ca = testCa(dir);
    const page = await context.newPage();
    const requests = recordRequests(page);
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(`${server.url}#/tools`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.selectOption('#wb-alg', algorithm);
    await page.click('#wb-generate');
    await page.waitForSelector('inkan-workbench[data-key-ready="true"]', { timeout: 60_000 });
    await page.fill('#wb-cn', '山田 太郎');
    await page.fill('#wb-o', '山田法律事務所');
    await page.fill('#wb-email', 'taro@yamada-law.example.jp');
    await page.click('#wb-csr-btn');
    await page.waitForFunction(() => document.querySelector('#wb-csr').value.includes('END CERTIFICATE REQUEST'));
    const csrPem = await page.inputValue('#wb-csr');

    writeFileSync(join(dir, 'page.csr'), csrPem);
    const csrText = openssl(['req', '-in', join(dir, 'page.csr'), '-noout', '-text', '-nameopt', 'utf8']);
    assert.match(csrText, /CN\s*=\s*山田 太郎/);
    assert.match(csrText, /email:taro@yamada-law\.example\.jp/);

    const leafPem = ca.sign(csrPem);
    await page.fill('#wb-cert', leafPem + ca.caPem);
    await page.fill('#wb-pin', pin);
    await page.selectOption('#wb-profile', profile);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('#wb-build')]);
    const p12 = join(dir, 'out.p12');
    await download.saveAs(p12);
    writeFileSync(join(dir, 'pin'), pin);

    const pem = openssl(['pkcs12', '-in', p12, '-passin', `file:${join(dir, 'pin')}`, '-nodes']);
    writeFileSync(join(dir, 'all.pem'), pem);
    const keyPub = openssl(['pkey', '-in', join(dir, 'all.pem'), '-pubout']);
    const csrPub = openssl(['req', '-in', join(dir, 'page.csr'), '-noout', '-pubkey']);
    assert.equal(keyPub, csrPub, 'the .p12 holds the key the CSR was made with');
    const info = opensslAll(['pkcs12', '-in', p12, '-passin', `file:${join(dir, 'pin')}`, '-info', '-noout']);
    assert.match(info, profile === 'modern' ? /PBES2, PBKDF2, AES-256-CBC/ : /pbeWithSHA1And3-KeyTripleDES-CBC/);

    // The promise: no request carries the private key or the PIN, in any encoding.
    const keyDer = openssl(['pkey', '-in', join(dir, 'all.pem'), '-outform', 'DER'], { encoding: 'buffer' });
    const needles = [keyDer.toString('base64').slice(20, 60), keyDer.toString('hex').slice(40, 120), pin];
    for (const r of requests) {
      const hay = r.url + r.body.toString('latin1') + r.body.toString('utf8');
      for (const n of needles) assert.ok(!hay.includes(n), `request ${r.url} leaks a secret`);
      for (let i = 0; i + 16 <= keyDer.length; i += 8) assert.ok(!r.body.includes(keyDer.subarray(i, i + 16)), `request ${r.url} carries key bytes`);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('workbench: RSA keys come from WebCrypto; where it refuses, the fallback module makes them', async () => {
  // A context of its own without the service worker, so that every fetch the page's Web Worker
  // makes reaches the network (and this test), and the worker script can be rewritten.
  const own = await launchChromium({ serviceWorkers: 'block' });
  try {
    const generate = async (page) => {
      const requests = recordRequests(page);
      const errors = [];
      page.on('pageerror', (e) => errors.push(e));
      await page.goto(`${server.url}#/tools`);
      await page.getByRole('button', { name: 'English' }).click();
      await page.selectOption('#wb-alg', 'rsa2048');
      await page.click('#wb-generate');
      await page.waitForSelector('inkan-workbench[data-key-ready="true"]', { timeout: 90_000 });
      await page.fill('#wb-cn', 'Taro');
      await page.fill('#wb-email', 'taro@example.jp');
      await page.click('#wb-csr-btn');
      await page.waitForFunction(() => document.querySelector('#wb-csr').value.includes('END CERTIFICATE REQUEST'));
      const csr = join(tmp(), 'page.csr');
      writeFileSync(csr, await page.inputValue('#wb-csr'));
      const verified = opensslAll(['req', '-in', csr, '-verify', '-noout', '-text']);
      assert.match(verified, /verify OK/);
      assert.match(verified, /Public-Key: \(2048 bit\)/);
      assert.match(verified, /Exponent: 65537/);
      assert.deepEqual(errors, []);
      const fetched = (name) => requests.some((r) => r.url.endsWith(`/pkg/${name}`));
      assert.ok(fetched('inkan_bg.wasm'), 'the PKI module was not seen: the request log does not work');
      return fetched;
    };

    const normal = await generate(await own.newPage());
    assert.ok(!normal('inkan_rsa_keygen_bg.wasm'), 'the RSA fallback module was fetched although WebCrypto works');

    // The page's Web Worker gets a WebCrypto that refuses generateKey, as some engines and
    // locked-down profiles do; the rest of the worker is the real file.
    const page = await own.newPage();
    let rewritten = 0;
    await page.route('**/js/inkan.worker.js', async (route) => {
      const real = await route.fetch();
      const refuse = "crypto.subtle.generateKey = () => Promise.reject(new DOMException('refused for the test', 'NotSupportedError'));\n";
      rewritten++;
      await route.fulfill({ response: real, body: refuse + (await real.text()) });
    });
    const refused = await generate(page);
    assert.equal(rewritten, 1);
    assert.ok(refused('inkan_rsa_keygen_bg.wasm'), 'the fallback module was not fetched');
  } finally {
    await own.close();
  }
});

test('workbench: a certificate for another key is refused with a clear error', async () => {
  const dir = tmp();
  const ca = testCa(dir);
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'other.key'), '-subj', '/CN=Other', '-out', join(dir, 'other.csr')]);
  const otherLeaf = ca.sign(readFileSync(join(dir, 'other.csr'), 'utf8'));
  const page = await context.newPage();
  await page.goto(`${server.url}#/tools`);
  await page.getByRole('button', { name: '日本語' }).click();
  await page.selectOption('#wb-alg', 'p256');
  await page.click('#wb-generate');
  await page.waitForSelector('inkan-workbench[data-key-ready="true"]');
  await page.fill('#wb-cert', otherLeaf);
  await page.fill('#wb-pin', 'pin1234');
  await page.click('#wb-build');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /秘密鍵と証明書が対応していません.*key_certificate_mismatch/);
  await page.close();
});
