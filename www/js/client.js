// The page's side of the Web Worker: every call is a Promise; errors are InkanError with a
// stable `code` and texts in both languages.
export class InkanError extends Error {
  constructor({ code, ja, en, fatal }) {
    super(en);
    this.name = 'InkanError';
    this.code = code;
    this.ja = ja;
    this.en = en;
    this.fatal = !!fatal;
  }
  text(lang) { return lang === 'ja' ? this.ja : this.en; }
}

let worker;
let seq = 0;
const pending = new Map();

function start() {
  worker = new Worker(new URL('./inkan.worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => {
    const p = pending.get(data.id);
    if (!p) return;
    pending.delete(data.id);
    if (data.ok) p.resolve(data.result);
    else {
      if (data.error.fatal) restart();
      p.reject(new InkanError(data.error));
    }
  };
  worker.onerror = (e) => {
    for (const p of pending.values()) p.reject(new InkanError({ code: 'worker_failed', ja: '処理用のワーカーを起動できませんでした。ページを再読み込みしてください。', en: `The background worker failed (${e.message ?? 'unknown'}). Reload the page.`, fatal: true }));
    pending.clear();
  };
}

function restart() {
  worker?.terminate();
  worker = undefined;
}

export function call(op, args = {}, transfer = []) {
  if (!worker) start();
  const id = ++seq;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, op, args }, transfer);
  });
}
