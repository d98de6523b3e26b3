// The *Async exports delegate PBKDF2 and RSA key generation to WebCrypto (Node 20 has the same
// API as browsers on globalThis.crypto). These tests prove that the delegation really happens
// (the calls are counted), that its results are the ones the wasm computes alone (the same
// exports with `setWebCrypto(false)`), that OpenSSL reads what it builds, and that the wasm
// takes over when WebCrypto is missing or refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, tmp, openssl, opensslAll, testCa } from '../browser/harness.mjs';

const pkg = process.env.INKAN_PKG ?? join(ROOT, 'www/pkg');
const inkan = await import(pathToFileURL(join(pkg, 'inkan.js')).href);
inkan.initSync({ module: readFileSync(join(pkg, 'inkan_bg.wasm')) });
const rsaKeygen = await import(pathToFileURL(join(pkg, 'inkan_rsa_keygen.js')).href);
rsaKeygen.initSync({ module: readFileSync(join(pkg, 'inkan_rsa_keygen_bg.wasm')) });

const subtle = globalThis.crypto.subtle;
const calls = { deriveBits: [], generateKey: 0 };
const real = { deriveBits: subtle.deriveBits.bind(subtle), generateKey: subtle.generateKey.bind(subtle) };
subtle.deriveBits = (alg, key, bits) => { calls.deriveBits.push({ iterations: alg.iterations, hash: alg.hash, bits }); return real.deriveBits(alg, key, bits); };
subtle.generateKey = (...a) => { calls.generateKey++; return real.generateKey(...a); };
const reset = () => { calls.deriveBits = []; calls.generateKey = 0; };

/** Runs `fn` with WebCrypto's subtle.<name> throwing, as an engine that refuses would. */
async function refusing(name, fn) {
  const saved = subtle[name];
  subtle[name] = () => { throw new DOMException('refused for the test', 'NotSupportedError'); };
  try { return await fn(); } finally { subtle[name] = saved; }
}

/** Runs `fn` with the module's WebCrypto switched off: every export computes in wasm alone. */
async function wasmOnly(fn) {
  inkan.setWebCrypto(false);
  try { return await fn(); } finally { inkan.setWebCrypto(true); }
}

const dir = tmp();
const ca = testCa(dir);
const key = await inkan.Key.generateAsync('p256');
const leaf = ca.sign(key.createCsr({ commonName: '山田 太郎', email: 'taro@example.jp' }, {}).pem);
const chain = new TextEncoder().encode(leaf + ca.caPem);
const PIN = '秘密のPIN-1234';

function opensslOpens(bytes, password) {
  writeFileSync(join(dir, 'x.p12'), bytes);
  writeFileSync(join(dir, 'pw'), password);
  return openssl(['pkcs12', '-in', join(dir, 'x.p12'), '-passin', `file:${join(dir, 'pw')}`, '-nodes']);
}

test('buildPkcs12Async derives both PBES2 keys in WebCrypto and OpenSSL opens the file', async () => {
  reset();
  const built = await key.buildPkcs12Async(chain, PIN, { profile: 'modern', iterations: 20000 });
  assert.deepEqual(calls.deriveBits.map((c) => [c.iterations, c.hash, c.bits]), [[20000, 'SHA-256', 256], [20000, 'SHA-256', 256]]);
  assert.match(opensslOpens(built.bytes, PIN), /BEGIN PRIVATE KEY/);
  assert.deepEqual(built.findings.map((f) => f.code), ['non_ascii_password']);
});

test('setWebCrypto(false) keeps WebCrypto out: the .p12 is built in wasm alone and OpenSSL opens it', async () => {
  reset();
  const built = await wasmOnly(() => key.buildPkcs12Async(chain, PIN, { profile: 'modern', iterations: 20000 }));
  assert.equal(calls.deriveBits.length, 0);
  assert.match(opensslOpens(built.bytes, PIN), /BEGIN PRIVATE KEY/);
  // Switched back on, the same export delegates again.
  await key.buildPkcs12Async(chain, PIN, { profile: 'modern', iterations: 2048 });
  assert.equal(calls.deriveBits.length, 2);
});

