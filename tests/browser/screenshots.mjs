// Saves a PNG of each view in Japanese and English, at 1280 and 390 px wide, into
// docs/screenshots/ (view-lang-width.png). Views with results are filled in first.
//   node tests/browser/screenshots.mjs [--only=advisor,plan]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, serve, launchChromium, tmp, openssl } from './harness.mjs';

const out = join(ROOT, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');

const dir = tmp();
openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '200', '-subj', '/CN=Taro Yamada/emailAddress=taro@yamada-law.example.jp', '-addext', 'extendedKeyUsage=emailProtection,clientAuth']);
openssl(['pkcs12', '-export', '-in', join(dir, 'c.pem'), '-inkey', join(dir, 'k.pem'), '-passout', 'pass:secret12', '-out', join(dir, 'f.p12')]);

const VIEWS = {
  home: { ready: '.flows' },
  advisor: { ready: '#adv-questions fieldset' },
  'advisor-results': {
    route: 'advisor', ready: '#adv-questions fieldset',
    async fill(page) {
      await page.check('input[name="adv-profession"][value="lawyer"]');
      await page.check('input[name="adv-purposes"][value="smime_sign"]');
      await page.check('input[name="adv-os"][value="mac"]');
      await page.click('#adv-submit');
      await page.locator('#adv-results article.product').first().waitFor();
    },
  },
  apply: { ready: '#ap-product option[value="jcan-mcci"]' },
  receive: { ready: '#rc-fetch' },
  check: {
    ready: '#ck-drop',
    async fill(page) {
      await page.setInputFiles('#ck-file', join(dir, 'f.p12'));
      await page.locator('#ck-pw-form').waitFor({ state: 'visible' });
      await page.fill('#ck-pw', 'secret12');
      await page.click('#ck-open');
      await page.locator('#ck-report article.cert').waitFor();
    },
  },
  plan: {
    ready: '#pl-product option',
    async fill(page) {
      await page.selectOption('#pl-product', 'jcan-mcci');
      await page.fill('#pl-downloaded', '2026-11-22');
      await page.click('#pl-go');
      await page.locator('#pl-result .plan').waitFor();
    },
  },
  tools: { ready: '#wb-generate' },
};

const server = await serve();
const context = await launchChromium();
try {
  for (const lang of ['ja', 'en']) {
    for (const width of [1280, 390]) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 900 });
      await page.goto(server.url);
      await page.click(`button[data-lang="${lang}"]`);
      for (const [name, view] of Object.entries(VIEWS)) {
        if (only && !only.includes(name)) continue;
        const route = view.route ?? name;
        await page.evaluate(() => { for (const k of Object.keys(localStorage)) if (k.startsWith('inkan.draft.')) localStorage.removeItem(k); });
        await page.goto(`${server.url}#/${route === 'home' ? '' : route}`);
        await page.reload();
        await page.locator(view.ready).first().waitFor({ state: 'attached' });
        if (view.fill) await view.fill(page);
        await page.evaluate(() => document.activeElement?.blur());
        await page.evaluate(() => window.scrollTo(0, 0));
        const file = join(out, `${name}-${lang}-${width}.png`);
        writeFileSync(file, await page.screenshot({ fullPage: true }));
        console.log(file);
      }
      await page.close();
    }
  }
} finally {
  await context.close();
  server.stop();
}
