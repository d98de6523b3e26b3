// <inkan-apply>: apply for a certificate. The key is made in the Web Worker, protected by the
// applicant's PIN (encrypted PKCS#8) and kept in IndexedDB plus a backup file; only the CSR,
// the applicant's details and the download password are sent. The form is saved as a draft
// (no secrets) so a reload loses nothing. Also the base of the widget's <inkan-enroll>.
//
// The view is the coordinator: it keeps the draft, computes the stage from it (apply-stage.js)
// and hands each step element what it shows; the steps report back with events. The ID
// documents (<inkan-apply-documents>), the e-mail check (<inkan-apply-mailbox>) and the letter
// (<inkan-apply-letter>) are their own elements; the details form, key and submit are drawn here.
import { call, products } from '../client.js';
import { register } from '../i18n.js';
import { defaultEndpoint, documentKey, sendDocuments, submitApplication } from '../api.js';
import { downloadPassword, BITS } from '../password.js';
import { clearDraft, deleteKey, downloadPasswordFor, forgetDownloadPassword, getKey, keptDownloadPassword, loadDraft, putKey, saveDraft } from '../store.js';
import { download } from '../util.js';
import { View, fill, formatDate, h, loc, parseHashQuery, todayIso } from '../view.js';
import './apply-documents.js';
import './apply-letter.js';
import './apply-mailbox.js';
import { downloadRuleText, productLabel, shortestTerm } from './common.js';
import { APPLY_STEPS, stepStates } from './apply-stage.js';

