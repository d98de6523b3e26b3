// node-forge in pure-JavaScript mode, in a classic worker (forge is not an ES module).
// forge's browser bundle looks for `window`; in a worker the global is `self`.
self.window = self;
importScripts('./forge.min.js');
forge.options.usePureJavaScript = true;

function time(fn) { const t0 = performance.now(); const r = fn(); return [performance.now() - t0, r]; }

const ops = {
  keygen: ({ bits, runs }) => {
    const out = [];
    for (let i = 0; i < runs; i++) out.push(time(() => forge.pki.rsa.generateKeyPair({ bits, e: 0x10001 }))[0]);
    return out;
  },
  p12build: ({ keyPem, certPem, algorithm, iterations, runs }) => {
    const key = forge.pki.privateKeyFromPem(keyPem);
    const certs = certPem.split(/(?=-----BEGIN CERTIFICATE-----)/).filter((s) => s.includes('BEGIN')).map((p) => forge.pki.certificateFromPem(p));
    const out = [];
    let der;
    for (let i = 0; i < runs; i++) {
      const [ms, asn1] = time(() => forge.pkcs12.toPkcs12Asn1(key, certs, 'bench-pin-1234', { algorithm, count: iterations, generateLocalKeyId: true, friendlyName: 'bench' }));
      der = forge.asn1.toDer(asn1).getBytes();
      out.push(ms);
    }
    return { times: out, der };
  },
  p12open: ({ der, password, runs }) => {
    const out = [];
    for (let i = 0; i < runs; i++) out.push(time(() => forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), password))[0]);
    return out;
  },
};

self.onmessage = ({ data }) => {
  try { self.postMessage({ ok: true, result: ops[data.op](data.args) }); } catch (e) { self.postMessage({ ok: false, error: String(e?.message ?? e) }); }
};
