// Shared browser-test plumbing: start a server, launch Debian's Chromium through
// playwright-core, record every request, and sign CSRs with OpenSSL.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Serves DIR (default www/) on a free port; resolves to { url, stop }. */
export async function serve(dir = process.env.INKAN_SITE_DIR ?? join(ROOT, 'www')) {
  if (process.env.INKAN_BASE_URL) return { url: process.env.INKAN_BASE_URL, stop() {} };
  const child = spawn(process.execPath, [join(ROOT, 'tests/browser/static-server.mjs'), dir, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => { const m = /http:\/\/[^\s]+/.exec(String(d)); if (m) resolve(m[0]); });
    child.on('exit', (c) => reject(new Error(`static server exited ${c}`)));
  });
  return { url, stop: () => child.kill() };
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchChromium() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'inkan-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    acceptDownloads: true,
  });
  return context;
}

/** Records every request's URL and body on a Playwright page or context. */
export function recordRequests(target) {
  const log = [];
  target.on('request', (req) => log.push({ url: req.url(), method: req.method(), body: req.postDataBuffer() ?? Buffer.alloc(0) }));
  return log;
}

export function tmp(prefix = 'inkan-test-') { return mkdtempSync(join(tmpdir(), prefix)); }

export function openssl(args, opts = {}) {
  return execFileSync('openssl', args, { encoding: opts.encoding ?? 'utf8', input: opts.input, env: { ...process.env, LC_ALL: 'C.UTF-8' } });
}

/** Runs openssl and returns stdout + stderr (some subcommands report on stderr). */
export function opensslAll(args) {
  const r = spawnSync('openssl', args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout + r.stderr;
}

/** A throwaway CA in `dir`; returns { sign(csrPem) -> leafPem, caPem }. */
export function testCa(dir) {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'ca.key'),
    '-out', join(dir, 'ca.pem'), '-days', '30', '-subj', '/C=JP/O=Inkan Test/CN=Inkan Test CA', '-utf8']);
  const caPem = readFileSync(join(dir, 'ca.pem'), 'utf8');
  let n = 0;
  return {
    caPem,
    sign(csrPem) {
      const csr = join(dir, `req${++n}.csr`);
      writeFileSync(csr, csrPem);
      openssl(['req', '-verify', '-noout', '-in', csr]);
      openssl(['x509', '-req', '-in', csr, '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'), '-days', '30',
        '-copy_extensions', 'copyall', '-out', join(dir, `leaf${n}.pem`)]);
      return readFileSync(join(dir, `leaf${n}.pem`), 'utf8');
    },
  };
}
