// <inkan-apply-documents>: the apply flow's optional ID-document step. It shows the product's
// upload rule from the catalog, checks (and shrinks) each image in this browser, and keeps the
// documents to send in memory only. The apply view sets `product` and `documentKey`, reads
// `documents` (handing them to the submit step), and calls `reset()` when the applicant starts
// over or the documents were sent. Event, bubbling to the apply view:
//   inkan:documents-change {}  a document was added or removed, or the list emptied
import { loadTexts } from '../i18n.js';
import { checkIdImage } from '../idimage.js';
import { download } from '../util.js';
import { View, fill, h, loc } from '../view.js';

await loadTexts(['ap']);

const mb = (n, digits) => `${(n / 1024 / 1024).toFixed(digits)} MB`;

export class ApplyDocuments extends View {
  /** The product applied for (its `upload` rule decides what is accepted), or undefined. */
  #product;
  /** The issuer's published document key and limits, or null (upload not enabled). */
  #documentKey = null;
  /** The last checked file's result (for "save the shrunk image"). */
  #checked = null;
  /** The checked documents to send: [{ type, bytes: Uint8Array, size }]. Never stored. */
  #documents = [];

  setup() {
    this.append(h('section', { id: 'ap-id', class: 'card', hidden: true, 'aria-labelledby': 'ap-id-title', part: 'card' },
      h('h2', { id: 'ap-id-title', 'data-i18n': 'ap.id.title' }),
      h('p', { id: 'ap-id-rule', class: 'muted' }),
      h('p', { 'data-i18n': 'ap.id.text' }),
      h('div', { class: 'field' },
        h('label', { for: 'ap-id-file', 'data-i18n': 'ap.id.choose' }),
        h('input', { id: 'ap-id-file', type: 'file', accept: 'image/jpeg,image/png' })),
      h('p', { id: 'ap-id-status', role: 'status' }),
      h('p', { class: 'error', role: 'alert', id: 'ap-id-error', hidden: true }),
      h('figure', { id: 'ap-id-preview', hidden: true },
        h('div', { id: 'ap-id-canvas', class: 'preview' }),
        h('figcaption', { 'data-i18n': 'ap.id.preview' })),
      h('button', { type: 'button', id: 'ap-id-save', class: 'secondary', hidden: true, 'data-i18n': 'ap.id.save' }),
      h('p', { id: 'ap-id-upload', class: 'muted' }),
      h('h3', { id: 'ap-id-list-title', hidden: true, 'data-i18n': 'ap.id.list' }),
      h('ul', { id: 'ap-id-docs', 'aria-labelledby': 'ap-id-list-title' })));
    this.q('#ap-id-file').addEventListener('change', (e) => this.#check(e.target.files[0]));
    this.q('#ap-id-save').addEventListener('click', () => {
      const r = this.#checked;
      if (r) download(r.blob, `id-document.${r.type === 'image/png' ? 'png' : 'jpg'}`, r.type);
    });
  }

  /** Whether the step is shown (the apply view decides from the draft's stage). */
  set open(open) { this.q('#ap-id').hidden = !open || !this.#product?.upload?.value; }

  set product(product) { this.#product = product; this.#render(); }
  set documentKey(key) { this.#documentKey = key; this.#render(); }

  /** The documents to send, checked and in memory. */
  get documents() { return this.#documentKey ? [...this.#documents] : []; }

  /** Forgets the file, its verdict and the documents (the applicant started over, or sent them). */
  reset() {
    this.q('#ap-id-file').value = '';
    this.q('#ap-id-status').textContent = '';
    this.clearError(this.q('#ap-id-error'));
    this.q('#ap-id-preview').hidden = true;
    this.q('#ap-id-save').hidden = true;
    this.#checked = null;
    this.#documents = [];
    this.#changed();
  }

  onLang() { this.#render(); }

  /** The product's own upload rule from the catalog; a product without an upload step shows none. */
  #render() {
    const product = this.#product;
    const upload = product?.upload?.value;
    if (!upload) return;
    const rule = [this.t('ap.id.rule', { seller: loc(product.seller.value, this.lang), formats: upload.formats.map((f) => f.toUpperCase()).join(' / ') }),
      upload.max_megabytes ? this.t('ap.id.rule.mb', { mb: upload.max_megabytes }) : this.t('ap.id.rule.nomb'),
      upload.registration_number_readable ? this.t('ap.id.rule.readable') : this.t('ap.id.rule.end')];
    this.q('#ap-id-rule').textContent = rule.join('');
    this.q('#ap-id-rule').dataset.product = product.id;
    this.q('#ap-id-file').accept = upload.formats.map((f) => (f === 'pdf' ? 'application/pdf' : `image/${f}`)).join(',');
    const note = this.q('#ap-id-upload');
    note.textContent = this.t(this.#documentKey ? 'ap.id.sealed' : 'ap.id.disabled');
    note.dataset.enabled = String(!!this.#documentKey);
    this.#renderList();
  }

  #renderList() {
    const list = this.q('#ap-id-docs');
    list.replaceChildren(...this.#documents.map((doc, i) => h('li', { 'data-type': doc.type },
      this.t('ap.id.item', { n: i + 1, type: doc.type, size: mb(doc.size, 2) }), ' ',
      h('button', { type: 'button', class: 'secondary', 'data-remove': String(i), text: this.t('ap.id.remove') }))));
    for (const button of list.querySelectorAll('button[data-remove]')) {
      button.addEventListener('click', () => { this.#documents.splice(Number(button.dataset.remove), 1); this.#changed(); });
    }
    this.q('#ap-id-list-title').hidden = this.#documents.length === 0;
  }

  /** The list changed: redraw it and tell the apply view (not from #render: the view's own
   * updates must not echo back to it). */
  #changed() {
    this.#renderList();
    this.emit('inkan:documents-change', {});
  }

  async #check(file) {
    const errorBox = this.q('#ap-id-error');
    this.clearError(errorBox);
    this.q('#ap-id-preview').hidden = true;
    this.q('#ap-id-save').hidden = true;
    this.#checked = null;
    if (!file) return;
    const rule = this.#product?.upload?.value;
    if (!rule) return;
    const status = this.q('#ap-id-status');
    const r = await this.busy(null, status, '…', () => checkIdImage(file, rule), errorBox);
    if (!r) return;
    this.#checked = r;
    const key = this.#documentKey;
    if (key) {
      if (this.#documents.length >= key.max_count) {
        this.showError({ code: 'documents_too_many', key: 'ap.id.full', vars: { max: key.max_count } }, errorBox);
      } else {
        const bytes = new Uint8Array(await r.blob.arrayBuffer());
        this.#documents.push({ type: r.type, bytes, size: bytes.length });
        this.#changed();
      }
    }
    status.dataset.kind = r.kind;
    status.dataset.bytes = String(r.bytes);
    if (r.kind === 'pdf') {
      status.textContent = this.t('ap.id.pdf', { size: mb(r.bytes, 1) });
      status.dataset.shrunk = 'false';
      return;
    }
    status.textContent = r.shrunk
      ? this.t('ap.id.shrunk', { from: mb(r.originalBytes, 1), to: mb(r.bytes, 1), w: r.width, h: r.height })
      : this.t('ap.id.ok', { size: mb(r.bytes, 1) });
    status.dataset.shrunk = String(r.shrunk);
    r.canvas.setAttribute('role', 'img');
    r.canvas.setAttribute('aria-label', this.t('ap.id.preview'));
    fill(this.q('#ap-id-canvas'), r.canvas);
    this.q('#ap-id-preview').hidden = false;
    this.q('#ap-id-save').hidden = !r.shrunk;
  }
}

customElements.define('inkan-apply-documents', ApplyDocuments);
