// Inkan's benchmark harness: one run, one machine, Inkan side by side with its anchors
// (WebCrypto in the same Chromium page, node-forge in pure-JS mode, native OpenSSL 3, NSS).
// Prints a markdown table and writes BENCHMARKS.md. No test asserts a time; this is the
// only place speed and size are judged.
//
//   node bench/run.mjs [--quick]      (--quick: fewer runs, for trying the harness itself)
import { spawnSync, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync, existsSync, statSync, readdirSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants as zc } from 'node:zlib';
import { cpus, totalmem, tmpdir, release } from 'node:os';
import { join } from 'node:path';
import { ROOT, serve, launchChromium, testCa, tmp, startWorker } from '../tests/browser/harness.mjs';
import { profileWasm, profileTables } from './wasm-profile.mjs';

const quick = process.argv.includes('--quick');
const RUNS = { rsa: quick ? 5 : 30, other: quick ? 3 : 10, slow: quick ? 2 : 10 };
const rows = [];
const notes = [];

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const min = (xs) => Math.min(...xs);
const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
function row(operation, inkan, anchor, anchorTimes, unit = 'ms') {
  rows.push({ operation, inkan, anchor, anchorTimes, unit });
}
function log(...a) { console.error('[bench]', ...a); }

function timeNative(cmd, args, runs, opts = {}) {
  const out = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
    out.push(ms);
  }
  return out;
}

// ---- assemble the bench site -----------------------------------------------------------
const site = tmp('inkan-bench-site-');
cpSync(join(ROOT, 'bench'), site, { recursive: true });
cpSync(join(ROOT, 'www/pkg'), join(site, 'pkg'), { recursive: true });
cpSync(join(ROOT, 'node_modules/node-forge/dist/forge.min.js'), join(site, 'forge.min.js'));
const work = tmp('inkan-bench-');
// An RSA CA: node-forge cannot read EC certificates.
const ca = testCa(work, { rsa: true });
execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(work, 'leaf.key'), '-subj', '/CN=Bench/emailAddress=bench@example.jp', '-out', join(work, 'leaf.csr')], { stdio: 'ignore' });
const leafPem = ca.sign(readFileSync(join(work, 'leaf.csr'), 'utf8'));
writeFileSync(join(work, 'leaf.pem'), leafPem);
writeFileSync(join(work, 'chain.pem'), leafPem + ca.caPem);
const keyPem = readFileSync(join(work, 'leaf.key'), 'utf8');
writeFileSync(join(work, 'pw'), 'bench-pin-1234');

const server = await serve(site);
const context = await launchChromium();
const page = await context.newPage();
page.on('console', (m) => log('page:', m.text()));
page.on('pageerror', (e) => log('page error:', e.message));
await page.goto(server.url + 'index.html');
await page.waitForFunction(() => window.benchReady === true);
const B = (expr, arg) => page.evaluate(expr, arg);
const chromiumVersion = context.browser()?.version() ?? execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim();

