// <inkan-apply-details>: the apply flow's first step, the form: the certificate (and its term),
// the applicant's details, the key type and the key PIN. It checks what was typed and says so
// with events; it makes nothing itself.
//
// The apply view sets `products` (the catalog), `fixedProduct` (the widget's product attribute),
// `values` (the draft, after a reload), `locked` (the key exists: the details are in the CSR
// and can no longer change) and `busy` (the key is being made), and calls `choose(id)` (the
// advisor asked for a product) and `reset()` (the applicant starts over).
// Events, bubbling to the apply view:
//   inkan:details-change    { values }  the applicant changed a field (the view saves the draft)
//   inkan:details-confirmed { values }  every field and both PINs are right: make the key now,
//                                       with `pin` (read from here, never put in an event)
// A wrong field is reported as inkan:error { code: 'invalid_input', fields: [ids] }.
import { loadTexts } from '../i18n.js';
import { View, fill, h } from '../view.js';
import { productLabel } from './common.js';

await loadTexts(['ap']);

/** The applicant's text fields: [draft key, input id, label key]; the first three are required. */
const FIELDS = [
  ['nameJa', 'ap-namejp', 'ap.namejp'],
  ['romaji', 'ap-romaji', 'ap.romaji'],
  ['email', 'ap-email', 'ap.email'],
  ['org', 'ap-org', 'ap.org'],
];

export class ApplyDetails extends View {
  #products = [];
  /** The product and term chosen, kept while the catalog is still loading. */
  #chosen = {};
  /** The widget's fixed product (its `product` attribute), or null: then no product select. */
  #fixedProduct = null;

