// <inkan-workbench>: make a key, see its CSR, and turn the issued certificate plus that key
// into a .p12 — all in this browser. The key lives in the Web Worker; the page holds a handle.
import { call, InkanError } from '../client.js';
import { currentLang, loadTexts, t, translate } from '../i18n.js';
import { download, encodeText, fileDrop } from '../util.js';

await loadTexts(['wb']);

const TEMPLATE = `
<section aria-labelledby="wb-title">
  <h1 id="wb-title" data-i18n="wb.title"></h1>
  <p data-i18n="wb.intro"></p>
  <fieldset class="card">
    <legend data-i18n="wb.step1"></legend>
    <label for="wb-alg" data-i18n="wb.keytype"></label>
    <select id="wb-alg" name="algorithm">
      <option value="rsa2048" data-i18n="wb.rsa2048"></option>
      <option value="rsa3072" data-i18n="wb.rsa3072"></option>
      <option value="rsa4096" data-i18n="wb.rsa4096"></option>
      <option value="p256" data-i18n="wb.p256"></option>
      <option value="p384" data-i18n="wb.p384"></option>
    </select>
    <button type="button" id="wb-generate" data-i18n="wb.generate"></button>
    <p id="wb-key-status" role="status" aria-live="polite"></p>
  </fieldset>
  <fieldset class="card">
    <legend data-i18n="wb.step2"></legend>
    <div class="grid">
      <label for="wb-cn" data-i18n="wb.cn"></label><input id="wb-cn" name="cn" autocomplete="name" required>
      <label for="wb-o" data-i18n="wb.o"></label><input id="wb-o" name="o" autocomplete="organization">
      <label for="wb-email" data-i18n="wb.email"></label><input id="wb-email" name="email" type="email" autocomplete="email" inputmode="email">
      <label for="wb-c" data-i18n="wb.c"></label><input id="wb-c" name="c" value="JP" maxlength="2" size="3" autocapitalize="characters">
    </div>
    <button type="button" id="wb-csr-btn" data-i18n="wb.makecsr"></button>
    <label for="wb-csr" data-i18n="wb.csr"></label>
    <textarea id="wb-csr" rows="8" readonly spellcheck="false"></textarea>
    <button type="button" id="wb-save-csr" data-i18n="wb.savecsr" disabled></button>
  </fieldset>
  <fieldset class="card">
    <legend data-i18n="wb.step3"></legend>
    <label for="wb-cert" data-i18n="wb.cert"></label>
    <div class="drop" id="wb-drop">
      <textarea id="wb-cert" rows="8" spellcheck="false" placeholder="-----BEGIN CERTIFICATE-----"></textarea>
      <label class="button-like" for="wb-cert-file" data-i18n="wb.certfile"></label>
      <input id="wb-cert-file" type="file" accept=".pem,.cer,.crt,.der,.p7b,application/x-x509-user-cert,application/pkix-cert" class="visually-hidden">
    </div>
    <label for="wb-pin" data-i18n="wb.pin"></label>
    <input id="wb-pin" type="password" autocomplete="new-password" minlength="4">
    <p id="wb-pin-warn" class="warn" hidden data-i18n="wb.asciiwarn"></p>
    <label for="wb-profile" data-i18n="wb.profile"></label>
    <select id="wb-profile">
      <option value="modern" data-i18n="wb.modern"></option>
      <option value="legacy" data-i18n="wb.legacy"></option>
    </select>
    <button type="button" id="wb-build" data-i18n="wb.build"></button>
    <p id="wb-p12-status" role="status" aria-live="polite"></p>
  </fieldset>
  <p id="wb-error" class="error" role="alert" hidden></p>
</section>`;

export function defaultProfile(userAgent = navigator.userAgent) {
  // Apple platforms and Android import only the legacy profile (see crate/pki/src/pkcs12/mod.rs).
  return /Macintosh|iPhone|iPad|Android/.test(userAgent) ? 'legacy' : 'modern';
}

class InkanWorkbench extends HTMLElement {
  #handle = null;
  #certBytes = null;

