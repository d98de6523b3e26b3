// Loads a built wasm package (INKAN_PKG, default www/pkg) in Node and runs the core flow:
// key → CSR → OpenSSL-signed certificate → .p12 → opened by OpenSSL. Used to prove that each
// toolchain route (rustup, Debian build-std) produces a working module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, tmp, openssl, opensslAll, testCa } from '../browser/harness.mjs';

const pkg = process.env.INKAN_PKG ?? join(ROOT, 'www/pkg');
const inkan = await import(pathToFileURL(join(pkg, 'inkan.js')).href);
inkan.initSync({ module: readFileSync(join(pkg, 'inkan_bg.wasm')) });
const knowledge = await import(pathToFileURL(join(pkg, 'inkan_knowledge.js')).href);
knowledge.initSync({ module: readFileSync(join(pkg, 'inkan_knowledge_bg.wasm')) });
const rsaKeygen = await import(pathToFileURL(join(pkg, 'inkan_rsa_keygen.js')).href);
rsaKeygen.initSync({ module: readFileSync(join(pkg, 'inkan_rsa_keygen_bg.wasm')) });

test(`wasm package ${readFileSync(join(pkg, '.route'), 'utf8').trim()} route: key, CSR and .p12 interoperate with OpenSSL`, async () => {
  const dir = tmp();
  const ca = testCa(dir);
  const key = await inkan.Key.generateAsync('p256');
  const csr = key.createCsr({ commonName: '山田 太郎', email: 'taro@example.jp', country: 'JP' }, { keyUsage: true });
  assert.equal(csr.parsed.subject_cn, '山田 太郎');
  const leaf = ca.sign(csr.pem);
  const built = await key.buildPkcs12Async(new TextEncoder().encode(leaf + ca.caPem), '秘密', { profile: 'modern', iterations: 2048 });
  assert.deepEqual(built.findings.map((f) => f.code), ['non_ascii_password']);
  writeFileSync(join(dir, 'a.p12'), built.bytes);
  writeFileSync(join(dir, 'pw'), '秘密');
  const out = openssl(['pkcs12', '-in', join(dir, 'a.p12'), '-passin', `file:${join(dir, 'pw')}`, '-nodes']);
  assert.match(out, /BEGIN PRIVATE KEY/);
  const report = await inkan.openPkcs12Async(built.bytes, '秘密');
  assert.equal(report.key.matches_certificate, true);
  assert.equal(report.certificates[0].role, 'leaf');
  key.free();
});

test('errors reach JS as Error objects with a stable code and both languages', async () => {
  await assert.rejects(inkan.openPkcs12Async(new Uint8Array([0x30, 0x82, 0x10]), 'x'), (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.code, 'truncated');
    assert.match(e.ja, /途中で切れています/);
    assert.match(e.en, /cut short/);
    return true;
  });
  await assert.rejects(inkan.Key.generateAsync('ed25519'), (e) => e.code === 'unsupported_algorithm');
  await assert.rejects(inkan.Key.fromBytesAsync(new Uint8Array(), undefined), (e) => e.code === 'empty_input');
  // The module still works after errors: nothing panicked.
  assert.equal((await inkan.Key.generateAsync('p256')).algorithm, 'p256');
  void opensslAll;
});

test('the site\'s static advisor data (www/data/advisor.json) is exactly what this wasm returns', () => {
  // Views paint from the JSON without the wasm; it must never drift from the module's data.
  const data = JSON.parse(readFileSync(join(ROOT, 'www/data/advisor.json'), 'utf8'));
  assert.equal(data.version, knowledge.version());
  assert.deepEqual(data.questions, knowledge.advisorQuestions());
  assert.deepEqual(data.products, knowledge.products());
  assert.deepEqual(data.sources, knowledge.sources());
  // Applicants see page titles, never the seed file names (issue 14, point 11).
  assert.ok(data.sources.length >= 5 && data.sources.every((s) => s.title.ja && s.title.en && !JSON.stringify(s).includes('.txt')));
});

test('three modules: the PKI one has no catalog code or prime generator, the knowledge one no cryptography', async () => {
  // The split is what keeps the advisor and planner from downloading the PKI code, and the
  // PKI module from carrying RSA prime generation that WebCrypto does natively.
  assert.equal(inkan.version(), knowledge.version());
  assert.equal(rsaKeygen.version(), inkan.version());
  for (const name of ['products', 'advise', 'advisorQuestions', 'expiryPlan', 'expiryIcs', 'generateRsaPkcs8']) assert.equal(inkan[name], undefined, name);
  for (const name of ['Key', 'openPkcs12Async', 'inspectAsync', 'parseCsr', 'setWebCrypto', 'generateRsaPkcs8']) assert.equal(knowledge[name], undefined, name);
  for (const name of ['Key', 'openPkcs12Async', 'setWebCrypto', 'products', 'expiryPlan']) assert.equal(rsaKeygen[name], undefined, name);
  // Each operation is exported once, as a Promise; setWebCrypto(false) is the wasm-only route.
  for (const name of ['openPkcs12', 'keyFromPkcs12', 'repackPkcs12', 'inspect']) assert.equal(inkan[name], undefined, name);
  for (const name of ['generate', 'fromBytes']) assert.equal(inkan.Key[name], undefined, `Key.${name}`);
  for (const name of ['toEncryptedPem', 'buildPkcs12']) assert.equal(inkan.Key.prototype[name], undefined, `key.${name}`);
  assert.equal(typeof inkan.setWebCrypto, 'function');
  inkan.setWebCrypto(false);
  try {
    await assert.rejects(inkan.Key.generateAsync('rsa3072'), (e) => e.code === 'rsa_keygen_not_built_in' && /RSA-3072/.test(e.en));
  } finally {
    inkan.setWebCrypto(true);
  }
  const plan = knowledge.expiryPlan('jcan-mcci', '2025-03-31', 1);
  assert.ok(plan && typeof plan === 'object');
});

test('the RSA module makes keys OpenSSL checks, and refuses what is not RSA', async () => {
  const dir = tmp();
  for (const [name, bits] of [['rsa2048', 2048], ['rsa3072', 3072]]) {
    const der = rsaKeygen.generateRsaPkcs8(name);
    writeFileSync(join(dir, `${name}.der`), der);
    const check = opensslAll(['pkey', '-inform', 'DER', '-in', join(dir, `${name}.der`), '-check', '-noout', '-text']);
    assert.match(check, /Key is valid/);
    assert.match(check, new RegExp(`Private-Key: \\(${bits} bit, 2 primes\\)`));
    assert.match(check, /publicExponent: 65537/);
    const key = await inkan.Key.fromBytesAsync(der);
    assert.equal(key.algorithm, name);
    key.free();
  }
  assert.throws(() => rsaKeygen.generateRsaPkcs8('p256'), (e) => e.code === 'unsupported_algorithm');
  assert.throws(() => rsaKeygen.generateRsaPkcs8('rsa1024'), (e) => e.code === 'unsupported_algorithm');
  assert.equal(typeof rsaKeygen.generateRsaPkcs8('rsa2048').length, 'number'); // still alive after errors
});
