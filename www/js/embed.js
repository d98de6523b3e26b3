// The widget's frames: /embed/enroll, /embed/receive and /embed/expiry, on the Inkan origin.
// <inkan-enroll> and friends on an issuer's page (widget.js) are only an <iframe> of one of
// these pages, so the key, the PINs, the download password and the .p12 stay in this document,
// its Web Worker and this origin's storage: the issuer's page and every script on it cannot
// read them (the same-origin policy), and this page tells its parent only what the widget
// README lists, over postMessage:
//   frame → parent: ready, height, csr {pem, product}, application {id, status, product},
//                   mailbox-confirmed {id}, p12 {applicationId, profile, filename},
//                   key-removed {applicationId}, error {code, message {ja, en}}
//   parent → frame: update {locale, application, theme}, download-blocked {}
// Every message carries `inkan: 1`. The parent's origin comes in the URL (`origin=`), must be
// one of INKAN_EMBED_ORIGINS (GET /api/embed; the same list is this page's CSP frame-ancestors,
// so the browser refuses any other parent), and is checked on every message in, together with
// the sender being our own parent window; messages out go to that exact origin, never `*`.
import { storageRefused } from './embed-storage.js'; // first: before any module reads storage
import { View, fill, h } from './view.js';
import { call, products } from './client.js';
import { renderPlan, productLabel } from './views/common.js';
import { download } from './util.js';
import { LANGS, loadTexts, t, texts, translate } from './i18n.js';

const params = new URLSearchParams(location.search);
const KIND = document.body.dataset.embed;
const framed = window.parent !== window;
const claimedParent = params.get('origin') ?? '';

/** Whether the claimed parent origin may talk to this frame: one of INKAN_EMBED_ORIGINS, or
 * the Inkan origin itself. Asked once; every message in and out waits for the answer. */
const trusted = !framed ? Promise.resolve(false) : (async () => {
  if (claimedParent === location.origin) return true;
  try {
    const res = await fetch('/api/embed', { credentials: 'omit', cache: 'no-store' });
    const { origins } = await res.json();
    return Array.isArray(origins) && origins.includes(claimedParent);
  } catch {
    return false;
  }
})();

function post(type, detail = {}) {
  trusted.then((ok) => { if (ok) window.parent.postMessage({ inkan: 1, type, detail }, claimedParent); });
}

// ---- What may leave: each event's detail rebuilt from the allowed fields only, so a view that
// adds a field (bytes, a password) to its DOM event still cannot send it to the parent.
const str = (v) => (typeof v === 'string' ? v : undefined);
const FALLBACK = { invalid_input: 'error.invalid_input', key_lost: 'error.key_lost' }; // a code's text when the event has none
const OUTGOING = {
  'inkan:csr': (d) => ({ pem: str(d.pem), product: str(d.product) }),
  'inkan:application': (d) => ({ id: str(d.id), status: str(d.status), product: str(d.product) }),
  'inkan:mailbox-confirmed': (d) => ({ id: str(d.id) }),
  'inkan:p12': (d) => ({ applicationId: str(d.applicationId), profile: str(d.profile), filename: str(d.filename) }),
  'inkan:key-removed': (d) => ({ applicationId: str(d.applicationId) }),
  'inkan:error': (d) => {
    const code = str(d.code) ?? 'error';
    const message = d.message && str(d.message.ja) && str(d.message.en) ? { ja: d.message.ja, en: d.message.en } : texts(FALLBACK[code] ?? 'error.generic');
    return { code, message };
  },
};
for (const [name, pick] of Object.entries(OUTGOING)) {
  document.addEventListener(name, (e) => post(name.slice('inkan:'.length), pick(e.detail ?? {})));
}

// ---- The theme: a fixed set of names, each value checked for its kind; never CSS text.
const COLOURS = { ink: '--ink', muted: '--muted', paper: '--paper', wash: '--wash', line: '--line', accent: '--accent',
  'accent-hover': '--accent-2', 'accent-ink': '--accent-ink', seal: '--seal', ok: '--ok', focus: '--focus' };
