// The Web Worker that owns the wasm module and every private key.
//
// Keys never leave this worker as plain bytes: the page holds only numeric handles. RSA key
// generation and PBKDF2 run here so the page never freezes.
import init, * as inkan from '../pkg/inkan.js';

const ready = init({ module_or_path: new URL('../pkg/inkan_bg.wasm', import.meta.url) });
const keys = new Map();
let nextHandle = 1;

function keyFor(handle) {
  const key = keys.get(handle);
  if (!key) throw Object.assign(new Error('unknown key handle'), { code: 'invalid_argument', ja: '鍵が見つかりません。最初からやり直してください。', en: 'Key not found. Please start again.' });
  return key;
}

function remember(key) {
  const handle = nextHandle++;
  keys.set(handle, key);
  return { handle, algorithm: key.algorithm };
}

const ops = {
  version: () => inkan.version(),
  generateKey: ({ algorithm }) => remember(inkan.Key.generate(algorithm)),
  importKey: ({ bytes, pin }) => remember(inkan.Key.fromBytes(bytes, pin ?? undefined)),
  keyFromPkcs12: ({ bytes, password }) => remember(inkan.keyFromPkcs12(bytes, password)),
  dropKey: ({ handle }) => { const k = keys.get(handle); if (k) { k.free(); keys.delete(handle); } return true; },
  exportEncryptedKey: ({ handle, pin, iterations }) => keyFor(handle).toEncryptedPem(pin, iterations ?? undefined),
  publicKey: ({ handle }) => keyFor(handle).publicKeyDer(),
  createCsr: ({ handle, subject, options }) => keyFor(handle).createCsr(subject, options ?? {}),
  matchesCertificate: ({ handle, certificates }) => keyFor(handle).matchesCertificate(certificates),
  buildPkcs12: ({ handle, certificates, password, options }) => keyFor(handle).buildPkcs12(certificates, password, options ?? {}),
  openPkcs12: ({ bytes, password }) => inkan.openPkcs12(bytes, password),
  repackPkcs12: ({ bytes, oldPassword, newPassword, options }) => inkan.repackPkcs12(bytes, oldPassword, newPassword, options ?? {}),
  parseCertificates: ({ bytes }) => inkan.parseCertificates(bytes),
  parseCsr: ({ bytes }) => inkan.parseCsr(bytes),
};

self.onmessage = async (event) => {
  const { id, op, args } = event.data;
  try {
    await ready;
    const fn = ops[op];
    if (!fn) throw Object.assign(new Error(`unknown operation ${op}`), { code: 'invalid_argument' });
    const result = fn(args ?? {});
    const transfer = result instanceof Uint8Array ? [result.buffer] : (result?.bytes instanceof Uint8Array ? [result.bytes.buffer] : []);
    self.postMessage({ id, ok: true, result }, transfer);
  } catch (e) {
    // A wasm trap (RuntimeError) means the module is unusable; say so instead of hanging.
    const fatal = e instanceof WebAssembly.RuntimeError;
    self.postMessage({
      id, ok: false,
      error: {
        code: e?.code ?? (fatal ? 'internal_error' : 'unexpected_error'),
        ja: e?.ja ?? '予期しないエラーが起きました。ページを再読み込みしてください。',
        en: e?.en ?? `Unexpected error: ${e?.message ?? e}. Please reload the page.`,
        fatal,
      },
    });
  }
};
