// The embeddable widget: one script tag on the issuer's page,
//   <script type="module" src="https://inkan.example/widget.js"></script>
//   <inkan-enroll product="jcan-mcci" locale="ja"></inkan-enroll>
//   <inkan-receive></inkan-receive>
//   <inkan-expiry product="jcan-mcci"></inkan-expiry>
// Each element is only a sized <iframe> of the Inkan worker's embed page (/embed/enroll,
// /embed/receive, /embed/expiry; js/embed.js). The key, the PINs, the download password and
// the .p12 live in that frame, on the Inkan origin: this page — and every script on it — cannot
// read them. The frame reports over postMessage (checked here: the Inkan origin and our own
// frame only) and the element re-dispatches those reports as DOM events (inkan:csr,
// inkan:application, inkan:mailbox-confirmed, inkan:p12 without bytes, inkan:key-removed,
// inkan:error with `detail.code` and `detail.message`). Styling: a small allow-listed theme
// read from the element's --inkan-* custom properties and checked again inside the frame.
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

// Constructed style sheets are CSSOM, not inline styles: allowed under a strict style-src.
// The iframe is a light-DOM child of the element (no shadow root: there is nothing to hide in
// it, and the page may style `inkan-enroll > iframe` like any of its frames).
const sheet = new CSSStyleSheet();
sheet.replaceSync(`
:where(inkan-enroll, inkan-receive, inkan-expiry) { display: block; }
:where(inkan-enroll, inkan-receive, inkan-expiry)[hidden] { display: none; }
:where(inkan-enroll, inkan-receive, inkan-expiry) > iframe { display: block; width: 100%; border: 0; height: 24rem; background: transparent; }
`);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

const TITLES = {
  'inkan-enroll': { ja: 'Inkan: 証明書の申し込み', en: 'Inkan: apply for a certificate' },
  'inkan-receive': { ja: 'Inkan: 証明書の受け取り', en: 'Inkan: collect your certificate' },
  'inkan-expiry': { ja: 'Inkan: 有効期限', en: 'Inkan: expiry' },
};

/** The theme names the frame accepts; each is read from `--inkan-<name>` on the element. */
export const THEME = ['ink', 'muted', 'paper', 'wash', 'line', 'accent', 'accent-hover', 'accent-ink', 'seal', 'ok', 'focus', 'font', 'radius'];

/** What the frame may report, and the DOM event each becomes. */
const EVENTS = { csr: 'inkan:csr', application: 'inkan:application', 'mailbox-confirmed': 'inkan:mailbox-confirmed',
  p12: 'inkan:p12', 'key-removed': 'inkan:key-removed', error: 'inkan:error' };

