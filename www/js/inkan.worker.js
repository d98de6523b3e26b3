// The Web Worker that owns the wasm module and every private key.
//
// Keys never leave this worker as plain bytes: the page holds only numeric handles. RSA key
// generation and every PBKDF2 (600,000 iterations) run here so the page never freezes.
// The wasm is fetched on the first message, not at page load: no view needs it to paint.
// There are three modules: pkg/inkan (keys, CSRs, PKCS#12, inspect), pkg/inkan_knowledge
// (catalog, expiry, advisor) and pkg/inkan_rsa_keygen (RSA key generation in wasm); each is
// fetched only when an operation needs it, so the advisor and planner never download the
// cryptography, and the prime generator is downloaded only where WebCrypto cannot make RSA keys.
//
// When the widget runs on another origin, this module is imported by a same-origin blob
// bootstrap (see client.js); `import.meta.url` is still this file's real URL, so the wasm is
// fetched from the widget's own origin (with CORS).
import initPki, * as inkan from '../pkg/inkan.js';
import initKnowledge, * as knowledge from '../pkg/inkan_knowledge.js';
import initRsaKeygen, * as rsaKeygen from '../pkg/inkan_rsa_keygen.js';

const MODULES = {
  pki: { init: initPki, wasm: new URL('../pkg/inkan_bg.wasm', import.meta.url), ready: undefined },
  knowledge: { init: initKnowledge, wasm: new URL('../pkg/inkan_knowledge_bg.wasm', import.meta.url), ready: undefined },
  rsaKeygen: { init: initRsaKeygen, wasm: new URL('../pkg/inkan_rsa_keygen_bg.wasm', import.meta.url), ready: undefined },
};
const KNOWLEDGE_OPS = new Set(['expiryPlan', 'expiryIcs', 'advise', 'advisorQuestions', 'products', 'sources']);
const keys = new Map();
let nextHandle = 1;

/** The worker's own refusals carry a message key (www/messages/) and its arguments, not texts:
 * the page renders them (client.js), so the worker never loads the catalogs. */
function fail(code, key, vars = {}) {
  return Object.assign(new Error(key), { code, key, vars });
}

function keyFor(handle) {
  const key = keys.get(handle);
  if (!key) throw fail('key_handle_lost', 'error.key_handle_lost');
  return key;
}

/** Loads a module once; a failed load is retried on the next call. */
async function load(module) {
  try {
    module.ready ??= module.init({ module_or_path: module.wasm });
    await module.ready;
  } catch (e) {
    module.ready = undefined;
    throw fail('wasm_load_failed', 'error.wasm_load_failed', { reason: String(e?.message ?? e) });
  }
}

/**
 * Key.generateAsync has WebCrypto make RSA keys; where WebCrypto is missing or refuses, the PKI
 * module (built without a prime generator) says `rsa_keygen_not_built_in` and the key is made
 * by the small RSA module instead, imported, and its PKCS#8 copy in JS overwritten.
 */
async function generateKey({ algorithm }) {
  try {
    return remember(await inkan.Key.generateAsync(algorithm));
  } catch (e) {
    if (e?.code !== 'rsa_keygen_not_built_in') throw e;
  }
  await load(MODULES.rsaKeygen);
  const der = rsaKeygen.generateRsaPkcs8(algorithm);
  try {
    return remember(await inkan.Key.fromBytesAsync(der));
  } finally {
    der.fill(0);
  }
}

function remember(key) {
  const handle = nextHandle++;
  keys.set(handle, key);
  return { handle, algorithm: key.algorithm };
}

/** Tries each candidate password on a .p12 (the MAC check alone), reporting progress. */
function tryPasswords({ bytes, candidates }, progress) {
  for (let i = 0; i < candidates.length; i++) {
    progress({ done: i, total: candidates.length });
    // A damaged file throws here: it fails every candidate, so there is no point going on.
    if (inkan.checkPkcs12Password(bytes, candidates[i])) return { index: i };
  }
  progress({ done: candidates.length, total: candidates.length });
  return { index: -1 };
}

