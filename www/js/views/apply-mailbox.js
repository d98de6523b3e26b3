// <inkan-apply-mailbox>: the apply flow's e-mail check. The worker mailed an 8-character code to
// the applicant's address; this step takes it (or asks for a new one) and, once the worker
// accepts it, emits `inkan:mailbox-confirmed` { id } (bubbling to the apply view, and through
// the widget's frame to the issuer's page). The apply view sets `application`, and `errorBox`:
// a wrong or expired code shows in the flow's error box.
import { confirmMailbox, resendCode } from '../api.js';
import { loadTexts } from '../i18n.js';
import { View, h } from '../view.js';

await loadTexts(['ap']);

export class ApplyMailbox extends View {
  /** { endpoint, id, email } of the submitted application, or null. */
  #application = null;

  setup() {
    this.append(h('section', { id: 'ap-mailbox', class: 'card', hidden: true, 'aria-labelledby': 'ap-mailbox-title', part: 'card' },
      h('h2', { id: 'ap-mailbox-title', tabindex: '-1', 'data-i18n': 'ap.mb.title' }),
      h('p', { id: 'ap-mailbox-text' }),
      h('form', { id: 'ap-mailbox-form', novalidate: true },
        h('div', { class: 'field' },
          h('label', { for: 'ap-code', 'data-i18n': 'ap.mb.code' }),
          h('input', { id: 'ap-code', name: 'code', autocomplete: 'one-time-code', inputmode: 'text', lang: 'en', spellcheck: 'false', maxlength: '12', part: 'field' })),
        h('button', { type: 'submit', id: 'ap-confirm', 'data-i18n': 'ap.mb.confirm', part: 'button' }), ' ',
        h('button', { type: 'button', id: 'ap-resend', class: 'secondary', 'data-i18n': 'ap.mb.resend', part: 'button' })),
      h('p', { id: 'ap-mailbox-status', role: 'status' })));
    this.q('#ap-mailbox-form').addEventListener('submit', (e) => { e.preventDefault(); this.#confirm(); });
    this.q('#ap-resend').addEventListener('click', () => this.#resend());
  }

  /** The application waiting for its e-mail check; null hides the step. */
  set application(application) {
    this.#application = application;
    this.q('#ap-mailbox').hidden = !application;
    this.onLang();
  }

  onLang() {
    if (this.#application) this.q('#ap-mailbox-text').textContent = this.t('ap.mb.text', { email: this.#application.email ?? '' });
  }

  /** Moves focus to the step's title (after the application was sent). */
  focus() { this.q('#ap-mailbox-title').focus(); }

  async #confirm() {
    const { endpoint, id } = this.#application;
    const code = this.q('#ap-code').value.trim();
    const status = this.q('#ap-mailbox-status');
    const view = await this.busy(this.q('#ap-confirm'), status, this.t('ap.mb.checking'), () => confirmMailbox(endpoint, id, code));
    if (!view) return;
    this.q('#ap-code').value = '';
    status.textContent = '';
    this.emit('inkan:mailbox-confirmed', { id });
  }

  async #resend() {
    const { endpoint, id } = this.#application;
    const status = this.q('#ap-mailbox-status');
    const view = await this.busy(this.q('#ap-resend'), status, '…', () => resendCode(endpoint, id));
    if (view) status.textContent = this.t('ap.mb.sent');
  }
}

customElements.define('inkan-apply-mailbox', ApplyMailbox);
