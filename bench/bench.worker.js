// Runs inside a module Web Worker in the benchmark page: times the Inkan wasm operations the
// way the site runs them (off the main thread). `mode` picks the path:
//   "site" — the exports the site uses (PBKDF2 and RSA keygen delegated to WebCrypto, wasm as
//            fallback);
//   "wasm" — the same exports with WebCrypto switched off (`setWebCrypto(false)`), everything
//            computed in the wasm (RSA keys by the inkan_rsa_keygen module, the site's
//            fallback, imported into the PKI module).
import init, * as inkan from './pkg/inkan.js';
import initRsaKeygen, * as rsaKeygen from './pkg/inkan_rsa_keygen.js';

const ready = Promise.all([
  init({ module_or_path: new URL('./pkg/inkan_bg.wasm', import.meta.url) }),
  initRsaKeygen({ module_or_path: new URL('./pkg/inkan_rsa_keygen_bg.wasm', import.meta.url) }),
]);

/** The wasm-only key (WebCrypto switched off), as www/js/inkan.worker.js makes it where WebCrypto refuses. */
async function generateInWasm(algorithm) {
  if (!algorithm.startsWith('rsa')) return inkan.Key.generateAsync(algorithm);
  const der = rsaKeygen.generateRsaPkcs8(algorithm);
  try { return await inkan.Key.fromBytesAsync(der); } finally { der.fill(0); }
}

/** An extractable RSA key pair from WebCrypto, as Key.generateAsync asks for one. */
function webcryptoRsaPair(bits) {
  return crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
}

async function time(fn) {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
}

async function timeRuns(runs, batch, fn) {
  // Workers without cross-origin isolation see a 0.1 ms clock: fast operations are timed in
  // batches and divided.
  const out = [];
  for (let i = 0; i < runs; i++) {
    const [ms] = await time(async () => { for (let j = 0; j < batch; j++) await fn(); });
    out.push(ms / batch);
  }
  return out;
}

const ops = {
  keygen: ({ algorithm, runs, batch = 1, mode = 'site' }) => timeRuns(runs, batch, async () => {
    // The public key is derived too: an EC "keygen" that stops at the random scalar would not
    // be comparable with WebCrypto, which returns a key pair.
    const k = mode === 'site' ? await inkan.Key.generateAsync(algorithm) : await generateInWasm(algorithm);
    k.publicKeyDer();
    k.free();
  }),
  // The keygen anchor, in the same Web Worker as Inkan's path (the page's WebCrypto might be
  // scheduled differently): what the site's path would cost if it did nothing but generateKey.
  webcryptoRsa: async ({ bits, runs }) => {
    const out = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await webcryptoRsaPair(bits);
      out.push(performance.now() - t0);
    }
    return out;
  },
  // The delegation's own cost: a WebCrypto key (made untimed) exported as PKCS#8, imported and
  // checked (size, e = 65537, consistency) in wasm, as Key.generateAsync does after generateKey.
  rsaImport: async ({ bits, runs }) => {
    const out = [];
    for (let i = 0; i < runs; i++) {
      const pair = await webcryptoRsaPair(bits);
      const t0 = performance.now();
      const der = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
      const k = await inkan.Key.fromBytesAsync(der);
      k.publicKeyDer();
      out.push(performance.now() - t0);
      k.free();
      der.fill(0);
    }
    return out;
  },
  csr: ({ runs, batch = 1 }) => timeRuns(runs, batch, async () => {
    const k = await inkan.Key.generateAsync('p256');
    k.createCsr({ commonName: '山田 太郎', email: 'taro@example.jp', country: 'JP' }, { keyUsage: true });
    k.free();
  }),
  p12build: async ({ keyPem, certPem, profile, iterations, runs, mode = 'site' }) => {
    const key = await inkan.Key.fromBytesAsync(new TextEncoder().encode(keyPem));
    const certs = new TextEncoder().encode(certPem);
    let bytes;
    const times = await timeRuns(runs, 1, async () => {
      bytes = (await key.buildPkcs12Async(certs, 'bench-pin-1234', { profile, iterations })).bytes;
    });
    key.free();
    return { times, bytes };
  },
  p12open: ({ bytes, password, runs }) => {
    const u8 = Uint8Array.from(bytes);
    return timeRuns(runs, 1, () => inkan.openPkcs12Async(u8, password));
  },
  backup: async ({ keyPem, iterations, runs }) => {
    // The key backup file: one PBKDF2 (and a few AES blocks).
    const key = await inkan.Key.fromBytesAsync(new TextEncoder().encode(keyPem));
    const times = await timeRuns(runs, 1, () => key.toEncryptedPemAsync('bench-pin-1234', iterations));
    key.free();
    return times;
  },
  candidates: ({ bytes, seconds }) => {
    // Wrong candidates until `seconds` pass: the MAC check rejects each one (the site's
    // tryPasswords in www/js/inkan.worker.js).
    const u8 = Uint8Array.from(bytes);
    const end = performance.now() + seconds * 1000;
    let n = 0;
    while (performance.now() < end) {
      if (inkan.checkPkcs12Password(u8, `wrong-${n}`)) throw new Error('a wrong candidate opened the file');
      n++;
    }
    return n / seconds;
  },
};

self.onmessage = async ({ data }) => {
  try {
    await ready;
    // One operation at a time: the switch holds for this message alone.
    inkan.setWebCrypto(data.args?.mode !== 'wasm');
    self.postMessage({ ok: true, result: await ops[data.op](data.args) });
  } catch (e) {
    self.postMessage({ ok: false, error: `${e.code ?? ''} ${e.message ?? e}` });
  }
};
