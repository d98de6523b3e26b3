// The page's side of the Web Worker: every call is a Promise; errors are InkanError with a
// stable `code` and texts in both languages. Long operations can report progress.
import { InkanError } from './errors.js';
import { loadTexts } from './i18n.js';

export { InkanError, asInkanError } from './errors.js';

// The worker's refusals and the failures below are site texts: every view that calls the
// worker shows them in its language at once (the other language comes when an error is shown).
await loadTexts(['error']);

/** An error the worker sent: the wasm's own errors come with both texts (the crates' messages);
 * the worker's own carry a message key and its arguments, rendered here. */
function fromWorker({ code, ja, en, key, vars, fatal }) {
  return new InkanError(key ? { code, key, vars, fatal } : { code, ja, en, fatal });
}

const WORKER_URL = new URL('./inkan.worker.js', import.meta.url);
let worker;
let seq = 0;
const pending = new Map();

/**
 * A module Worker must be same-origin with the page. On the issuer's page the widget's files
 * come from another origin, so we start a same-origin blob worker whose only line imports the
 * real worker module (module imports are CORS fetches, allowed by the widget's server).
 */
function makeWorker() {
  if (WORKER_URL.origin === location.origin) return new Worker(WORKER_URL, { type: 'module', name: 'inkan' });
  const boot = new Blob([`import ${JSON.stringify(WORKER_URL.href)};\n`], { type: 'text/javascript' });
  const url = URL.createObjectURL(boot);
  const w = new Worker(url, { type: 'module', name: 'inkan' });
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return w;
}

function start() {
  worker = makeWorker();
  worker.onmessage = ({ data }) => {
    const p = pending.get(data.id);
    if (!p) return;
    if (data.progress) { p.onProgress?.(data.progress); return; }
    pending.delete(data.id);
    if (data.ok) p.resolve(data.result);
    else {
      if (data.error.fatal) restart();
      p.reject(fromWorker(data.error));
    }
  };
  worker.onerror = (e) => {
    e.preventDefault?.();
    for (const p of pending.values()) p.reject(new InkanError({ code: 'worker_failed', key: 'error.worker_failed', vars: { reason: e.message ?? 'unknown' }, fatal: true }));
    pending.clear();
    restart();
  };
}

function restart() {
  worker?.terminate();
  worker = undefined;
}

/** Runs `op` in the worker. `onProgress({done,total})` is called for long operations. */
export function call(op, args = {}, { transfer = [], onProgress } = {}) {
  if (!worker) start();
  const id = ++seq;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    worker.postMessage({ id, op, args }, transfer);
  });
}

/** Starts the worker and loads the wasm in the background (used once a view has painted). */
export function warmUp() {
  return call('version').catch(() => undefined);
}

// Catalog data never changes during a visit: ask the wasm once.
let productsPromise;
export function products() {
  productsPromise ??= call('products').catch((e) => { productsPromise = undefined; throw e; });
  return productsPromise;
}
