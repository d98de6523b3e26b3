// The page shell: language switch and the views.
import { currentLang, register, setLang, translate } from './i18n.js';
import './views/workbench.js';

register({
  'app.skip': { ja: '本文へ移動', en: 'Skip to content' },
  'app.footer': { ja: '秘密鍵はあなたのブラウザから出ません。', en: 'Your private key never leaves your browser.' },
});

function applyLang(lang) {
  document.documentElement.lang = lang;
  translate(document.body, lang);
  for (const b of document.querySelectorAll('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
}

for (const b of document.querySelectorAll('[data-lang]')) b.addEventListener('click', () => setLang(b.dataset.lang));
window.addEventListener('inkan:lang', (e) => applyLang(e.detail.lang));
applyLang(currentLang());
