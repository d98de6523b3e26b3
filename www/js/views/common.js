// Rendering shared by several views. The rules themselves (days, notices, windows) come from
// the wasm catalog and expiry plan; this file only turns their codes and numbers into words.
import { register, t } from '../i18n.js';
import { formatDate, h, loc } from '../view.js';

register({
  'c.dl.issuance_email': { ja: '発行のお知らせメールから {days} 日以内', en: 'Within {days} days of the issuance e-mail' },
  'c.dl.issuance': { ja: '発行から {days} 日以内', en: 'Within {days} days of issuance' },
  'c.dl.not_downloadable_fee_charged': { ja: '期限を過ぎるとダウンロードできなくなり、この場合でも料金は発生します(後払いの請求書が届きます)。', en: 'After that it can no longer be downloaded, and the fee is still charged (the invoice comes afterwards).' },
  'c.dl.auto_cancelled': { ja: '期限までに受け取らないと、申込みは自動的に取り消されます。', en: 'If not collected by then, the application is cancelled automatically.' },
  'c.dl.reminders': { ja: '発行から {days} 日後にお知らせが届きます。', en: 'Reminders come {days} days after issuance.' },
  'c.dl.none': { ja: '期限は発行のお知らせに記載されます。', en: 'The deadline is given in the issuance notice.' },
  'c.before.days0': { ja: '有効期限の当日', en: 'On the expiry day' },
  'c.before.days': { ja: '有効期限の {n} 日前', en: '{n} days before expiry' },
  'c.before.weeks': { ja: '有効期限の {n} 週間前', en: '{n} weeks before expiry' },
  'c.before.months': { ja: '有効期限の {n} か月前', en: '{n} month(s) before expiry' },
  'c.plan.expires': { ja: '有効期限', en: 'Expires on' },
  'c.plan.term': { ja: '(期間 {n} 年)', en: '({n}-year term)' },
  'c.plan.notices': { ja: '販売者からの期限のお知らせ', en: 'Expiry notices from the seller' },
  'c.plan.nonotices': { ja: '販売者の案内には期限のお知らせの記載がありません。下のカレンダーで自分に通知しましょう。', en: 'The seller’s pages mention no expiry notices. Use the calendar file below to remind yourself.' },
  'c.plan.reapply': { ja: '再申込みのおすすめ時期', en: 'When to apply again' },
  'c.plan.reapply.range': { ja: '{from} から {until} まで', en: 'From {from} to {until}' },
  'c.plan.reapply.seller_advice': { ja: '販売者の案内による時期です。新しい証明書は自分のダウンロード日から数えるため、早く申し込むほど今の証明書の残りの期間が無駄になります(更新ではなく新規申込みです)。', en: 'This follows the seller’s advice. The new certificate counts from its own download day, so applying earlier wastes the time left on your current certificate (there is no renewal, only a new application).' },
  'c.plan.nowaste': { ja: 'JCAN 証明書は四半期末に期限が来るため、{from} 以降(最後の四半期)に受け取れば、新しい証明書も同じ四半期末まで有効で、無駄は生じません。', en: 'A JCAN certificate ends on a quarter end, so a new one collected from {from} on (the final quarter) ends on the same quarter end a term later: nothing is wasted.' },
  'c.plan.readings': { ja: 'あいまいな記載の読み方', en: 'How Inkan reads ambiguous wording' },
  'c.plan.closed': { ja: '受け取り期限を過ぎています', en: 'The download window has closed' },
  'c.plan.reapply.notice_schedule': { ja: '販売者のお知らせの時期に合わせています(審査に時間がかかるため)。', en: 'This follows the seller’s notices, because the review takes time.' },
  'c.plan.reapply.none_in_seeds': { ja: '販売者の案内に再申込みの時期の記載はありません。期限の 1〜2 か月前を目安に販売者へお問い合わせください。', en: 'The seller gives no re-application timing. Ask the seller a month or two before expiry.' },
  'c.plan.download': { ja: '受け取り(ダウンロード)の期限', en: 'Download deadline' },
  'c.plan.reminders': { ja: '受け取りのお知らせ', en: 'Download reminders' },
  'c.plan.autocancel': { ja: '期限を過ぎると自動的に取り消されます。', en: 'Cancelled automatically after the deadline.' },
  'c.plan.ics': { ja: 'カレンダーに追加(.ics)', en: 'Add to calendar (.ics)' },
  'c.plan.basis': { ja: '根拠: {seeds}', en: 'Source: {seeds}' },
  'c.status.submitted': { ja: '受付済み(審査待ち)', en: 'Submitted (awaiting review)' },
  'c.status.approved': { ja: '承認済み(発行準備中)', en: 'Approved (being issued)' },
  'c.status.issued': { ja: '受け取り可能', en: 'Ready to collect' },
  'c.status.downloaded': { ja: '受け取り済み', en: 'Collected' },
  'c.status.rejected': { ja: '受け付けられませんでした', en: 'Not accepted' },
  'c.status.expired': { ja: '受け取り期限切れ', en: 'Download window closed' },
  'c.status.cancelled': { ja: '取り消し', en: 'Cancelled' },
  'c.after.title': { ja: '受け取った後に知っておくこと', en: 'Good to know once you have it' },
  'c.after.trouble': { ja: 'うまくいかないとき(S/MIME メール)', en: 'Troubleshooting (S/MIME mail)' },
  'c.profile.modern': { ja: 'Windows 10/11・Firefox・Java', en: 'Windows 10/11, Firefox, Java' },
  'c.profile.modern.why': { ja: '新しい暗号(AES)。Mac・iPhone・Android・古い Windows では読み込めません。', en: 'Modern encryption (AES). Macs, iPhones, Android and older Windows cannot read it.' },
  'c.profile.legacy': { ja: 'Mac・iPhone・Android・古い Windows', en: 'Mac, iPhone, Android, older Windows' },
  'c.profile.legacy.why': { ja: '互換性の高い古い暗号(3DES)。ほぼすべての環境で読み込めます。', en: 'Older, widely compatible encryption (3DES). Almost everything can read it.' },
  'c.profile.default': { ja: '(お使いの環境に合わせて選んであります)', en: '(pre-selected for the device you are using)' },
});

