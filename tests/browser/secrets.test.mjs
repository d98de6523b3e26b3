// The leak detector itself is tested: it must catch the key in every encoding the end-to-end
// tests rely on (raw, PEM, base64 at any offset, base64url, hex, JSON-escaped PEM) and a PIN,
// and must not cry wolf at a CSR (which rightly carries the public key).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { assertNoSecrets, openssl, tmp } from './harness.mjs';

for (const alg of [['rsa:2048'], ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256']]) {
  test(`assertNoSecrets catches every encoding of a ${alg[0]} key and passes its CSR`, () => {
    const dir = tmp();
    openssl(['req', '-new', '-newkey', ...alg, '-nodes', '-keyout', join(dir, 'k.pem'), '-subj', '/CN=Leak Test/emailAddress=a@example.jp', '-out', join(dir, 'r.csr')]);
    const keyDer = openssl(['pkey', '-in', join(dir, 'k.pem'), '-outform', 'DER'], { encoding: 'buffer' });
    const spkiDer = openssl(['pkey', '-in', join(dir, 'k.pem'), '-pubout', '-outform', 'DER'], { encoding: 'buffer' });
    const keyPem = readFileSync(join(dir, 'k.pem'), 'utf8');
    const csr = readFileSync(join(dir, 'r.csr'), 'utf8');
    const req = (body, url = 'https://w.example/api/applications') => ({ url, method: 'POST', body: Buffer.from(body) });
    const ok = { keyDer, spkiDer, pins: ['my-pin-123'] };
    // The legitimate intake body: CSR + details + download password.
    assert.doesNotThrow(() => assertNoSecrets([req(JSON.stringify({ csr, applicant: { name: 'x' }, download_password: 'ABCDE-FGHJK-LMNPQ-RSTUV' }))], ok));
    // 40 bytes of the private part: the first run that shares no 16-byte window with the public key.
    const pub = new Uint8Array(keyDer.length);
    for (let i = 0; i + 16 <= keyDer.length; i++) if (spkiDer.includes(keyDer.subarray(i, i + 16))) pub.fill(1, i, i + 16);
    const start = pub.findIndex((_, i) => i + 40 <= keyDer.length && !pub.subarray(i, i + 40).some(Boolean));
    const mid = keyDer.subarray(start, start + 40);
    const leaks = {
      raw: req(Buffer.concat([Buffer.from('x'), mid])),
      pem: req(JSON.stringify({ k: keyPem })),
      base64Offset1: req(Buffer.concat([Buffer.from([1]), mid]).toString('base64')),
      base64Offset2: req(Buffer.concat([Buffer.from([1, 2]), mid]).toString('base64')),
      base64url: req(mid.toString('base64url')),
      hex: req(mid.toString('hex')),
      url: req('', `https://w.example/api/x?k=${mid.toString('hex')}`),
      pin: req(JSON.stringify({ p: 'my-pin-123' })),
    };
    for (const [name, r] of Object.entries(leaks)) assert.throws(() => assertNoSecrets([r], ok), /secrets on the wire/, name);
  });
}
