// Runs inside a module Web Worker in the benchmark page: times the Inkan wasm operations the
// way the site runs them (off the main thread).
import init, * as inkan from './pkg/inkan.js';

const ready = init({ module_or_path: new URL('./pkg/inkan_bg.wasm', import.meta.url) });

function time(fn) {
  const t0 = performance.now();
  const r = fn();
  return [performance.now() - t0, r];
}

const ops = {
  keygen: ({ algorithm, runs, batch = 1 }) => {
    // Workers without cross-origin isolation see a 0.1 ms clock: fast operations are timed
    // in batches and divided.
    const out = [];
    for (let i = 0; i < runs; i++) {
      // The public key is derived too: an EC "keygen" that stops at the random scalar would
      // not be comparable with WebCrypto, which returns a key pair.
      const [ms] = time(() => {
        for (let j = 0; j < batch; j++) {
          const k = inkan.Key.generate(algorithm);
          k.publicKeyDer();
          k.free();
        }
      });
      out.push(ms / batch);
    }
    return out;
  },
  csr: ({ runs, batch = 1 }) => {
    const out = [];
    for (let i = 0; i < runs; i++) {
      const [ms] = time(() => {
        for (let j = 0; j < batch; j++) {
          const k = inkan.Key.generate('p256');
          k.createCsr({ commonName: '山田 太郎', email: 'taro@example.jp', country: 'JP' }, { keyUsage: true });
          k.free();
        }
      });
      out.push(ms / batch);
    }
    return out;
  },
  p12build: ({ keyPem, certPem, profile, iterations, runs }) => {
    const key = inkan.Key.fromBytes(new TextEncoder().encode(keyPem));
    const certs = new TextEncoder().encode(certPem);
    const out = [];
    let bytes;
    for (let i = 0; i < runs; i++) {
      const [ms, built] = time(() => key.buildPkcs12(certs, 'bench-pin-1234', { profile, iterations }));
      bytes = built.bytes;
      out.push(ms);
    }
    key.free();
    return { times: out, bytes };
  },
  p12open: ({ bytes, password, runs }) => {
    const out = [];
    for (let i = 0; i < runs; i++) out.push(time(() => inkan.openPkcs12(bytes, password))[0]);
    return out;
  },
  candidates: ({ bytes, seconds }) => {
    // Wrong candidates until `seconds` pass: the MAC check rejects each one.
    const end = performance.now() + seconds * 1000;
    let n = 0;
    while (performance.now() < end) {
      try { inkan.openPkcs12(bytes, `wrong-${n}`); } catch (e) { if (e.code !== 'wrong_password') throw e; }
      n++;
    }
    return n / seconds;
  },
};

self.onmessage = async ({ data }) => {
  try {
    await ready;
    self.postMessage({ ok: true, result: ops[data.op](data.args) });
  } catch (e) {
    self.postMessage({ ok: false, error: `${e.code ?? ''} ${e.message ?? e}` });
  }
};
