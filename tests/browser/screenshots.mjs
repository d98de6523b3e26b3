// The views the suite photographs (engines.test.mjs writes docs/screenshots/<engine>/
// view-lang-width.png in every engine, ja and en, 1280 and 390 px wide). Views with results are
// filled in first, through the driver-neutral page API. Run alone to refresh the pictures
// without the rest of the suite:
//   node tests/browser/screenshots.mjs [--engines=chromium,firefox,webkit]
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openssl } from './harness.mjs';

/** A self-signed certificate in a .p12 (password secret12) for the checker's report view. */
export function prepareViewFixtures(dir) {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '200', '-subj', '/CN=Taro Yamada/emailAddress=taro@yamada-law.example.jp', '-addext', 'extendedKeyUsage=emailProtection,clientAuth']);
  openssl(['pkcs12', '-export', '-in', join(dir, 'c.pem'), '-inkey', join(dir, 'k.pem'), '-passout', 'pass:secret12', '-out', join(dir, 'f.p12')]);
  return { p12: join(dir, 'f.p12'), password: 'secret12' };
}

export const VIEWS = {
  home: { ready: '.flows' },
  advisor: { ready: '#adv-questions fieldset' },
  'advisor-results': {
    route: 'advisor', ready: '#adv-questions fieldset',
    async fill(page) {
      await page.click('input[name="adv-profession"][value="lawyer"]');
      await page.click('input[name="adv-purposes"][value="smime_sign"]');
      await page.click('input[name="adv-os"][value="mac"]');
      await page.click('#adv-submit');
      await page.waitFor('#adv-results article.product');
    },
  },
  apply: { ready: '#ap-product option[value="jcan-mcci"]' },
  receive: { ready: '#rc-fetch' },
  check: {
    ready: '#ck-drop',
    async fill(page, fixtures) {
      await page.dropFile('#ck-drop', fixtures.p12, 'application/x-pkcs12');
      await page.waitFor('#ck-pw-form');
      await page.fill('#ck-pw', fixtures.password);
      await page.click('#ck-open');
      await page.waitFor('#ck-report article.cert', { timeout: 60_000 });
    },
  },
  plan: {
    ready: '#pl-product option',
    async fill(page) {
      await page.select('#pl-product', 'jcan-mcci');
      await page.fill('#pl-downloaded', '2026-11-22');
      await page.click('#pl-go');
      await page.waitFor('#pl-result .plan');
    },
  },
  tools: { ready: '#wb-generate' },
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const engines = process.argv.find((a) => a.startsWith('--engines='))?.slice(10) ?? 'chromium,firefox,webkit';
  // The suite's screenshot test is the one place that takes them: run only it.
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, ['--test', '--test-name-pattern=screenshots', join(import.meta.dirname, 'engines.test.mjs')],
    { stdio: 'inherit', env: { ...process.env, INKAN_ENGINES: engines } });
  process.exit(r.status ?? 1);
}
