// Shared browser-test plumbing: start a static server or the real worker, launch Debian's
// Chromium through playwright-core, record every request, check that none carries a secret,
// and sign CSRs with OpenSSL.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const SITE_DIR = process.env.INKAN_SITE_DIR ?? join(ROOT, 'www');

/** Serves DIR (default www/) on a free port; resolves to { url, stop }. */
export async function serve(dir = SITE_DIR, { cors = false, csp, port = 0 } = {}) {
  if (process.env.INKAN_BASE_URL && dir === SITE_DIR && !cors && !csp) return { url: process.env.INKAN_BASE_URL, stop() {} };
  const extra = [...(cors ? ['--cors'] : []), ...(csp ? [`--csp=${csp}`] : [])];
  const child = spawn(process.execPath, [join(ROOT, 'tests/browser/static-server.mjs'), dir, String(port), ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => { const m = /http:\/\/[^\s]+/.exec(String(d)); if (m) resolve(m[0]); });
    child.on('exit', (c) => reject(new Error(`static server exited ${c}`)));
  });
  return { url, stop: () => child.kill() };
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchChromium(options = {}) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'inkan-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    acceptDownloads: true,
    ...options,
  });
  return context;
}

/** Records every request's URL and body on a Playwright page or context. */
export function recordRequests(target) {
  const log = [];
  target.on('request', (req) => log.push({ url: req.url(), method: req.method(), body: req.postDataBuffer() ?? Buffer.alloc(0) }));
  return log;
}

/** The kernel's ephemeral range: ports it hands to every `listen(0)` (the worker, the static
 * servers without a fixed port, the browsers' own sockets). */
const EPHEMERAL = (() => {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low > 0 && high >= low) return { low, high };
  } catch { /* not Linux: the IANA default below */ }
  return { low: 49152, high: 65535 };
})();
const handedOut = new Set();

/** A port for a server that must be known before it starts (an origin other servers are told).
 * It is taken from below the ephemeral range, so no `listen(0)` in between can take it (two full
 * runs lost the widget suite's `before` to EADDRINUSE when ports came from `listen(0)` and the
 * worker, started next on port 0, was handed the same one), and never twice in one process. */
export async function freePort() {
  const low = Math.max(1024, EPHEMERAL.low - 12000), high = EPHEMERAL.low - 1;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (handedOut.has(port)) continue;
    const free = await new Promise((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) { handedOut.add(port); return port; }
  }
  throw new Error(`no free port between ${low} and ${high}`);
}

/** Opens `server`'s site in `page` until its service worker controls the page, then stops
 * the server, takes the browser offline and reloads: the site as its user has it offline. */
export async function reloadOffline(page, server) {
  await page.goto(server.url);
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  server.stop();
  await page.context().setOffline(true);
  await page.reload();
  await page.locator('#offline').waitFor({ state: 'visible' });
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
export function testCa(dir, { rsa = false } = {}) {
  const newkey = rsa ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  openssl(['req', '-x509', ...newkey, '-nodes', '-keyout', join(dir, 'ca.key'),
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
    /** An RSA-2048 leaf for `subject` (UTF-8): writes `leaf.key` and `chain.pem` (leaf + CA) in `dir`. */
    signedLeaf(subject) {
      openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'leaf.key'), '-utf8',
        '-subj', subject, '-out', join(dir, 'leaf.csr')]);
      writeFileSync(join(dir, 'chain.pem'), this.sign(readFileSync(join(dir, 'leaf.csr'), 'utf8')) + caPem);
      return { key: join(dir, 'leaf.key'), chain: join(dir, 'chain.pem') };
    },
  };
}

// ---------------------------------------------------------------------------------------
// The real worker (inkan-worker). Tests that need it FAIL when it is missing: a skipped
// end-to-end test would hide that the promise is no longer checked.

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export function workerBinary() {
  const candidates = [process.env.INKAN_WORKER_BIN,
    join(homedir(), '.cache/inkan/target/release/inkan-worker'),
    join(homedir(), '.cache/inkan/target/debug/inkan-worker')].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(`inkan-worker binary not found (looked at: ${candidates.join(', ')}). Build it with ` +
      '`cargo build --release -p inkan-worker` or set INKAN_WORKER_BIN.');
  }
  return found;
}

/** Starts inkan-worker on a free port serving `siteDir`; resolves to { url, stop, log }.
 * `embedOrigins`: the pages that may frame the widget (INKAN_EMBED_ORIGINS); `env`: extra
 * environment (e.g. INKAN_TEST_CAPTURE_BODIES). */
