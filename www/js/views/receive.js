// <inkan-receive>: collect the certificate. Application id + download password → the PEM
// chain from the worker → matched with the pending key (IndexedDB, or the backup file) → key
// PIN → .p12 built here → the expiry plan. Nothing secret is sent: only the download password.
// Also the base of the widget's <inkan-receive>.
import { call, products } from '../client.js';
import { applicationStatus, defaultEndpoint, fetchCertificate } from '../api.js';
import { loadTexts } from '../i18n.js';
import { normaliseDownloadPassword } from '../password.js';
import { deleteKey, keyForApplication, loadDraft, saveDraft, clearDraft } from '../store.js';
import { download, encodeText, readFile } from '../util.js';
import { View, fill, formatDate, h, loc, parseHashQuery, todayIso } from '../view.js';
import { profileChooser, renderAfterDelivery, renderPlan, shortestTerm, statusLabel } from './common.js';

await loadTexts(['rc']);

export class ReceiveView extends View {
  #draft = {};
  #record = null;     // IndexedDB record of the pending key
  #backup = null;     // bytes of the backup file, if used
  #products = [];
  #built = null;

  get draftName() { return 'receive'; }
  get endpoint() { return this.getAttribute('endpoint') || defaultEndpoint(); }

  setup() {
    this.root.append(h('section', { class: 'view', 'aria-labelledby': 'rc-title' },
      h('h1', { id: 'rc-title', 'data-i18n': 'rc.title', tabindex: '-1' }),
      h('p', { 'data-i18n': 'rc.intro' }),
      h('form', { id: 'rc-fetch-form', class: 'card', novalidate: true, part: 'card' },
        h('h2', { 'data-i18n': 'rc.s1' }),
        h('div', { class: 'field' }, h('label', { for: 'rc-id', 'data-i18n': 'rc.id' }),
          h('input', { id: 'rc-id', autocomplete: 'off', spellcheck: 'false', lang: 'en', part: 'field' })),
        h('div', { class: 'field' }, h('label', { for: 'rc-pw', 'data-i18n': 'rc.pw' }),
          h('p', { class: 'hint', id: 'rc-pw-hint', 'data-i18n': 'rc.pw.hint' }),
          h('input', { id: 'rc-pw', autocomplete: 'off', spellcheck: 'false', lang: 'en', 'aria-describedby': 'rc-pw-hint', class: 'mono', part: 'field' })),
        h('button', { type: 'submit', id: 'rc-fetch', 'data-i18n': 'rc.fetch', part: 'button' }), ' ',
        h('button', { type: 'button', id: 'rc-check', class: 'secondary', 'data-i18n': 'rc.check', part: 'button' }),
        h('p', { id: 'rc-app-status', role: 'status' }),
        h('p', { id: 'rc-fetch-status', role: 'status' }),
        h('p', { class: 'error', role: 'alert', id: 'rc-fetch-error', hidden: true, part: 'error' })),
      h('form', { id: 'rc-key-form', class: 'card', hidden: true, novalidate: true, part: 'card' },
        h('h2', { 'data-i18n': 'rc.s2' }),
        h('p', { id: 'rc-key-found', class: 'ok-text', hidden: true }),
        h('div', { id: 'rc-key-missing', hidden: true },
          h('p', { 'data-i18n': 'rc.key.missing' }),
          h('div', { class: 'field' }, h('label', { for: 'rc-key-file', 'data-i18n': 'rc.key.file' }),
            h('input', { id: 'rc-key-file', type: 'file', accept: '.pem,.key,.txt,application/x-pem-file,text/plain' })),
          h('p', { id: 'rc-key-file-status', role: 'status' }),
          h('button', { type: 'button', id: 'rc-key-lost', class: 'link', 'data-i18n': 'rc.key.lost' }),
          h('div', { id: 'rc-apply-again', class: 'error', role: 'alert', hidden: true },
            h('p', { 'data-i18n': 'rc.key.applyagain' }),
            h('a', { href: '#/apply', class: 'button-like', 'data-i18n': 'rc.key.applylink' }))),
        h('div', { class: 'field' }, h('label', { for: 'rc-pin', 'data-i18n': 'rc.pin' }),
          h('input', { id: 'rc-pin', type: 'password', autocomplete: 'current-password', part: 'field' })),
        h('h2', { 'data-i18n': 'rc.s3' }),
        h('fieldset', { id: 'rc-profile' }, h('legend', { 'data-i18n': 'rc.where' }), h('div', { id: 'rc-profile-choices' })),
        h('div', { class: 'choice' }, h('input', { type: 'checkbox', id: 'rc-samepin', checked: true }), h('label', { for: 'rc-samepin', 'data-i18n': 'rc.samepin' })),
        h('div', { id: 'rc-p12pins', hidden: true },
          h('p', { class: 'hint', id: 'rc-p12pin-hint', 'data-i18n': 'rc.p12pin.hint' }),
          h('div', { class: 'field' }, h('label', { for: 'rc-p12pin', 'data-i18n': 'rc.p12pin' }),
            h('input', { id: 'rc-p12pin', type: 'password', autocomplete: 'new-password', 'aria-describedby': 'rc-p12pin-hint', part: 'field' })),
          h('div', { class: 'field' }, h('label', { for: 'rc-p12pin2', 'data-i18n': 'rc.p12pin2' }),
            h('input', { id: 'rc-p12pin2', type: 'password', autocomplete: 'new-password', part: 'field' }))),
        h('button', { type: 'submit', id: 'rc-build', 'data-i18n': 'rc.build', part: 'button' }),
        h('p', { id: 'rc-build-status', role: 'status' }),
        h('p', { class: 'error', role: 'alert', id: 'rc-build-error', hidden: true, part: 'error' }),
        h('details', { id: 'rc-root' }, h('summary', { 'data-i18n': 'rc.root.link' }),
          h('p', { 'data-i18n': 'rc.root' }),
          h('p', {}, h('a', { id: 'rc-root-link', href: new URL('/api/issuer/root', this.endpoint).href, download: 'inkan-local-root.pem', 'data-i18n': 'rc.root.link' })))),
      h('section', { id: 'rc-plan', class: 'card', hidden: true, 'aria-labelledby': 'rc-plan-title', part: 'card' },
        h('h2', { id: 'rc-plan-title', tabindex: '-1', 'data-i18n': 'rc.s4' }),
        h('div', { id: 'rc-plan-body' }),
        h('div', { id: 'rc-after' })),
      h('section', { id: 'rc-done', class: 'card', hidden: true, 'aria-labelledby': 'rc-done-title', part: 'card' },
        h('h2', { id: 'rc-done-title', 'data-i18n': 'rc.s5' }),
        h('p', { 'data-i18n': 'rc.confirm.text' }),
        h('button', { type: 'button', id: 'rc-confirm', 'data-i18n': 'rc.confirm', part: 'button' }),
        h('p', { id: 'rc-removed', role: 'status' })),
      h('p', { class: 'error', role: 'alert', 'data-error': true, hidden: true, part: 'error' })));

    this.q('#rc-fetch-form').addEventListener('submit', (e) => { e.preventDefault(); this.#fetch(); });
    this.q('#rc-key-form').addEventListener('submit', (e) => { e.preventDefault(); this.#build(); });
    this.q('#rc-samepin').addEventListener('change', (e) => { this.q('#rc-p12pins').hidden = e.target.checked; });
    this.q('#rc-key-file').addEventListener('change', (e) => this.#loadBackup(e.target.files[0]));
    this.q('#rc-key-lost').addEventListener('click', () => { this.q('#rc-apply-again').hidden = false; this.emit('inkan:error', { code: 'key_lost' }); });
    this.q('#rc-confirm').addEventListener('click', () => this.#confirm());
    this.q('#rc-check').addEventListener('click', () => this.#checkStatus());
    this.q('#rc-id').addEventListener('input', (e) => { this.#draft.id = e.target.value.trim(); saveDraft(this.draftName, this.#draft); });

    this.#draft = loadDraft(this.draftName);
    const fromUrl = this.getAttribute('application') ?? parseHashQuery().get('id');
    if (fromUrl && fromUrl !== this.#draft.id) this.#draft = { id: fromUrl };
    if (!this.#draft.id) this.#draft.id = loadDraft('apply').applicationId ?? loadDraft('enroll').applicationId;
    this.q('#rc-id').value = this.#draft.id ?? '';
    products().then((p) => { this.#products = p; this.#sync(); }).catch(() => {});
    this.#sync();
  }

  onLang() { this.#sync(); }

  get #product() { return this.#products.find((p) => p.id === this.#draft.product); }

  async #sync() {
    const d = this.#draft;
    this.#showStatus(this.#lastStatus);
    fill(this.q('#rc-profile-choices'), ...profileChooser('rc', this.lang, this.q('input[name="rc-profile"]:checked')?.value));
    if (d.chain) {
      const leaf = d.leaf;
      this.q('#rc-fetch-status').textContent = this.t('rc.got', { cn: leaf?.subject_cn ?? '', date: formatDate(leaf?.not_after, this.lang) });
      // The key step shows once it knows whether this browser has the key: never the wrong half.
      this.#record = await keyForApplication(d.id).catch(() => undefined);
      this.q('#rc-key-found').hidden = !this.#record;
      this.q('#rc-key-missing').hidden = !!this.#record;
      if (this.#record) this.q('#rc-key-found').textContent = this.t('rc.key.found', { date: formatDate(this.#record.createdAt.slice(0, 10), this.lang) });
      this.q('#rc-key-form').hidden = false;
    }
    if (d.removed) this.q('#rc-key-missing').hidden = true;
    if (d.built) this.#showPlan();
    this.q('#rc-done').hidden = !d.built || (!this.#record && !d.removed);
    if (d.removed) {
      this.q('#rc-removed').textContent = this.t('rc.removed');
      this.q('#rc-confirm').disabled = true;
    }
  }

  /** Shows the application's status in words ("issued" reads "ready to collect"). */
  #showStatus(status) {
    const box = this.q('#rc-app-status');
    if (!status?.status) { box.textContent = ''; delete box.dataset.status; return; }
    box.textContent = this.t('rc.status', { status: statusLabel(status.status, this.lang) });
    box.dataset.status = status.status;
    // A rejection's reason (from the issuer's review desk) and the reviewer's own words.
    const rejection = status.rejection;
    if (rejection) {
      box.append(h('span', { class: 'rejection-reason', 'data-reason': rejection.reason, text: ` ${loc(rejection.message, this.lang)}` }));
      if (rejection.note) box.append(h('span', { class: 'rejection-note', text: ` ${rejection.note}` }));
    }
  }

  async #checkStatus() {
    const id = this.q('#rc-id').value.trim();
    const errorBox = this.q('#rc-fetch-error');
    if (!id) return this.showError({ code: 'invalid_input', key: 'rc.err.required' }, errorBox);
    const status = await this.busy(this.q('#rc-check'), null, '', () => applicationStatus(this.endpoint, id), errorBox);
    if (status) { this.#lastStatus = status; this.#showStatus(status); }
  }

  #lastStatus = null;

  /**
   * The worker refused because the window closed: say what that means for this product, in
   * the crate's own words (the same `download_window_closed` text the planner and the CLI give).
   */
  async #windowClosed(id, errorBox) {
    try {
      const status = await applicationStatus(this.endpoint, id);
      this.#lastStatus = status;
      this.#showStatus(status);
      if (!status.product || !status.issued_at) return;
      const jst = (unix) => new Date((unix + 9 * 3600) * 1000).toISOString().slice(0, 10);
      const issued = jst(status.issued_at);
      // A day after the worker's deadline (or today): the crate then states the consequence.
      const downloaded = jst(status.download_deadline ? Math.max(status.download_deadline + 86400, Date.now() / 1000) : Date.now() / 1000);
      await call('expiryPlan', { product: status.product, downloaded, issued });
    } catch (e) {
      if (e?.code === 'download_window_closed') this.showError(e, errorBox);
    }
  }

  async #fetch() {
    const id = this.q('#rc-id').value.trim();
    const pw = normaliseDownloadPassword(this.q('#rc-pw').value);
    const errorBox = this.q('#rc-fetch-error');
    if (!id || !pw) return this.showError({ code: 'invalid_input', key: 'rc.err.required' }, errorBox);
    let failure;
    const result = await this.busy(this.q('#rc-fetch'), this.q('#rc-fetch-status'), this.t('rc.fetching'), async () => {
      try {
        const chain = await fetchCertificate(this.endpoint, id, pw);
        const status = await applicationStatus(this.endpoint, id).catch(() => ({}));
        const certs = await call('parseCertificates', { bytes: encodeText(chain) });
        return { chain, status, certs };
      } catch (e) { failure = e; throw e; }
    }, errorBox);
    if (!result) {
      if (failure?.code === 'download_window_closed') await this.#windowClosed(id, errorBox);
      else if (failure?.code === 'not_issued_yet') {
        this.#lastStatus = await applicationStatus(this.endpoint, id).catch(() => null);
        this.#showStatus(this.#lastStatus);
      }
      return;
    }
    this.q('#rc-pw').value = '';
    this.#lastStatus = result.status;
    this.#showStatus(result.status);
    // The certificate is public: keeping it in the draft spares a second download after a reload.
    // The term bought comes from the worker (`term_years`); without it, the product's shortest.
    this.#draft = { id, chain: result.chain, product: result.status.product, leaf: result.certs[0], deadline: result.status.download_deadline, term: result.status.term_years };
    saveDraft(this.draftName, this.#draft);
    await this.#sync();
    this.q('#rc-pin').focus();
  }

  async #loadBackup(file) {
    if (!file) return;
    this.#backup = await readFile(file);
    this.q('#rc-key-file-status').textContent = this.t('rc.key.fileok', { name: file.name });
  }

  async #build() {
    const errorBox = this.q('#rc-build-error');
    const pin = this.q('#rc-pin').value;
    const same = this.q('#rc-samepin').checked;
    const p12pin = same ? pin : this.q('#rc-p12pin').value;
    const fail = (code, key) => this.showError({ code, key }, errorBox);
    const keyBytes = this.#record ? encodeText(this.#record.encryptedPem) : this.#backup;
    if (!keyBytes) return fail('key_missing', 'rc.err.nokey');
    if (!pin) { this.q('#rc-pin').focus(); return fail('invalid_input', 'rc.err.pin'); }
    if (!same && ([...p12pin].length < 8 || p12pin !== this.q('#rc-p12pin2').value)) { this.q('#rc-p12pin').focus(); return fail('invalid_input', 'rc.err.p12pin'); }
    const profile = this.q('input[name="rc-profile"]:checked')?.value ?? 'modern';
    const d = this.#draft;
    const certificates = encodeText(d.chain);
    let handle;
    const built = await this.busy(this.q('#rc-build'), this.q('#rc-build-status'), this.t('rc.building'), async () => {
      try {
        handle = (await call('importKey', { bytes: keyBytes, pin })).handle;
        if (!(await call('matchesCertificate', { handle, certificates }))) {
          throw { code: 'key_certificate_mismatch', key: 'rc.err.mismatch' };
        }
        return await call('buildPkcs12', { handle, certificates, password: p12pin, options: { profile, friendlyName: d.leaf?.subject_cn } });
      } finally {
        if (handle) call('dropKey', { handle }); // zeroize the key in the worker at once
      }
    }, errorBox);
    if (!built) return;
    this.q('#rc-pin').value = '';
    this.q('#rc-p12pin').value = '';
    this.q('#rc-p12pin2').value = '';
    const cn = (d.leaf?.subject_cn ?? 'certificate').replace(/[^\w.-]+/g, '_');
    const name = `${cn}-${profile}.p12`;
    download(built.bytes, name, 'application/x-pkcs12');
    this.q('#rc-build-status').textContent = this.t('rc.built', { name });
    this.emit('inkan:p12', { bytes: built.bytes, profile, filename: name, findings: built.findings, applicationId: d.id });
    Object.assign(d, { built: todayIso(), profile });
    saveDraft(this.draftName, d);
    await this.#sync();
    this.q('#rc-plan-title').focus();
  }

  async #showPlan() {
    const d = this.#draft;
    const product = this.#product;
    if (!d.product) return;
    try {
      const years = Number.isInteger(d.term) ? d.term : (shortestTerm(product) ?? undefined);
      const args = { product: d.product, downloaded: d.built, years };
      const plan = await call('expiryPlan', args);
      const ics = async () => {
        const text = await call('expiryIcs', args);
        download(text, `inkan-${d.product}-expiry.ics`, 'text/calendar;charset=utf-8');
      };
      fill(this.q('#rc-plan-body'), renderPlan(plan, product, this.lang, ics));
      fill(this.q('#rc-after'), renderAfterDelivery(product, this.lang, 'rc-after'));
      this.q('#rc-plan').hidden = false;
    } catch (e) { this.showError(e); }
  }

  async #confirm() {
    if (this.#record) await deleteKey(this.#record.id);
    this.#record = null;
    const apply = loadDraft('apply');
    if (apply.applicationId === this.#draft.id) clearDraft('apply');
    this.#draft.removed = true;
    saveDraft(this.draftName, this.#draft);
    this.q('#rc-removed').textContent = this.t('rc.removed');
    this.q('#rc-confirm').disabled = true;
    this.emit('inkan:key-removed', { applicationId: this.#draft.id });
  }
}

customElements.define('inkan-receive', ReceiveView);
