// The benchmark page: exposes helpers that run.mjs calls through page.evaluate. WebCrypto runs
// in the page itself, as the site would use it.
function rpc(worker, op, args) {
  return new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => (data.ok ? resolve(data.result) : reject(new Error(data.error)));
    worker.onerror = (e) => reject(new Error(`worker failed: ${e.message ?? e}`));
    worker.postMessage({ op, args });
  });
}

const inkanWorker = new Worker(new URL('./bench.worker.js', import.meta.url), { type: 'module' });
const forgeWorker = new Worker(new URL('./forge.worker.js', import.meta.url));

window.bench = {
  inkan: (op, args) => rpc(inkanWorker, op, args),
  forge: (op, args) => rpc(forgeWorker, op, args),
  async webcryptoP256(runs, batch = 1) {
    const out = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      for (let j = 0; j < batch; j++) await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
      out.push((performance.now() - t0) / batch);
    }
    return out;
  },
  async webcryptoPbkdf2(iterations, runs) {
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('bench-pin-1234'), 'PBKDF2', false, ['deriveBits']);
    const out = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(16), iterations }, key, 256);
      out.push(performance.now() - t0);
    }
    return out;
  },
};
window.benchReady = true;