export async function startWorker({ siteDir = SITE_DIR, corsOrigins = [], embedOrigins = [], port = 0, env: extraEnv = {} } = {}) {
  const bin = workerBinary();
  const data = tmp('inkan-worker-data-');
  const env = {
    ...process.env,
    INKAN_LISTEN: `127.0.0.1:${port}`, INKAN_SITE_DIR: siteDir, INKAN_DATA_DIR: data,
    INKAN_ADMIN_TOKEN: ADMIN_TOKEN, INKAN_ISSUER: 'local', INKAN_TEST_MODE: '1', INKAN_LOG_FORMAT: 'text',
    INKAN_CORS_ORIGINS: corsOrigins.join(','), INKAN_EMBED_ORIGINS: embedOrigins.join(','),
    ...extraEnv,
  };
  const child = spawn(bin, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`inkan-worker did not start in 30 s:\n${log}`)), 30_000);
    child.stdout.on('data', (d) => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(String(d));
      if (m) { clearTimeout(timer); resolve(m[1].replace(/\/?$/, '/')); }
    });
    child.on('exit', (c) => { clearTimeout(timer); reject(new Error(`inkan-worker exited ${c}:\n${log}`)); });
  });
  return { url, stop: () => child.kill(), log: () => log, dataDir: data };
}

/**
 * Starts the Workers build under `wrangler dev` (worker/build-workers.sh first, as the worker
 * stage does), serving `siteDir` as its static assets and the API on D1 (local, in a temporary
 * folder); resolves to { url, stop, log, dataDir: null } like startWorker. The confirmation
 * mail then waits in D1's outbox, read through the test mode's admin route (see mailedCode).
 */
