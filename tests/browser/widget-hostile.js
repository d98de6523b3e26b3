// The hostile issuer page of widget.test.mjs (or one compromised script on it): it runs before
// widget.js and collects everything it can reach into window.__loot; the test then checks that
// none of it is a secret. window.__events keeps the widget's DOM events for the test.
(() => {
  const loot = [];
  const events = [];
  window.__loot = loot;
  window.__events = events;
  const b64 = (u8) => { let s = ''; for (const b of u8) s += String.fromCharCode(b); return btoa(s); };
  const ser = (v) => {
    try {
      return JSON.stringify(v, (_, x) => (x instanceof ArrayBuffer ? b64(new Uint8Array(x))
        : ArrayBuffer.isView(x) ? b64(new Uint8Array(x.buffer, x.byteOffset, x.byteLength)) : x));
    } catch { return String(v); }
  };
  const take = (kind, v) => loot.push(`${kind}: ${typeof v === 'string' ? v : ser(v)}`);

  // A keylogger on its own document.
  for (const type of ['keydown', 'keypress', 'keyup', 'input', 'change', 'beforeinput', 'paste', 'copy', 'focusin']) {
    document.addEventListener(type, (e) => take(type, { key: e.key, data: e.data, value: e.target?.value }), true);
  }
  // Every message and every widget event.
  window.addEventListener('message', (e) => take('message', { origin: e.origin, data: e.data }), true);
  for (const type of ['inkan:csr', 'inkan:application', 'inkan:mailbox-confirmed', 'inkan:p12', 'inkan:error', 'inkan:key-removed']) {
    document.addEventListener(type, (e) => { take(type, e.detail); events.push({ type, detail: JSON.parse(ser(e.detail) ?? 'null') }); }, true);
  }
  // Patched platform functions.
  const realFetch = window.fetch;
  window.fetch = function (...args) { take('fetch', args.map((a) => (typeof a === 'string' ? a : ser(a)))); return realFetch.apply(this, args); };
  const realPost = window.postMessage;
  window.postMessage = function (...args) { take('postMessage', args[0]); return realPost.apply(this, args); };
  const realSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (body) { take('xhr', body); return realSend.call(this, body); };
  // Everything drawn in its document.
  new MutationObserver((records) => {
    for (const r of records) take('mutation', r.target.outerHTML ?? r.target.textContent ?? '');
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });

  // Called by the test at each step: the frames, its own storage, its DOM.
  window.__sweep = async () => {
    take('dom', document.documentElement.outerHTML);
    for (const f of document.querySelectorAll('iframe')) {
      try {
        const d = f.contentDocument;
        if (d) take('iframe.contentDocument', d.documentElement.outerHTML); else loot.push('BLOCKED contentDocument (null)');
      } catch (e) { loot.push(`BLOCKED contentDocument ${e.name}`); }
      try { take('iframe.document', f.contentWindow.document.documentElement.outerHTML); } catch (e) { loot.push(`BLOCKED contentWindow.document ${e.name}`); }
      try { take('iframe.storage', JSON.stringify({ ...f.contentWindow.sessionStorage, ...f.contentWindow.localStorage })); } catch (e) { loot.push(`BLOCKED contentWindow.storage ${e.name}`); }
    }
    take('localStorage', JSON.stringify({ ...localStorage }));
    take('sessionStorage', JSON.stringify({ ...sessionStorage }));
    take('cookie', document.cookie);
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((resolve, reject) => { const r = indexedDB.open(name); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
      for (const store of db.objectStoreNames) {
        const all = await new Promise((resolve) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => resolve(r.result); r.onerror = () => resolve([]); });
        take(`indexedDB ${name}/${store}`, all);
      }
      db.close();
    }
  };
})();
