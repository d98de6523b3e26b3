// The issuer's review desk. The admin token lives in this tab only (sessionStorage: gone when
// the tab closes, never in a URL or a cookie) and goes out only as a bearer header to this
// origin's /api/admin/ routes.
const TOKEN_KEY = 'inkan.desk.token';
const LANG_KEY = 'inkan.desk.lang';
const PAGE = 20;
// The document key's private half, encrypted with the reviewers' passphrase (PKCS#8 PBES2). It
// never leaves this browser: only its public half is sent (POST /api/admin/document-key).
const DOC_KEY = 'inkan.desk.documentKey';
let documentKey = null; // the opened key (wasm memory) while this tab lives
let publishedKey = null; // base64 of the key the worker publishes
let wasm = null;
async function pki() {
  if (!wasm) {
    wasm = await import('/pkg/inkan.js');
    await wasm.default();
  }
  return wasm;
}
const toBase64 = (bytes) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const STATUSES = ['submitted', 'approved', 'rejected', 'issued', 'downloaded', 'expired', 'cancelled'];

const TEXT = {
  title: ['Inkan 審査デスク', 'Inkan review desk'],
  skip: ['本文へ移動', 'Skip to content'],
  signout: ['サインアウト', 'Sign out'],
  'signin.title': ['サインイン', 'Sign in'],
  'signin.help': ['管理者トークンを入力してください。トークンはこのタブの中だけに保持され、タブを閉じると消えます。', 'Enter your admin token. It is kept in this tab only and is gone when the tab closes.'],
  'signin.token': ['管理者トークン', 'Admin token'],
  'signin.submit': ['サインイン', 'Sign in'],
  'signin.wrong': ['トークンが違うか、取り消されています。', 'The token is wrong or has been revoked.'],
  who: ['審査者: {label}', 'Reviewer: {label}'],
  'queue.title': ['申込み一覧', 'Applications'],
  'queue.status': ['状態', 'State'],
  'queue.product': ['製品', 'Product'],
  'queue.show': ['表示', 'Show'],
  'queue.caption': ['申込み(新しい順)', 'Applications, newest first'],
  'queue.empty': ['該当する申込みはありません。', 'No applications match.'],
  'queue.prev': ['前へ', 'Previous'],
  'queue.next': ['次へ', 'Next'],
  'queue.page': ['{from}〜{to} 件目', 'Items {from}–{to}'],
  'queue.any': ['すべて', 'All'],
  'col.created': ['受付日時', 'Received'],
  'col.name': ['氏名', 'Name'],
  'col.product': ['製品', 'Product'],
  'col.status': ['状態', 'State'],
  'col.mailbox': ['メール確認', 'Mailbox'],
  'col.open': ['詳細', 'Details'],
  open: ['開く', 'Open'],
  'open.label': ['{name} の申込みを開く', 'Open the application of {name}'],
  'detail.title': ['申込みの詳細', 'Application details'],
  'detail.back': ['一覧に戻る', 'Back to the list'],
  'f.id': ['申込み番号', 'Application'],
  'f.status': ['状態', 'State'],
  'f.product': ['製品', 'Product'],
  'f.term': ['期間', 'Term'],
  'f.term.years': ['{n} 年', '{n} year(s)'],
  'f.name': ['氏名', 'Name'],
  'f.cn': ['証明書の名前 (CN)', 'Name on the certificate (CN)'],
  'f.email': ['メールアドレス', 'E-mail'],
  'f.org': ['組織', 'Organisation'],
  'f.mailbox': ['メールアドレスの確認', 'Mailbox confirmed'],
  'f.created': ['受付日時', 'Received'],
  'f.rejection': ['却下理由', 'Rejection reason'],
  yes: ['確認済み', 'Confirmed'],
  no: ['未確認', 'Not confirmed'],
  none: ['なし', 'None'],
  'tbs.title': ['署名される内容', 'What will be signed'],
  'tbs.subject': ['サブジェクト', 'Subject'],
  'tbs.san': ['SAN (メール)', 'SAN (e-mail)'],
  'tbs.eku': ['拡張鍵用途 (EKU)', 'Extended key usage'],
  'tbs.key': ['鍵の種類と長さ', 'Key type and size'],
  'tbs.validity': ['有効期間', 'Validity'],
  'tbs.validity.issuer': ['発行者が決めます', 'Set by the issuer'],
  'history.title': ['履歴', 'History'],
  'history.by': ['(審査者: {by})', '(by {by})'],
  'decide.title': ['判断', 'Decision'],
  'docs.title': ['本人確認書類', 'Identity documents'],
  'docs.none': ['書類は送られていません。', 'No documents were sent.'],
  'docs.locked': ['書類が {n} 件あります。見るには下の「書類用の鍵」を開いてください。', '{n} document(s). Unlock the document key below to view them.'],
  'docs.shown': ['書類 {n} 件をこのブラウザで復号しました。', '{n} document(s) decrypted in this browser.'],
  'docs.purged': ['書類は保存期間を過ぎて削除されました。', 'The documents were deleted after the retention period.'],
  'docs.purge_at': ['書類の削除予定: {at}', 'Documents are deleted on {at}'],
  'docs.item': ['書類 {n}({type})', 'Document {n} ({type})'],
  'docs.pdf': ['書類 {n} の PDF を保存({size})', 'Save document {n} (PDF, {size})'],
  'docs.failed': ['書類 {n} を開けません: {reason}', 'Document {n} does not open: {reason}'],
  'keys.title': ['書類用の鍵', 'Document key'],
  'keys.none': ['書類用の鍵がまだありません。パスフレーズを決めて鍵を作ると、その公開鍵が申込みページに公開され、申込者の書類はこの鍵あてに暗号化されて届きます。秘密鍵はこのブラウザにパスフレーズで暗号化して保存され、サーバーには送られません。控えファイルを必ず保存してください。', 'There is no document key yet. Choose a passphrase and create one: its public half is published to the apply page, and applicants’ documents arrive encrypted to it. The private half stays in this browser, encrypted with the passphrase, and is never sent to the server. Save the backup file.'],
  'keys.locked': ['書類用の鍵はこのブラウザにあります(暗号化済み)。書類を見るにはパスフレーズで開いてください。', 'The document key is in this browser (encrypted). Enter the passphrase to open it and view documents.'],
  'keys.open': ['書類用の鍵は開いています(このタブを閉じるまで)。', 'The document key is open until this tab closes.'],
  'keys.unlocked': ['鍵を開きました。書類を表示できます。', 'Unlocked: documents can be shown now.'],
  'keys.mismatch': ['この鍵は、いま公開されている鍵と違います。この鍵あての書類しか開けません。', 'This key differs from the one published now; only documents sealed to this key will open.'],
  'keys.unpublished': ['まだ書類用の鍵が公開されていません。', 'No document key is published yet.'],
  'keys.passphrase': ['鍵のパスフレーズ', 'Key passphrase'],
  'keys.unlock': ['鍵を開く', 'Open the key'],
  'keys.create': ['鍵を作って公開する', 'Create and publish a key'],
  'keys.created': ['鍵を作り、公開鍵を公開しました。控えファイルを保存してください。', 'Key created and its public half published. Save the backup file.'],
  'keys.backup': ['控えファイルを保存', 'Save the backup file'],
  'keys.import': ['控えファイルから読み込む', 'Load a backup file'],
  'keys.imported': ['控えファイルを読み込みました。パスフレーズで開いてください。', 'Backup loaded. Enter its passphrase to open it.'],
  'keys.publish': ['この鍵を公開する', 'Publish this key'],
  'keys.published': ['この鍵を公開しました。', 'This key is now published.'],
  'keys.replace': ['このブラウザの鍵を置き換えます。古い鍵あての書類は、その控えファイルがないと読めなくなります。続けますか?', 'This replaces the key in this browser. Documents sealed to the old key can then only be read with its backup file. Continue?'],
  'decide.approve': ['承認する', 'Approve'],
  'decide.reject.legend': ['却下する', 'Reject'],
  'decide.reason': ['理由', 'Reason'],
  'decide.note': ['申込者への説明(任意・申込み番号を知る人に見えます。個人情報は書かないでください)', 'Explanation to the applicant (optional; visible to whoever holds the application number — write no personal data)'],
  'decide.reject': ['却下する', 'Reject'],
  'decide.done.approve': ['承認しました。', 'Approved.'],
  'decide.done.reject': ['却下しました。申込者に理由をメールで送りました。', 'Rejected. The reason was mailed to the applicant.'],
  'decide.closed': ['この申込みの判断は済んでいます。', 'This application has been decided.'],
  'audit.title': ['判断の記録', 'Decision log'],
  'audit.show': ['記録を表示', 'Show the log'],
  'audit.csv': ['CSV を保存', 'Save as CSV'],
  'audit.caption': ['判断の記録(古い順)', 'Decisions, oldest first'],
  'audit.at': ['日時', 'When'],
  'audit.actor': ['審査者', 'Reviewer'],
  'audit.app': ['申込み', 'Application'],
  'audit.action': ['判断', 'Decision'],
  'audit.detail': ['理由', 'Reason'],
  'action.approve': ['承認', 'Approve'],
  'action.reject': ['却下', 'Reject'],
  'action.cancel': ['取り消し', 'Cancel'],
  'action.certificate': ['証明書の登録', 'Certificate uploaded'],
  'status.submitted': ['受付済み(審査待ち)', 'Submitted (awaiting review)'],
  'status.approved': ['承認済み', 'Approved'],
  'status.rejected': ['却下', 'Rejected'],
  'status.issued': ['受け取り可能', 'Ready to collect'],
  'status.downloaded': ['受け取り済み', 'Collected'],
  'status.expired': ['期限切れ', 'Expired'],
  'status.cancelled': ['取り消し', 'Cancelled'],
  'error.network': ['サーバーに接続できませんでした。', 'Could not reach the server.'],
};