const ops = {
  version: () => inkan.version(),
  // The *Async exports hand PBKDF2 and RSA key generation to WebCrypto (native, ~3-4x
  // faster than wasm) and fall back to the wasm by themselves.
  generateKey,
  importKey: async ({ bytes, pin }) => remember(await inkan.Key.fromBytesAsync(bytes, pin ?? undefined)),
  keyFromPkcs12: async ({ bytes, password }) => remember(await inkan.keyFromPkcs12Async(bytes, password)),
  dropKey: ({ handle }) => { const k = keys.get(handle); if (k) { k.free(); keys.delete(handle); } return true; },
  exportEncryptedKey: ({ handle, pin, iterations }) => keyFor(handle).toEncryptedPemAsync(pin, iterations ?? undefined),
  publicKey: ({ handle }) => keyFor(handle).publicKeyDer(),
  createCsr: ({ handle, subject, options }) => keyFor(handle).createCsr(subject, options ?? {}),
  matchesCertificate: ({ handle, certificates }) => keyFor(handle).matchesCertificate(certificates),
  buildPkcs12: ({ handle, certificates, password, options }) => keyFor(handle).buildPkcs12Async(certificates, password, options ?? {}),
  openPkcs12: ({ bytes, password }) => inkan.openPkcs12Async(bytes, password),
  repackPkcs12: ({ bytes, oldPassword, newPassword, options }) => inkan.repackPkcs12Async(bytes, oldPassword, newPassword, options ?? {}),
  parseCertificates: ({ bytes }) => inkan.parseCertificates(bytes),
  parseCsr: ({ bytes }) => inkan.parseCsr(bytes),
  inspect: ({ bytes, password, at }) => inkan.inspectAsync(bytes, password ?? undefined, at ?? undefined),
  // The ID documents, sealed to the issuer's published document key (HPKE) before they leave.
  sealDocument: ({ publicKey, mediaType, bytes }) => inkan.sealDocument(publicKey, mediaType, bytes),
  tryPasswords,
  expiryPlan: ({ product, downloaded, years, issued }) => knowledge.expiryPlan(product, downloaded, years ?? undefined, issued ?? undefined),
  expiryIcs: ({ product, downloaded, years, issued }) => knowledge.expiryIcs(product, downloaded, years ?? undefined, issued ?? undefined),
  advise: ({ answers, today }) => knowledge.advise(answers, today ?? undefined),
  sources: () => knowledge.sources(),
  advisorQuestions: () => knowledge.advisorQuestions(),
  products: () => knowledge.products(),
};

/** Sends `e` back as the call's error: the wasm's errors with their texts (the crates'
 * messages), the worker's own (fail) with their key, anything else as `fallback`'s key. */
function reply(id, e, fallback) {
  const text = e?.ja && e?.en ? { ja: e.ja, en: e.en } : { key: e?.key ?? fallback.key, vars: e?.key ? e.vars : fallback.vars };
  self.postMessage({ id, ok: false, error: { code: e?.code ?? fallback.code, ...text, fatal: !!fallback.fatal } });
}

self.onmessage = async (event) => {
  const { id, op, args } = event.data;
  const module = MODULES[KNOWLEDGE_OPS.has(op) ? 'knowledge' : 'pki'];
  try {
    await load(module);
  } catch (e) {
    return reply(id, e, e);
  }
  try {
    const fn = ops[op];
    if (!fn) throw fail('invalid_argument', 'error.unknown_operation', { op: String(op) });
    const result = await fn(args ?? {}, (p) => self.postMessage({ id, progress: p }));
    const transfer = result instanceof Uint8Array ? [result.buffer] : (result?.bytes instanceof Uint8Array ? [result.bytes.buffer] : []);
    self.postMessage({ id, ok: true, result }, transfer);
  } catch (e) {
    // A wasm trap (RuntimeError) means the module is unusable; say so instead of hanging.
    const fatal = e instanceof WebAssembly.RuntimeError;
    reply(id, e, {
      code: fatal ? 'internal_error' : 'unexpected_error',
      key: 'error.worker_unexpected',
      vars: { reason: String(e?.message ?? e) },
      fatal,
    });
  }
};
