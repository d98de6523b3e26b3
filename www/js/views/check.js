// <inkan-check>: "check a file". Drop a .p12/.pfx, certificate or CSR: the wasm inspector's
// report in plain words; which of my candidate passwords opens it (tried in the worker, with
// progress); re-pack with a new PIN, another profile and the chain in order. All local.
import { call, products } from '../client.js';
import { loadTexts } from '../i18n.js';
import { download, fileDrop } from '../util.js';
import { View, fill, formatDate, h, loc } from '../view.js';
import { profileChooser, renderAfterDelivery } from './common.js';

await loadTexts(['ck']);

class InkanCheck extends View {
  #bytes = null;
  #name = '';
  #password = null;
  #report = null;
  #products = [];

  #productName(id) {
    const p = this.#products.find((x) => x.id === id);
    return p ? loc(p.name.value, this.lang) : id;
  }

  setup() {
    this.root.append(h('section', { class: 'view', 'aria-labelledby': 'ck-title' },
      h('h1', { id: 'ck-title', 'data-i18n': 'ck.title', tabindex: '-1' }),
      h('p', { 'data-i18n': 'ck.intro' }),
      h('div', { class: 'drop card', id: 'ck-drop' },
        h('p', { 'data-i18n': 'ck.drop' }),
        h('label', { for: 'ck-file', 'data-i18n': 'ck.choose' }),
        h('input', { id: 'ck-file', type: 'file', accept: '.p12,.pfx,.cer,.crt,.pem,.der,.csr,.req,.p7b,application/x-pkcs12,application/pkix-cert,application/x-x509-user-cert' }),
        h('p', { id: 'ck-file-status', role: 'status' })),
      h('form', { id: 'ck-pw-form', class: 'card', hidden: true, novalidate: true },
        h('p', { 'data-i18n': 'ck.needpw' }),
        h('div', { class: 'field' }, h('label', { for: 'ck-pw', 'data-i18n': 'ck.pw' }), h('input', { id: 'ck-pw', type: 'password', autocomplete: 'off' })),
        h('button', { type: 'submit', id: 'ck-open', 'data-i18n': 'ck.open' }),
        h('div', { class: 'field' },
          h('label', { for: 'ck-cands', 'data-i18n': 'ck.cands' }),
          h('p', { class: 'hint', id: 'ck-cands-hint', 'data-i18n': 'ck.cands.hint' }),
          h('textarea', { id: 'ck-cands', rows: '5', spellcheck: 'false', autocomplete: 'off', 'aria-describedby': 'ck-cands-hint' })),
        h('button', { type: 'button', id: 'ck-try', class: 'secondary', 'data-i18n': 'ck.try' }),
        h('progress', { id: 'ck-try-progress', hidden: true, max: '1', value: '0', 'aria-labelledby': 'ck-try-status' })),
      // Outside the form, which hides once the file is open: "line 3 opened it" must stay.
      h('p', { id: 'ck-try-status', role: 'status' }),
      h('p', { id: 'ck-busy', role: 'status' }),
      h('p', { class: 'error', role: 'alert', 'data-error': true, hidden: true }),
      h('section', { id: 'ck-report', 'aria-live': 'polite' }),
      h('form', { id: 'ck-repack', class: 'card', hidden: true, novalidate: true, 'aria-labelledby': 'ck-repack-title' },
        h('h2', { id: 'ck-repack-title', 'data-i18n': 'ck.repack' }),
        h('p', { 'data-i18n': 'ck.repack.text' }),
        h('p', { id: 'ck-suggest', class: 'warn', hidden: true }),
        h('div', { class: 'field' }, h('label', { for: 'ck-newpw', 'data-i18n': 'ck.newpw' }), h('input', { id: 'ck-newpw', type: 'password', autocomplete: 'new-password' })),
        h('fieldset', {}, h('legend', { 'data-i18n': 'ck.profile' }), h('div', { id: 'ck-profile' })),
        h('button', { type: 'submit', id: 'ck-repack-go', 'data-i18n': 'ck.repack.go' }),
        h('p', { id: 'ck-repack-status', role: 'status' }),
        h('p', { class: 'error', role: 'alert', id: 'ck-repack-error', hidden: true }))));

    products().then((p) => { this.#products = p; }).catch(() => {});
    fileDrop(this.q('#ck-drop'), this.q('#ck-file'), (bytes, name) => this.#load(bytes, name));
    this.q('#ck-pw-form').addEventListener('submit', (e) => { e.preventDefault(); this.#inspect(this.q('#ck-pw').value); });
    this.q('#ck-try').addEventListener('click', () => this.#tryCandidates());
    this.q('#ck-repack').addEventListener('submit', (e) => { e.preventDefault(); this.#repack(); });
  }

  onLang() {
    if (this.#bytes) this.q('#ck-file-status').textContent = this.t('ck.file', { name: this.#name, size: this.#bytes.length.toLocaleString() });
    if (this.#report) this.#render();
  }

  #load(bytes, name) {
    this.#bytes = bytes;
    this.#name = name;
    this.#password = null;
    this.#report = null;
    fill(this.q('#ck-report'), );
    this.q('#ck-repack').hidden = true;
    this.q('#ck-pw-form').hidden = true;
    this.q('#ck-try-status').textContent = '';
    this.q('#ck-file-status').textContent = this.t('ck.file', { name, size: bytes.length.toLocaleString() });
    this.#inspect(undefined);
  }

  async #inspect(password) {
    this.clearError();
    const status = this.q('#ck-busy');
    status.textContent = this.t('ck.reading');
    status.classList.add('busy');
    try {
      this.#report = await call('inspect', { bytes: this.#bytes, password });
      this.#password = password ?? null;
      this.q('#ck-pw-form').hidden = true;
      this.#render();
    } catch (e) {
      if (e.code === 'password_required' || (e.code === 'wrong_password' && password === undefined)) {
        this.q('#ck-pw-form').hidden = false;
        this.q('#ck-pw').focus();
      } else {
        this.showError(e);
        if (e.code === 'wrong_password') this.q('#ck-pw').select();
      }
    } finally {
      status.textContent = '';
      status.classList.remove('busy');
    }
  }

  async #tryCandidates() {
    const candidates = this.q('#ck-cands').value.split(/\r?\n/).filter((l) => l.length);
    if (!candidates.length) return;
    const bar = this.q('#ck-try-progress');
    const status = this.q('#ck-try-status');
    bar.hidden = false;
    bar.max = candidates.length;
    const onProgress = ({ done, total }) => { bar.value = done; status.textContent = this.t('ck.trying', { done, total }); };
    const result = await this.busy(this.q('#ck-try'), null, '', () => call('tryPasswords', { bytes: this.#bytes, candidates }, { onProgress }));
    bar.hidden = true;
    if (!result) return;
    if (result.index < 0) { status.textContent = this.t('ck.notfound'); status.dataset.found = 'none'; return; }
    status.textContent = this.t('ck.found', { n: result.index + 1 });
    status.dataset.found = String(result.index + 1);
    this.q('#ck-pw').value = candidates[result.index];
    await this.#inspect(candidates[result.index]);
  }

  #render() {
    const r = this.#report;
    const lang = this.lang;
    const certs = r.certificates ?? [];
    const certBlock = (c, i) => h('article', { class: 'cert', 'data-role': c.role },
      h('h3', {}, c.role === 'csr' ? '' : `${this.t('ck.cert', { n: i + 1 })}: `, this.t(`ck.role.${c.role}`)),
      h('dl', { class: 'facts' },
        h('dt', { text: this.t('ck.name') }), h('dd', { text: c.subject_cn ?? c.subject }),
        c.emails?.length ? [h('dt', { text: this.t('ck.email') }), h('dd', { text: c.emails.join(', ') })] : null,
        c.issuer ? [h('dt', { text: this.t('ck.issuer') }), h('dd', { text: c.issuer })] : null,
        c.not_after ? [h('dt', { text: this.t('ck.valid') }),
          h('dd', {}, this.t('ck.range', { from: formatDate(c.not_before, lang), to: formatDate(c.not_after, lang) }), ' ',
            h('span', { class: c.expired ? 'badge fit-no' : c.days_left < 30 ? 'badge fit-possible' : 'badge fit-good', text: c.expired ? this.t('ck.expired') : this.t('ck.daysleft', { n: c.days_left }) }))] : null,
        c.role === 'leaf' ? [h('dt', { text: this.t('ck.uses') }), h('dd', { text: [c.smime && this.t('ck.use.smime'), c.client_auth && this.t('ck.use.client')].filter(Boolean).join('、') || this.t('ck.use.none') })] : null,
        c.products?.length ? [h('dt', { text: this.t('ck.product') }), h('dd', { text: c.products.map((id) => this.#productName(id)).join(', ') })] : null));
    const verdict = (p) => h('li', { class: `verdict v-${p.verdict}` },
      h('span', { class: `badge v-${p.verdict}`, text: this.t(`ck.v.${p.verdict}`) }), ' ',
      h('strong', { text: loc(p.name, lang) }),
      p.reason ? h('span', { text: ` — ${loc(p.reason, lang)}` }) : null);
    fill(this.q('#ck-report'), 
      h('h2', { tabindex: '-1', id: 'ck-report-title', text: `${this.t('ck.report')}: ${this.t(`ck.kind.${r.kind}`)}` }),
      r.key ? h('p', { class: r.key.matches_certificate === false ? 'error' : 'ok-text' },
        h('strong', { text: `${this.t('ck.key')}: ` }),
        this.t(r.key.matches_certificate === false ? 'ck.key.nomatch' : 'ck.key.match', { alg: r.key.algorithm.toUpperCase(), bits: r.key.bits })) : null,
      ...certs.map(certBlock),
      r.csr ? certBlock({ ...r.csr, role: 'csr', issuer: null }, 0) : null,
      r.platforms?.length ? h('div', { class: 'card' }, h('h3', { text: this.t('ck.platforms') }), h('ul', { class: 'verdicts' }, r.platforms.map(verdict))) : null,
      h('div', { class: 'card' }, h('h3', { text: this.t('ck.findings') }),
        r.findings?.length ? h('ul', {}, r.findings.map((f) => h('li', { class: `sev-${f.severity}`, text: loc(f.message, lang) }))) : h('p', { text: this.t('ck.nofindings') })),
      this.#afterDelivery(certs.find((c) => c.role === 'leaf')?.products ?? []));
    const canRepack = r.kind === 'pkcs12' && this.#password !== null;
    this.q('#ck-repack').hidden = !canRepack;
    if (canRepack) {
      const suggestion = r.repack_suggestion;
      fill(this.q('#ck-profile'), ...profileChooser('ck', lang, suggestion?.profile));
      this.q('#ck-suggest').hidden = !suggestion;
      if (suggestion) this.q('#ck-suggest').textContent = `${this.t('ck.suggest')}: ${loc(suggestion.message, lang)}`;
    }
    this.q('#ck-report-title').focus();
  }

  /**
   * The catalog's advice for the products recognised from the issuer (backup, S/MIME
   * troubleshooting…). Products that share a CA cannot be told apart, so only what all of
   * them say is shown.
   */
  #afterDelivery(ids) {
    const found = ids.map((id) => this.#products.find((p) => p.id === id)).filter(Boolean);
    if (!found.length) return null;
    const common = (list) => found[0][list]?.filter((n) => found.every((p) => p[list]?.some((m) => m.code === n.code))) ?? [];
    const merged = { id: found.map((p) => p.id).join(' '), notes: common('notes'), troubleshooting: common('troubleshooting') };
    const section = renderAfterDelivery(merged, this.lang, 'ck-after');
    return section ? h('div', { class: 'card' }, section) : null;
  }

  async #repack() {
    const newPassword = this.q('#ck-newpw').value || this.#password;
    const errorBox = this.q('#ck-repack-error');
    if (this.q('#ck-newpw').value && [...newPassword].length < 8) return this.showError({ code: 'invalid_input', key: 'ck.newpw.err' }, errorBox);
    const profile = this.q('input[name="ck-profile"]:checked')?.value ?? 'legacy';
    const out = await this.busy(this.q('#ck-repack-go'), this.q('#ck-repack-status'), this.t('ck.reading'),
      () => call('repackPkcs12', { bytes: this.#bytes, oldPassword: this.#password, newPassword, options: { profile } }), errorBox);
    if (!out) return;
    const name = `${this.#name.replace(/\.(p12|pfx)$/i, '')}-${profile}.p12`;
    download(out.bytes, name, 'application/x-pkcs12');
    this.q('#ck-newpw').value = '';
    this.q('#ck-repack-status').textContent = this.t('ck.repacked', { name });
  }
}

customElements.define('inkan-check', InkanCheck);
