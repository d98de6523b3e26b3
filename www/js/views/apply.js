// <inkan-apply>: apply for a certificate. The key is made in the Web Worker, protected by the
// applicant's PIN (encrypted PKCS#8) and kept in IndexedDB plus a backup file; only the CSR,
// the applicant's details and the download password are sent. The form is saved as a draft
// (no secrets) so a reload loses nothing. Also the base of the widget's <inkan-enroll>.
//
// The view is the coordinator of one element per step of its stepper (apply-stage.js), plus
// the optional ID documents: <inkan-apply-details>, <inkan-apply-key>, <inkan-apply-backup>,
// <inkan-apply-documents>, <inkan-apply-submit>, <inkan-apply-mailbox>, <inkan-apply-letter>. It
// keeps the draft, computes the stage from it and hands each step what it shows (properties
// down); the steps report what the applicant did with events (up), listed atop each file:
//   inkan:details-change, inkan:details-confirmed, inkan:backup-saved, inkan:documents-change,
//   inkan:application, inkan:mailbox-confirmed, inkan:letter-kept.
// The steps show their errors in the view's one error box (View.errorBox). The download
// password's lifetime is store.js's, with the other secrets.
import { products } from '../client.js';
import { defaultEndpoint, documentKey } from '../api.js';
import { loadTexts } from '../i18n.js';
import { downloadPassword } from '../password.js';
import { clearDraft, deleteKey, downloadPasswordFor, forgetDownloadPassword, keptDownloadPassword, loadDraft, saveDraft } from '../store.js';
import { View, formatDate, h, loc, parseHashQuery, todayIso } from '../view.js';
import './apply-details.js';
import './apply-key.js';
import './apply-backup.js';
import './apply-documents.js';
import './apply-submit.js';
import './apply-mailbox.js';
import './apply-letter.js';
import { downloadRuleText, shortestTerm } from './common.js';
import { APPLY_STEPS, stepStates } from './apply-stage.js';

await loadTexts(['ap']);

/** The step elements, <inkan-apply-NAME id="ap-NAME-step">, in the page's order. */
const STEPS = ['details', 'key', 'backup', 'documents', 'submit', 'mailbox', 'letter'];

export class ApplyView extends View {
  #products = [];
  #draft = {};
  /** The issuer's published document key and limits, or null (upload not enabled). */
  #docKey = null;
  /** The step elements by name: this.#step.details is <inkan-apply-details>. */
  #step = {};

  get draftName() { return 'apply'; }
  get endpoint() { return this.getAttribute('endpoint') || defaultEndpoint(); }
  get fixedProduct() { return this.getAttribute('product'); }
  /** Where the letter tells the applicant to collect the certificate. */
  receiveUrl(id) {
    const custom = this.getAttribute('receive-url');
    if (custom) return custom.replace('{id}', encodeURIComponent(id));
    return `${location.origin}${location.pathname}#/receive?id=${encodeURIComponent(id)}`;
  }
  /** Whether the letter links to the collect page, and where the link opens (the widget's
   * frame opens the issuer's page in the top window, not inside itself). */
  get receiveLink() { return this.getAttribute('receive-url') || !this.shadowRoot ? { target: undefined } : null; }

