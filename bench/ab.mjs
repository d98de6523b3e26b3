// A/B timing of two builds of the PKI module in one Node process, interleaved run by run so
// that the machine's drift hits both alike: INKAN_PKG_A / INKAN_PKG_B (www/pkg of each tree).
// The "before" tree may predate setWebCrypto: its wasm-only exports are the sync ones.
//   INKAN_PKG_A=../before/www/pkg INKAN_PKG_B=www/pkg node bench/ab.mjs [runs]
// (build each tree's wasm first: bash scripts/build-wasm.sh)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { tmp, testCa } from '../tests/browser/harness.mjs';

const runs = Number(process.argv[2] ?? 7);
if (!process.env.INKAN_PKG_A || !process.env.INKAN_PKG_B) {
  console.error('usage: INKAN_PKG_A=<tree>/www/pkg INKAN_PKG_B=<tree>/www/pkg node bench/ab.mjs [runs]');
  process.exit(2);
}
async function load(dir) {
  const m = await import(pathToFileURL(join(dir, 'inkan.js')).href + `?${dir}`);
  m.initSync({ module: readFileSync(join(dir, 'inkan_bg.wasm')) });
  return m;
}
const builds = { A: await load(process.env.INKAN_PKG_A), B: await load(process.env.INKAN_PKG_B) };
const ca = testCa(tmp());
const PIN = '秘密のPIN-1234';
const subject = { commonName: '山田 太郎', email: 'taro@example.jp' };
const ctx = {};
for (const [name, m] of Object.entries(builds)) {
  const key = await m.Key.generateAsync('p256');
  const chain = new TextEncoder().encode(ca.sign(key.createCsr(subject, {}).pem) + ca.caPem);
  const wasmOnly = async (fn) => { m.setWebCrypto?.(false); try { return await fn(); } finally { m.setWebCrypto?.(true); } };
  const build = (iterations, profile = 'modern') => key.buildPkcs12Async(chain, PIN, { profile, iterations });
  const buildWasm = (iterations) => (m.setWebCrypto ? wasmOnly(() => build(iterations)) : key.buildPkcs12(chain, PIN, { profile: 'modern', iterations }));
  const open = (bytes) => (m.setWebCrypto ? wasmOnly(() => m.openPkcs12Async(bytes, PIN)) : m.openPkcs12(bytes, PIN));
  const p12 = (await build(600000)).bytes;
  const legacy = (await build(2048, 'legacy')).bytes;
  ctx[name] = { m, key, build, buildWasm, open, p12, legacy };
}
const ops = {
  'P-256 keygen + CSR (x20)': async (c) => { for (let i = 0; i < 20; i++) (await c.m.Key.generateAsync('p256')).createCsr(subject, {}); },
  '.p12 build modern 2,048 (x10)': async (c) => { for (let i = 0; i < 10; i++) await c.build(2048); },
  '.p12 build legacy 2,048 (x10)': async (c) => { for (let i = 0; i < 10; i++) await c.build(2048, 'legacy'); },
  '.p12 open legacy 2,048, wasm only (x10)': async (c) => { for (let i = 0; i < 10; i++) await c.open(c.legacy); },
  '.p12 build modern 600,000, wasm only': (c) => c.buildWasm(600000),
  '.p12 open modern 600,000, wasm only': (c) => c.open(c.p12),
};
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log('| operation (ms, median of ' + runs + ', interleaved) | A | B | B ÷ A |\n|---|---|---|---|');
for (const [op, fn] of Object.entries(ops)) {
  const t = { A: [], B: [] };
  await fn(ctx.A); await fn(ctx.B);
  for (let i = 0; i < runs; i++) for (const n of i % 2 ? ['B', 'A'] : ['A', 'B']) { const s = performance.now(); await fn(ctx[n]); t[n].push(performance.now() - s); }
  console.log(`| ${op} | ${median(t.A).toFixed(1)} | ${median(t.B).toFixed(1)} | ${(median(t.B) / median(t.A)).toFixed(3)} |`);
}