const isColour = (v) => (/^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(v) || /^(?:rgba?|hsla?)\([0-9.,%\s/+-]{1,60}\)$/i.test(v)
  || /^[a-z]{3,20}$/i.test(v)) && CSS.supports('color', v);
const isFont = (v) => /^[\p{L}\p{N} ,'"-]{1,120}$/u.test(v) && CSS.supports('font-family', v);
const isRadius = (v) => /^(?:0|\d{1,2}(?:\.\d{1,2})?(?:px|rem|em))$/.test(v);

/** Applies the allowed theme entries of `theme` (a plain object or URLSearchParams-like). */
function applyTheme(get) {
  const style = document.documentElement.style;
  for (const [name, property] of Object.entries(COLOURS)) {
    const v = get(name);
    if (typeof v === 'string' && isColour(v.trim())) style.setProperty(property, v.trim());
  }
  const font = get('font');
  if (typeof font === 'string' && isFont(font.trim())) style.setProperty('font-family', font.trim());
  const radius = get('radius');
  if (typeof radius === 'string' && isRadius(radius.trim())) style.setProperty('--radius', radius.trim());
}

// ---- The elements, on this origin's storage and Worker.
const isLocale = (v) => v === 'ja' || v === 'en';
const isProduct = (v) => /^[a-z0-9-]{1,40}$/.test(v);
const isApplicationId = (v) => /^[A-Za-z0-9_-]{1,80}$/.test(v);
const isReceiveUrl = (v) => { try { return ['https:', 'http:'].includes(new URL(v).protocol); } catch { return false; } };

// The apply and receive views are imported by the frame that shows them only.
const embedEnroll = async () => {
  const { ApplyView } = await import('./views/apply.js');
  return class EmbedEnroll extends ApplyView {
    get draftName() { return `enroll.${this.getAttribute('product') ?? 'any'}`; }
    get receiveLink() { return this.getAttribute('receive-url') ? { target: '_top' } : null; }
    /** Without a receive-url the letter named this frame's own page (/embed/enroll#/receive…),
     * which is no place to collect anything: it names Inkan's own collect page instead. */
    receiveUrl(id) {
      if (this.getAttribute('receive-url')) return super.receiveUrl(id);
      return `${new URL('../', location.href).href}#/receive?id=${encodeURIComponent(id)}`;
    }
  };
};

const embedReceive = async () => {
  const { ReceiveView } = await import('./views/receive.js');
  return class EmbedReceive extends ReceiveView {
    get draftName() { return 'receive.widget'; }
    setup() {
      super.setup();
      // When this origin's storage has no key (partitioned per site, or cleared by Safari
      // after 7 days), say why before asking for the backup file.
      this.q('#rc-key-missing')?.prepend(h('p', { id: 'rc-key-partitioned', class: 'hint', 'data-i18n': 'em.key.partitioned' }));
    }
  };
};

/** The expiry plan with an .ics button; no secret, in a frame so the host needs no wasm CSP. */
class EmbedExpiry extends View {
  static get observedAttributes() { return ['locale', 'product', 'downloaded', 'years']; }
  setup() {
    this.root.append(h('section', { class: 'view' },
      h('h1', { 'data-i18n': 'em.expiry.title' }),
      h('div', { id: 'wx-body' }),
      h('p', { class: 'error', role: 'alert', 'data-error': true, hidden: true })));
  }
  async onLang() {
    const product = this.getAttribute('product');
    const downloaded = this.getAttribute('downloaded') || new Date().toISOString().slice(0, 10);
    if (!product) return;
    try {
      const years = Number(this.getAttribute('years')) || undefined;
      const [plan, all] = await Promise.all([call('expiryPlan', { product, downloaded, years }), products()]);
      const p = all.find((x) => x.id === product);
      const ics = async () => download(await call('expiryIcs', { product, downloaded, years }), `inkan-${product}-expiry.ics`, 'text/calendar;charset=utf-8');
      fill(this.q('#wx-body'), h('p', { class: 'strong', text: p ? productLabel(p, this.lang) : product }), renderPlan(plan, p, this.lang, ics));
    } catch (e) { this.showError(e); }
  }
}

// Each frame: its element, the class (loaded), the attributes the host may set, and the
// message areas its view renders (www/messages/), beyond the frame's own and the errors.
const ELEMENTS = {
  enroll: ['inkan-embed-enroll', embedEnroll, ['product', 'receive-url'], ['ap', 'c']],
  receive: ['inkan-embed-receive', embedReceive, ['application'], ['rc', 'c']],
  expiry: ['inkan-embed-expiry', async () => EmbedExpiry, ['product', 'downloaded', 'years'], ['c']],
};
const CHECKS = { product: isProduct, 'receive-url': isReceiveUrl, application: isApplicationId,
  downloaded: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v), years: (v) => /^\d{1,2}$/.test(v), locale: isLocale };