register({
  'ap.title': { ja: '証明書を申し込む', en: 'Apply for a certificate' },
  'ap.intro': { ja: '秘密鍵はこのブラウザの中で作られ、外部には送信されません。送信されるのは申請データ(CSR)、お名前・連絡先、ダウンロード用パスワードだけです。', en: 'Your private key is made inside this browser and is never sent. Only the request (CSR), your name and contact details, and the download password are sent.' },
  'ap.s.details': { ja: '入力', en: 'Details' },
  'ap.s.key': { ja: '鍵の作成', en: 'Key' },
  'ap.s.backup': { ja: '控えの保存', en: 'Backup' },
  'ap.s.submit': { ja: '送信', en: 'Submit' },
  'ap.s.mailbox': { ja: 'メール確認', en: 'E-mail check' },
  'ap.s.letter': { ja: '配布状', en: 'Letter' },
  'ap.who': { ja: '申込者', en: 'Applicant' },
  'ap.product': { ja: '証明書の種類', en: 'Certificate' },
  'ap.product.loading': { ja: '読み込み中…', en: 'Loading…' },
  'ap.namejp': { ja: '氏名(漢字)', en: 'Name in Japanese (kanji)' },
  'ap.namejp.hint': { ja: '例: 山田 太郎', en: 'e.g. 山田 太郎' },
  'ap.romaji': { ja: '氏名(ローマ字)', en: 'Name in Latin letters (romaji)' },
  'ap.romaji.hint': { ja: '例: Taro Yamada。証明書の名前(CN)になります。', en: 'e.g. Taro Yamada. This becomes the name on the certificate (CN).' },
  'ap.email': { ja: 'メールアドレス', en: 'E-mail address' },
  'ap.email.hint': { ja: '証明書に記載され、発行のお知らせもここに届きます。', en: 'It goes on the certificate, and the issuance notice is sent here.' },
  'ap.org': { ja: '組織名(任意)', en: 'Organisation (optional)' },
  'ap.org.hint': { ja: '例: 山田法律事務所。証明書に記載されます。', en: 'e.g. Yamada Law Office. It goes on the certificate.' },
  'ap.keytype': { ja: '鍵の種類', en: 'Key type' },
  'ap.rsa': { ja: 'RSA 2048 ビット(おすすめ:ほぼすべての環境で使えます)', en: 'RSA 2048-bit (recommended: works almost everywhere)' },
  'ap.p256': { ja: 'ECDSA P-256(速くて小さい鍵:新しいソフト向け)', en: 'ECDSA P-256 (fast, small key: newer software only)' },
  'ap.pin': { ja: '鍵の PIN(8 文字以上)', en: 'Key PIN (8 characters or more)' },
  'ap.pin.hint': { ja: '証明書を受け取るまで、鍵をこの PIN で暗号化して保管します。受け取りのときに必要です。どこにも送信されず、忘れると再発行できません。', en: 'Until you receive the certificate, the key is kept encrypted with this PIN. You need it to receive the certificate. It is never sent anywhere and cannot be recovered if forgotten.' },
  'ap.pin2': { ja: '鍵の PIN(確認のためもう一度)', en: 'Key PIN (again, to confirm)' },
  'ap.ascii': { ja: 'PIN に全角文字や日本語があると、Java keytool など一部のソフトで開けません。半角英数字をおすすめします。', en: 'A PIN with non-ASCII characters cannot be opened by Java keytool and some other software. Use ASCII letters and digits.' },
  'ap.create': { ja: '鍵と申請データを作る', en: 'Create my key and request' },
  'ap.err.required': { ja: '「{field}」を入力してください。', en: 'Please fill in “{field}”.' },
  'ap.err.romaji': { ja: 'ローマ字の氏名は半角英字で入力してください(例: Taro Yamada)。', en: 'Enter the romaji name in Latin letters (e.g. Taro Yamada).' },
  'ap.err.email': { ja: 'メールアドレスの形式が正しくありません。', en: 'The e-mail address does not look right.' },
  'ap.err.pinshort': { ja: 'PIN は 8 文字以上にしてください。', en: 'The PIN must have at least 8 characters.' },
  'ap.err.pinmatch': { ja: '確認用の PIN が一致しません。', en: 'The two PINs do not match.' },
  'ap.err.backup': { ja: '先に鍵の控えファイルを保存してください。', en: 'Save the key backup file first.' },
  'ap.p.title': { ja: '鍵を作っています', en: 'Creating your key' },
  'ap.p.generate': { ja: '秘密鍵を作る(RSA は数秒かかります)', en: 'Generate the private key (RSA takes a few seconds)' },
  'ap.p.csr': { ja: '申請データ(CSR)を作る', en: 'Create the request (CSR)' },
  'ap.p.encrypt': { ja: '鍵を PIN で暗号化する', en: 'Encrypt the key with your PIN' },
  'ap.p.store': { ja: 'このブラウザに保存する', en: 'Save it in this browser' },
  'ap.p.label': { ja: '鍵の作成の進み具合', en: 'Key creation progress' },
  'ap.p.note': { ja: '処理中もページは操作できます。', en: 'The page stays usable meanwhile.' },
  'ap.k.title': { ja: '鍵の控えを保存してください', en: 'Save a backup of your key' },
  'ap.k.text': { ja: '鍵はこのブラウザに暗号化して保存しました。ブラウザのデータが消えた場合に備えて、控えファイル(PIN で暗号化済み)を保存してください。証明書を受け取るときに、このブラウザか控えファイルのどちらかと PIN が必要です。', en: 'The key is saved in this browser, encrypted. In case the browser data is lost, save the backup file (encrypted with your PIN). To receive the certificate you need this browser or the backup file, plus the PIN.' },
  'ap.k.save': { ja: '控えファイルを保存', en: 'Save the backup file' },
  'ap.k.saved': { ja: '控えファイルを保存しました: {name}', en: 'Backup saved: {name}' },
  'ap.k.csr': { ja: '申請データ(CSR)を見る', en: 'Show the request (CSR)' },
  'ap.k.alg': { ja: '鍵の種類: {alg}', en: 'Key type: {alg}' },
  'ap.term': { ja: '有効期間', en: 'Term' },
  'ap.term.years': { ja: '{n} 年', en: '{n} year(s)' },
  'ap.l.term': { ja: '有効期間', en: 'Term' },
  'ap.id.sent': { ja: '書類 {n} 件を暗号化して送りました。', en: '{n} document(s) sent, encrypted.' },
  'ap.sub.title': { ja: 'ダウンロード用パスワードと送信', en: 'Download password and submission' },
  'ap.sub.text': { ja: '証明書の受け取りに使うパスワードを、このブラウザで作りました({bits} ビット)。送信後の配布状にも記載されます。', en: 'This browser made the password you will use to collect the certificate ({bits} bits). It is also printed on the letter after you submit.' },
  'ap.sub.pw': { ja: 'ダウンロード用パスワード', en: 'Download password' },
  'ap.sub.send': { ja: '申し込む(送信)', en: 'Submit the application' },
  'ap.sub.sending': { ja: '送信しています…', en: 'Submitting…' },
  'ap.sub.needonline': { ja: '送信にはインターネット接続が必要です。', en: 'Submitting needs an internet connection.' },
  'ap.l.applicant': { ja: '申込者', en: 'Applicant' },
  'ap.l.product': { ja: '証明書', en: 'Certificate' },
  'ap.l.date': { ja: '申込日', en: 'Applied on' },
  'ap.l.id': { ja: '申込番号', en: 'Application ID' },
  'ap.l.pw': { ja: 'ダウンロード用パスワード', en: 'Download password' },
  'ap.l.where': { ja: '受け取る場所', en: 'Where to collect it' },
  'ap.l.until': { ja: '受け取りの期限', en: 'Collect it by' },
  'ap.restart': { ja: '最初からやり直す', en: 'Start over' },
  'ap.restart.confirm': { ja: '入力内容と、まだ送信していない鍵を消去します。よろしいですか?', en: 'This deletes what you entered and the key that has not been submitted. Continue?' },
  'ap.restart.keepkey': { ja: '送信済みの申込みの鍵はこのブラウザに残します(受け取りに必要です)。', en: 'The key of the submitted application stays in this browser (you need it to collect the certificate).' },
  'ap.status': { ja: '状態: {status}', en: 'Status: {status}' },
});

