// The service worker: precaches the app shell and the wasm so every flow except submitting
// and collecting (which need the worker's API) works offline after the first visit.
//
// Strategy: network first (so a new deploy is used at once and old and new modules never
// mix), falling back to the cache when the network fails; every good answer refreshes the
// cache. No timeout: falling back on a slow answer could pair new JS with an old wasm.
// The API (/api/) is never cached: its answers are per-applicant and "no-store".
//
// The list below is generated: `node tests/browser/precache.mjs` rewrites it from www/, and
// tests/browser/pwa.test.mjs fails if it differs from the files in dist/www.
const CACHE = 'inkan-shell-v1';
// PRECACHE-START
const PRECACHE = [
  "css/app.css",
  "css/components.css",
  "data/advisor.json",
  "icons/apple-touch-icon.png",
  "icons/icon-192.png",
  "icons/icon-512.png",
  "icons/icon-maskable-512.png",
  "icons/icon.svg",
  "index.html",
  "js/api.js",
  "js/app.js",
  "js/client.js",
  "js/data.js",
  "js/errors.js",
  "js/i18n.js",
  "js/idimage.js",
  "js/inkan.worker.js",
  "js/password.js",
  "js/store.js",
  "js/util.js",
  "js/view.js",
  "js/views/advisor.js",
  "js/views/apply-backup.js",
  "js/views/apply-details.js",
  "js/views/apply-documents.js",
  "js/views/apply-key.js",
  "js/views/apply-letter.js",
  "js/views/apply-mailbox.js",
  "js/views/apply-stage.js",
  "js/views/apply-submit.js",
  "js/views/apply.js",
  "js/views/check.js",
  "js/views/common.js",
  "js/views/home.js",
  "js/views/planner.js",
  "js/views/receive.js",
  "js/views/workbench.js",
  "manifest.webmanifest",
  "messages/en/adv.json",
  "messages/en/ap.json",
  "messages/en/app.json",
  "messages/en/c.json",
  "messages/en/ck.json",
  "messages/en/em.json",
  "messages/en/error.json",
  "messages/en/home.json",
  "messages/en/pl.json",
  "messages/en/rc.json",
  "messages/en/wb.json",
  "messages/ja/adv.json",
  "messages/ja/ap.json",
  "messages/ja/app.json",
  "messages/ja/c.json",
  "messages/ja/ck.json",
  "messages/ja/em.json",
  "messages/ja/error.json",
  "messages/ja/home.json",
  "messages/ja/pl.json",
  "messages/ja/rc.json",
  "messages/ja/wb.json",
  "pkg/inkan.js",
  "pkg/inkan_bg.wasm",
  "pkg/inkan_knowledge.js",
  "pkg/inkan_knowledge_bg.wasm",
  "pkg/inkan_rsa_keygen.js",
  "pkg/inkan_rsa_keygen_bg.wasm"
];
// PRECACHE-END

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(['./', ...PRECACHE].map((url) => new Request(url, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith('inkan-') && name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/.well-known/')) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok && response.type === 'basic') cache.put(request, response.clone());
      return response;
    } catch (e) {
      const cached = await cache.match(request, { ignoreSearch: true })
        ?? (request.mode === 'navigate' ? await cache.match('./') ?? await cache.match('index.html') : undefined);
      if (cached) return cached;
      // The page that asked has gone (a navigation aborted its module loads): nobody reads this
      // answer, and rethrowing would log "a ServiceWorker … encountered an unexpected error" on
      // the next page of the same tab, as Firefox did in a full test run.
      if (request.signal?.aborted || e?.name === 'AbortError') return new Response(null, { status: 504, statusText: 'Request aborted' });
      throw e;
    }
  })());
});