test('openPkcs12Async gives the same report with PBKDF2 in WebCrypto as all in wasm', async () => {
  const built = await wasmOnly(() => key.buildPkcs12Async(chain, PIN, { profile: 'modern', iterations: 20000 }));
  reset();
  const delegated = await inkan.openPkcs12Async(built.bytes, PIN);
  assert.equal(calls.deriveBits.length, 2);
  assert.deepEqual(delegated, await wasmOnly(() => inkan.openPkcs12Async(built.bytes, PIN)));
  assert.equal(calls.deriveBits.length, 2);
  const k = await inkan.keyFromPkcs12Async(built.bytes, PIN);
  assert.deepEqual(k.publicKeyDer(), key.publicKeyDer());
  k.free();
  const report = await inkan.inspectAsync(built.bytes, PIN, '2026-01-01');
  assert.deepEqual(report, await wasmOnly(() => inkan.inspectAsync(built.bytes, PIN, '2026-01-01')));
  const repacked = await inkan.repackPkcs12Async(built.bytes, PIN, 'new-pin', { profile: 'modern', iterations: 2048 });
  assert.equal((await wasmOnly(() => inkan.openPkcs12Async(repacked.bytes, 'new-pin'))).key.matches_certificate, true);
});

test('an OpenSSL-made .p12 (AES, 600,000 iterations) opens through the delegated path', async () => {
  const keyPem = await wasmOnly(() => key.toEncryptedPemAsync('x', 1000));
  writeFileSync(join(dir, 'k.pem'), keyPem);
  writeFileSync(join(dir, 'kpw'), 'x');
  writeFileSync(join(dir, 'c.pem'), leaf + ca.caPem);
  writeFileSync(join(dir, 'pw'), PIN);
  openssl(['pkcs12', '-export', '-inkey', join(dir, 'k.pem'), '-passin', `file:${join(dir, 'kpw')}`, '-in', join(dir, 'c.pem'),
    '-passout', `file:${join(dir, 'pw')}`, '-iter', '600000', '-out', join(dir, 'o.p12')]);
  reset();
  const report = await inkan.openPkcs12Async(readFileSync(join(dir, 'o.p12')), PIN);
  assert.deepEqual(calls.deriveBits.map((c) => c.iterations), [600000, 600000]);
  assert.equal(report.key.matches_certificate, true);
});

test('a wrong password fails with wrong_password, and legacy files need no WebCrypto', async () => {
  const modern = await key.buildPkcs12Async(chain, PIN, { profile: 'modern', iterations: 2048 });
  await assert.rejects(inkan.openPkcs12Async(modern.bytes, 'wrong'), (e) => e.code === 'wrong_password' && /パスワード/.test(e.ja));
  await assert.rejects(inkan.inspectAsync(modern.bytes, 'wrong'), (e) => e.code === 'wrong_password');
  const legacy = await key.buildPkcs12Async(chain, PIN, { profile: 'legacy' });
  reset();
  assert.equal((await inkan.openPkcs12Async(legacy.bytes, PIN)).key.matches_certificate, true);
  const rebuilt = await key.buildPkcs12Async(chain, PIN, { profile: 'legacy' });
  assert.equal(calls.deriveBits.length, 0);
  assert.match(opensslOpens(rebuilt.bytes, PIN), /BEGIN PRIVATE KEY/);
  await assert.rejects(inkan.openPkcs12Async(new Uint8Array([0x30, 0x82, 0x10]), PIN), (e) => e.code === 'truncated');
});

test('when WebCrypto refuses, the wasm derives instead and the results are the same', async () => {
  const built = await refusing('deriveBits', () => key.buildPkcs12Async(chain, PIN, { profile: 'modern', iterations: 2048 }));
  assert.match(opensslOpens(built.bytes, PIN), /BEGIN PRIVATE KEY/);
  const report = await refusing('importKey', () => inkan.openPkcs12Async(built.bytes, PIN));
  assert.equal(report.key.matches_certificate, true);
  // An empty password is a legal PKCS#12 password; engines differ on empty PBKDF2 keys.
  const empty = await key.buildPkcs12Async(chain, '', { profile: 'modern', iterations: 2048 });
  assert.equal((await inkan.openPkcs12Async(empty.bytes, '')).key.matches_certificate, true);
});

test('a wrong WebCrypto answer cannot pass as a damaged file: the open retries in wasm', async () => {
  const built = await key.buildPkcs12Async(chain, PIN, { profile: 'modern', iterations: 2048 });
  const saved = subtle.deriveBits;
  subtle.deriveBits = async () => new Uint8Array(32).buffer; // all zeros: a lying engine
  try {
    assert.equal((await inkan.openPkcs12Async(built.bytes, PIN)).key.matches_certificate, true);
  } finally { subtle.deriveBits = saved; }
});