function setAttributes(el, get, names) {
  for (const name of names) {
    const v = get(name);
    if (typeof v === 'string' && CHECKS[name](v)) el.setAttribute(name, v);
  }
}

const main = document.getElementById('main');
const [tag, load, attributes, areas] = ELEMENTS[KIND] ?? [];
// A frame speaks the host page's `locale`, which the host may change at any time, and every
// event it sends carries both languages: its texts are loaded in both, with its view.
const [cls] = await Promise.all([load?.(), loadTexts(['em', 'error'], LANGS), loadTexts(areas ?? [], LANGS)]);
if (tag) {
  customElements.define(tag, cls);
  const el = document.createElement(tag);
  const fromUrl = (name) => params.get(name) ?? undefined;
  setAttributes(el, fromUrl, [...attributes, 'locale']);
  document.documentElement.lang = el.getAttribute('locale') ?? document.documentElement.lang;
  applyTheme(fromUrl);
  if (storageRefused && KIND !== 'expiry') {
    main.append(h('p', { id: 'em-storage-refused', class: 'warn', role: 'status', 'data-i18n': 'em.storage.refused' }));
    post('error', { code: 'storage_refused', message: texts('em.storage.refused') });
  }
  main.append(el);
  translate(main, el.lang);

  if (framed) {
    trusted.then((ok) => {
      if (ok) return;
      // Another site framed us despite frame-ancestors (an old browser, or the CSP header lost
      // on the way): show nothing of the flow.
      el.remove();
      main.append(h('p', { class: 'error', role: 'alert', text: t('em.untrusted', {}, el.lang) }));
    });
    window.addEventListener('message', (e) => {
      if (e.source !== window.parent || e.origin !== claimedParent) return;
      const m = e.data;
      if (!m || typeof m !== 'object' || m.inkan !== 1 || typeof m.detail !== 'object' || !m.detail) return;
      if (m.type === 'download-blocked') {
        // The parent page's CSP stopped a file this frame saved (widget.js saw the violation):
        // say so here, where the applicant was just told the file was saved.
        trusted.then((ok) => {
          if (!ok || document.getElementById('em-download-blocked')) return;
          main.prepend(h('p', { id: 'em-download-blocked', class: 'error', role: 'alert', text: t('em.download.blocked', {}, el.lang) }));
        });
        return;
      }
      if (m.type !== 'update') return;
      trusted.then((ok) => {
        if (!ok) return;
        const get = (name) => m.detail[name];
        setAttributes(el, get, ['locale', ...attributes.filter((a) => a === 'application')]);
        if (el.getAttribute('locale')) document.documentElement.lang = el.getAttribute('locale');
        if (m.detail.theme && typeof m.detail.theme === 'object') applyTheme((name) => m.detail.theme[name]);
      });
    });
    // Auto-height: the parent sizes the iframe to the content (no inner scrollbar).
    let last = 0;
    new ResizeObserver(() => {
      const height = Math.ceil(document.body.getBoundingClientRect().height);
      if (height !== last) { last = height; post('height', { height }); }
    }).observe(document.body);
    post('ready', { kind: KIND });
  }
}
