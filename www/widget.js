// The embeddable widget: one script tag on the issuer's page,
//   <script type="module" src="https://inkan.example/widget.js"></script>
//   <inkan-enroll endpoint="https://inkan.example" product="jcan-mcci" locale="ja"></inkan-enroll>
//   <inkan-receive endpoint="https://inkan.example"></inkan-receive>
//   <inkan-expiry product="jcan-mcci"></inkan-expiry>
// Each element renders into its own shadow root, is styled through --inkan-* custom
// properties and ::part(), and reports with DOM events (inkan:csr, inkan:application,
// inkan:p12, inkan:error with `detail.code`). The Web Worker and the wasm come from this
// script's origin (see js/client.js for the blob bootstrap a cross-origin page needs).
import { ApplyView } from './js/views/apply.js';
import { ReceiveView } from './js/views/receive.js';
import { View, fill, h } from './js/view.js';
import { call, products } from './js/client.js';
import { renderPlan, productLabel } from './js/views/common.js';
import { download } from './js/util.js';
import { register } from './js/i18n.js';

const ORIGIN = new URL(import.meta.url).origin;
const COMPONENTS_CSS = new URL('./css/components.css', import.meta.url).href;

// Constructed style sheets are CSSOM, not inline styles: allowed under a strict style-src.
const hostSheet = new CSSStyleSheet();
hostSheet.replaceSync(`
:host {
  display: block;
  --ink: var(--inkan-ink, #1b1f24);
  --muted: var(--inkan-muted, #4a5561);
  --paper: var(--inkan-paper, #ffffff);
  --wash: var(--inkan-wash, #f3f5f8);
  --line: var(--inkan-line, #d5dbe3);
  --accent: var(--inkan-accent, #1f3a5f);
  --accent-2: var(--inkan-accent-hover, #2c5282);
  --accent-ink: var(--inkan-accent-ink, #ffffff);
  --seal: var(--inkan-seal, #b3261e);
  --ok: var(--inkan-ok, #1d6b3a);
  --ok-bg: #e6f4ea;
  --warn-bg: #fff4d6;
  --warn-ink: #5c4300;
  --err-bg: #fde8e7;
  --err-ink: #7a1410;
  --focus: var(--inkan-focus, #f2a900);
  --radius: var(--inkan-radius, 10px);
  font-family: var(--inkan-font, system-ui, -apple-system, "Hiragino Sans", "Noto Sans CJK JP", "Yu Gothic UI", Meiryo, sans-serif);
  color: var(--ink);
  line-height: 1.7;
}
:host([hidden]) { display: none; }
/* Until components.css has loaded, show nothing rather than an unstyled form. */
:host(:not([data-styled])) .view { visibility: hidden; }
h1 { font-size: var(--inkan-title-size, 1.4rem); }
`);

function widgetLang(el) {
  const attr = el.getAttribute('locale');
  if (attr === 'ja' || attr === 'en') return attr;
  const page = document.documentElement.lang || navigator.language || 'en';
  return page.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

function shadow(el) {
  const root = el.attachShadow({ mode: 'open' });
  root.adoptedStyleSheets = [hostSheet];
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = COMPONENTS_CSS;
  link.addEventListener('load', () => el.setAttribute('data-styled', ''));
  link.addEventListener('error', () => el.setAttribute('data-styled', '')); // show unstyled rather than nothing
  root.append(link);
}

class InkanEnroll extends ApplyView {
  constructor() { super(); shadow(this); }
  get lang() { return widgetLang(this); }
  get draftName() { return `enroll.${this.getAttribute('product') ?? 'any'}`; }
  get endpoint() { return this.getAttribute('endpoint') || ORIGIN; }
}

class InkanReceiveWidget extends ReceiveView {
  constructor() { super(); shadow(this); }
  get lang() { return widgetLang(this); }
  get draftName() { return 'receive.widget'; }
  get endpoint() { return this.getAttribute('endpoint') || ORIGIN; }
}

register({
  'wx.title': { ja: '有効期限', en: 'Expiry' },
  'wx.downloaded': { ja: '受け取った日', en: 'Downloaded on' },
  'wx.product': { ja: '証明書の種類', en: 'Certificate' },
});

/** <inkan-expiry product="…" downloaded="YYYY-MM-DD" years="N">: the expiry plan, no network
 * needed; `years` is the term bought (default: the product's shortest). */
class InkanExpiry extends View {
  constructor() { super(); shadow(this); }
  get lang() { return widgetLang(this); }
  static get observedAttributes() { return ['locale', 'product', 'downloaded', 'years']; }
  setup() {
    this.root.append(h('section', { class: 'view', part: 'card' },
      h('h2', { 'data-i18n': 'wx.title' }),
      h('div', { id: 'wx-body' }),
      h('p', { class: 'error', role: 'alert', 'data-error': true, hidden: true, part: 'error' })));
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

for (const [name, cls] of [['inkan-enroll', InkanEnroll], ['inkan-receive', InkanReceiveWidget], ['inkan-expiry', InkanExpiry]]) {
  if (!customElements.get(name)) customElements.define(name, cls);
}