  connectedCallback() {
    this.innerHTML = TEMPLATE;
    translate(this);
    window.addEventListener('inkan:lang', () => translate(this));
    const q = (s) => this.querySelector(s);
    q('#wb-profile').value = defaultProfile();
    q('#wb-generate').addEventListener('click', () => this.#generate());
    q('#wb-csr-btn').addEventListener('click', () => this.#csr());
    q('#wb-save-csr').addEventListener('click', () => download(q('#wb-csr').value, 'request.csr', 'application/pkcs10'));
    q('#wb-build').addEventListener('click', () => this.#build());
    q('#wb-pin').addEventListener('input', (e) => { q('#wb-pin-warn').hidden = /^[\x20-\x7e]*$/.test(e.target.value); });
    q('#wb-cert').addEventListener('input', () => { this.#certBytes = null; });
    fileDrop(q('#wb-drop'), q('#wb-cert-file'), (bytes) => {
      this.#certBytes = bytes;
      const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
      q('#wb-cert').value = text.includes('-----BEGIN') ? text : `(${bytes.length} bytes DER)`;
    });
  }

  #error(e) {
    const el = this.querySelector('#wb-error');
    const lang = currentLang();
    el.textContent = e instanceof InkanError ? `${e.text(lang)} [${e.code}]` : String(e?.message ?? e);
    el.hidden = false;
    this.dispatchEvent(new CustomEvent('inkan:error', { bubbles: true, detail: { code: e?.code ?? 'unexpected_error', message: el.textContent } }));
  }

  #clearError() { this.querySelector('#wb-error').hidden = true; }

  async #busy(button, statusEl, text, fn) {
    button.disabled = true;
    statusEl.textContent = text;
    statusEl.classList.add('busy');
    this.#clearError();
    try { return await fn(); } catch (e) { statusEl.textContent = ''; this.#error(e); return undefined; } finally {
      button.disabled = false;
      statusEl.classList.remove('busy');
    }
  }

  async #generate() {
    const q = (s) => this.querySelector(s);
    const alg = q('#wb-alg').value;
    if (this.#handle) await call('dropKey', { handle: this.#handle });
    const key = await this.#busy(q('#wb-generate'), q('#wb-key-status'), t('wb.generating'), () => call('generateKey', { algorithm: alg }));
    if (key) {
      this.#handle = key.handle;
      q('#wb-key-status').textContent = t('wb.keyready', { alg: key.algorithm });
      this.dataset.keyReady = 'true';
    }
  }

  async #csr() {
    const q = (s) => this.querySelector(s);
    if (!this.#handle) return this.#error(new Error(t('wb.needkey')));
    const subject = { commonName: q('#wb-cn').value, organization: q('#wb-o').value || null, email: q('#wb-email').value || null, country: q('#wb-c').value || null };
    const csr = await this.#busy(q('#wb-csr-btn'), q('#wb-key-status'), '', () => call('createCsr', { handle: this.#handle, subject, options: { keyUsage: true, extendedKeyUsage: ['emailProtection', 'clientAuth'] } }));
    if (csr) {
      q('#wb-csr').value = csr.pem;
      q('#wb-save-csr').disabled = false;
      this.dispatchEvent(new CustomEvent('inkan:csr', { bubbles: true, detail: { pem: csr.pem } }));
    }
  }

  async #build() {
    const q = (s) => this.querySelector(s);
    if (!this.#handle) return this.#error(new Error(t('wb.needkey')));
    const certificates = this.#certBytes ?? encodeText(q('#wb-cert').value);
    const password = q('#wb-pin').value;
    const profile = q('#wb-profile').value;
    const built = await this.#busy(q('#wb-build'), q('#wb-p12-status'), t('wb.building'), () => call('buildPkcs12', { handle: this.#handle, certificates, password, options: { profile } }));
    if (built) {
      download(built.bytes, 'inkan.p12', 'application/x-pkcs12');
      q('#wb-p12-status').textContent = t('wb.built', { bytes: built.bytes.length });
      this.dispatchEvent(new CustomEvent('inkan:p12', { bubbles: true, detail: { bytes: built.bytes.length, findings: built.findings } }));
    }
  }
}

customElements.define('inkan-workbench', InkanWorkbench);
