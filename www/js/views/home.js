// <inkan-home>: the start page — what Inkan does, in two sentences, and the five flows.
import { siteData } from '../data.js';
import { loadTexts } from '../i18n.js';
import { View, fill, h, loc } from '../view.js';

await loadTexts(['home']);

class InkanHome extends View {
  setup() {
    const card = (route, key) => h('li', {}, h('a', { href: `#/${route}`, class: 'flow' },
      h('span', { class: 'flow-title', 'data-i18n': `home.${key}` }),
      h('span', { class: 'flow-desc', 'data-i18n': `home.${key}.d` })));
    this.root.append(h('section', { class: 'view home', 'aria-labelledby': 'home-title' },
      // The ja title's \u200b (messages/ja.json) marks where it may break: ja titles are
      // keep-all where auto-phrase is missing (app.css).
      h('h1', { id: 'home-title', tabindex: '-1', 'data-i18n': 'home.title' }),
      h('p', { class: 'lead', 'data-i18n': 'home.lead' }),
      h('ul', { class: 'flows' },
        card('advisor', 'advisor'), card('apply', 'apply'), card('receive', 'receive'), card('check', 'check'), card('plan', 'plan')),
      h('section', { class: 'card', id: 'home-where', 'aria-labelledby': 'home-where-title' },
        h('h2', { id: 'home-where-title', 'data-i18n': 'home.where' }),
        h('div', { id: 'home-where-body' }))));
    siteData().then((data) => { this.#products = data.products; this.onLang(); }).catch(() => {});
  }

  #products = [];

  /** From the catalog: where the key is made (a seller-site environment note) and where not. */
  onLang() {
    const body = this.q('#home-where-body');
    if (!body || !this.#products.length) return;
    const onSeller = (p) => (p.environment ?? []).some((n) => n.code === 'key_made_on_seller_site');
    const list = (items, id) => h('ul', { id }, items.map((p) => h('li', { 'data-catalog-id': p.id, text: `${loc(p.name.value, this.lang)} — ${loc(p.seller.value, this.lang)}` })));
    fill(body,
      h('h3', { text: this.t('home.makes') }), list(this.#products.filter((p) => !onSeller(p)), 'home-makes'),
      h('h3', { text: this.t('home.after') }), list(this.#products.filter(onSeller), 'home-after'));
  }
}

customElements.define('inkan-home', InkanHome);