/** The applicant-facing status label: `issued` means the certificate is ready to collect. */
export function statusLabel(status, lang) {
  const key = `c.status.${status}`;
  const text = t(key, {}, lang);
  return text === key ? status : text;
}

/** The shortest term a product sells (null for a validity counted in days). */
export function shortestTerm(product) {
  return product?.validity?.value?.terms_years?.[0] ?? null;
}

/** The sellers' pages by title, for seed names (site data): what applicants see as a source. */
export function sourceTitles(sources, lang) {
  return (sources ?? []).map((s) => loc(s.title, lang)).join(lang === 'ja' ? '、' : '; ');
}

/**
 * What the applicant needs after receiving: backup, mail, support and invoice notes, and the
 * S/MIME troubleshooting of the seller's FAQ — from the catalog, in a <details>.
 */
const AFTER_NOTES = ['backup_before_delete', 'paid_support', 'invoice_after_issuance', 'expiry_notice_sender', 'allow_mail_domains', 'signed_mail_from_mcci', 'reissue_invalidates_previous'];
export function renderAfterDelivery(product, lang, idPrefix = 'after') {
  if (!product) return null;
  const notes = (product.notes ?? []).filter((n) => AFTER_NOTES.includes(n.code));
  const trouble = product.troubleshooting ?? [];
  if (!notes.length && !trouble.length) return null;
  return h('section', { class: 'after', 'data-product': product.id, 'aria-labelledby': `${idPrefix}-title` },
    h('h3', { id: `${idPrefix}-title`, text: t('c.after.title', {}, lang) }),
    notes.length ? h('ul', {}, notes.map((n) => h('li', { 'data-note': n.code, text: loc(n.text, lang) }))) : null,
    trouble.length ? h('details', { class: 'trouble' },
      h('summary', { text: t('c.after.trouble', {}, lang) }),
      h('ul', {}, trouble.map((n) => h('li', { 'data-note': n.code, text: loc(n.text, lang) })))) : null);
}

export function productLabel(p, lang) {
  return `${loc(p.name.value, lang)} — ${loc(p.seller.value, lang)}`;
}

/** Until when the certificate can be collected, from the catalog's download rule. */
export function downloadRuleText(product, lang) {
  const rule = product?.download?.value;
  if (!rule) return t('c.dl.none', {}, lang);
  const parts = [t(`c.dl.${rule.counted_from}`, { days: rule.days }, lang)];
  if (rule.reminders_after_days?.length) parts.push(t('c.dl.reminders', { days: rule.reminders_after_days.join(lang === 'ja' ? '・' : ' and ') }, lang));
  if (rule.after_deadline) parts.push(t(`c.dl.${rule.after_deadline}`, {}, lang));
  return parts.join(lang === 'ja' ? '。' : '. ').replace(/。。/g, '。').replace(/\.\./g, '.');
}