// ---- RSA keygen ---------------------------------------------------------------------------
// Inkan (the site's path: WebCrypto generates, the key is imported into the wasm) and WebCrypto
// alone are interleaved run by run, so that background load hits both alike; RSA keygen times
// spread widely (prime search), hence more runs than the other rows.
/** A 95 % bootstrap interval of median(a) / median(b) (2,000 resamples, fixed seed). */
function ratioInterval(a, b) {
  let seed = 12345;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const resample = (xs) => xs.map(() => xs[Math.floor(rand() * xs.length)]);
  const ratios = [];
  for (let i = 0; i < 2000; i++) ratios.push(median(resample(a)) / median(resample(b)));
  ratios.sort((x, y) => x - y);
  return [ratios[49], ratios[1949]];
}
let keygenInterval = [NaN, NaN];
for (const bits of [2048, 3072]) {
  log(`RSA-${bits} keygen`);
  const inkan = [];
  const wc = [];
  // RSA-2048 is the judged row: prime search makes keygen times heavy-tailed (20 ms to 300 ms),
  // so it gets 200 runs a side and a bootstrap interval on the ratio of medians.
  const runs = bits === 2048 ? Math.round(RUNS.rsa * 20 / 3) : RUNS.rsa;
  for (let i = 0; i < runs; i++) {
    inkan.push(...await B(([b]) => window.bench.inkan('keygen', { algorithm: `rsa${b}`, runs: 1, mode: 'site' }), [bits]));
    wc.push(...await B(([b]) => window.bench.inkan('webcryptoRsa', { bits: b, runs: 1 }), [bits]));
  }
  const wasmOnly = await B(([b, n]) => window.bench.inkan('keygen', { algorithm: `rsa${b}`, runs: n, mode: 'wasm' }), [bits, bits === 2048 ? RUNS.rsa : Math.max(3, Math.round(RUNS.rsa / 3))]);
  const forgeRuns = bits === 2048 ? RUNS.rsa : Math.max(3, Math.round(RUNS.rsa / 3));
  const forge = await B(([b, n]) => window.bench.forge('keygen', { bits: b, runs: n }), [bits, forgeRuns]);
  const ossl = timeNative('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-out', join(work, 'k.pem')], RUNS.rsa);
  row(`RSA-${bits} keygen`, inkan, `WebCrypto generateKey (same Web Worker, interleaved, ${runs} runs each)`, wc);
  if (bits === 2048) keygenInterval = ratioInterval(inkan, wc);
  row(`RSA-${bits} keygen`, inkan, `node-forge pure JS (${forgeRuns} runs)`, forge);
  row(`RSA-${bits} keygen`, inkan, 'openssl genpkey (native, incl. process start)', ossl);
  row(`RSA-${bits} keygen, wasm only (the inkan_rsa_keygen fallback)`, wasmOnly, 'WebCrypto generateKey (same Web Worker)', wc);
  // What the site's path adds to WebCrypto's own time: the floor under the keygen ratio.
  const imported = await B(([b, n]) => window.bench.inkan('rsaImport', { bits: b, runs: n }), [bits, RUNS.other]);
  row(`RSA-${bits}: the delegation's own cost (exportKey pkcs8, import and checks in wasm)`, imported, 'WebCrypto generateKey (same Web Worker)', wc);
}