export async function startWrangler({ siteDir = SITE_DIR, embedOrigins = [], corsOrigins = [] } = {}) {
  const workerDir = join(ROOT, 'worker');
  const built = spawnSync('bash', [join(workerDir, 'build-workers.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) throw new Error('worker/build-workers.sh failed');
  const port = await freePort();
  const vars = { INKAN_ADMIN_TOKEN: ADMIN_TOKEN, INKAN_ISSUER: 'local', INKAN_TEST_MODE: '1',
    INKAN_EMBED_ORIGINS: embedOrigins.join(','), INKAN_CORS_ORIGINS: corsOrigins.join(',') };
  const args = ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', tmp('inkan-wrangler-'),
    '--inspector-port', String(await freePort()), '--show-interactive-dev-session=false', '--assets', siteDir,
    ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`])];
  // Its own process group: npx starts node, which starts workerd; stop() ends the whole group.
  const child = spawn('npx', args, { cwd: workerDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1', NO_D1_WARNING: 'true' } });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  // SIGTERM to the group, then SIGKILL to whatever of it is left (workerd outlived npx once).
  const stop = async () => {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
    if (child.exitCode === null) await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 10_000))]);
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* all gone */ }
  };
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ok = await fetch(new URL('/api/health', url)).then((r) => r.ok, () => false);
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) { await stop(); throw new Error(`wrangler dev did not start:\n${log.slice(-4000)}`); }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, stop, log: () => log, dataDir: null };
}

/** Decodes a MIME body part (base64, quoted-printable or plain) to text. */
function decodeBody(headers, body) {
  const cte = /^content-transfer-encoding:\s*(\S+)/im.exec(headers)?.[1]?.toLowerCase() ?? '7bit';
  if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (cte === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/**
 * The confirmation code the worker mailed for application `id`: the newest `.eml` file in the
 * worker's outbox folder (no SMTP server configured), the body line that is only a code.
 */
export async function mailedCode(worker, id, email = 'taro@yamada-law.example.jp') {
  if (!worker.dataDir) return outboxCode(worker, id, email);
  const dir = join(worker.dataDir, 'outbox');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith(`${id}.mailbox_code.`) && f.endsWith('.eml')) : [];
    if (files.length) {
      files.sort((a, b) => Number(a.split('.').at(-2)) - Number(b.split('.').at(-2)));
      const raw = readFileSync(join(dir, files.at(-1)), 'utf8');
      const split = raw.search(/\r?\n\r?\n/);
      const text = decodeBody(raw.slice(0, split), raw.slice(split).trim());
      const codes = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => /^[A-Z0-9-]{6,10}$/.test(l));
      if (codes.length !== 1) throw new Error(`expected one code line in the mail for ${id}:\n${text}`);
      return codes[0];
    }
    if (Date.now() > deadline) throw new Error(`no confirmation mail for ${id} in ${dir}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The code from the Workers build's outbox table (test mode's GET /api/admin/outbox). */
async function outboxCode(worker, id, email) {
  const res = await fetch(new URL(`/api/admin/outbox?to=${encodeURIComponent(email)}`, worker.url), { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (!res.ok) throw new Error(`outbox: ${res.status} ${await res.text()}`);
  const mail = (await res.json()).mail.find((m) => m.key.startsWith(`${id}:mailbox_code:`));
  if (!mail) throw new Error(`no confirmation mail for ${id} in the outbox`);
  const codes = mail.text.split(/\r?\n/).map((l) => l.trim()).filter((l) => /^[A-Z0-9-]{6,10}$/.test(l));
  if (codes.length !== 1) throw new Error(`expected one code line in the mail for ${id}:\n${mail.text}`);
  return codes[0];
}

/** The admin approves an application (the local issuer signs at once). */
export async function approve(workerUrl, id) {
  const res = await fetch(new URL(`/api/admin/applications/${id}/approve`, workerUrl), {
    method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  if (!res.ok) throw new Error(`approve ${id}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * The promise, checked: no recorded request (URL or body) holds the private key — its PKCS#8
 * DER, as raw bytes, base64 (3 alignments), base64url or hex, in any 16-byte window that is
 * secret — nor any PIN. "Secret" excludes bytes the public key also has: an RSA PKCS#8
 * contains the modulus and an EC one the public point, and the CSR rightly carries those.
 */
export function assertNoSecrets(requests, { keyDer, spkiDer, pins = [] }) {
  const isPublic = new Uint8Array(keyDer.length);
  for (let i = 0; i + 16 <= keyDer.length; i++) {
    if (spkiDer.includes(keyDer.subarray(i, i + 16))) isPublic.fill(1, i, i + 16);
  }
  const windows = [];
  for (let i = 0; i + 16 <= keyDer.length; i++) {
    if (!isPublic.subarray(i, i + 16).some(Boolean)) windows.push(keyDer.subarray(i, i + 16));
  }
  if (windows.length < 16) throw new Error('too few secret windows: is keyDer the private key?');
  const encodings = (w) => {
    const out = [w.toString('hex'), w.toString('hex').toUpperCase()];
    // base64 of a window depends on its alignment; drop the edge characters that mix with neighbours.
    for (let a = 0; a < 3; a++) {
      const b64 = Buffer.concat([Buffer.alloc(a), w]).toString('base64');
      const inner = b64.slice(Math.ceil((a * 8) / 6) + 1, -3);
      out.push(inner, inner.replace(/\+/g, '-').replace(/\//g, '_'));
    }
    return out;
  };
  const needles = windows.filter((_, i) => i % 4 === 0).flatMap(encodings).filter((n) => n.length >= 12);
  const keyB64 = keyDer.toString('base64');
  const failures = [];
  for (const r of requests) {
    const text = `${decodeURIComponent(r.url)}\n${r.body.toString('latin1')}\n${r.body.toString('utf8')}`;
    const flat = text.replace(/\\n|\s/g, ''); // PEM line breaks, raw or JSON-escaped
    for (const pin of pins) if (pin && (text.includes(pin) || text.includes(encodeURIComponent(pin)) || text.includes(JSON.stringify(pin).slice(1, -1)))) failures.push(`${r.method} ${r.url} carries a PIN`);
    if (flat.includes(keyB64.slice(0, 64)) || flat.includes(keyB64.slice(-64))) failures.push(`${r.method} ${r.url} carries the key PEM/base64`);
    for (const w of windows) if (r.body.includes(w)) { failures.push(`${r.method} ${r.url} carries raw key bytes`); break; }
    for (const n of needles) if (flat.includes(n)) { failures.push(`${r.method} ${r.url} carries an encoded key window (${n.slice(0, 12)}…)`); break; }
  }
  if (failures.length) throw new Error(`secrets on the wire:\n${[...new Set(failures)].join('\n')}`);
  return { requests: requests.length, windows: windows.length, needles: needles.length };
}

/** The private key (PKCS#8 DER) and public key (SPKI DER) in a .p12, via OpenSSL. */
export function keyFromP12(p12Path, pin, dir = tmp()) {
  const pinFile = join(dir, 'pin.txt');
  writeFileSync(pinFile, pin);
  const pem = openssl(['pkcs12', '-in', p12Path, '-passin', `file:${pinFile}`, '-nodes']);
  writeFileSync(join(dir, 'all.pem'), pem);
  const keyDer = openssl(['pkey', '-in', join(dir, 'all.pem'), '-outform', 'DER'], { encoding: 'buffer' });
  const spkiDer = openssl(['pkey', '-in', join(dir, 'all.pem'), '-pubout', '-outform', 'DER'], { encoding: 'buffer' });
  const leaf = openssl(['x509', '-in', join(dir, 'all.pem'), '-noout', '-subject', '-nameopt', 'utf8']);
  return { keyDer, spkiDer, pem, leaf, info: opensslAll(['pkcs12', '-in', p12Path, '-passin', `file:${pinFile}`, '-info', '-noout']) };
}