function widgetLang(el) {
  const attr = el.getAttribute('locale');
  if (attr === 'ja' || attr === 'en') return attr;
  const page = document.documentElement.lang || navigator.language || 'en';
  return page.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

class InkanFrame extends HTMLElement {
  #frame = null;
  #origin = '';
  #ready = false;
  #pending = false;
  #onMessage = (e) => this.#receive(e);

  /** The attributes passed to the frame, besides locale and theme. */
  static passed = [];
  static get observedAttributes() { return ['locale', ...this.passed]; }

  get page() { return ''; }

  connectedCallback() {
    if (!this.#frame) {
      let endpoint;
      try { endpoint = new URL(this.getAttribute('endpoint') || SCRIPT_ORIGIN); } catch { endpoint = new URL(SCRIPT_ORIGIN); }
      this.#origin = endpoint.origin;
      const src = new URL(`/embed/${this.page}`, endpoint);
      src.searchParams.set('origin', location.origin);
      src.searchParams.set('locale', widgetLang(this));
      for (const name of this.constructor.passed) {
        const v = this.getAttribute(name);
        if (v) src.searchParams.set(name, v);
      }
      for (const [name, value] of Object.entries(this.theme())) src.searchParams.set(name, value);
      this.#frame = document.createElement('iframe');
      this.#frame.title = TITLES[this.localName][widgetLang(this)];
      this.#frame.src = src.href;
      this.replaceChildren(this.#frame);
    }
    window.addEventListener('message', this.#onMessage);
  }

  disconnectedCallback() { window.removeEventListener('message', this.#onMessage); }

  attributeChangedCallback() {
    if (!this.#frame) return; // the URL will carry them
    this.#frame.title = TITLES[this.localName][widgetLang(this)];
    // Before the frame said `ready` a message could reach the blank document: send it then.
    if (this.#ready) this.#update(); else this.#pending = true;
  }

  #update() {
    this.#pending = false;
    const detail = { locale: widgetLang(this), theme: this.theme() };
    if (this.getAttribute('application')) detail.application = this.getAttribute('application');
    this.#frame.contentWindow?.postMessage({ inkan: 1, type: 'update', detail }, this.#origin);
  }

  /** Tells the frame that this page's CSP blocked a file it saved, so it can say so. */
  downloadBlocked() {
    if (this.#ready) this.#frame.contentWindow?.postMessage({ inkan: 1, type: 'download-blocked', detail: {} }, this.#origin);
  }

  /** The --inkan-* custom properties set on this element, by theme name (the frame checks each). */
  theme() {
    const style = getComputedStyle(this);
    const out = {};
    for (const name of THEME) {
      const v = style.getPropertyValue(`--inkan-${name}`).trim();
      if (v && v.length <= 120) out[name] = v;
    }
    return out;
  }

  #receive(e) {
    // Only our own frame, on the Inkan origin, is listened to.
    if (e.origin !== this.#origin || !this.#frame || e.source !== this.#frame.contentWindow) return;
    const m = e.data;
    if (!m || typeof m !== 'object' || m.inkan !== 1 || typeof m.detail !== 'object' || !m.detail) return;
    if (m.type === 'ready') { this.#ready = true; if (this.#pending) this.#update(); return; }
    if (m.type === 'height') {
      const height = Number(m.detail.height);
      if (Number.isFinite(height) && height > 0 && height < 20000) this.#frame.style.height = `${Math.ceil(height)}px`;
      return;
    }
    const name = EVENTS[m.type];
    if (name) this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail: m.detail }));
  }
}

class InkanEnroll extends InkanFrame {
  static passed = ['product', 'receive-url'];
  get page() { return 'enroll'; }
}

class InkanReceive extends InkanFrame {
  static passed = ['application'];
  get page() { return 'receive'; }
}

class InkanExpiry extends InkanFrame {
  static passed = ['product', 'downloaded', 'years'];
  get page() { return 'expiry'; }
}

// A download inside the frame (backup file, .p12, .ics) is the frame navigating to a blob: URL,
// which Firefox and Safari check against THIS page's CSP frame-src: without `blob:` there the
// file silently never arrives. Tell the issuer (console) and the page (inkan:error).
document.addEventListener('securitypolicyviolation', (e) => {
  if (!/^(frame|child)-src/.test(e.effectiveDirective) || !/^blob(:|$)/.test(e.blockedURI)) return;
  if (!document.querySelector('inkan-enroll, inkan-receive, inkan-expiry')) return;
  for (const el of document.querySelectorAll('inkan-enroll, inkan-receive, inkan-expiry')) el.downloadBlocked?.();
  console.warn(`Inkan: this page's Content-Security-Policy (${e.effectiveDirective}) blocked a download from the Inkan frame; add blob: to frame-src (see the widget README).`);
  document.dispatchEvent(new CustomEvent('inkan:error', { bubbles: true, detail: { code: 'host_csp_blocks_download', message: {
    ja: 'このページの設定により、ファイルを保存できませんでした。ページの管理者にお知らせください。',
    en: 'This page\'s settings stopped the file from being saved. Please tell the site\'s administrator.',
  } } }));
});

for (const [name, cls] of [['inkan-enroll', InkanEnroll], ['inkan-receive', InkanReceive], ['inkan-expiry', InkanExpiry]]) {
  if (!customElements.get(name)) customElements.define(name, cls);
}
