// <inkan-home>: the start page — what Inkan does, in two sentences, and the five flows.
import { siteData } from '../data.js';
import { register } from '../i18n.js';
import { View, fill, h, loc } from '../view.js';

register({
  // \u200b marks where the title may break: ja titles are keep-all where auto-phrase is missing (app.css).
  'home.title': { ja: '個人用電子証明書を、\u200bブラウザだけで', en: 'Personal certificates, made in your browser' },
  'home.lead': { ja: 'Internet Explorer や ActiveX は不要です。鍵はこのブラウザの中で作られ、外部に送信されません。Mac でも Windows でも使えます。', en: 'No Internet Explorer, no ActiveX. Your key is made inside this browser and never sent anywhere. Works on Mac and Windows.' },
  'home.where': { ja: 'Inkan にできること(証明書ごと)', en: 'What Inkan does, certificate by certificate' },
  'home.makes': { ja: 'Inkan が鍵を作る証明書', en: 'Inkan makes the key for' },
  'home.after': { ja: '鍵は販売者のサイトで作る証明書(Inkan は届いた .p12 の確認・再パック・有効期限の計画を手伝います)', en: 'The key is made on the seller’s site (Inkan checks, re-packs and plans the .p12 the issuer delivered)' },
  'home.advisor': { ja: 'どの証明書が必要か調べる', en: 'Find out which certificate you need' },
  'home.advisor.d': { ja: '職業と用途から、お勧めの証明書・必要書類・発行までの日数がわかります。', en: 'From your profession and purpose: the certificates that fit, the documents, and the time to issuance.' },
  'home.apply': { ja: '申し込む', en: 'Apply' },
  'home.apply.d': { ja: '鍵と申請データを作り、配布状を印刷します。', en: 'Create your key and request, and print the distribution letter.' },
  'home.receive': { ja: '証明書を受け取る', en: 'Collect your certificate' },
  'home.receive.d': { ja: '配布状のパスワードで受け取り、.p12 ファイルを作ります。', en: 'Use the password on your letter and get a .p12 file.' },
  'home.check': { ja: 'ファイルを調べる', en: 'Check a file' },
  'home.check.d': { ja: '.p12 や証明書の中身、期限、使える環境を確かめます。パスワードの候補も試せます。', en: 'See what is in a .p12 or certificate, when it expires and where it works. Try password candidates.' },
  'home.plan': { ja: '有効期限を計画する', en: 'Plan for expiry' },
  'home.plan.d': { ja: '期限・お知らせ・再申込みの時期をカレンダーに登録します。', en: 'Put the expiry, notices and re-application window in your calendar.' },
});

class InkanHome extends View {
  setup() {
    const card = (route, key) => h('li', {}, h('a', { href: `#/${route}`, class: 'flow' },
      h('span', { class: 'flow-title', 'data-i18n': `home.${key}` }),
      h('span', { class: 'flow-desc', 'data-i18n': `home.${key}.d` })));
    this.root.append(h('section', { class: 'view home', 'aria-labelledby': 'home-title' },
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