export function noticeLabel(notice, lang) {
  if (!notice) return '';
  if (notice.before === 0) return t('c.before.days0', {}, lang);
  return t(`c.before.${notice.unit}`, { n: notice.before }, lang);
}

/** Apple platforms and Android import only the legacy profile (crate/pki/src/pkcs12/mod.rs). */
export function defaultProfile(userAgent = navigator.userAgent) {
  return /Macintosh|Mac OS X|iPhone|iPad|Android/.test(userAgent) ? 'legacy' : 'modern';
}

/** Radio buttons for the .p12 profile, in plain words. */
export function profileChooser(prefix, lang, selected = defaultProfile()) {
  const option = (value) => h('div', { class: 'choice' },
    h('input', { type: 'radio', name: `${prefix}-profile`, id: `${prefix}-profile-${value}`, value, checked: value === selected, 'aria-describedby': `${prefix}-profile-${value}-why` }),
    h('label', { for: `${prefix}-profile-${value}` },
      t(`c.profile.${value}`, {}, lang),
      value === defaultProfile() ? h('span', { class: 'muted', text: ` ${t('c.profile.default', {}, lang)}` }) : null),
    h('p', { class: 'hint', id: `${prefix}-profile-${value}-why`, text: t(`c.profile.${value}.why`, {}, lang) }));
  return [option('modern'), option('legacy')];
}

/** The expiry plan as a definition list + notices, with an .ics button calling `onIcs`. */
export function renderPlan(plan, product, lang, onIcs) {
  const notices = product?.expiry_notices?.value ?? [];
  const byKind = new Map(notices.map((n) => [n.kind, n]));
  const date = (d) => h('time', { datetime: d, text: formatDate(d, lang) });
  return h('div', { class: 'plan', 'data-expires': plan.expires },
    h('dl', { class: 'facts' },
      h('dt', { text: t('c.plan.expires', {}, lang) }),
      h('dd', { class: 'big' }, date(plan.expires), plan.term_years ? ` ${t('c.plan.term', { n: plan.term_years }, lang)}` : ''),
      plan.download_deadline ? [h('dt', { text: t('c.plan.download', {}, lang) }), h('dd', {}, date(plan.download_deadline), plan.auto_cancel ? ` ${t('c.plan.autocancel', {}, lang)}` : '')] : null,
      plan.download_reminders?.length ? [h('dt', { text: t('c.plan.reminders', {}, lang) }), h('dd', {}, plan.download_reminders.map((d, i) => [i ? '、' : '', date(d)]))] : null,
      h('dt', { text: t('c.plan.notices', {}, lang) }),
      h('dd', {}, plan.notices.length
        ? h('ul', {}, plan.notices.map((n) => h('li', {}, date(n.date), ` — ${noticeLabel(byKind.get(n.kind), lang)}`)))
        : t('c.plan.nonotices', {}, lang)),
      h('dt', { text: t('c.plan.reapply', {}, lang) }),
      h('dd', {},
        plan.reapply_from ? h('p', { class: 'strong' }, t('c.plan.reapply.range', { from: formatDate(plan.reapply_from, lang), until: formatDate(plan.reapply_until, lang) }, lang)) : null,
        h('p', { class: 'hint', text: t(`c.plan.reapply.${plan.reapply_basis}`, {}, lang) }),
        plan.no_waste_from ? h('p', { class: 'hint', 'data-nowaste': plan.no_waste_from, text: t('c.plan.nowaste', { from: formatDate(plan.no_waste_from, lang) }, lang) }) : null),
      plan.readings?.length ? [h('dt', { text: t('c.plan.readings', {}, lang) }),
        h('dd', {}, h('ul', { class: 'readings' }, plan.readings.map((r) => h('li', { 'data-reading': r.code, text: loc(r.message, lang) }))))] : null),
    h('p', { class: 'muted small', 'data-sources': true, text: t('c.plan.basis', { seeds: sourceTitles(plan.sources, lang) }, lang) }),
    onIcs ? h('button', { type: 'button', class: 'ics', text: t('c.plan.ics', {}, lang), onclick: onIcs }) : null);
}
