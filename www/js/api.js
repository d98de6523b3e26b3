// The worker's HTTP API. Same origin on the site; another origin (CORS) in the widget.
// Only the CSR, the applicant's details and a verifier of the download password are ever sent:
// the password's slow hash (PBKDF2-HMAC-SHA256, 600,000 iterations) is derived here with
// WebCrypto and the worker keeps a SHA-256 of it. Without WebCrypto (an insecure context) the
// password itself is sent and the worker hashes it, as before.
import { InkanError } from './client.js';
import { LANGS, loadTexts, t } from './i18n.js';
import { canDeriveVerifier, deriveVerifier, newVerifier } from './password.js';

async function request(endpoint, path, { method = 'GET', body } = {}) {
  if (navigator.onLine === false) throw new InkanError({ code: 'offline', key: 'error.offline' });
  let res;
  try {
    res = await fetch(new URL(path, endpoint), {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new InkanError({ code: 'network_error', key: 'error.network' });
  }
  if (res.ok) return res;
  let err;
  try { err = (await res.json()).error; } catch { err = undefined; }
  const retryAfter = Number(res.headers.get('Retry-After')) || undefined;
  if (err?.code) {
    let { ja, en } = err.message ?? {};
    if (retryAfter) {
      const min = Math.ceil(retryAfter / 60);
      const key = min > 1 ? 'error.retry_after.minutes' : 'error.retry_after.minute';
      await loadTexts(['error'], LANGS); // the worker's message comes in both: so does the wait
      ja = t(key, { message: ja, min }, 'ja');
      en = t(key, { message: en, min }, 'en');
    }
    throw new InkanError({ code: err.code, ja: ja ?? err.code, en: en ?? err.code, status: res.status, retryAfter });
  }
  throw new InkanError({ code: `http_${res.status}`, key: 'error.http_status', vars: { status: res.status }, status: res.status });
}

/** Same-origin default: the site and the API are served by the same worker. */
export function defaultEndpoint() {
  return location.origin;
}

// One verifier per download password for the page's life: a retry after a lost answer must send
// the same verifier, or the worker (which answers a known CSR only to the verifier that made
// it) refuses it as someone else's.
const verifiers = new Map();

/** `termYears` (the term bought, in years) is sent as `term_years` when given: the site sends
 * it for products sold in more than one term. */
export async function submitApplication(endpoint, { product, csr, applicant, downloadPassword, termYears }) {
  let secret = { download_password: downloadPassword };
  if (canDeriveVerifier()) {
    if (!verifiers.has(downloadPassword)) verifiers.set(downloadPassword, await newVerifier(downloadPassword));
    secret = { download_password_verifier: verifiers.get(downloadPassword) };
  }
  const term = Number.isInteger(termYears) ? { term_years: termYears } : {};
  const res = await request(endpoint, '/api/applications', { method: 'POST', body: { product, csr, applicant, ...term, ...secret } });
  return res.json();
}

/** Confirms the applicant's mailbox with the code the worker mailed; resolves to the status view. */
export async function confirmMailbox(endpoint, id, code) {
  const res = await request(endpoint, `/api/applications/${encodeURIComponent(id)}/confirm`, { method: 'POST', body: { code } });
  return res.json();
}

/** Asks the worker to mail a new confirmation code. */
export async function resendCode(endpoint, id) {
  const res = await request(endpoint, `/api/applications/${encodeURIComponent(id)}/confirm/resend`, { method: 'POST', body: {} });
  return res.json();
}

export async function applicationStatus(endpoint, id) {
  const res = await request(endpoint, `/api/applications/${encodeURIComponent(id)}`);
  return res.json();
}

/** The PEM chain (leaf first), as text. An application submitted with a verifier shows its salt
 * and count in the status view: derive again here and send the result; otherwise (older
 * applications, no WebCrypto) send the password. */
export async function fetchCertificate(endpoint, id, downloadPassword) {
  let body = { download_password: downloadPassword };
  const kdf = canDeriveVerifier() ? (await applicationStatus(endpoint, id)).download_password_kdf : undefined;
  if (kdf?.algorithm === 'PBKDF2' && kdf.hash === 'SHA-256') {
    body = { download_password_verifier: await deriveVerifier(downloadPassword, kdf.salt, kdf.iterations) };
  }
  const res = await request(endpoint, `/api/applications/${encodeURIComponent(id)}/certificate`, { method: 'POST', body });
  return res.text();
}

/** The issuer's document key and upload limits: `{enabled, public_key (base64), max_bytes,
 * max_count, media_types}`; `{enabled: false}` until the desk publishes one. */
export async function documentKey(endpoint) {
  const res = await request(endpoint, '/api/document-key');
  return res.json();
}

/** Sends the application's documents, already sealed in this browser (HPKE) to the issuer's
 * key: `documents` is `[{media_type, sealed (Uint8Array)}]`; `token` is intake's one-time token. */
export async function sendDocuments(endpoint, id, token, documents) {
  const toBase64 = (bytes) => {
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  };
  const body = { token, documents: documents.map((d) => ({ media_type: d.media_type, sealed: toBase64(d.sealed) })) };
  const res = await request(endpoint, `/api/applications/${encodeURIComponent(id)}/documents`, { method: 'POST', body });
  return res.json();
}