const FIELDS = [
  ['nameJa', 'ap-namejp', 'ap.namejp'],
  ['romaji', 'ap-romaji', 'ap.romaji'],
  ['email', 'ap-email', 'ap.email'],
  ['org', 'ap-org', 'ap.org'],
];

export class ApplyView extends View {
  #products = [];
  #draft = {};
  /** The issuer's published document key and limits, or null (upload not enabled). */
  #docKey = null;

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
    const field = (key, id, label, attrs = {}, hint) => h('div', { class: 'field' },
      h('label', { for: id, 'data-i18n': label }),
      hint ? h('p', { class: 'hint', id: `${id}-hint`, 'data-i18n': hint }) : null,
      h('input', { id, name: key, 'aria-describedby': hint ? `${id}-hint` : null, ...attrs }));
    this.root.append(h('section', { class: 'view', 'aria-labelledby': 'ap-title' },
      h('h1', { id: 'ap-title', 'data-i18n': 'ap.title', tabindex: '-1' }),
      h('p', { 'data-i18n': 'ap.intro' }),
      h('ol', { class: 'stepper', id: 'ap-stepper' },
        APPLY_STEPS.map((s) => h('li', { 'data-step': s, 'data-i18n': `ap.s.${s}` }))),
      h('form', { id: 'ap-form', class: 'card', novalidate: true, part: 'card' },
        h('fieldset', {},
          h('legend', { 'data-i18n': 'ap.who' }),
          h('div', { class: 'field', id: 'ap-product-field' },
            h('label', { for: 'ap-product', 'data-i18n': 'ap.product' }),
            h('select', { id: 'ap-product', name: 'product', part: 'field' }, h('option', { value: '', 'data-i18n': 'ap.product.loading' }))),
          h('div', { class: 'field', id: 'ap-term-field', hidden: true },
            h('label', { for: 'ap-term', 'data-i18n': 'ap.term' }),
            h('select', { id: 'ap-term', name: 'term', part: 'field' })),
          field('nameJa', 'ap-namejp', 'ap.namejp', { autocomplete: 'name', required: true, part: 'field' }, 'ap.namejp.hint'),
          field('romaji', 'ap-romaji', 'ap.romaji', { autocomplete: 'name', required: true, lang: 'en', spellcheck: 'false', part: 'field' }, 'ap.romaji.hint'),
          field('email', 'ap-email', 'ap.email', { type: 'email', autocomplete: 'email', inputmode: 'email', required: true, spellcheck: 'false', part: 'field' }, 'ap.email.hint'),
          field('org', 'ap-org', 'ap.org', { autocomplete: 'organization', part: 'field' }, 'ap.org.hint')),
        h('fieldset', { id: 'ap-keytype' },
          h('legend', { 'data-i18n': 'ap.keytype' }),
          h('div', { class: 'choice' }, h('input', { type: 'radio', name: 'alg', id: 'ap-alg-rsa', value: 'rsa2048', checked: true }), h('label', { for: 'ap-alg-rsa', 'data-i18n': 'ap.rsa' })),
          h('div', { class: 'choice' }, h('input', { type: 'radio', name: 'alg', id: 'ap-alg-p256', value: 'p256' }), h('label', { for: 'ap-alg-p256', 'data-i18n': 'ap.p256' }))),
        h('fieldset', { id: 'ap-pins' },
          h('legend', { 'data-i18n': 'ap.pin' }),
          h('p', { class: 'hint', id: 'ap-pin-hint', 'data-i18n': 'ap.pin.hint' }),
          h('div', { class: 'field' }, h('label', { for: 'ap-pin', 'data-i18n': 'ap.pin' }),
            h('input', { id: 'ap-pin', type: 'password', autocomplete: 'new-password', 'aria-describedby': 'ap-pin-hint', part: 'field' })),
          h('div', { class: 'field' }, h('label', { for: 'ap-pin2', 'data-i18n': 'ap.pin2' }),
            h('input', { id: 'ap-pin2', type: 'password', autocomplete: 'new-password', part: 'field' })),
          h('p', { id: 'ap-ascii', class: 'warn', hidden: true, 'data-i18n': 'ap.ascii' })),
        h('button', { type: 'submit', id: 'ap-create', 'data-i18n': 'ap.create', part: 'button' })),
      h('section', { id: 'ap-progress', class: 'card', hidden: true, 'aria-labelledby': 'ap-progress-title' },
        h('h2', { id: 'ap-progress-title', 'data-i18n': 'ap.p.title' }),
        h('progress', { id: 'ap-progress-bar', max: '4', value: '0', 'aria-labelledby': 'ap-progress-title' }),
        h('ol', { class: 'progress-steps' }, ['generate', 'csr', 'encrypt', 'store'].map((s) => h('li', { 'data-pstep': s, 'data-i18n': `ap.p.${s}` }))),
        h('p', { class: 'hint', 'data-i18n': 'ap.p.note' }),
        h('p', { id: 'ap-progress-status', role: 'status', class: 'visually-hidden' })),
      h('section', { id: 'ap-key', class: 'card', hidden: true, 'aria-labelledby': 'ap-key-title', part: 'card' },
        h('h2', { id: 'ap-key-title', tabindex: '-1', 'data-i18n': 'ap.k.title' }),
        h('p', { 'data-i18n': 'ap.k.text' }),
        h('p', { id: 'ap-key-alg', class: 'muted' }),
        h('button', { type: 'button', id: 'ap-backup', 'data-i18n': 'ap.k.save', part: 'button' }),
        h('p', { id: 'ap-backup-status', role: 'status', class: 'ok-text' }),
        h('details', {}, h('summary', { 'data-i18n': 'ap.k.csr' }),
          h('label', { for: 'ap-csr', class: 'visually-hidden', text: 'CSR' }),
          h('textarea', { id: 'ap-csr', rows: '10', readonly: true, spellcheck: 'false' }))),
      h('inkan-apply-documents', { id: 'ap-documents' }),
      h('section', { id: 'ap-submit', class: 'card', hidden: true, 'aria-labelledby': 'ap-submit-title', part: 'card' },
        h('h2', { id: 'ap-submit-title', 'data-i18n': 'ap.sub.title' }),
        h('p', { id: 'ap-sub-text' }),
        h('p', { class: 'pwbox' }, h('span', { class: 'pwlabel', 'data-i18n': 'ap.sub.pw' }), ' ', h('output', { id: 'ap-dlpw', class: 'password', lang: 'en' })),
        h('p', { id: 'ap-seller-secrets', class: 'muted' }),
        h('button', { type: 'button', id: 'ap-send', 'data-i18n': 'ap.sub.send', part: 'button' }),
        h('p', { id: 'ap-send-status', role: 'status' })),
      h('inkan-apply-mailbox', { id: 'ap-mailbox-step' }),
      h('inkan-apply-letter', { id: 'ap-letter-step' }),
      h('p', { class: 'error', role: 'alert', 'data-error': true, hidden: true, part: 'error' }),
      h('p', { class: 'actions' }, h('button', { type: 'button', id: 'ap-restart', class: 'link', 'data-i18n': 'ap.restart' }))));