  setup() {
    // The flow's one error box: the steps show their errors here too (View.errorBox).
    const box = h('p', { class: 'error', role: 'alert', 'data-error': true, hidden: true, part: 'error' });
    this.root.append(h('section', { class: 'view', 'aria-labelledby': 'ap-title' },
      h('h1', { id: 'ap-title', 'data-i18n': 'ap.title', tabindex: '-1' }),
      h('p', { 'data-i18n': 'ap.intro' }),
      h('ol', { class: 'stepper', id: 'ap-stepper' },
        APPLY_STEPS.map((s) => h('li', { 'data-step': s, 'data-i18n': `ap.s.${s}` }))),
      STEPS.map((name) => h(`inkan-apply-${name}`, { id: `ap-${name}-step` })),
      box,
      h('p', { class: 'actions' }, h('button', { type: 'button', id: 'ap-restart', class: 'link', 'data-i18n': 'ap.restart' }))));
    for (const name of STEPS) {
      this.#step[name] = this.q(`#ap-${name}-step`);
      if (name !== 'documents') this.#step[name].errorBox = box; // the ID check has its own, by the file
    }

    this.addEventListener('inkan:details-change', (e) => this.#saveDetails(e.detail.values));
    this.addEventListener('inkan:details-confirmed', () => this.#makeKey());
    this.addEventListener('inkan:backup-saved', (e) => this.#record({ backupSaved: true, backupName: e.detail.name }));
    this.addEventListener('inkan:documents-change', () => this.#sync());
    this.addEventListener('inkan:application', (e) => this.#submitted(e.detail));
    this.addEventListener('inkan:mailbox-confirmed', () => { this.#record({ mailboxConfirmed: true }); this.#step.letter.focus(); });
    this.addEventListener('inkan:letter-kept', () => { forgetDownloadPassword(this.draftName); this.#sync(); });
    this.q('#ap-restart').addEventListener('click', () => this.#restart());

    this.#draft = loadDraft(this.draftName);
    const wanted = this.fixedProduct ?? parseHashQuery().get('product');
    if (wanted && !this.#draft.keyId) this.#draft.product = wanted;
    // The view outlives a visit (app.js keeps it): "apply for this" in the advisor, followed
    // after this form was already open, must still choose that product — until a key is made.
    if (!this.fixedProduct) window.addEventListener('hashchange', () => this.#productFromHash());
    this.#step.details.fixedProduct = this.fixedProduct;
    this.#step.details.values = this.#draft;
    this.#loadProducts();
    this.#loadDocumentKey();
    this.#sync();
  }

  #productFromHash() {
    const wanted = parseHashQuery().get('product');
    if (!wanted || this.#draft.keyId) return;
    this.#step.details.choose(wanted); // saved through inkan:details-change, if offered
    this.#sync();
  }

  async #loadDocumentKey() {
    try {
      const key = await documentKey(this.endpoint);
      this.#docKey = key?.enabled && key.public_key ? key : null;
    } catch {
      this.#docKey = null; // offline or an older worker: apply without documents
    }
    this.#sync();
  }

  async #loadProducts() {
    try {
      this.#products = await products();
      this.#step.details.products = this.#products;
      this.#sync();
    } catch (e) { this.showError(e); }
  }

  /** The term bought: the chosen one, or the product's shortest. */
  get #term() {
    const product = this.#product;
    const years = product?.validity?.value?.terms_years ?? [];
    const chosen = Number(this.#draft.term);
    return years.includes(chosen) ? chosen : shortestTerm(product);
  }

  /** The term goes to the worker where the product sells more than one. */
  get #sendsTerm() { return (this.#product?.validity?.value?.terms_years ?? []).length > 1; }

  onLang() {
    // The steps speak the view's language (the widget sets it with the locale attribute).
    for (const step of Object.values(this.#step)) step.setAttribute('locale', this.lang);
    this.#sync();
  }

  get #product() {
    const id = this.#draft.product ?? this.#step.details.values.product;
    return this.#products.find((p) => p.id === id);
  }

  /** Records what the applicant did in the draft, and shows the stage it leads to. */
  #record(facts) {
    Object.assign(this.#draft, facts);
    saveDraft(this.draftName, this.#draft);
    this.#sync();
  }

  #saveDetails(values) {
    if (this.#draft.keyId) return; // after the key exists the details are fixed (they are in the CSR)
    Object.assign(this.#draft, values);
    saveDraft(this.draftName, this.#draft);
  }

  /** Shows the steps that fit the draft's stage. */
  #sync() {
    const d = this.#draft;
    const states = new Map(stepStates(d).map(({ step, state }) => [step, state]));
    for (const li of this.qa('#ap-stepper li')) {
      const state = states.get(li.dataset.step);
      li.classList.toggle('done', state === 'done');
      if (state === 'current') li.setAttribute('aria-current', 'step'); else li.removeAttribute('aria-current');
    }
    const { details, backup, documents, submit, mailbox, letter } = this.#step;
    details.locked = !!d.keyId;
    backup.key = d.keyId
      ? { id: d.keyId, product: d.product, algorithm: d.alg, csr: d.csr, backupName: d.backupSaved ? d.backupName ?? '' : undefined }
      : null;
    const product = this.#product;
    documents.product = product;
    documents.documentKey = this.#docKey;
    documents.open = !!d.keyId && !d.applicationId;
    submit.documents = documents.documents;
    submit.application = d.keyId && !d.applicationId ? {
      endpoint: this.endpoint, keyId: d.keyId, product, productId: d.product, csr: d.csr,
      nameJa: d.nameJa, romaji: d.romaji, email: d.email, org: d.org,
      termYears: this.#sendsTerm ? this.#term : undefined,
      downloadPassword: downloadPasswordFor(this.draftName, downloadPassword),
      backupSaved: !!d.backupSaved, documentKey: this.#docKey,
    } : null;
    mailbox.application = d.applicationId && !d.mailboxConfirmed
      ? { endpoint: this.endpoint, id: d.applicationId, email: d.email } : null;
    letter.show(d.applicationId ? this.#letter() : null);
  }

  /** The details are right: the key step makes the key, and the draft records it. */
  async #makeKey() {
    const { details, key, backup } = this.#step;
    details.busy = true;
    const made = await key.create(this.#draft, details.pin);
    details.busy = false;
    if (!made) return;
    Object.assign(this.#draft, { keyId: made.keyId, csr: made.csr });
    saveDraft(this.draftName, this.#draft);
    this.emit('inkan:csr', { pem: made.csr, product: this.#draft.product });
    this.#sync();
    backup.focus();
  }

  /** The worker accepted the application (<inkan-apply-submit> said so). */
  #submitted({ id, status }) {
    Object.assign(this.#draft, { applicationId: id, status, submittedAt: todayIso(), term: this.#term ?? undefined });
    saveDraft(this.draftName, this.#draft);
    this.#step.documents.reset(); // sent, or not to be sent: they leave this page's memory
    this.#sync();
    this.#step.mailbox.focus();
  }

  /**
   * The letter the applicant keeps, as data: the page and the saved text file are both drawn
   * from it, so they always say the same things. `fields`: [label key, text, span attributes].
   */
  #letter() {
    const d = this.#draft;
    const lang = this.lang;
    const product = this.#product;
    const pw = keptDownloadPassword(this.draftName);
    const url = this.receiveUrl(d.applicationId);
    const fields = [
      ['ap.l.applicant', `${d.nameJa} (${d.romaji})`],
      ['ap.l.product', product ? loc(product.name.value, lang) : d.product],
      this.#term ? ['ap.l.term', this.t('ap.term.years', { n: this.#term }), { id: 'ap-letter-term' }] : null,
      ['ap.l.date', formatDate(d.submittedAt, lang)],
      ['ap.l.id', d.applicationId, { class: 'mono', id: 'ap-letter-id', lang: 'en' }],
      pw ? ['ap.l.pw', pw, { class: 'password', id: 'ap-letter-pw', lang: 'en' }] : null,
      ['ap.l.where', url, { class: 'mono url' }],
      ['ap.l.until', downloadRuleText(product, lang)],
    ].filter(Boolean);
    const seller = (product?.secrets ?? []).map((s) => loc(s.text, lang));
    return { id: d.applicationId, url, pw, fields, seller, mailboxConfirmed: !!d.mailboxConfirmed, receiveLink: this.receiveLink };
  }

  async #restart() {
    const d = this.#draft;
    const msg = this.t('ap.restart.confirm') + (d.applicationId ? `\n${this.t('ap.restart.keepkey')}` : '');
    if (!window.confirm(msg)) return;
    if (d.keyId && !d.applicationId) await deleteKey(d.keyId).catch(() => {});
    forgetDownloadPassword(this.draftName);
    clearDraft(this.draftName);
    this.#draft = {};
    this.#step.details.reset();
    // The ID check belongs to the application started over: clear its file and verdict.
    this.#step.documents.reset();
    this.#sync();
    this.q('#ap-title').focus();
  }
}

customElements.define('inkan-apply', ApplyView);
