// <inkan-apply-submit>: the apply flow's submit step. It shows the download password this
// browser made (its lifetime is store.js's), sends the application (the CSR, the applicant's
// details, the password), then the ID documents sealed here to the issuer's key (the worker
// only ever sees ciphertext), and marks the stored key with the application's id.
// The apply view sets `application` (what to send, below; null hides the step) and `documents`
// (the checked ID documents, from <inkan-apply-documents>). Event, bubbling to the apply view
// and, in the widget's frame, on to the issuer's page (embed.js picks its fields):
//   inkan:application { id, status, product }  the worker accepted the application
import { call } from '../client.js';
import { sendDocuments, submitApplication } from '../api.js';
import { loadTexts } from '../i18n.js';
import { BITS } from '../password.js';
import { getKey, putKey } from '../store.js';
import { View, h, loc } from '../view.js';

await loadTexts(['ap']);

export class ApplySubmit extends View {
  /**
   * What to send, or null: { endpoint, keyId, product (the catalog entry, if loaded), productId,
   * csr, nameJa, romaji, email, org, termYears (only where the product sells several terms),
   * downloadPassword, backupSaved, documentKey (the issuer's, or null: no upload) }.
   */
  #application = null;
  /** The checked ID documents to send: [{ type, bytes }]. */
  #documents = [];

  setup() {
    this.append(h('section', { id: 'ap-submit', class: 'card', hidden: true, 'aria-labelledby': 'ap-submit-title', part: 'card' },
      h('h2', { id: 'ap-submit-title', 'data-i18n': 'ap.sub.title' }),
      h('p', { id: 'ap-sub-text' }),
      h('p', { class: 'pwbox' }, h('span', { class: 'pwlabel', 'data-i18n': 'ap.sub.pw' }), ' ', h('output', { id: 'ap-dlpw', class: 'password', lang: 'en' })),
      h('p', { id: 'ap-seller-secrets', class: 'muted' }),
      h('button', { type: 'button', id: 'ap-send', 'data-i18n': 'ap.sub.send', part: 'button' }),
      h('p', { id: 'ap-send-status', role: 'status' })));
    this.q('#ap-send').addEventListener('click', () => this.#send());
  }

  set application(application) {
    this.#application = application;
    this.q('#ap-submit').hidden = !application;
    this.onLang();
  }

  set documents(documents) { this.#documents = documents; }

  onLang() {
    const a = this.#application;
    if (!a) return;
    this.q('#ap-sub-text').textContent = this.t('ap.sub.text', { bits: Math.floor(BITS) });
    this.q('#ap-dlpw').textContent = a.downloadPassword;
    this.q('#ap-seller-secrets').textContent = (a.product?.secrets ?? []).map((s) => loc(s.text, this.lang)).join(' ');
    this.q('#ap-send').disabled = !a.backupSaved;
  }

  async #send() {
    const a = this.#application;
    if (!a.backupSaved) return this.showError({ code: 'backup_first', key: 'ap.err.backup' });
    const button = this.q('#ap-send');
    const status = this.q('#ap-send-status');
    // The certificate's name is the romaji (as in the CSR); the worker builds the subject from
    // these fields and refuses a CSR that disagrees with them.
    const applicant = { name: `${a.nameJa.trim()} (${a.romaji.trim()})`.slice(0, 64), common_name: a.romaji.trim(), email: a.email.trim(), organisation: a.org?.trim() || null };
    const result = await this.busy(button, status, this.t('ap.sub.sending'),
      () => submitApplication(a.endpoint, { product: a.productId, csr: a.csr, applicant, downloadPassword: a.downloadPassword, termYears: a.termYears }));
    if (!result) return;
    status.textContent = '';
    const documents = this.#documents;
    if (a.documentKey && documents.length && result.documents_token) {
      const key = Uint8Array.from(atob(a.documentKey.public_key), (c) => c.charCodeAt(0));
      await this.busy(button, status, this.t('ap.sub.sending'), async () => {
        const sealed = [];
        for (const doc of documents) {
          sealed.push({ media_type: doc.type, sealed: await call('sealDocument', { publicKey: key, mediaType: doc.type, bytes: doc.bytes }) });
        }
        return sendDocuments(a.endpoint, result.id, result.documents_token, sealed);
      });
    }
    const record = await getKey(a.keyId);
    if (record) await putKey({ ...record, applicationId: result.id });
    this.emit('inkan:application', { id: result.id, status: result.status, product: a.productId });
  }
}

customElements.define('inkan-apply-submit', ApplySubmit);