test('key backup: toEncryptedPemAsync and fromBytesAsync delegate PBKDF2 and agree with the wasm-only route', async () => {
  reset();
  const pem = await key.toEncryptedPemAsync('backup-pin', 30000);
  assert.deepEqual(calls.deriveBits.map((c) => c.iterations), [30000]);
  const inWasm = await wasmOnly(() => inkan.Key.fromBytesAsync(new TextEncoder().encode(pem), 'backup-pin'));
  assert.deepEqual(inWasm.publicKeyDer(), key.publicKeyDer());
  inWasm.free();
  writeFileSync(join(dir, 'b.pem'), pem);
  writeFileSync(join(dir, 'bpw'), 'backup-pin');
  assert.match(openssl(['pkey', '-in', join(dir, 'b.pem'), '-passin', `file:${join(dir, 'bpw')}`]), /BEGIN PRIVATE KEY/);
  const p2 = await wasmOnly(() => key.toEncryptedPemAsync('p2', 30000));
  assert.deepEqual(calls.deriveBits.map((c) => c.iterations), [30000]);
  const back = await inkan.Key.fromBytesAsync(new TextEncoder().encode(p2), 'p2');
  assert.deepEqual(calls.deriveBits.map((c) => c.iterations), [30000, 30000]);
  assert.deepEqual(back.publicKeyDer(), key.publicKeyDer());
  await assert.rejects(inkan.Key.fromBytesAsync(new TextEncoder().encode(pem), 'wrong'), (e) => e.code === 'wrong_password');
});

test('generateAsync makes RSA keys with WebCrypto, EC keys in wasm, and says so when refused', async () => {
  reset();
  const rsa = await inkan.Key.generateAsync('rsa2048');
  assert.equal(rsa.algorithm, 'rsa2048');
  assert.equal(calls.generateKey, 1);
  const csr = rsa.createCsr({ commonName: 'Taro', email: 'taro@example.jp' }, {});
  writeFileSync(join(dir, 'r.csr'), csr.pem);
  const verified = opensslAll(['req', '-in', join(dir, 'r.csr'), '-verify', '-noout', '-text']);
  assert.match(verified, /verify OK/);
  assert.match(verified, /Public-Key: \(2048 bit\)/);
  const ec = await inkan.Key.generateAsync('p384');
  assert.equal(ec.algorithm, 'p384');
  assert.equal(calls.generateKey, 1);
  // The PKI module has no prime generator: a refusal is a specific error the worker acts on
  // (www/js/inkan.worker.js) by loading the RSA module, as here.
  await assert.rejects(refusing('generateKey', () => inkan.Key.generateAsync('rsa2048')), (e) => {
    assert.equal(e.code, 'rsa_keygen_not_built_in');
    assert.match(e.ja, /RSA-2048/);
    return true;
  });
  // Switched off, the same: WebCrypto is not even asked.
  await assert.rejects(wasmOnly(() => inkan.Key.generateAsync('rsa2048')), (e) => e.code === 'rsa_keygen_not_built_in');
  assert.equal(calls.generateKey, 1);
  const der = await refusing('generateKey', () => rsaKeygen.generateRsaPkcs8('rsa2048'));
  const fallback = await inkan.Key.fromBytesAsync(der);
  der.fill(0);
  assert.equal(fallback.algorithm, 'rsa2048');
  const fcsr = fallback.createCsr({ commonName: 'Taro', email: 'taro@example.jp' }, {});
  writeFileSync(join(dir, 'f.csr'), fcsr.pem);
  assert.match(opensslAll(['req', '-in', join(dir, 'f.csr'), '-verify', '-noout']), /verify OK/);
  await assert.rejects(inkan.Key.generateAsync('rsa1024'), (e) => e.code === 'unsupported_algorithm');
  for (const k of [rsa, ec, fallback]) k.free();
});

test('checkPkcs12Password checks the MAC alone: true, false, or a specific error for damage', async () => {
  const built = await key.buildPkcs12Async(chain, PIN, { profile: 'modern', iterations: 2048 });
  assert.equal(inkan.checkPkcs12Password(built.bytes, PIN), true);
  assert.equal(inkan.checkPkcs12Password(built.bytes, 'wrong'), false);
  assert.throws(() => inkan.checkPkcs12Password(built.bytes.slice(0, 100), PIN), (e) => e.code === 'truncated');
  assert.throws(() => inkan.checkPkcs12Password(new TextEncoder().encode('hello'), PIN), (e) => e.code === 'not_pkcs12');
});