// ---- P-256 ------------------------------------------------------------------------------
log('P-256');
{
  const keygen = await B((n) => window.bench.inkan('keygen', { algorithm: 'p256', runs: n, batch: 50 }), RUNS.other);
  const wc = await B((n) => window.bench.webcryptoP256(n, 50), RUNS.other);
  row('P-256 keygen (batches of 50)', keygen, 'WebCrypto generateKey (same page)', wc);
  const csr = await B((n) => window.bench.inkan('csr', { runs: n, batch: 20 }), RUNS.other);
  const ossl = timeNative('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(work, 'e.key'), '-subj', '/CN=x', '-out', join(work, 'e.csr')], RUNS.other);
  row('P-256 keygen + CSR build/sign (batches of 20)', csr, 'openssl req -newkey ec (native, incl. process start)', ossl);
}

// ---- PKCS#12 -----------------------------------------------------------------------------
const p12cases = [
  ['modern', 2048, 'aes256', ['-iter', '2048']],
  ['modern', 600000, 'aes256', ['-iter', '600000']],
  ['legacy', 2048, '3des', ['-iter', '2048', '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']],
];
const files = {};
for (const [profile, iterations, forgeAlg, osslArgs] of p12cases) {
  const label = `${profile} ${iterations.toLocaleString('en')} iter`;
  log(`.p12 ${label}`);
  const runs = iterations > 100000 ? RUNS.slow : RUNS.other;
  const built = await B(([k, c, p, i, n]) => window.bench.inkan('p12build', { keyPem: k, certPem: c, profile: p, iterations: i, runs: n }), [keyPem, leafPem + ca.caPem, profile, iterations, runs]);
  const bytes = Uint8Array.from(Object.values(built.bytes));
  files[`${profile}-${iterations}`] = bytes;
  const forgeBuilt = await B(([k, c, a, i, n]) => window.bench.forge('p12build', { keyPem: k, certPem: c, algorithm: a, iterations: i, runs: n }), [keyPem, leafPem + ca.caPem, forgeAlg, iterations, Math.min(runs, 5)]);
  const osslBuild = timeNative('openssl', ['pkcs12', '-export', '-inkey', join(work, 'leaf.key'), '-in', join(work, 'chain.pem'), '-passout', `file:${join(work, 'pw')}`, '-out', join(work, `o-${profile}-${iterations}.p12`), ...osslArgs], runs);
  row(`.p12 build, ${label}`, built.times, `node-forge (${forgeAlg}, SHA-1 MAC)`, forgeBuilt.times);
  row(`.p12 build, ${label}`, built.times, 'openssl pkcs12 -export (native)', osslBuild);
  const open = await B(([b, n]) => window.bench.inkan('p12open', { bytes: b, password: 'bench-pin-1234', runs: n }), [Array.from(bytes), runs]);
  const forgeOpen = await B(([d, n]) => window.bench.forge('p12open', { der: d, password: 'bench-pin-1234', runs: n }), [forgeBuilt.der, Math.min(runs, 5)]);
  writeFileSync(join(work, `inkan-${profile}-${iterations}.p12`), bytes);
  const osslOpen = timeNative('openssl', ['pkcs12', '-in', join(work, `inkan-${profile}-${iterations}.p12`), '-passin', `file:${join(work, 'pw')}`, '-nodes', '-out', join(work, 'x.pem')], runs);
  row(`.p12 open, ${label}`, open, 'node-forge (its own file)', forgeOpen);
  row(`.p12 open, ${label}`, open, 'openssl pkcs12 -in (native, same file)', osslOpen);
  if (profile === 'modern' && iterations > 100000) {
    // The question the issue asks: does delegating PBES2's PBKDF2 to WebCrypto beat the wasm?
    const wasmBuild = await B(([k, c, p, i, n]) => window.bench.inkan('p12build', { keyPem: k, certPem: c, profile: p, iterations: i, runs: n, mode: 'wasm' }), [keyPem, leafPem + ca.caPem, profile, iterations, runs]);
    const wasmOpen = await B(([b, n]) => window.bench.inkan('p12open', { bytes: b, password: 'bench-pin-1234', runs: n, mode: 'wasm' }), [Array.from(bytes), runs]);
    row(`.p12 build, ${label}: PBKDF2 delegated to WebCrypto vs all in wasm`, built.times, 'Inkan, all in wasm (buildPkcs12Async, setWebCrypto(false))', wasmBuild.times);
    row(`.p12 open, ${label}: PBKDF2 delegated to WebCrypto vs all in wasm`, open, 'Inkan, all in wasm (openPkcs12Async, setWebCrypto(false))', wasmOpen);
    const backup = await B(([k, i, n]) => window.bench.inkan('backup', { keyPem: k, iterations: i, runs: n }), [keyPem, iterations, runs]);
    const backupWasm = await B(([k, i, n]) => window.bench.inkan('backup', { keyPem: k, iterations: i, runs: n, mode: 'wasm' }), [keyPem, iterations, runs]);
    row(`key backup (encrypted PKCS#8, one PBKDF2 ${label}): delegated vs wasm`, backup, 'Inkan, all in wasm (toEncryptedPemAsync, setWebCrypto(false))', backupWasm);
  }
}

// NSS pk12util export (NSS's own default: 600,000 iterations), opened by Inkan and OpenSSL.
log('NSS export');
{
  const db = tmp('inkan-bench-nss-');
  execFileSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
  execFileSync('pk12util', ['-i', join(work, 'inkan-legacy-2048.p12'), '-d', `sql:${db}`, '-W', 'bench-pin-1234'], { stdio: 'ignore' });
  const nick = execFileSync('certutil', ['-L', '-d', `sql:${db}`], { encoding: 'utf8' }).split('\n').find((l) => /u,u,u/.test(l))?.replace(/\s+u,u,u\s*$/, '').trim() ?? 'Bench';
  execFileSync('pk12util', ['-o', join(work, 'nss.p12'), '-n', nick, '-d', `sql:${db}`, '-W', 'bench-pin-1234'], { stdio: 'ignore' });
  const nss = readFileSync(join(work, 'nss.p12'));
  const info = spawnSync('openssl', ['pkcs12', '-in', join(work, 'nss.p12'), '-passin', `file:${join(work, 'pw')}`, '-info', '-noout'], { encoding: 'utf8' });
  const iter = /Iteration (\d+)/.exec(info.stdout + info.stderr)?.[1] ?? '?';
  const open = await B(([b, n]) => window.bench.inkan('p12open', { bytes: b, password: 'bench-pin-1234', runs: n }), [Array.from(nss), RUNS.slow]);
  const osslOpen = timeNative('openssl', ['pkcs12', '-in', join(work, 'nss.p12'), '-passin', `file:${join(work, 'pw')}`, '-nodes', '-out', join(work, 'x.pem')], RUNS.slow);
  row(`.p12 open, NSS pk12util export (${Number(iter).toLocaleString('en')} iter)`, open, 'openssl pkcs12 -in (native)', osslOpen);
}

// Password candidates per second (each wrong candidate costs one MAC derivation).
log('candidates');
for (const key of ['modern-2048', 'modern-600000']) {
  const rate = await B(([b, s]) => window.bench.inkan('candidates', { bytes: b, seconds: s }), [Array.from(files[key]), quick ? 2 : 5]);
  rows.push({ operation: `Password candidates/s, ${key.replace('-', ' ')} iter`, rate });
}

// PBKDF2: WebCrypto (native, async) vs what the wasm spends per 600k-iteration derivation.
{
  const wc = await B((n) => window.bench.webcryptoPbkdf2(600000, n), RUNS.other);
  rows.push({ operation: 'PBKDF2-HMAC-SHA256 600,000 iter: WebCrypto deriveBits', single: wc });
}

// ---- sizes ------------------------------------------------------------------------------
log('sizes');
const sizes = [];
{
  const dist = join(ROOT, 'dist/www');
  const gz = (b) => gzipSync(b, { level: 9 }).length;
  const br = (b) => brotliCompressSync(b, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }).length;
  // Three modules (wasm-pack.toml [modules]): the PKI one first — the size target is judged on
  // it, the biggest a page loads; the RSA keygen module is fetched only where WebCrypto refuses.
  for (const [file, what] of [['inkan_bg.wasm', 'PKI module: keys, CSR, PKCS#12, inspect'], ['inkan.js', 'its wasm-bindgen glue'],
    ['inkan_knowledge_bg.wasm', 'knowledge module: catalog, expiry, advisor'], ['inkan_knowledge.js', 'its wasm-bindgen glue'],
    ['inkan_rsa_keygen_bg.wasm', 'RSA keygen module: the fallback where WebCrypto refuses'], ['inkan_rsa_keygen.js', 'its wasm-bindgen glue']]) {
    const bytes = readFileSync(join(ROOT, 'www/pkg', file));
    sizes.push([`${file} (${what})`, bytes.length, gz(bytes), br(bytes)]);
  }
  if (existsSync(dist)) {
    const siteServer = await serve(dist);
    const p = await context.newPage();
    await p.goto(siteServer.url, { waitUntil: 'networkidle' });
    const byPhase = await p.evaluate(() => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Infinity;
      const nav = performance.getEntriesByType('navigation')[0];
      const res = performance.getEntriesByType('resource');
      const before = res.filter((r) => r.responseEnd <= fcp);
      const sum = (xs) => xs.reduce((a, r) => a + r.encodedBodySize, 0);
      return { fcp, navBytes: nav.encodedBodySize, beforePaint: sum(before) + nav.encodedBodySize, idle: sum(res) + nav.encodedBodySize, files: res.map((r) => r.name.split('/').pop()) };
    });
    sizes.push(['first visit: bytes before first paint (uncompressed)', byPhase.beforePaint, '', '']);
    sizes.push(['first visit: bytes until network idle (uncompressed)', byPhase.idle, '', '']);
    notes.push(`First paint at ${byPhase.fcp.toFixed(0)} ms; resources fetched by network idle: ${byPhase.files.join(', ')}. The wasm is fetched by the Web Worker on first use, not before the first paint.`);
    await p.close();
    siteServer.stop();
  }
}

