// <inkan-apply-backup>: the apply flow's backup step. The key is in this browser, encrypted
// with the PIN; this step saves the same encrypted key as a file (a browser's storage can be
// lost, and Safari deletes it after 7 days without a visit), shows the key type and the CSR.
// The apply view sets `key` ({ id, product, algorithm, csr, backupName }, or null to hide the
// step) and calls `focus()` once the key is made. Event, bubbling to the apply view:
//   inkan:backup-saved { name }  the backup file was handed to the browser to save
import { LANGS, loadTexts, texts } from '../i18n.js';
import { getKey } from '../store.js';
import { download } from '../util.js';
import { View, h, todayIso } from '../view.js';

await loadTexts(['ap']);

export class ApplyBackup extends View {
  /** The key made: { id, product, algorithm, csr, backupName (once saved) }, or null. */
  #key = null;

  setup() {
    this.append(h('section', { id: 'ap-key', class: 'card', hidden: true, 'aria-labelledby': 'ap-key-title', part: 'card' },
      h('h2', { id: 'ap-key-title', tabindex: '-1', 'data-i18n': 'ap.k.title' }),
      h('p', { 'data-i18n': 'ap.k.text' }),
      h('p', { id: 'ap-key-alg', class: 'muted' }),
      h('button', { type: 'button', id: 'ap-backup', 'data-i18n': 'ap.k.save', part: 'button' }),
      h('p', { id: 'ap-backup-status', role: 'status', class: 'ok-text' }),
      h('details', {}, h('summary', { 'data-i18n': 'ap.k.csr' }),
        h('label', { for: 'ap-csr', class: 'visually-hidden', text: 'CSR' }),
        h('textarea', { id: 'ap-csr', rows: '10', readonly: true, spellcheck: 'false' }))));
    this.q('#ap-backup').addEventListener('click', () => this.#save());
  }

  set key(key) {
    this.#key = key;
    this.q('#ap-key').hidden = !key;
    this.onLang();
  }

  onLang() {
    const key = this.#key;
    if (!key) return;
    this.q('#ap-csr').value = key.csr ?? '';
    this.q('#ap-key-alg').textContent = this.t('ap.k.alg', { alg: key.algorithm === 'p256' ? 'ECDSA P-256' : 'RSA 2048' });
    this.q('#ap-backup-status').textContent = key.backupName === undefined ? '' : this.t('ap.k.saved', { name: key.backupName });
  }

  /** Moves focus to the step's title (the key was just made). */
  focus() { this.q('#ap-key-title').focus(); }

  async #save() {
    const key = this.#key;
    const record = await getKey(key.id).catch(() => undefined);
    if (!record) return this.showError({ code: 'key_missing', key: 'error.key_missing' });
    // Text before the PEM block is ignored by PEM readers (ours and OpenSSL), so the file can
    // say what it is to the person who finds it in Downloads a month from now.
    // The file is for whoever finds it, whatever the page's language: both texts, ja first.
    await loadTexts(['ap'], LANGS);
    const both = (name, between = ' / ') => { const { ja, en } = texts(`ap.backup.file.${name}`); return `${ja}${between}${en}`; };
    const text = [
      `Inkan — ${both('what')}`,
      `${both('product')}: ${key.product}`,
      `${both('created')}: ${record.createdAt}`,
      both('keep', '/ '), // the ja sentence's 。 is its own space
      '',
      record.encryptedPem,
    ].join('\n');
    const name = `inkan-key-backup-${todayIso()}.pem`;
    download(text, name, 'application/x-pem-file');
    this.emit('inkan:backup-saved', { name });
  }
}

customElements.define('inkan-apply-backup', ApplyBackup);