let lang = sessionStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'ja';
let token = sessionStorage.getItem(TOKEN_KEY) ?? '';
let products = [];
let reviewer = '';
let offset = 0;
let current = null;
// The queue's filters survive a language switch (the options are rebuilt in the other language).
let filters = { status: 'submitted', product: '' };

const $ = (selector) => document.querySelector(selector);
function t(key, params = {}) {
  const pair = TEXT[key];
  const text = pair ? pair[lang === 'ja' ? 0 : 1] : key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
}
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null) continue;
    if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children.flat().filter((c) => c != null));
  return node;
}
function when(seconds) {
  if (seconds == null) return '';
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(new Date(seconds * 1000)) + ' JST';
}
function productName(id) {
  const product = products.find((p) => p.id === id);
  return product ? product.name[lang] : id;
}
function errorText(body) {
  const message = body?.error?.message;
  return message ? message[lang] : t('error.network');
}

/** One call to the admin API; throws `{status, body}` on a refusal. */
async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, { ...options, credentials: 'omit', cache: 'no-store', headers: { Authorization: `Bearer ${token}`, ...(options.body ? { 'Content-Type': 'application/json' } : {}) } });
  } catch {
    throw { status: 0, body: null };
  }
  if (response.status === 401) { signOut(t('signin.wrong')); throw { status: 401, body: null }; }
  const type = response.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) throw { status: response.status, body };
  return body;
}

