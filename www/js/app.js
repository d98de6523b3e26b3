// The page shell: language switch, hash routes (each view's module is loaded when first
// visited, so the first paint needs neither the views nor the wasm), the offline notice and
// the service worker that makes every flow but submit/receive work offline.
import { currentLang, loadTexts, setLang, t, translate } from './i18n.js';

await loadTexts(['app']);

const ROUTES = {
  home: { load: () => import('./views/home.js'), tag: 'inkan-home' },
  // `data`: a file the view reads before it paints (js/data.js); fetched with the view's module.
  advisor: { load: () => import('./views/advisor.js'), tag: 'inkan-advisor', data: 'data/advisor.json' },
  apply: { load: () => import('./views/apply.js'), tag: 'inkan-apply' },
  receive: { load: () => import('./views/receive.js'), tag: 'inkan-receive' },
  check: { load: () => import('./views/check.js'), tag: 'inkan-check' },
  plan: { load: () => import('./views/planner.js'), tag: 'inkan-planner' },
  tools: { load: () => import('./views/workbench.js'), tag: 'inkan-workbench' },
};

const main = document.getElementById('main');
const views = new Map(); // route → element, kept alive so half-done work survives tab switches
let current = null;

function routeName() {
  const name = location.hash.replace(/^#\/?/, '').split('?')[0];
  return ROUTES[name] ? name : 'home';
}

/** Starts fetching `href` now; the view's own fetch() takes this response (same mode). */
function preloadData(href) {
  if (document.querySelector(`link[rel="preload"][href="${href}"]`)) return;
  document.head.append(Object.assign(document.createElement('link'), { rel: 'preload', as: 'fetch', href, crossOrigin: 'anonymous' }));
}

async function show(first) {
  const name = routeName();
  const route = ROUTES[name];
  if (route.data) preloadData(route.data);
  try {
    await route.load();
  } catch {
    main.replaceChildren(Object.assign(document.createElement('p'), { className: 'error', textContent: t('app.loadfail') }));
    return;
  }
  let el = views.get(name);
  if (!el) {
    el = document.createElement(route.tag);
    views.set(name, el);
    main.append(el);
  }
  for (const [n, v] of views) v.hidden = n !== name;
  current = name;
  for (const a of document.querySelectorAll('[data-route]')) {
    if (a.dataset.route === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  setTitle();
  // Move focus to the new view's heading so keyboard and screen-reader users land on it.
  if (!first) {
    const h1 = el.querySelector('h1');
    if (h1 && !h1.hasAttribute('tabindex')) h1.tabIndex = -1;
    (h1 ?? main).focus();
  }
  document.documentElement.dataset.route = name;
}

function setTitle() {
  const h1 = views.get(current)?.querySelector('h1');
  document.title = h1?.textContent ? `${h1.textContent} — Inkan` : 'Inkan';
}

function applyLang(lang) {
  document.documentElement.lang = lang;
  translate(document.body, lang);
  for (const b of document.querySelectorAll('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
  queueMicrotask(setTitle);
}

function updateOnline() {
  const offline = navigator.onLine === false;
  document.getElementById('offline').hidden = !offline;
  document.documentElement.classList.toggle('is-offline', offline);
}

for (const b of document.querySelectorAll('[data-lang]')) b.addEventListener('click', () => setLang(b.dataset.lang));
window.addEventListener('inkan:lang', (e) => applyLang(e.detail.lang));
window.addEventListener('hashchange', () => show(false));
window.addEventListener('online', updateOnline);
window.addEventListener('offline', updateOnline);
applyLang(currentLang());
updateOnline();
// The footer shows once the first view is in <main> (app.css), or once showing it failed.
show(true).finally(() => document.documentElement.classList.add('app-ready'));

if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  navigator.serviceWorker.register('./sw.js', { scope: './' }).catch(() => { /* the site still works online */ });
}
