// <inkan-advisor>: "Which certificate?" — the questions come from the wasm advisor (data, in
// both languages), so the rules live in one place (crate/knowledge/src/advisor.rs, citing the seeds).
// The build writes the questions and the catalog to data/advisor.json (scripts/site-data.mjs),
// so the view paints at once; the wasm is needed only for the advice itself.
import { call, products, warmUp } from '../client.js';
import { siteData } from '../data.js';
import { loadTexts } from '../i18n.js';
import { loadDraft, saveDraft } from '../store.js';
import { View, fill, h, loc, todayIso } from '../view.js';

await loadTexts(['adv']);

// Waiting here (top-level await) lets the router show the view with its questions in one
// paint, instead of a loading line that the form then pushes down. Without the file (an
// unbuilt checkout, a failed fetch) the view asks the wasm, as #load() does.
const initial = await siteData().catch(() => null);

class InkanAdvisor extends View {
  #questions = null;
  #advice = null;
  #products = [];
  #renderedLang = null;

  setup() {
    this.root.append(
      h('section', { 'aria-labelledby': 'adv-title' },
        h('h1', { id: 'adv-title', 'data-i18n': 'adv.title', tabindex: '-1' }),
        h('p', { 'data-i18n': 'adv.intro' }),
        h('form', { id: 'adv-form', class: 'card', novalidate: true },
          initial ? null : h('p', { id: 'adv-loading', class: 'busy', 'data-i18n': 'adv.loading', role: 'status' }),
          h('div', { id: 'adv-questions' }),
          h('div', { class: 'actions' },
            h('button', { type: 'submit', id: 'adv-submit', 'data-i18n': 'adv.submit' }),
            h('button', { type: 'button', id: 'adv-reset', class: 'secondary', 'data-i18n': 'adv.reset' }))),
        h('p', { class: 'error', role: 'alert', 'data-error': true, hidden: true }),
        h('div', { id: 'adv-results', 'aria-live': 'polite' })));
    this.q('#adv-form').addEventListener('submit', (e) => { e.preventDefault(); this.#advise(true); });
    this.q('#adv-form').addEventListener('change', () => saveDraft('advisor', this.#answers()));
    this.q('#adv-reset').addEventListener('click', () => { saveDraft('advisor', {}); this.#renderQuestions(); this.#advice = null; fill(this.q('#adv-results')); });
    // Start the wasm (for the advice) once the user begins to answer, not at page load.
    for (const type of ['focusin', 'change']) this.q('#adv-form').addEventListener(type, () => warmUp(), { once: true });
    if (initial) {
      this.#questions = initial.questions;
      this.#products = initial.products;
      this.#renderQuestions();
      this.#adviseSaved();
    } else {
      this.#load();
    }
  }

  async #load() {
    try {
      [this.#questions, this.#products] = await Promise.all([call('advisorQuestions'), products()]);
      this.q('#adv-loading').remove();
      this.#renderQuestions();
      this.#adviseSaved();
    } catch (e) {
      this.q('#adv-loading')?.remove();
      this.showError(e);
    }
  }

  /** Answers saved from an earlier visit: show their advice again. */
  #adviseSaved() {
    if (Object.keys(loadDraft('advisor')).length) this.#advise(false);
  }

  onLang() {
    if (this.#questions && this.#renderedLang !== this.lang) this.#renderQuestions();
    if (this.#advice) this.#renderAdvice();
  }

  #renderQuestions() {
    const lang = this.lang;
    this.#renderedLang = lang;
    const saved = loadDraft('advisor');
    const box = this.q('#adv-questions');
    fill(box, ...this.#questions.map((question) => {
      const name = `adv-${question.id}`;
      const options = question.kind === 'yes_no'
        ? [{ value: 'true', text: { ja: this.t('adv.yes'), en: this.t('adv.yes') } }, { value: 'false', text: { ja: this.t('adv.no'), en: this.t('adv.no') } }]
        : question.options;
      const type = question.kind === 'multiple' ? 'checkbox' : 'radio';
      const current = saved[question.id];
      return h('fieldset', { class: 'question', 'data-question': question.id, 'data-kind': question.kind },
        h('legend', { text: loc(question.text, lang) }),
        h('div', { class: 'choices' }, options.map((option, i) => {
          const id = `${name}-${i}`;
          const checked = Array.isArray(current) ? current.includes(option.value) : String(current) === option.value;
          return h('div', { class: 'choice' },
            h('input', { type, id, name, value: option.value, checked }),
            h('label', { for: id, text: loc(option.text, lang) }));
        })));
    }));
  }

  #answers() {
    const answers = {};
    for (const fs of this.qa('fieldset[data-question]')) {
      const id = fs.dataset.question;
      const checked = [...fs.querySelectorAll('input:checked')].map((i) => i.value);
      if (fs.dataset.kind === 'multiple') { if (checked.length) answers[id] = checked; } else if (checked.length) {
        answers[id] = fs.dataset.kind === 'yes_no' ? checked[0] === 'true' : checked[0];
      }
    }
    return answers;
  }

  async #advise(focus) {
    const answers = this.#answers();
    saveDraft('advisor', answers);
    const advice = await this.busy(this.q('#adv-submit'), null, '', () => call('advise', { answers, today: todayIso() }));
    if (!advice) return;
    this.#advice = advice;
    this.#renderAdvice();
    if (focus) this.q('#adv-results h2')?.focus();
  }

  #renderAdvice() {
    const lang = this.lang;
    const advice = this.#advice;
    const names = new Map(this.#products.map((p) => [p.id, loc(p.name.value, lang)]));
    const card = (p) => h('article', { class: `product fit-${p.fit}`, 'data-product': p.id },
      h('h3', {}, h('span', { text: loc(p.name, lang) }), ' ', h('span', { class: `badge fit-${p.fit}`, text: this.t(`adv.fit.${p.fit}`) })),
      p.reasons.length ? h('ul', {}, p.reasons.map((r) => h('li', { 'data-reason': r.code, text: loc(r.message, lang) }))) : null,
      p.issuance ? h('p', { class: 'issuance', 'data-latest': p.issuance.latest ?? '', 'data-milestone': p.issuance.milestone },
        h('strong', { text: this.t('adv.when') }), loc(p.issuance.message, lang)) : null,
      p.inkan ? h('p', { class: 'inkan-role muted', 'data-key': p.inkan.key }, h('strong', { text: this.t('adv.role') }), loc(p.inkan.message, lang)) : null,
      h('p', { class: 'actions' },
        p.fit !== 'no' && p.inkan?.key !== 'seller_site'
          ? h('a', { class: 'button-like', href: `#/apply?product=${encodeURIComponent(p.id)}`, text: this.t('adv.apply') }) : null,
        p.inkan?.key === 'seller_site' ? h('a', { class: 'button-like', href: '#/check', text: this.t('adv.check') }) : null,
        ' ',
        h('a', { class: 'button-like secondary', href: `#/plan?product=${encodeURIComponent(p.id)}`, text: this.t('adv.plan') })));
    const fitting = advice.products.filter((p) => p.fit !== 'no');
    const notFitting = advice.products.filter((p) => p.fit === 'no');
    const days = advice.issuance_days;
    let time = this.t('adv.notime');
    if (days) {
      time = days.max == null ? this.t('adv.daysmin', days) : days.max === days.min ? this.t('adv.daysexact', days) : this.t('adv.days', days);
    }
    fill(this.q('#adv-results'),
      h('h2', { tabindex: '-1', text: this.t('adv.results') }),
      ...fitting.map(card),
      notFitting.length ? h('details', { class: 'card' }, h('summary', { text: this.t('adv.notfit', { n: notFitting.length }) }), ...notFitting.map(card)) : null,
      h('section', { class: 'card checklist', 'aria-labelledby': 'adv-docs-title' },
        h('h2', { id: 'adv-docs-title', text: this.t('adv.docs') }),
        advice.documents.length
          ? h('ul', { class: 'checks' }, advice.documents.map((d, i) => h('li', {},
            h('input', { type: 'checkbox', id: `adv-doc-${i}` }),
            h('label', { for: `adv-doc-${i}` }, loc(d.message, lang),
              h('span', { class: 'muted', text: ` — ${this.t('adv.for', { names: d.products.map((id) => names.get(id) ?? id).join(', ') })}` })))))
          : h('p', { text: this.t('adv.nodocs') }),
        h('button', { type: 'button', class: 'secondary no-print', text: this.t('adv.print'), onclick: () => window.print() })),
      h('section', { class: 'card', 'aria-labelledby': 'adv-time-title' },
        h('h2', { id: 'adv-time-title', text: this.t('adv.time') }),
        h('p', { class: 'big', text: time }),
        days?.products?.length ? h('p', { class: 'muted', text: this.t('adv.for', { names: days.products.map((id) => names.get(id) ?? id).join(', ') }) }) : null));
  }
}

customElements.define('inkan-advisor', InkanAdvisor);
