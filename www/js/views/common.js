// Rendering shared by several views. The rules themselves (days, notices, windows) come from
// the wasm catalog and expiry plan; this file only turns their codes and numbers into words.
import { loadTexts, t } from '../i18n.js';
import { formatDate, h, loc } from '../view.js';

await loadTexts(['c']);

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
  return (sources ?? []).map((s) => loc(s.title, lang)).join(t('c.join.titles', {}, lang));
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
  if (rule.reminders_after_days?.length) parts.push(t('c.dl.reminders', { days: rule.reminders_after_days.join(t('c.join.days', {}, lang)) }, lang));
  if (rule.after_deadline) parts.push(t(`c.dl.${rule.after_deadline}`, {}, lang));
  return parts.join(t('c.join.sentences', {}, lang)).replace(/。。/g, '。').replace(/\.\./g, '.');
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