  setup() {
    const field = (key, id, label, attrs = {}, hint) => h('div', { class: 'field' },
      h('label', { for: id, 'data-i18n': label }),
      hint ? h('p', { class: 'hint', id: `${id}-hint`, 'data-i18n': hint }) : null,
      h('input', { id, name: key, 'aria-describedby': hint ? `${id}-hint` : null, ...attrs }));
    this.append(h('form', { id: 'ap-form', class: 'card', novalidate: true, part: 'card' },
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
      h('button', { type: 'submit', id: 'ap-create', 'data-i18n': 'ap.create', part: 'button' })));
    const form = this.q('#ap-form');
    form.addEventListener('submit', (e) => { e.preventDefault(); this.#confirm(); });
    form.addEventListener('input', () => this.#changed());
    form.addEventListener('change', () => this.#changed());
    this.q('#ap-pin').addEventListener('input', (e) => { this.q('#ap-ascii').hidden = /^[\x20-\x7e]*$/.test(e.target.value); });
  }

  /** The catalog; the select offers the products whose key Inkan makes. */
  set products(products) { this.#products = products; this.#renderProducts(); }

  set fixedProduct(id) { this.#fixedProduct = id ?? null; this.q('#ap-product-field').hidden = !!this.#fixedProduct; }

  /** What the form says: { product, term, nameJa, romaji, email, org, alg } (as typed, untrimmed). */
  get values() {
    const values = Object.fromEntries(FIELDS.map(([key, id]) => [key, this.q(`#${id}`).value]));
    values.alg = this.q('input[name="alg"]:checked')?.value ?? 'rsa2048';
    values.product = this.#fixedProduct ?? (this.q('#ap-product').value || this.#chosen.product);
    values.term = Number(this.q('#ap-term').value) || undefined;
    return values;
  }

  /** Fills the form from a draft (after a reload, or when the widget's frame opens again). */
  set values(draft) {
    for (const [key, id] of FIELDS) if (draft[key]) this.q(`#${id}`).value = draft[key];
    if (draft.alg === 'p256') this.q('#ap-alg-p256').checked = true;
    this.#chosen = { product: draft.product, term: draft.term };
    this.#renderProducts();
  }

  /** The key PIN typed (both fields agree once inkan:details-confirmed was sent). */
  get pin() { return this.q('#ap-pin').value; }

  /** After the key exists the details are fixed (they are in the CSR) and the PIN is forgotten. */
  set locked(locked) {
    for (const el of this.qa('#ap-form input, #ap-form select')) el.disabled = locked;
    this.q('#ap-create').hidden = locked;
    this.q('#ap-pins').hidden = locked;
    if (locked) { this.q('#ap-pin').value = ''; this.q('#ap-pin2').value = ''; }
  }

  /** While the key is being made the button waits. */
  set busy(busy) { this.q('#ap-create').disabled = busy; }

  /** Chooses `id` if the form offers it (the advisor's "apply for this"); reports the change. */
  choose(id) {
    if (!this.#applicable.some((p) => p.id === id)) return;
    this.q('#ap-product').value = id;
    this.#changed();
  }

  /** Empties the form: the applicant starts over. */
  reset() {
    this.q('#ap-form').reset();
    this.#chosen = {};
    this.#renderProducts();
  }

  onLang() { if (this.#products.length) this.#renderProducts(); }

  /** Products whose key Inkan makes: not those whose key is made on the seller's own site. */
  get #applicable() {
    return this.#products.filter((p) => !(p.environment ?? []).some((n) => n.code === 'key_made_on_seller_site'));
  }

  get #product() {
    const id = this.#fixedProduct ?? this.#chosen.product ?? this.q('#ap-product').value;
    return this.#products.find((p) => p.id === id);
  }

  #renderProducts() {
    if (!this.#products.length) return; // still loading: "Loading…" stays
    const select = this.q('#ap-product');
    const chosen = this.#chosen.product ?? select.value;
    const list = this.#applicable;
    select.replaceChildren(...list.map((p) => h('option', { value: p.id, text: productLabel(p, this.lang) })));
    if (chosen && list.some((p) => p.id === chosen)) select.value = chosen;
    this.#renderTerms();
  }

  /** The term select, for products sold in more than one term (the shortest by default). */
  #renderTerms() {
    const years = this.#product?.validity?.value?.terms_years ?? [];
    const select = this.q('#ap-term');
    const chosen = Number(this.#chosen.term ?? select.value);
    select.replaceChildren(...years.map((n) => h('option', { value: String(n), text: this.t('ap.term.years', { n }) })));
    select.value = String(years.includes(chosen) ? chosen : (years[0] ?? ''));
    this.q('#ap-term-field').hidden = years.length < 2;
  }

  #changed() {
    const product = this.#fixedProduct ?? this.q('#ap-product').value;
    // Another product sells other terms: offer its own, keeping the term chosen where it sells it.
    if (product !== this.#chosen.product) { this.#chosen = { product }; this.#renderTerms(); }
    this.#chosen.term = Number(this.q('#ap-term').value) || undefined;
    this.emit('inkan:details-change', { values: this.values });
  }

  /** What is wrong with the form: [[input id, message]], in the order of the fields. */
  #problems() {
    const problems = [];
    const v = (id) => this.q(`#${id}`).value.trim();
    for (const [, id, label] of FIELDS.slice(0, 3)) if (!v(id)) problems.push([id, this.t('ap.err.required', { field: this.t(label) })]);
    if (v('ap-romaji') && !/^[A-Za-z][A-Za-z .'-]*$/.test(v('ap-romaji'))) problems.push(['ap-romaji', this.t('ap.err.romaji')]);
    if (v('ap-email') && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v('ap-email'))) problems.push(['ap-email', this.t('ap.err.email')]);
    const pin = this.q('#ap-pin').value;
    if ([...pin].length < 8) problems.push(['ap-pin', this.t('ap.err.pinshort')]);
    else if (pin !== this.q('#ap-pin2').value) problems.push(['ap-pin2', this.t('ap.err.pinmatch')]);
    return problems;
  }

  #confirm() {
    this.#changed();
    const problems = this.#problems();
    for (const el of this.qa('#ap-form [aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const [id] of problems) this.q(`#${id}`).setAttribute('aria-invalid', 'true');
    if (problems.length) {
      const box = this.errorBox;
      if (box) { fill(box, h('ul', {}, problems.map(([, m]) => h('li', { text: m })))); box.hidden = false; }
      this.q(`#${problems[0][0]}`).focus();
      this.emit('inkan:error', { code: 'invalid_input', fields: problems.map(([id]) => id) });
      return;
    }
    this.clearError();
    this.emit('inkan:details-confirmed', { values: this.values });
  }
}

customElements.define('inkan-apply-details', ApplyDetails);
