// <inkan-planner>: expiry planner. Product + download date (+ term, + issue date when known)
// → expiry, the seller's notices, the re-application window and an .ics file. The rules are
// the catalog's (crate/knowledge/src/expiry.rs), nothing is computed here.
import { call, products } from '../client.js';
import { loadTexts } from '../i18n.js';
import { loadDraft, saveDraft } from '../store.js';
import { download } from '../util.js';
import { View, fill, h, loc, parseHashQuery, todayIso } from '../view.js';
import { productLabel, renderPlan } from './common.js';

await loadTexts(['pl']);

class InkanPlanner extends View {
  #products = [];
  #plan = null;

  setup() {
    const d = loadDraft('planner');
    this.root.append(h('section', { class: 'view', 'aria-labelledby': 'pl-title' },
      h('h1', { id: 'pl-title', 'data-i18n': 'pl.title', tabindex: '-1' }),
      h('p', { 'data-i18n': 'pl.intro' }),
      h('form', { id: 'pl-form', class: 'card', novalidate: true },
        h('div', { class: 'field' }, h('label', { for: 'pl-product', 'data-i18n': 'pl.product' }), h('select', { id: 'pl-product' })),
        h('div', { class: 'field' }, h('label', { for: 'pl-downloaded', 'data-i18n': 'pl.downloaded' }),
          h('input', { id: 'pl-downloaded', type: 'date', value: d.downloaded ?? todayIso(), required: true })),
        h('div', { class: 'field', id: 'pl-term-field', hidden: true }, h('label', { for: 'pl-term', 'data-i18n': 'pl.term' }), h('select', { id: 'pl-term' })),
        h('div', { class: 'field' }, h('label', { for: 'pl-issued', 'data-i18n': 'pl.issued' }),
          h('input', { id: 'pl-issued', type: 'date', value: d.issued ?? '' })),
        h('button', { type: 'submit', id: 'pl-go', 'data-i18n': 'pl.go' })),
      h('p', { class: 'error', role: 'alert', 'data-error': true, hidden: true }),
      h('section', { id: 'pl-result', class: 'card', hidden: true, 'aria-labelledby': 'pl-result-title' },
        h('h2', { id: 'pl-result-title', tabindex: '-1', 'data-i18n': 'pl.result' }),
        h('div', { id: 'pl-body' }))));
    this.q('#pl-form').addEventListener('submit', (e) => { e.preventDefault(); this.#calculate(true); });
    this.q('#pl-product').addEventListener('change', () => { this.#terms(); this.#save(); });
    this.q('#pl-form').addEventListener('change', () => this.#save());
    products().then((p) => {
      this.#products = p;
      this.#renderProducts(parseHashQuery().get('product') ?? d.product);
      this.#terms(d.term);
      if (d.product) this.#calculate(false);
    }).catch((e) => this.showError(e));
  }

  #renderProducts(chosen = this.q('#pl-product').value) {
    fill(this.q('#pl-product'), ...this.#products.map((p) => h('option', { value: p.id, text: productLabel(p, this.lang) })));
    if (chosen && this.#products.some((p) => p.id === chosen)) this.q('#pl-product').value = chosen;
  }

  #terms(selected = this.q('#pl-term').value) {
    const p = this.#products.find((x) => x.id === this.q('#pl-product').value);
    const years = p?.validity?.value?.terms_years ?? [];
    fill(this.q('#pl-term'), ...years.map((n) => h('option', { value: String(n), text: this.t('pl.years', { n }) })));
    if (selected && years.includes(Number(selected))) this.q('#pl-term').value = String(selected);
    this.q('#pl-term-field').hidden = years.length < 2;
  }

  onLang() {
    if (this.#products.length) { this.#renderProducts(); this.#terms(); }
    if (this.#plan) this.#render();
  }

  #save() {
    saveDraft('planner', { product: this.q('#pl-product').value, downloaded: this.q('#pl-downloaded').value, issued: this.q('#pl-issued').value, term: this.q('#pl-term').value });
  }

  #args() {
    const term = this.q('#pl-term-field').hidden ? undefined : Number(this.q('#pl-term').value) || undefined;
    return { product: this.q('#pl-product').value, downloaded: this.q('#pl-downloaded').value || todayIso(), years: term, issued: this.q('#pl-issued').value || undefined };
  }

  async #calculate(focus) {
    this.#save();
    const args = this.#args();
    const plan = await this.busy(this.q('#pl-go'), null, '', () => call('expiryPlan', args));
    if (!plan) return;
    this.#plan = { plan, args };
    this.#render();
    if (focus) this.q('#pl-result-title').focus();
  }

  #render() {
    const { plan, args } = this.#plan;
    const product = this.#products.find((p) => p.id === args.product);
    const ics = async () => {
      const text = await call('expiryIcs', args).catch((e) => { this.showError(e); });
      if (text) download(text, `inkan-${args.product}-expiry.ics`, 'text/calendar;charset=utf-8');
    };
    fill(this.q('#pl-body'), 
      h('p', { class: 'strong', text: product ? loc(product.name.value, this.lang) : args.product }),
      renderPlan(plan, product, this.lang, ics));
    this.q('#pl-result').hidden = false;
  }
}

customElements.define('inkan-planner', InkanPlanner);