// ---- worker intake ------------------------------------------------------------------------
log('worker intake');
let intake = null;
const loadScript = join(ROOT, 'tests/worker/load.py');
if (existsSync(loadScript)) {
  const py = join(process.env.INKAN_CACHE ?? join(process.env.HOME, '.cache/inkan'), 'venv/bin/python');
  // Enough submissions for a few seconds at full speed (the p99 of 100 requests was 1 request);
  // 64 connections, as many applicants submitting at once, so group commits fill up.
  const n = quick ? 2000 : 30000;
  const c = 64;
  // Then a third as many again under `perf record` (timed apart: sampling costs throughput), for
  // the profile that shows where a submission's CPU time goes.
  const profileN = Math.round(n / 3);
  const r = spawnSync(existsSync(py) ? py : 'python3', [loadScript, '-n', String(n), '-c', String(c), '--path', 'site', '--profile', String(profileN)], { encoding: 'utf8', timeout: 1_500_000 });
  const m = /intake: ([\d.]+) requests\/s, p50 ([\d.]+) ms, p99 ([\d.]+) ms/.exec(r.stdout);
  const cpu = /server CPU (\d+) µs per request \((\d+) % of one core\); load client CPU (\d+) µs/.exec(r.stdout);
  const split = /server user (\d+) µs, kernel (\d+) µs/.exec(r.stdout);
  if (m) intake = { requests_per_second: Number(m[1]), p50_ms: Number(m[2]), p99_ms: Number(m[3]), requests: n, connections: c,
    server_us: cpu ? Number(cpu[1]) : null, server_cores: cpu ? Number(cpu[2]) / 100 : null, client_us: cpu ? Number(cpu[3]) : null,
    user_us: split ? Number(split[1]) : null, kernel_us: split ? Number(split[2]) : null,
    profile: r.stdout.split('\n').filter((l) => l.startsWith('profile: ')).map((l) => l.slice(9)),
    groups: r.stdout.split('\n').filter((l) => l.startsWith('profile group: ')).map((l) => l.slice(15)),
    profileN };
  else notes.push(`worker load script failed: ${(r.stdout + r.stderr).slice(-500)}`);
} else {
  notes.push('Worker intake not measured: tests/worker/load.py is not in this checkout.');
}
/** `openssl speed rsa2048` verifications per second, on one core or (`-multi`) on all. */
function opensslVerifyRate(extra = []) {
  const speed = spawnSync('openssl', ['speed', ...extra, '-seconds', quick ? '1' : '3', 'rsa2048'], { encoding: 'utf8' });
  return Number(/rsa 2048 bits\s+[\d.]+s\s+[\d.]+s\s+[\d.]+\s+([\d.]+)/.exec(speed.stdout)?.[1] ?? NaN);
}
const verifyPerSec = opensslVerifyRate();
// The same on every core: what "the same cores" can verify at most.
const verifyPerSecAllCores = opensslVerifyRate(['-multi', String(cpus().length)]);

