// A static file server for the browser tests: the same security headers the worker sends, so
// a page that breaks under the real CSP breaks here too.
// Usage: node static-server.mjs DIR [PORT] [--cors] [--csp=POLICY]
//   --cors        send Access-Control-Allow-Origin: * (the widget's origin: module scripts,
//                 the worker module and the wasm are CORS fetches from the issuer's page)
//   --csp=POLICY  another Content-Security-Policy (an issuer's host page in the widget test)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const args = process.argv.slice(2);
const positional = args.filter((a) => !a.startsWith('--'));
const root = resolve(positional[0] ?? 'www');
const port = Number(positional[1] ?? 0);
const cors = args.includes('--cors');
const cspArg = args.find((a) => a.startsWith('--csp='))?.slice(6);
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json',
  '.webmanifest': 'application/manifest+json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.ts': 'text/plain; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
};
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'";

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://x');
    let path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, path);
    if (!file.startsWith(root)) throw new Error('outside root');
    // `/embed/enroll` is `embed/enroll.html`, as the worker serves it.
    if (!extname(file) && !(await stat(file).catch(() => null))) file = `${file}.html`;
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    const body = await readFile(file);
    res.writeHead(200, {
      ...(cors ? { 'Access-Control-Allow-Origin': '*' } : {}),
      'Content-Type': types[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': cspArg ?? CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });
    res.end(body);
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  }
});
server.listen(port, '127.0.0.1', () => {
  console.log(`static server on http://127.0.0.1:${server.address().port}/`);
});
