// <inkan-receive>: collect the certificate. Application id + download password → the PEM
// chain from the worker → matched with the pending key (IndexedDB, or the backup file) → key
// PIN → .p12 built here → the expiry plan. Nothing secret is sent: only the download password.
// Also the base of the widget's <inkan-receive>.
import { call, products } from '../client.js';
import { register } from '../i18n.js';
import { applicationStatus, defaultEndpoint, fetchCertificate } from '../api.js';
import { normaliseDownloadPassword } from '../password.js';
import { deleteKey, keyForApplication, loadDraft, saveDraft, clearDraft } from '../store.js';
import { download, encodeText, readFile } from '../util.js';
import { View, fill, formatDate, h, loc, parseHashQuery, todayIso } from '../view.js';
import { profileChooser, renderAfterDelivery, renderPlan, shortestTerm, statusLabel } from './common.js';

register({
  'rc.title': { ja: '証明書を受け取る', en: 'Collect your certificate' },
  'rc.intro': { ja: '配布状の申込番号とダウンロード用パスワードを入力してください。証明書と、このブラウザ(または控えファイル)の鍵から、.p12 ファイルをここで作ります。', en: 'Enter the application ID and download password from your letter. The .p12 file is made here, from the certificate and the key in this browser (or your backup file).' },
  'rc.s1': { ja: '1. 証明書を取得', en: '1. Fetch the certificate' },
  'rc.id': { ja: '申込番号', en: 'Application ID' },
  'rc.pw': { ja: 'ダウンロード用パスワード', en: 'Download password' },
  'rc.pw.hint': { ja: '配布状に記載の「XXXXX-XXXXX-XXXXX-XXXXX」形式のパスワードです。', en: 'The password on your letter, in the form XXXXX-XXXXX-XXXXX-XXXXX.' },
  'rc.fetch': { ja: '証明書を取得', en: 'Fetch the certificate' },
  'rc.fetching': { ja: '取得しています…', en: 'Fetching…' },
  'rc.got': { ja: '証明書を取得しました: {cn}(有効期限 {date})', en: 'Certificate received: {cn} (valid until {date})' },
  'rc.err.required': { ja: '申込番号とダウンロード用パスワードを入力してください。', en: 'Enter the application ID and the download password.' },
  'rc.s2': { ja: '2. 鍵を開く', en: '2. Unlock your key' },
  'rc.key.found': { ja: 'このブラウザに、この申込みの鍵が保存されています(作成日 {date})。', en: 'The key for this application is saved in this browser (created {date}).' },
  'rc.key.missing': { ja: 'このブラウザにはこの申込みの鍵がありません。申し込んだときに保存した「鍵の控えファイル」(inkan-key-backup-….pem)を選んでください。', en: 'This browser does not have the key for this application. Choose the key backup file you saved when applying (inkan-key-backup-….pem).' },
  'rc.key.file': { ja: '鍵の控えファイル', en: 'Key backup file' },
  'rc.key.fileok': { ja: '控えファイルを読み込みました: {name}', en: 'Backup file loaded: {name}' },
  'rc.key.lost': { ja: '控えファイルもありません', en: 'I do not have the backup file either' },
  'rc.key.applyagain': { ja: '鍵がなければ、この証明書は使えません(秘密鍵はあなたのブラウザにしかなく、誰も復元できません)。お手数ですが、新しく申し込んでください。', en: 'Without the key this certificate cannot be used (the private key existed only in your browser; nobody can restore it). Please apply again.' },
  'rc.key.applylink': { ja: 'もう一度申し込む', en: 'Apply again' },
  'rc.pin': { ja: '鍵の PIN', en: 'Key PIN' },
  'rc.s3': { ja: '3. .p12 ファイルを作る', en: '3. Make the .p12 file' },
  'rc.where': { ja: 'どこで使いますか?', en: 'Where will you use it?' },
  'rc.samepin': { ja: '.p12 ファイルのパスワードも鍵の PIN と同じにする', en: 'Use the key PIN as the .p12 file password too' },
  'rc.p12pin': { ja: '.p12 ファイルのパスワード(8 文字以上)', en: '.p12 file password (8 characters or more)' },
  'rc.p12pin2': { ja: '.p12 ファイルのパスワード(確認)', en: '.p12 file password (again)' },
  'rc.p12pin.hint': { ja: 'パソコンやスマートフォンに取り込むときに入力します。再発行はできません。', en: 'You type it when installing the file on your computer or phone. It cannot be recovered.' },
  'rc.build': { ja: '.p12 ファイルを作って保存', en: 'Make and save the .p12 file' },
  'rc.building': { ja: '鍵を開いて .p12 を作っています(数秒かかります)…', en: 'Unlocking the key and building the .p12 (a few seconds)…' },
  'rc.built': { ja: '.p12 ファイルを保存しました: {name}', en: 'The .p12 file was saved: {name}' },
  'rc.err.pin': { ja: '鍵の PIN を入力してください。', en: 'Enter the key PIN.' },
  'rc.err.p12pin': { ja: '.p12 のパスワードは 8 文字以上で、確認と一致させてください。', en: 'The .p12 password needs 8 or more characters, and both entries must match.' },
  'rc.err.nokey': { ja: '鍵の控えファイルを選ぶか、「控えファイルもありません」を押してください。', en: 'Choose the key backup file, or press “I do not have the backup file either”.' },
  'rc.err.mismatch': { ja: 'この鍵はこの証明書のものではありません。この申込みのときに保存した控えファイルを選んでください。', en: 'This key does not belong to this certificate. Choose the backup file saved for this application.' },
  'rc.s4': { ja: '4. 有効期限の予定', en: '4. Your expiry plan' },
  'rc.s5': { ja: '5. 取り込めたら、ブラウザの鍵を消去', en: '5. Once installed, remove the key from this browser' },
  'rc.confirm.text': { ja: '保存した .p12 ファイルをダブルクリックして取り込み、メールの署名やログインで使えることを確かめてから押してください。.p12 ファイルは安全な場所にバックアップしてください(期限切れ後も、暗号化された古いメールを読むのに必要です)。', en: 'Double-click the saved .p12 to install it and check that signing or logging in works, then press this. Keep a backup of the .p12 in a safe place (you need it to read old encrypted mail even after expiry).' },
  'rc.confirm': { ja: '使えました — ブラウザの鍵を消去する', en: 'It works — remove the key from this browser' },
  'rc.removed': { ja: 'ブラウザに保存していた鍵を消去しました。.p12 ファイルは大切に保管してください。', en: 'The key saved in this browser has been removed. Keep your .p12 file safe.' },
  'rc.root': { ja: '.p12 ファイルには、あなたの証明書と発行元の中間証明書が入っています。ルート証明書は入れていません(ルート証明書は、信頼する側がもともと持っているものだからです)。メールソフトが発行元を信頼できないと表示するときだけ、販売者の案内に従ってルート証明書を入れてください。', en: 'The .p12 holds your certificate and the issuer’s intermediate certificate, not the root: a root is something the other side must already trust. Only if your mail software says it cannot trust the issuer, install the root certificate as the seller instructs.' },
  'rc.root.link': { ja: 'ルート証明書(このサービスの発行元のもの)', en: 'Root certificate (of this service’s issuer)' },
  'rc.status': { ja: '状態: {status}', en: 'Status: {status}' },
  'rc.check': { ja: '状態を確認', en: 'Check the status' },
  'rc.deadline': { ja: '受け取り期限: {date}', en: 'Collect by: {date}' },
});

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
      this.q('#rc-key-form').hidden = false;
      this.#record = await keyForApplication(d.id).catch(() => undefined);
      this.q('#rc-key-found').hidden = !this.#record;
      this.q('#rc-key-missing').hidden = !!this.#record;
      if (this.#record) this.q('#rc-key-found').textContent = this.t('rc.key.found', { date: formatDate(this.#record.createdAt.slice(0, 10), this.lang) });
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
    if (!id) return this.showError({ code: 'invalid_input', ja: this.t('rc.err.required', {}, 'ja'), en: this.t('rc.err.required', {}, 'en') }, errorBox);
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
    if (!id || !pw) return this.showError({ code: 'invalid_input', ja: this.t('rc.err.required'), en: this.t('rc.err.required') }, errorBox);
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
    const fail = (code, key) => this.showError({ code, ja: this.t(key, {}, 'ja'), en: this.t(key, {}, 'en') }, errorBox);
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
          throw { code: 'key_certificate_mismatch', ja: this.t('rc.err.mismatch', {}, 'ja'), en: this.t('rc.err.mismatch', {}, 'en') };
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