    this.q('#ap-form').addEventListener('submit', (e) => { e.preventDefault(); this.#create(); });
    this.q('#ap-form').addEventListener('input', () => this.#saveFields());
    this.q('#ap-form').addEventListener('change', () => this.#saveFields());
    this.q('#ap-pin').addEventListener('input', (e) => { this.q('#ap-ascii').hidden = /^[\x20-\x7e]*$/.test(e.target.value); });
    this.q('#ap-backup').addEventListener('click', () => this.#saveBackup());
    this.q('#ap-send').addEventListener('click', () => this.#submit());
    this.addEventListener('inkan:mailbox-confirmed', () => this.#mailboxConfirmed());
    this.addEventListener('inkan:letter-kept', () => { forgetDownloadPassword(this.draftName); this.#sync(); });
    this.q('#ap-restart').addEventListener('click', () => this.#restart());
    this.#draft = loadDraft(this.draftName);
    const wanted = this.fixedProduct ?? parseHashQuery().get('product');
    if (wanted && !this.#draft.keyId) this.#draft.product = wanted;
    // The view outlives a visit (app.js keeps it): "apply for this" in the advisor, followed
    // after this form was already open, must still choose that product — until a key is made.
    if (!this.fixedProduct) window.addEventListener('hashchange', () => this.#productFromHash());
    for (const [key, id] of FIELDS) if (this.#draft[key]) this.q(`#${id}`).value = this.#draft[key];
    if (this.#draft.alg === 'p256') this.q('#ap-alg-p256').checked = true;
    this.#loadProducts();
    this.#loadDocumentKey();
    this.#sync();
  }

  #productFromHash() {
    const wanted = parseHashQuery().get('product');
    if (!wanted || this.#draft.keyId || !this.#applicable.some((p) => p.id === wanted)) return;
    this.q('#ap-product').value = wanted;
    this.#saveFields();
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
      this.#renderProducts();
      this.#sync();
    } catch (e) { this.showError(e); }
  }

  /** Products whose key Inkan makes: not those whose key is made on the seller's own site. */
  get #applicable() {
    return this.#products.filter((p) => !(p.environment ?? []).some((n) => n.code === 'key_made_on_seller_site'));
  }

  #renderProducts() {
    const select = this.q('#ap-product');
    const chosen = this.#draft.product ?? select.value;
    const list = this.#applicable;
    select.replaceChildren(...list.map((p) => h('option', { value: p.id, text: productLabel(p, this.lang) })));
    if (chosen && list.some((p) => p.id === chosen)) select.value = chosen;
    this.q('#ap-product-field').hidden = !!this.fixedProduct;
    this.#renderTerms();
  }

  /** The term select, for products sold in more than one term (the shortest by default). */
  #renderTerms() {
    const product = this.#product;
    const years = product?.validity?.value?.terms_years ?? [];
    const select = this.q('#ap-term');
    const chosen = Number(this.#draft.term ?? select.value);
    select.replaceChildren(...years.map((n) => h('option', { value: String(n), text: this.t('ap.term.years', { n }) })));
    select.value = String(years.includes(chosen) ? chosen : (years[0] ?? ''));
    this.q('#ap-term-field').hidden = years.length < 2;
  }

  /** The term bought: the chosen one, or the product's shortest. */
  get #term() {
    const product = this.#product;
    const years = product?.validity?.value?.terms_years ?? [];
    const chosen = Number(this.#draft.term);
    return years.includes(chosen) ? chosen : shortestTerm(product);
  }

  onLang() {
    // The steps speak the view's language (the widget sets it with the locale attribute).
    for (const step of this.qa('inkan-apply-documents, inkan-apply-mailbox, inkan-apply-letter')) step.setAttribute('locale', this.lang);
    if (this.#products.length) this.#renderProducts();
    this.#sync();
  }

  get #product() { return this.#products.find((p) => p.id === (this.#draft.product ?? this.q('#ap-product').value)); }

  #saveFields() {
    if (this.#draft.keyId) return; // after the key exists the details are fixed (they are in the CSR)
    for (const [key, id] of FIELDS) this.#draft[key] = this.q(`#${id}`).value;
    this.#draft.alg = this.q('input[name="alg"]:checked')?.value ?? 'rsa2048';
    const product = this.fixedProduct ?? this.q('#ap-product').value;
    if (product !== this.#draft.product) { this.#draft.product = product; this.#draft.term = undefined; this.#renderTerms(); }
    this.#draft.term = Number(this.q('#ap-term').value) || undefined;
    saveDraft(this.draftName, this.#draft);
  }

  /** The download password survives a reload of this tab until the letter is kept (store.js). */
  #downloadPassword() { return downloadPasswordFor(this.draftName, downloadPassword); }

  /** Shows the sections that fit the draft's stage. */
  #sync() {
    const d = this.#draft;
    const states = new Map(stepStates(d).map(({ step, state }) => [step, state]));
    for (const li of this.qa('#ap-stepper li')) {
      const state = states.get(li.dataset.step);
      li.classList.toggle('done', state === 'done');
      if (state === 'current') li.setAttribute('aria-current', 'step'); else li.removeAttribute('aria-current');
    }
    const locked = !!d.keyId;
    for (const el of this.qa('#ap-form input, #ap-form select')) el.disabled = locked;
    this.q('#ap-create').hidden = locked;
    this.q('#ap-pins').hidden = locked;
    this.q('#ap-key').hidden = !d.keyId;
    if (d.keyId) {
      this.q('#ap-csr').value = d.csr ?? '';
      this.q('#ap-key-alg').textContent = this.t('ap.k.alg', { alg: d.alg === 'p256' ? 'ECDSA P-256' : 'RSA 2048' });
      if (d.backupSaved) this.q('#ap-backup-status').textContent = this.t('ap.k.saved', { name: d.backupName ?? '' });
    }
    const product = this.#product;
    const documents = this.q('#ap-documents');
    documents.product = product;
    documents.documentKey = this.#docKey;
    documents.open = !!d.keyId && !d.applicationId;
    this.q('#ap-submit').hidden = !d.keyId || !!d.applicationId;
    if (d.keyId && !d.applicationId) {
      this.q('#ap-sub-text').textContent = this.t('ap.sub.text', { bits: Math.floor(BITS) });
      this.q('#ap-dlpw').textContent = this.#downloadPassword();
      const secrets = product?.secrets ?? [];
      this.q('#ap-seller-secrets').textContent = secrets.map((s) => loc(s.text, this.lang)).join(' ');
      this.q('#ap-send').disabled = !d.backupSaved;
    }
    this.q('#ap-mailbox-step').application = d.applicationId && !d.mailboxConfirmed
      ? { endpoint: this.endpoint, id: d.applicationId, email: d.email } : null;
    this.q('#ap-letter-step').show(d.applicationId ? this.#letter() : null);
  }

  /** The e-mail check passed (<inkan-apply-mailbox> said so): the letter says it too. */
  #mailboxConfirmed() {
    Object.assign(this.#draft, { mailboxConfirmed: true });
    saveDraft(this.draftName, this.#draft);
    this.#sync();
    this.q('#ap-letter-step').focus();
  }

  #validate() {
    const problems = [];
    const v = (id) => this.q(`#${id}`).value.trim();
    for (const [, id, label] of FIELDS.slice(0, 3)) if (!v(id)) problems.push([id, this.t('ap.err.required', { field: this.t(label) })]);
    if (v('ap-romaji') && !/^[A-Za-z][A-Za-z .'-]*$/.test(v('ap-romaji'))) problems.push(['ap-romaji', this.t('ap.err.romaji')]);
    if (v('ap-email') && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v('ap-email'))) problems.push(['ap-email', this.t('ap.err.email')]);
    const pin = this.q('#ap-pin').value;
    if ([...pin].length < 8) problems.push(['ap-pin', this.t('ap.err.pinshort')]);
    else if (pin !== this.q('#ap-pin2').value) problems.push(['ap-pin2', this.t('ap.err.pinmatch')]);
    for (const el of this.qa('#ap-form [aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const [id] of problems) this.q(`#${id}`).setAttribute('aria-invalid', 'true');
    return problems;
  }

  async #create() {
    this.#saveFields();
    const problems = this.#validate();
    if (problems.length) {
      const box = this.q('[data-error]');
      fill(box, h('ul', {}, problems.map(([, m]) => h('li', { text: m }))));
      box.hidden = false;
      this.q(`#${problems[0][0]}`).focus();
      this.emit('inkan:error', { code: 'invalid_input', fields: problems.map(([id]) => id) });
      return;
    }
    this.clearError();
    const d = this.#draft;
    const pin = this.q('#ap-pin').value;
    const progress = this.q('#ap-progress');
    const bar = this.q('#ap-progress-bar');
    const status = this.q('#ap-progress-status');
    const step = (name, n) => {
      bar.value = n;
      for (const li of this.qa('[data-pstep]')) {
        const i = ['generate', 'csr', 'encrypt', 'store'].indexOf(li.dataset.pstep);
        li.classList.toggle('done', i < n);
        li.classList.toggle('busy', i === n);
      }
      if (name) status.textContent = this.t(`ap.p.${name}`);
    };
    progress.hidden = false;
    this.q('#ap-create').disabled = true;
    let handle;
    try {
      step('generate', 0);
      handle = (await call('generateKey', { algorithm: d.alg ?? 'rsa2048' })).handle;
      step('csr', 1);
      const subject = { commonName: d.romaji.trim(), organization: d.org?.trim() || null, email: d.email.trim(), country: 'JP' };
      const csr = await call('createCsr', { handle, subject, options: { keyUsage: true, extendedKeyUsage: ['emailProtection', 'clientAuth'] } });
      step('encrypt', 2);
      const encryptedPem = await call('exportEncryptedKey', { handle, pin });
      step('store', 3);
      const id = `key-${crypto.randomUUID()}`;
      await putKey({ id, product: d.product, algorithm: d.alg ?? 'rsa2048', encryptedPem, createdAt: new Date().toISOString(), csr: csr.pem });
      step(null, 4);
      Object.assign(d, { keyId: id, csr: csr.pem });
      saveDraft(this.draftName, d);
      this.q('#ap-pin').value = '';
      this.q('#ap-pin2').value = '';
      this.emit('inkan:csr', { pem: csr.pem, product: d.product });
      progress.hidden = true;
      this.#sync();
      this.q('#ap-key-title').focus();
    } catch (e) {
      progress.hidden = true;
      this.showError(e);
    } finally {
      if (handle) call('dropKey', { handle }); // the key is zeroized; the encrypted copy remains
      this.q('#ap-create').disabled = false;
    }
  }

  async #saveBackup() {
    const d = this.#draft;
    const record = await getKey(d.keyId).catch(() => undefined);
    if (!record) return this.showError({ code: 'key_missing', ja: 'このブラウザに鍵が見つかりません。最初からやり直してください。', en: 'The key is no longer in this browser. Please start over.' });
    // Text before the PEM block is ignored by PEM readers (ours and OpenSSL), so the file can
    // say what it is to the person who finds it in Downloads a month from now.
    const text = [
      'Inkan — 秘密鍵の控え / private key backup (encrypted with your key PIN)',
      `証明書 / Certificate: ${d.product}`,
      `作成日 / Created: ${record.createdAt}`,
      '証明書の受け取りまで大切に保管してください。/ Keep this file until you have collected the certificate.',
      '',
      record.encryptedPem,
    ].join('\n');
    const name = `inkan-key-backup-${todayIso()}.pem`;
    download(text, name, 'application/x-pem-file');
    Object.assign(d, { backupSaved: true, backupName: name });
    saveDraft(this.draftName, d);
    this.#sync();
  }

  /** The term goes to the worker where the product sells more than one. */
  get #sendsTerm() { return (this.#product?.validity?.value?.terms_years ?? []).length > 1; }

  async #submit() {
    const d = this.#draft;
    if (!d.backupSaved) return this.showError({ code: 'backup_first', ja: this.t('ap.err.backup'), en: this.t('ap.err.backup') });
    const pw = this.#downloadPassword();
    // The certificate's name is the romaji (as in the CSR); the worker builds the subject from
    // these fields and refuses a CSR that disagrees with them.
    const applicant = { name: `${d.nameJa.trim()} (${d.romaji.trim()})`.slice(0, 64), common_name: d.romaji.trim(), email: d.email.trim(), organisation: d.org?.trim() || null };
    const result = await this.busy(this.q('#ap-send'), this.q('#ap-send-status'), this.t('ap.sub.sending'),
      () => submitApplication(this.endpoint, { product: d.product, csr: d.csr, applicant, downloadPassword: pw, termYears: this.#sendsTerm ? this.#term : undefined }));
    if (!result) return;
    this.q('#ap-send-status').textContent = '';
    // The documents follow, sealed here to the issuer's key; the worker only ever sees ciphertext.
    const docs = this.q('#ap-documents').documents;
    if (this.#docKey && docs.length && result.documents_token) {
      const key = Uint8Array.from(atob(this.#docKey.public_key), (c) => c.charCodeAt(0));
      const sent = await this.busy(this.q('#ap-send'), this.q('#ap-send-status'), this.t('ap.sub.sending'), async () => {
        const sealed = [];
        for (const doc of docs) {
          sealed.push({ media_type: doc.type, sealed: await call('sealDocument', { publicKey: key, mediaType: doc.type, bytes: doc.bytes }) });
        }
        return sendDocuments(this.endpoint, result.id, result.documents_token, sealed);
      });
      if (sent) this.#draft.documentsSent = sent.documents;
      this.q('#ap-documents').reset();
    }
    const record = await getKey(d.keyId);
    if (record) await putKey({ ...record, applicationId: result.id });
    Object.assign(d, { applicationId: result.id, status: result.status, submittedAt: todayIso(), term: this.#term ?? undefined });
    saveDraft(this.draftName, d);
    this.emit('inkan:application', { id: result.id, status: result.status, product: d.product });
    this.#sync();
    this.q('#ap-mailbox-step').focus();
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
    this.q('#ap-form').reset();
    // The ID check belongs to the application started over: clear its file and verdict.
    this.q('#ap-documents').reset();
    this.#renderProducts();
    this.#sync();
    this.q('#ap-title').focus();
  }
}

customElements.define('inkan-apply', ApplyView);
