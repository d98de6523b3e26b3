// PWA: the precache list matches the site's files; the manifest and icons exist; after the
// first visit, with the server gone and the browser offline, the page loads, says it is
// offline, and the advisor, planner, file check and key making still work — submitting says
// it needs the internet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SITE_DIR, serve, launchChromium, reloadOffline, tmp, openssl } from './harness.mjs';
import { precacheFiles, listedInSw } from './precache.mjs';
import { applyUntilKey } from './flows.mjs';

test('sw.js precaches exactly the site files (www/ and, when built, dist/www)', () => {
  for (const dir of [join(ROOT, 'www'), join(ROOT, 'dist/www')]) {
    if (!existsSync(join(dir, 'sw.js'))) continue;
    const listed = listedInSw(join(dir, 'sw.js'));
    const actual = precacheFiles(dir);
    assert.deepEqual(listed, actual, `${dir}/sw.js precache list is stale: run \`node tests/browser/precache.mjs\` (then scripts/build-site.sh)`);
    assert.ok(listed.includes('pkg/inkan_bg.wasm') && listed.includes('index.html'));
  }
});

test('manifest: name, start_url, icons that exist', () => {
  const manifest = JSON.parse(readFileSync(join(SITE_DIR, 'manifest.webmanifest'), 'utf8'));
  assert.equal(manifest.display, 'standalone');
  for (const icon of manifest.icons) assert.ok(statSync(join(SITE_DIR, icon.src)).size > 100, icon.src);
  assert.ok(manifest.icons.some((i) => i.sizes === '512x512' && i.purpose === 'maskable'));
});

test('offline after the first visit: every flow but submit/receive works, and the page says so', async () => {
  const server = await serve(SITE_DIR);
  const context = await launchChromium();
  const dir = tmp();
  try {
    const page = await context.newPage();
    page.on('dialog', (d) => d.accept());
    await reloadOffline(page, server);

    await page.goto(`${server.url}#/plan`);
    await page.selectOption('#pl-product', 'jcan-123sign');
    await page.fill('#pl-downloaded', '2026-03-31');
    await page.click('#pl-go');
    await page.locator('#pl-result .plan[data-expires]').waitFor();
    assert.equal(await page.getAttribute('#pl-result .plan', 'data-expires'), '2027-06-30');

    await page.click('a[data-route="advisor"]');
    await page.check('input[name="adv-profession"][value="architect"]');
    await page.click('#adv-submit');
    await page.locator('#adv-results article.product').first().waitFor();

    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '10', '-subj', '/CN=Offline Test']);
    await page.click('a[data-route="check"]');
    await page.setInputFiles('#ck-file', join(dir, 'c.pem'));
    await page.locator('#ck-report article.cert').waitFor();
    assert.match(await page.textContent('#ck-report'), /Offline Test/);

    await page.click('a[data-route="apply"]');
    await applyUntilKey(page, { pin: 'offline-pin', algorithm: 'p256' });
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#ap-backup')]);
    await dl.saveAs(join(dir, 'b.pem'));
    await page.click('#ap-send');
    const err = page.locator('inkan-apply [data-error]');
    await err.waitFor({ state: 'visible' });
    assert.equal(await err.getAttribute('data-code'), 'offline');
    await page.close();
  } finally {
    await context.close();
    server.stop();
  }
});
