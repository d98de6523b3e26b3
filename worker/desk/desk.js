// The issuer's review desk. The admin token lives in this tab only (sessionStorage: gone when
// the tab closes, never in a URL or a cookie) and goes out only as a bearer header to this
// origin's /api/admin/ routes.
const TOKEN_KEY = 'inkan.desk.token';
const LANG_KEY = 'inkan.desk.lang';
const PAGE = 20;
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
  await loadQueue();
  return true;
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
    if (current && !$('#desk-detail').hidden) renderDetail(current);
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
$('#desk-audit-csv').addEventListener('click', saveCsv);

paint();
if (token) signIn(token); else $('#desk-token').focus();