// ---- Lighthouse -------------------------------------------------------------------------
let lighthouse = [];
if (!process.argv.includes('--no-lighthouse')) {
  log('lighthouse');
  const lhPrefix = join(process.env.HOME, '.cache/inkan/bench-tools');
  const lhBin = join(lhPrefix, 'node_modules/.bin/lighthouse');
  if (!existsSync(lhBin)) {
    mkdirSync(lhPrefix, { recursive: true });
    execFileSync('npm', ['install', '--prefix', lhPrefix, '--no-audit', '--no-fund', '--loglevel=error', 'lighthouse@12.8.2'], { stdio: ['ignore', process.stderr, process.stderr] });
  }
  // The site as deployed: the built files served by the real worker, with its headers and its
  // API (the apply view asks /api/document-key on load; a static server's 404 for it is a
  // console error that Lighthouse counts against best practices).
  const siteServer = await startWorker({ siteDir: join(ROOT, 'dist/www'), env: { INKAN_TEST_MODE: '0' } });
  // Every view by default (the target is "on every view"); INKAN_BENCH_VIEWS=#/apply,... for a subset.
  const everyView = ['', '#/advisor', '#/apply', '#/receive', '#/check', '#/plan', '#/tools'];
  const views = (process.env.INKAN_BENCH_VIEWS ?? '').split(',').filter(Boolean);
  for (const view of views.length ? views : everyView) {
    const out = join(work, `lh-${lighthouse.length}.json`);
    const r = spawnSync(lhBin, [siteServer.url + view, '--quiet', '--output=json', `--output-path=${out}`,
      '--chrome-flags=--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync',
      '--only-categories=performance,accessibility,best-practices,seo', '--preset=desktop'], { env: { ...process.env, CHROME_PATH: '/usr/bin/chromium' }, encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0 || !existsSync(out)) { notes.push(`Lighthouse failed on "${view || '/'}": ${r.stderr.slice(-300)}`); continue; }
    const cats = JSON.parse(readFileSync(out, 'utf8')).categories;
    lighthouse.push({ view: view || '/', scores: Object.fromEntries(Object.entries(cats).map(([k, v]) => [k, Math.round(v.score * 100)])) });
  }
  siteServer.stop();
}

await context.close();
server.stop();

// ---- the table ----------------------------------------------------------------------------
const lines = [];
const date = new Date().toISOString().slice(0, 10);
lines.push(`# Inkan benchmarks`, '', `Run on ${date}: ${cpus().length} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, ${chromiumVersion}, Node ${process.version}, ${execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim()}.`);
lines.push(`Generated by \`./x bench\` (bench/run.mjs)${quick ? ' in --quick mode (few runs)' : ''}. Browser rows run in headless Chromium; Inkan runs in a Web Worker as on the site, through the same exports the site calls (the *Async ones: PBKDF2 and RSA key generation delegated to WebCrypto, the wasm as fallback) unless a row says \"wasm only\" or \"all in wasm\" (the same exports with \`setWebCrypto(false)\`). Times in ms, median (min).`, '');
lines.push('| operation | Inkan | anchor | anchor time | Inkan ÷ anchor |', '|---|---|---|---|---|');
for (const r of rows) {
  if (r.rate !== undefined) { lines.push(`| ${r.operation} | ${r.rate.toFixed(1)} /s | | | |`); continue; }
  if (r.single) { lines.push(`| ${r.operation} | | WebCrypto | ${fmt(median(r.single))} (${fmt(min(r.single))}) | |`); continue; }
  const ratio = median(r.inkan) / median(r.anchorTimes);
  lines.push(`| ${r.operation} | ${fmt(median(r.inkan))} (${fmt(min(r.inkan))}) | ${r.anchor} | ${fmt(median(r.anchorTimes))} (${fmt(min(r.anchorTimes))}) | ${ratio.toFixed(2)}× |`);
}
lines.push('', '| size | raw bytes | gzip -9 | brotli -11 |', '|---|---|---|---|');
for (const [name, raw, g, b] of sizes) lines.push(`| ${name} | ${raw} | ${g} | ${b} |`);
lines.push('', '| worker intake (127.0.0.1) | value |', '|---|---|');
if (intake) lines.push(`| valid CSR submissions | ${intake.requests_per_second?.toFixed?.(1) ?? intake.requests_per_second} req/s, p50 ${intake.p50_ms} ms, p99 ${intake.p99_ms} ms (${intake.requests} requests, ${intake.connections} connections) |`);
if (intake?.server_us != null) lines.push(`| CPU per submission | worker ${intake.server_us} µs (${intake.user_us} user, ${intake.kernel_us} kernel; ${intake.server_cores.toFixed(2)} cores busy), load client ${intake.client_us} µs |`);
lines.push(`| openssl speed rsa2048 verify/s (same machine, one core) | ${verifyPerSec} |`);
if (verifyPerSecAllCores) lines.push(`| openssl speed -multi ${cpus().length} rsa2048 verify/s (all cores) | ${verifyPerSecAllCores} |`);
if (intake && verifyPerSec) lines.push(`| intake ÷ verify/s | ${(100 * intake.requests_per_second / verifyPerSec).toPrecision(2)} % |`);
if (lighthouse.length) {
  lines.push('', '| Lighthouse 12 (desktop) | performance | accessibility | best practices | SEO |', '|---|---|---|---|---|');
  for (const l of lighthouse) lines.push(`| ${l.view} | ${l.scores.performance} | ${l.scores.accessibility} | ${l.scores['best-practices']} | ${l.scores.seo} |`);
}
// Targets from the benchmark issue, judged from this run's numbers.
const med = (op, anchorPrefix) => { const r = rows.find((x) => x.operation === op && x.anchor?.startsWith(anchorPrefix)); return r ? [median(r.inkan), median(r.anchorTimes)] : [NaN, NaN]; };
const [rk, wk] = med('RSA-2048 keygen', 'WebCrypto');
const [, fk] = med('RSA-2048 keygen', 'node-forge');
const [o6, n6] = med('.p12 open, modern 600,000 iter', 'openssl');
const [dOpen, wOpen] = med('.p12 open, modern 600,000 iter: PBKDF2 delegated to WebCrypto vs all in wasm', 'Inkan');
const wasmBr = sizes[0][3];
lines.push('', '## Targets', '', '| target | measured | met |', '|---|---|---|');
const importCost = median(rows.find((x) => x.operation.startsWith('RSA-2048: the delegation'))?.inkan ?? [NaN]);
lines.push(`| RSA-2048 keygen ≤ 1.0× WebCrypto | ${(rk / wk).toFixed(2)}× (95 % interval ${keygenInterval[0].toFixed(2)}–${keygenInterval[1].toFixed(2)}×; the path's own cost ${fmt(importCost)} ms = ${(100 * importCost / wk).toFixed(1)} % of WebCrypto's median) | ${rk <= wk ? 'yes' : keygenInterval[0] <= 1 ? 'no, but not distinguishable from 1.0× in this run' : 'no'} |`);
lines.push(`| RSA-2048 keygen ≥ 5× faster than node-forge | ${(fk / rk).toFixed(1)}× | ${fk / rk >= 5 ? 'yes' : 'no'} |`);
lines.push(`| open 600k-iteration .p12 ≤ 2.0× OpenSSL native | ${(o6 / n6).toFixed(2)}× | ${o6 / n6 <= 2 ? 'yes' : 'no'} |`);
lines.push(`| PBKDF2 delegated to WebCrypto beats the wasm (600k .p12 open) | ${fmt(dOpen)} vs ${fmt(wOpen)} ms | ${dOpen < wOpen ? 'yes: the site delegates, wasm is the fallback' : 'no'} |`);
lines.push(`| .wasm ≤ 180 KB brotli (largest module, PKI) | ${(wasmBr / 1000).toFixed(0)} KB (knowledge module ${(sizes[2][3] / 1000).toFixed(0)} KB) | ${wasmBr <= 180_000 ? 'yes' : 'no'} |`);
if (lighthouse.length) lines.push(`| Lighthouse 100 in all four categories on every view | ${lighthouse.map((l) => `${l.view}: ${Object.values(l.scores).join('/')}`).join('; ')} | ${lighthouse.every((l) => Object.values(l.scores).every((s) => s === 100)) ? 'yes' : 'no'} |`);
if (intake && verifyPerSec) lines.push(`| intake ≥ 25% of openssl verify/s, p99 ≤ 20 ms | ${(100 * intake.requests_per_second / verifyPerSec).toPrecision(2)} %, p99 ${intake.p99_ms} ms | ${intake.requests_per_second >= 0.25 * verifyPerSec && intake.p99_ms <= 20 ? 'yes' : 'no'} |`);
// Where a target is out of reach: the profile that says why, measured in this run.
const outOfReach = [];
if (wasmBr > 180_000) {
  const named = join(process.env.INKAN_CACHE ?? join(process.env.HOME, '.cache/inkan'), 'wasm-named/inkan_bg.wasm');
  outOfReach.push('', '### The PKI module\'s size', '');
  if (existsSync(named)) {
    const profile = profileWasm(readFileSync(named));
    outOfReach.push(`Where the bytes of \`inkan_bg.wasm\` go, from the same module built with its function names kept (wasm-opt with the same arguments plus \`-g\`; \`node bench/wasm-profile.mjs FILE\`); the shipped file is this minus the \`name\` section. The data section is mostly the ja/en messages and DER/OID constants; code is attributed to the crate each function comes from (generic code counts for the crate that defines it).`, '');
    outOfReach.push(...profileTables(profile, 18));
  } else {
    outOfReach.push(`(no named copy at ${named}: run through \`./x bench\`, which builds it)`);
  }
}
if (intake && verifyPerSec && !(intake.requests_per_second >= 0.25 * verifyPerSec && intake.p99_ms <= 20)) {
  outOfReach.push('', '### Worker intake', '');
  outOfReach.push(`The load client, the worker and its SQLite writer share the same ${cpus().length} cores; \`openssl speed\` measures one core doing nothing but verifications (${verifyPerSec}/s; ${verifyPerSecAllCores || '?'}/s on all cores). A submission costs the worker ${intake.server_us} µs of CPU (${intake.user_us} µs user, ${intake.kernel_us} µs kernel) and the client ${intake.client_us} µs, so ${cpus().length} cores allow at most ~${Math.round(cpus().length * 1e6 / (intake.server_us + intake.client_us))} req/s here, ${(100 * cpus().length * 1e6 / (intake.server_us + intake.client_us) / verifyPerSec).toFixed(0)} % of the one-core verify rate, before any waiting on fsync. Profile of ${intake.profileN} more submissions with \`perf record\` attached to the worker (\`python3 tests/worker/load.py --profile N\`):`, '');
  if (intake.groups?.length) {
    outOfReach.push('| where the worker\'s time goes | share of samples |', '|---|---|');
    for (const g of intake.groups) { const [share, ...name] = g.trim().split(' % '); outOfReach.push(`| ${name.join(' % ')} | ${share.trim()} % |`); }
    outOfReach.push('', '| hottest symbols | share |', '|---|---|');
    for (const l of intake.profile.slice(0, 15)) { const mm = /^\s*([\d.]+) % (\S+) (.*)$/.exec(l); if (mm) outOfReach.push(`| ${mm[3].replace(/\|/g, '\\|')} (${mm[2]}) | ${mm[1]} % |`); }
  } else {
    outOfReach.push('(no perf profile: perf missing or not permitted on this machine)');
  }
}
if (outOfReach.length) lines.push('', '## Where a target is out of reach', ...outOfReach, '', 'What would move each is in README.md, "Benchmarks".');
if (notes.length) lines.push('', '## Notes', '', ...notes.map((n) => `- ${n}`));
const table = lines.join('\n') + '\n';
console.log(table);
writeFileSync(join(ROOT, 'BENCHMARKS.md'), table);
