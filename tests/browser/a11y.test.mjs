// Accessibility: axe-core finds 0 violations on every view, in Japanese and in English, both
// as first shown and with results on screen; the apply form can be completed by keyboard only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { serve, launchChromium, tmp, openssl } from './harness.mjs';

let server, context;
before(async () => { server = await serve(); context = await launchChromium(); });
after(async () => { await context?.close(); server?.stop(); });

async function axe(page, label) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const summary = results.violations.map((v) => `${label}: ${v.id} (${v.impact}) ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`);
  return summary;
}

// What each view shows once it has loaded something (so axe sees real content, not a spinner).
const READY = {
  home: '.flows',
  advisor: '#adv-questions fieldset',
  apply: '#ap-product option[value="jcan-mcci"]',
  receive: '#rc-fetch',
  check: '#ck-drop',
  plan: '#pl-product option',
  tools: '#wb-generate',
};

for (const lang of ['ja', 'en']) {
  test(`axe: 0 violations on every view (${lang})`, async () => {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole('button', { name: lang === 'ja' ? '日本語' : 'English' }).click();
    const problems = [];
    for (const [route, ready] of Object.entries(READY)) {
      await page.goto(`${server.url}#/${route === 'home' ? '' : route}`);
      await page.locator(ready).first().waitFor({ state: 'attached' });
      problems.push(...await axe(page, `${lang} #/${route}`));
    }
    // With results on screen.
    await page.goto(`${server.url}#/advisor`);
    await page.check('input[name="adv-profession"][value="lawyer"]');
    await page.check('input[name="adv-os"][value="mac"]');
    await page.click('#adv-submit');
    await page.locator('#adv-results article.product').first().waitFor();
    problems.push(...await axe(page, `${lang} advisor results`));
    await page.goto(`${server.url}#/plan`);
    await page.click('#pl-go');
    await page.locator('#pl-result .plan').waitFor();
    problems.push(...await axe(page, `${lang} planner result`));
    const dir = tmp();
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '10', '-subj', '/CN=A11y Test']);
    openssl(['pkcs12', '-export', '-in', join(dir, 'c.pem'), '-inkey', join(dir, 'k.pem'), '-passout', 'pass:secret12', '-out', join(dir, 'f.p12')]);
    await page.goto(`${server.url}#/check`);
    await page.setInputFiles('#ck-file', join(dir, 'f.p12'));
    await page.locator('#ck-pw-form').waitFor({ state: 'visible' });
    problems.push(...await axe(page, `${lang} check: password asked`));
    await page.fill('#ck-pw', 'secret12');
    await page.click('#ck-open');
    await page.locator('#ck-report article.cert').waitFor();
    problems.push(...await axe(page, `${lang} check report`));
    await page.close();
    assert.deepEqual(problems, [], problems.join('\n'));
  });
}

test('keyboard only: the apply form is filled and the key made without a mouse', async () => {
  const page = await context.newPage();
  page.on('dialog', (d) => d.accept());
  await page.goto(`${server.url}#/apply`);
  await page.getByRole('button', { name: 'English' }).click();
  await page.evaluate(() => { for (const k of Object.keys(localStorage)) if (k.startsWith('inkan.draft.')) localStorage.removeItem(k); });
  await page.reload();
  await page.locator('#ap-product option[value="jcan-mcci"]').waitFor({ state: 'attached' });
  await page.focus('#ap-product');
  // The first product sells 1 or 2 years: its term select comes next (ArrowDown picks 2 years).
  assert.equal(await page.locator('#ap-term-field').isVisible(), true);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ap-term');
  const typeNext = async (text) => { await page.keyboard.press('Tab'); await page.keyboard.type(text); };
  await typeNext('山田 太郎');
  await typeNext('Taro Yamada');
  await typeNext('taro@example.jp');
  await typeNext('Yamada Law');
  await page.keyboard.press('Tab'); // key type radio group (RSA selected)
  await page.keyboard.press('ArrowDown'); // → P-256: arrow keys move within the group
  await typeNext('keyboard-pin');
  await typeNext('keyboard-pin');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ap-pin2');
  await page.keyboard.press('Enter'); // submits the form
  await page.locator('#ap-key').waitFor({ state: 'visible', timeout: 60_000 });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ap-key-title', 'focus moves to the next step');
  assert.equal(await page.isChecked('#ap-alg-p256'), true);
  await page.close();
});