function paint() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  document.title = t('title');
  const toggle = $('#desk-lang');
  toggle.textContent = lang === 'ja' ? 'English' : '日本語';
  toggle.setAttribute('lang', lang === 'ja' ? 'en' : 'ja');
  $('#desk-who').textContent = reviewer ? t('who', { label: reviewer }) : '';
  fillFilters();
}

function fillFilters() {
  const status = $('#desk-status');
  status.replaceChildren(el('option', { value: '', text: t('queue.any') }), ...STATUSES.map((s) => el('option', { value: s, text: t(`status.${s}`) })));
  status.value = filters.status;
  const product = $('#desk-product');
  product.replaceChildren(el('option', { value: '', text: t('queue.any') }), ...products.map((p) => el('option', { value: p.id, text: p.name[lang] })));
  product.value = filters.product;
}

function signOut(message = '') {
  token = '';
  reviewer = '';
  documentKey?.free();
  documentKey = null;
  sessionStorage.removeItem(TOKEN_KEY);
  $('#desk-work').hidden = true;
  $('#desk-signout').hidden = true;
  $('#desk-signin').hidden = false;
  $('#desk-who').textContent = '';
  $('#desk-signin-error').textContent = message;
  $('#desk-token').value = '';
}

async function signIn(given) {
  token = given;
  let session;
  try {
    session = await api('/api/admin/session');
  } catch (e) {
    if (e.status !== 401) $('#desk-signin-error').textContent = errorText(e.body);
    return false;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  products = session.products ?? [];
  $('#desk-signin').hidden = true;
  $('#desk-work').hidden = false;
  $('#desk-signout').hidden = false;
  reviewer = session.label;
  $('#desk-who').dataset.label = session.label;
  paint();
  await loadKeyState();
  await loadQueue();
  return true;
}

async function loadKeyState() {
  try {
    const published = await fetch('/api/document-key', { credentials: 'omit', cache: 'no-store' }).then((r) => r.json());
    publishedKey = published.enabled ? published.public_key : null;
  } catch {
    publishedKey = null;
  }
  paintKeys();
}

function paintKeys(message = '') {
  const stored = localStorage.getItem(DOC_KEY);
  const open = !!documentKey;
  let text = stored ? (open ? t('keys.open') : t('keys.locked')) : t('keys.none');
  const mine = open ? toBase64(documentKey.publicKey()) : null;
  if (open && publishedKey && mine !== publishedKey) text += ' ' + t('keys.mismatch');
  if (!publishedKey && stored) text += ' ' + t('keys.unpublished');
  $('#desk-keys-text').textContent = text;
  $('#desk-keys').dataset.state = open ? 'open' : stored ? 'locked' : 'none';
  $('#desk-keys-unlock').hidden = !stored || open;
  $('#desk-keys-create').hidden = !!stored;
  $('#desk-passphrase').disabled = open;
  $('#desk-keys-backup').hidden = !stored;
  $('#desk-keys-publish').hidden = !open || mine === publishedKey;
  $('#desk-keys-status').textContent = message;
}

async function publish(key) {
  await api('/api/admin/document-key', { method: 'POST', body: JSON.stringify({ public_key: toBase64(key.publicKey()) }) });
  publishedKey = toBase64(key.publicKey());
}

async function keyAction(fn) {
  $('#desk-keys-error').textContent = '';
  try {
    await fn();
  } catch (e) {
    const message = e?.ja ? e[lang] : e?.body ? errorText(e.body) : String(e?.message ?? e);
    if (e?.status !== 401) $('#desk-keys-error').textContent = message;
  }
}

async function unlockKey() {
  const pass = $('#desk-passphrase').value;
  const { DocumentKey } = await pki();
  documentKey = DocumentKey.unlock(localStorage.getItem(DOC_KEY) ?? '', pass);
  $('#desk-passphrase').value = '';
  paintKeys(t('keys.unlocked'));
  if (current && !$('#desk-detail').hidden) await showDocuments(current);
}

async function createKey() {
  const pass = $('#desk-passphrase').value;
  if (pass.length < 8) { $('#desk-passphrase').reportValidity(); return; }
  if (localStorage.getItem(DOC_KEY) && !window.confirm(t('keys.replace'))) return;
  const { DocumentKey } = await pki();
  const key = DocumentKey.generate();
  localStorage.setItem(DOC_KEY, key.toEncryptedPem(pass));
  $('#desk-passphrase').value = '';
  documentKey?.free();
  documentKey = key;
  await publish(key);
  paintKeys(t('keys.created'));
}

function saveBackup() {
  const pem = localStorage.getItem(DOC_KEY);
  if (!pem) return;
  const text = ['Inkan — 書類用の鍵の控え / document key backup (encrypted with the desk passphrase)', '', pem].join('\n');
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-pem-file' }));
  const link = el('a', { href: url, download: 'inkan-document-key.pem' });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

async function importBackup(file) {
  if (!file) return;
  const text = await file.text();
  if (!text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) throw { ja: '控えファイルではありません。', en: 'This is not a backup file.' };
  if (localStorage.getItem(DOC_KEY) && !window.confirm(t('keys.replace'))) return;
  localStorage.setItem(DOC_KEY, text);
  documentKey?.free();
  documentKey = null;
  paintKeys(t('keys.imported'));
}

/** Fetches the application's sealed documents and opens them here; nothing goes back. */
async function showDocuments(app) {
  const box = $('#desk-docs');
  for (const url of box.querySelectorAll('[data-url]')) URL.revokeObjectURL(url.dataset.url);
  box.replaceChildren();
  const status = $('#desk-docs-status');
  const count = app.documents ?? 0;
  if (!count) { status.textContent = t('docs.none'); return; }
  const purge = app.documents_purge_at ? ' ' + t('docs.purge_at', { at: when(app.documents_purge_at) }) : '';
  if (!documentKey) { status.textContent = t('docs.locked', { n: count }) + purge; return; }
  const { documents } = await api(`/api/admin/applications/${encodeURIComponent(app.id)}/documents`);
  if (current?.id !== app.id) return;
  const items = [];
  documents.forEach((doc, i) => {
    const n = i + 1;
    let plain;
    try {
      plain = documentKey.open(doc.media_type, fromBase64(doc.sealed));
    } catch (e) {
      items.push(el('p', { class: 'error', text: t('docs.failed', { n, reason: e?.[lang] ?? e?.message ?? '' }) }));
      return;
    }
    const url = URL.createObjectURL(new Blob([plain], { type: doc.media_type }));
    plain.fill(0);
    if (doc.media_type.startsWith('image/')) {
      items.push(el('figure', { 'data-url': url, 'data-type': doc.media_type },
        el('img', { src: url, alt: t('docs.item', { n, type: doc.media_type }) }),
        el('figcaption', { text: t('docs.item', { n, type: doc.media_type }) })));
    } else {
      const size = `${Math.ceil((doc.sealed.length * 3) / 4 / 1024)} KB`;
      items.push(el('p', { 'data-url': url, 'data-type': doc.media_type },
        el('a', { href: url, download: `${app.id}-document-${n}.pdf`, text: t('docs.pdf', { n, size }) })));
    }
  });
  box.replaceChildren(...items);
  status.textContent = t('docs.shown', { n: documents.length }) + purge;
}

async function loadQueue() {
  const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (filters.status) params.set('status', filters.status);
  if (filters.product) params.set('product', filters.product);
  $('#desk-queue-error').textContent = '';
  let list;
  try {
    list = await api(`/api/admin/applications?${params}`);
  } catch (e) {
    if (e.status !== 401) $('#desk-queue-error').textContent = errorText(e.body);
    return;
  }
  const rows = list.applications.map((app) => el('tr', { 'data-id': app.id, 'data-status': app.status },
    el('td', { text: when(app.created_at) }),
    el('td', { text: app.applicant?.name ?? '' }),
    el('td', { text: productName(app.product) }),
    el('td', { text: t(`status.${app.status}`) }),
    el('td', { class: app.mailbox_confirmed ? 'yes' : 'no', text: app.mailbox_confirmed ? t('yes') : t('no') }),
    el('td', {}, openButton(app))));
  $('#desk-table tbody').replaceChildren(...rows);
  $('#desk-empty').hidden = rows.length > 0;
  $('#desk-prev').disabled = offset === 0;
  $('#desk-next').disabled = rows.length < PAGE;
  $('#desk-page').textContent = rows.length ? t('queue.page', { from: offset + 1, to: offset + rows.length }) : '';
}

function openButton(app) {
  const button = el('button', { type: 'button', class: 'open', 'aria-label': t('open.label', { name: app.applicant?.name ?? app.id }), text: t('open') });
  button.addEventListener('click', () => openApplication(app.id));
  return button;
}

function field(dl, label, value, attrs = {}) {
  dl.append(el('dt', { text: label }), el('dd', attrs, value));
}

async function openApplication(id) {
  let app;
  try {
    app = await api(`/api/admin/applications/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e.status !== 401) $('#desk-queue-error').textContent = errorText(e.body);
    return;
  }
  current = app;
  renderDetail(app);
  $('#desk-detail').hidden = false;
  $('#desk-detail').focus();
  showDocuments(app).catch((e) => { if (e?.status !== 401) $('#desk-docs-status').textContent = errorText(e?.body); });
}

function renderDetail(app) {
  const detail = $('#desk-detail');
  detail.dataset.id = app.id;
  detail.dataset.status = app.status;
  const fields = $('#desk-fields');
  fields.replaceChildren();
  field(fields, t('f.id'), app.id);
  field(fields, t('f.status'), t(`status.${app.status}`));
  field(fields, t('f.product'), productName(app.product));
  field(fields, t('f.term'), app.term_years ? t('f.term.years', { n: app.term_years }) : t('none'));
  field(fields, t('f.name'), app.applicant?.name ?? '');
  field(fields, t('f.cn'), app.applicant?.common_name ?? '');
  field(fields, t('f.email'), app.applicant?.email ?? '');
  field(fields, t('f.org'), app.applicant?.organisation ?? t('none'));
  field(fields, t('f.mailbox'), app.mailbox_confirmed ? t('yes') : t('no'), { class: app.mailbox_confirmed ? 'yes' : 'no', id: 'desk-mailbox' });
  field(fields, t('f.created'), when(app.created_at));
  if (app.rejection) field(fields, t('f.rejection'), `${app.rejection.message[lang]} ${app.rejection.note ?? ''}`.trim());

  const tbs = app.to_be_signed ?? {};
  const box = $('#desk-tbs');
  box.replaceChildren();
  // Once signed (or refused) there is nothing left "to be signed": the section goes.
  const pending = app.status === 'submitted' || app.status === 'approved';
  box.hidden = !pending;
  $('#desk-tbs-title').hidden = !pending;
  field(box, t('tbs.subject'), tbs.subject ?? '', { id: 'desk-tbs-subject' });
  field(box, t('tbs.san'), (tbs.san?.rfc822_names ?? []).join(', '));
  field(box, t('tbs.eku'), (tbs.extended_key_usage ?? []).join(', '));
  field(box, t('tbs.key'), tbs.key ? `${tbs.key.algorithm} ${tbs.key.bits ?? ''}`.trim() : t('none'));
  field(box, t('tbs.validity'), tbs.validity ? `${when(tbs.validity.not_before)} – ${when(tbs.validity.not_after)}` : t('tbs.validity.issuer'));

  $('#desk-history').replaceChildren(...(app.history ?? []).map((change) => el('li', { 'data-status': change.status },
    `${when(change.at)} — ${t(`status.${change.status}`)}${change.by ? ' ' + t('history.by', { by: change.by }) : ''}`)));

  const open = app.status === 'submitted';
  for (const id of ['#desk-approve', '#desk-reject', '#desk-reason', '#desk-note']) $(id).disabled = !open;
  $('#desk-approve').disabled = !open || !app.mailbox_confirmed;
  $('#desk-reason').replaceChildren(...(app.rejection_reasons ?? []).map((r) => el('option', { value: r.code, text: r[lang] })));
  $('#desk-decide-status').textContent = open ? '' : t('decide.closed');
  $('#desk-decide-error').textContent = '';
}

async function decide(action) {
  if (!current) return;
  const options = { method: 'POST' };
  if (action === 'reject') options.body = JSON.stringify({ reason: $('#desk-reason').value, note: $('#desk-note').value });
  const button = $(action === 'approve' ? '#desk-approve' : '#desk-reject');
  button.disabled = true;
  $('#desk-decide-error').textContent = '';
  try {
    await api(`/api/admin/applications/${encodeURIComponent(current.id)}/${action}`, options);
  } catch (e) {
    button.disabled = false;
    if (e.status !== 401) $('#desk-decide-error').textContent = errorText(e.body);
    return;
  }
  $('#desk-note').value = '';
  await openApplication(current.id);
  $('#desk-decide-status').textContent = t(`decide.done.${action}`);
  await loadQueue();
}

async function showAudit() {
  let log;
  try {
    log = await api('/api/admin/audit?limit=200');
  } catch (e) {
    if (e.status !== 401) $('#desk-audit-error').textContent = errorText(e.body);
    return;
  }
  $('#desk-audit-table tbody').replaceChildren(...log.entries.map((entry) => el('tr', { 'data-action': entry.action },
    el('td', { text: when(entry.at) }), el('td', { text: entry.actor }), el('td', { text: entry.application_id }),
    el('td', { text: t(`action.${entry.action}`) }), el('td', { text: entry.detail ?? '' }))));
  $('#desk-audit-table').hidden = false;
}

async function saveCsv() {
  let csv;
  try {
    csv = await api('/api/admin/audit.csv');
  } catch (e) {
    if (e.status !== 401) $('#desk-audit-error').textContent = errorText(e.body);
    return;
  }
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  const link = el('a', { href: url, download: 'inkan-audit.csv' });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

$('#desk-signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('#desk-signin-error').textContent = '';
  const given = $('#desk-token').value.trim();
  $('#desk-token').value = '';
  if (await signIn(given)) $('#desk-main').focus();
});
$('#desk-signout').addEventListener('click', () => { signOut(); $('#desk-token').focus(); });
$('#desk-lang').addEventListener('click', () => {
  lang = lang === 'ja' ? 'en' : 'ja';
  sessionStorage.setItem(LANG_KEY, lang);
  paint();
  if (!$('#desk-work').hidden) {
    loadQueue();
    paintKeys();
    if (current && !$('#desk-detail').hidden) {
      renderDetail(current);
      showDocuments(current).catch(() => {});
    }
  }
});
$('#desk-filter').addEventListener('submit', (event) => {
  event.preventDefault();
  filters = { status: $('#desk-status').value, product: $('#desk-product').value };
  offset = 0;
  loadQueue();
});
$('#desk-prev').addEventListener('click', () => { offset = Math.max(0, offset - PAGE); loadQueue(); });
$('#desk-next').addEventListener('click', () => { offset += PAGE; loadQueue(); });
$('#desk-approve').addEventListener('click', () => decide('approve'));
$('#desk-reject').addEventListener('click', () => decide('reject'));
$('#desk-back').addEventListener('click', () => {
  const id = current?.id;
  $('#desk-detail').hidden = true;
  current = null;
  (document.querySelector(`#desk-table tr[data-id="${id}"] button`) ?? $('#desk-status')).focus();
});
$('#desk-audit-show').addEventListener('click', showAudit);
$('#desk-keys-form').addEventListener('submit', (event) => { event.preventDefault(); keyAction(unlockKey); });
$('#desk-keys-create').addEventListener('click', () => keyAction(createKey));
$('#desk-keys-backup').addEventListener('click', saveBackup);
$('#desk-keys-import').addEventListener('change', (event) => keyAction(() => importBackup(event.target.files[0])));
$('#desk-keys-publish').addEventListener('click', () => keyAction(async () => { await publish(documentKey); paintKeys(t('keys.published')); }));
$('#desk-audit-csv').addEventListener('click', saveCsv);

paint();
if (token) signIn(token); else $('#desk-token').focus();
