// <inkan-apply-letter>: the letter the applicant keeps, the apply flow's last step. The apply
// view builds the letter as data (`show(letter)`: application id, where to collect, the
// download password while it is kept, the fields, the seller's rules); this element draws it,
// prints it, saves it as text (both from that one model, so they always agree), and emits
// `inkan:letter-kept` when the applicant says the letter is kept (the view then forgets the
// download password).
import { loadTexts } from '../i18n.js';
import { download } from '../util.js';
import { View, fill, h } from '../view.js';

await loadTexts(['ap']);

export class ApplyLetter extends View {
  /** The letter shown: { id, url, pw, fields: [label key, text, span attributes], seller, mailboxConfirmed, receiveLink }. */
  #letter = null;

  setup() {
    this.append(h('section', { id: 'ap-letter', class: 'card letter', hidden: true, 'aria-labelledby': 'ap-letter-title', part: 'letter' }));
  }

  /** Draws `letter`; null hides the step. */
  show(letter) {
    this.#letter = letter;
    this.q('#ap-letter').hidden = !letter;
    this.#render();
  }

  onLang() { this.#render(); }

  /** Moves focus to the letter's title. */
  focus() { this.q('#ap-letter-title')?.focus(); }

  #render() {
    const letter = this.#letter;
    if (!letter) return;
    const { url, pw } = letter;
    fill(this.q('#ap-letter'),
      h('h2', { id: 'ap-letter-title', tabindex: '-1', text: this.t('ap.l.title') }),
      h('p', { class: 'no-print', text: this.t('ap.l.keep') }),
      letter.mailboxConfirmed ? h('p', { class: 'ok-text no-print', id: 'ap-letter-mailbox', role: 'status', text: this.t('ap.mb.done') }) : null,
      h('dl', { class: 'letter-fields' },
        letter.fields.flatMap(([label, text, span]) => [h('dt', { text: this.t(label) }), h('dd', {}, span ? h('span', { ...span, text }) : text)])),
      pw ? null : h('p', { class: 'muted', text: this.t('ap.l.pwgone') }),
      h('p', { text: this.t('ap.l.need') }),
      letter.seller.length ? h('div', {}, h('h3', { text: this.t('ap.l.seller') }), h('ul', {}, letter.seller.map((text) => h('li', { text })))) : null,
      h('p', { class: 'actions no-print' },
        h('button', { type: 'button', id: 'ap-print', text: this.t('ap.l.print'), onclick: () => this.#print() }), ' ',
        h('button', { type: 'button', id: 'ap-letter-save', class: 'secondary', text: this.t('ap.l.save'), onclick: () => this.#save() }), ' ',
        pw ? h('button', { type: 'button', id: 'ap-letter-done', class: 'secondary', text: this.t('ap.l.done'), onclick: () => this.emit('inkan:letter-kept', { id: letter.id }) }) : null, ' ',
        letter.receiveLink ? h('a', { href: url, target: letter.receiveLink.target, class: 'button-like secondary', text: this.t('ap.l.receive') }) : null));
  }

  #print() {
    // Print only the letter: the site's print CSS hides everything else while this class is set.
    document.documentElement.classList.add('print-letter');
    const off = () => { document.documentElement.classList.remove('print-letter'); window.removeEventListener('afterprint', off); };
    window.addEventListener('afterprint', off);
    window.print();
  }

  #save() {
    const letter = this.#letter;
    const lines = [
      this.t('ap.l.title'), '',
      ...letter.fields.map(([label, text]) => `${this.t(label)}: ${text}`), '',
      this.t('ap.l.need'),
      ...(letter.seller.length ? ['', this.t('ap.l.seller'), ...letter.seller.map((text) => `- ${text}`)] : []),
    ];
    download(lines.join('\r\n') + '\r\n', `inkan-letter-${letter.id}.txt`, 'text/plain;charset=utf-8');
  }
}

customElements.define('inkan-apply-letter', ApplyLetter);
