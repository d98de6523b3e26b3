// <inkan-apply-backup>: the apply flow's backup step. The key is in this browser, encrypted
// with the PIN; this step saves the same encrypted key as a file (a browser's storage can be
// lost, and Safari deletes it after 7 days without a visit), shows the key type and the CSR.
// The apply view sets `key` ({ id, product, algorithm, csr, backupName }, or null to hide the
// step) and calls `focus()` once the key is made. Event, bubbling to the apply view:
//   inkan:backup-saved { name }  the backup file was handed to the browser to save
import { register } from '../i18n.js';
import { getKey } from '../store.js';
import { download } from '../util.js';
import { View, h, todayIso } from '../view.js';

register({
  'ap.k.title': { ja: '鍵の控えを保存してください', en: 'Save a backup of your key' },
  'ap.k.text': { ja: '鍵はこのブラウザに暗号化して保存しました。ブラウザのデータが消えた場合に備えて、控えファイル(PIN で暗号化済み)を保存してください。証明書を受け取るときに、このブラウザか控えファイルのどちらかと PIN が必要です。', en: 'The key is saved in this browser, encrypted. In case the browser data is lost, save the backup file (encrypted with your PIN). To receive the certificate you need this browser or the backup file, plus the PIN.' },
  'ap.k.save': { ja: '控えファイルを保存', en: 'Save the backup file' },
  'ap.k.saved': { ja: '控えファイルを保存しました: {name}', en: 'Backup saved: {name}' },
  'ap.k.csr': { ja: '申請データ(CSR)を見る', en: 'Show the request (CSR)' },
  'ap.k.alg': { ja: '鍵の種類: {alg}', en: 'Key type: {alg}' },
});

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
    if (!record) return this.showError({ code: 'key_missing', ja: 'このブラウザに鍵が見つかりません。最初からやり直してください。', en: 'The key is no longer in this browser. Please start over.' });
    // Text before the PEM block is ignored by PEM readers (ours and OpenSSL), so the file can
    // say what it is to the person who finds it in Downloads a month from now.
    const text = [
      'Inkan — 秘密鍵の控え / private key backup (encrypted with your key PIN)',
      `証明書 / Certificate: ${key.product}`,
      `作成日 / Created: ${record.createdAt}`,
      '証明書の受け取りまで大切に保管してください。/ Keep this file until you have collected the certificate.',
      '',
      record.encryptedPem,
    ].join('\n');
    const name = `inkan-key-backup-${todayIso()}.pem`;
    download(text, name, 'application/x-pem-file');
    this.emit('inkan:backup-saved', { name });
  }
}

customElements.define('inkan-apply-backup', ApplyBackup);
