// The workbench smoke in WebKit (Safari's engine, WebKitGTK MiniBrowser) via selenium-webdriver
// and WebKitWebDriver under xvfb-run (TOOLCHAIN.md): key → CSR → OpenSSL-signed certificate →
// .p12 built in WebKit → opened by OpenSSL with the key whose public half is in the CSR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Builder, By, until } from 'selenium-webdriver';
import { serve, tmp, testCa, openssl, freePort } from './harness.mjs';

let server, driverProc, driver, downloads;
before(async () => {
  server = await serve();
  const home = tmp('inkan-webkit-home-');
  downloads = join(home, 'Downloads');
  mkdirSync(downloads);
  mkdirSync(join(home, '.config'));
  writeFileSync(join(home, '.config', 'user-dirs.dirs'), `XDG_DOWNLOAD_DIR="${downloads}"\n`);
  const port = await freePort();
  driverProc = spawn('xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24', 'WebKitWebDriver', `--port=${port}`], {
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), TMPDIR: home }, stdio: 'ignore', detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${url}/status`)).ok) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  driver = await new Builder().usingServer(url).withCapabilities({
    browserName: 'MiniBrowser',
    'webkitgtk:browserOptions': { binary: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', args: ['--automation'] },
  }).build();
});
after(async () => {
  await driver?.quit().catch(() => {});
  if (driverProc) { try { process.kill(-driverProc.pid); } catch { /* gone */ } }
  server?.stop();
});

test('WebKit: workbench p256 key → CSR → OpenSSL-signed cert → .p12 opened by OpenSSL', async () => {
  const dir = tmp();
  const ca = testCa(dir);
  const pin = 'webkit-pin-2026';
  await driver.get(`${server.url}#/tools`);
  await driver.wait(until.elementLocated(By.css('#wb-generate')), 30_000);
  await driver.findElement(By.css('button[data-lang="en"]')).click();
  await driver.findElement(By.css('#wb-alg option[value="p256"]')).click();
  await driver.findElement(By.css('#wb-generate')).click();
  await driver.wait(until.elementLocated(By.css('inkan-workbench[data-key-ready="true"]')), 60_000);
  await driver.findElement(By.css('#wb-cn')).sendKeys('Hanako Suzuki');
  await driver.findElement(By.css('#wb-email')).sendKeys('hanako@suzuki-cpa.example.jp');
  await driver.findElement(By.css('#wb-csr-btn')).click();
  await driver.wait(async () => (await driver.findElement(By.css('#wb-csr')).getAttribute('value')).includes('END CERTIFICATE REQUEST'), 30_000);
  const csrPem = await driver.findElement(By.css('#wb-csr')).getAttribute('value');
  const leaf = ca.sign(csrPem);
  // sendKeys of a long PEM is slow and flaky; set the value like a paste would.
  await driver.executeScript('const t = document.querySelector("#wb-cert"); t.value = arguments[0]; t.dispatchEvent(new Event("input"));', leaf + ca.caPem);
  await driver.findElement(By.css('#wb-pin')).sendKeys(pin);
  await driver.findElement(By.css('#wb-profile option[value="legacy"]')).click();
  await driver.findElement(By.css('#wb-build')).click();
  await driver.wait(async () => /saved|保存/.test(await driver.findElement(By.css('#wb-p12-status')).getText()), 60_000);
  let p12;
  for (let i = 0; i < 100 && !p12; i++) {
    p12 = readdirSync(downloads).find((n) => n.endsWith('.p12'));
    if (!p12) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(p12, `the .p12 was downloaded to ${downloads}`);
  writeFileSync(join(dir, 'pin'), pin);
  writeFileSync(join(dir, 'page.csr'), csrPem);
  const pem = openssl(['pkcs12', '-in', join(downloads, p12), '-passin', `file:${join(dir, 'pin')}`, '-nodes']);
  writeFileSync(join(dir, 'all.pem'), pem);
  assert.equal(openssl(['pkey', '-in', join(dir, 'all.pem'), '-pubout']), openssl(['req', '-in', join(dir, 'page.csr'), '-noout', '-pubkey']));
});
