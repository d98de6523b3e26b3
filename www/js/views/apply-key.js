// <inkan-apply-key>: the apply flow's key step. It makes the key in the Web Worker (wasm), the
// request (CSR) from the applicant's details, encrypts the key with the PIN (PKCS#8) and keeps
// it in this browser (store.js), showing each stage's progress; the key itself is zeroized in
// the worker and the PIN is not kept (DESIGN.md, where every secret lives).
// The apply view calls `create(details, pin)` once the details are confirmed; it resolves to
// { keyId, csr } (the key made and stored), or undefined after showing why it failed.
import { call } from '../client.js';
import { loadTexts } from '../i18n.js';
import { putKey } from '../store.js';
import { View, h } from '../view.js';

await loadTexts(['ap']);

/** The stages shown while the key is made, in order. */
const STAGES = ['generate', 'csr', 'encrypt', 'store'];

export class ApplyKey extends View {
  setup() {
    this.append(h('section', { id: 'ap-progress', class: 'card', hidden: true, 'aria-labelledby': 'ap-progress-title' },
      h('h2', { id: 'ap-progress-title', 'data-i18n': 'ap.p.title' }),
      h('progress', { id: 'ap-progress-bar', max: String(STAGES.length), value: '0', 'aria-labelledby': 'ap-progress-title' }),
      h('ol', { class: 'progress-steps' }, STAGES.map((s) => h('li', { 'data-pstep': s, 'data-i18n': `ap.p.${s}` }))),
      h('p', { class: 'hint', 'data-i18n': 'ap.p.note' }),
      h('p', { id: 'ap-progress-status', role: 'status', class: 'visually-hidden' })));
  }

  /**
   * Makes the key for `details` ({ product, alg, romaji, org, email }, as the draft keeps them),
   * protected by `pin`. Resolves to { keyId, csr: PEM } once the encrypted key is stored, or to
   * undefined after showing the error.
   */
  async create(details, pin) {
    const progress = this.q('#ap-progress');
    const bar = this.q('#ap-progress-bar');
    const status = this.q('#ap-progress-status');
    const stage = (name, n) => {
      bar.value = n;
      for (const li of this.qa('[data-pstep]')) {
        const i = STAGES.indexOf(li.dataset.pstep);
        li.classList.toggle('done', i < n);
        li.classList.toggle('busy', i === n);
      }
      if (name) status.textContent = this.t(`ap.p.${name}`);
    };
    const algorithm = details.alg ?? 'rsa2048';
    progress.hidden = false;
    let handle;
    try {
      stage('generate', 0);
      handle = (await call('generateKey', { algorithm })).handle;
      stage('csr', 1);
      const subject = { commonName: details.romaji.trim(), organization: details.org?.trim() || null, email: details.email.trim(), country: 'JP' };
      const csr = await call('createCsr', { handle, subject, options: { keyUsage: true, extendedKeyUsage: ['emailProtection', 'clientAuth'] } });
      stage('encrypt', 2);
      const encryptedPem = await call('exportEncryptedKey', { handle, pin });
      stage('store', 3);
      const keyId = `key-${crypto.randomUUID()}`;
      await putKey({ id: keyId, product: details.product, algorithm, encryptedPem, createdAt: new Date().toISOString(), csr: csr.pem });
      stage(null, STAGES.length);
      return { keyId, csr: csr.pem };
    } catch (e) {
      this.showError(e);
      return undefined;
    } finally {
      progress.hidden = true;
      if (handle) call('dropKey', { handle }); // the key is zeroized; the encrypted copy remains
    }
  }
}

customElements.define('inkan-apply-key', ApplyKey);
