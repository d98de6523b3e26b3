// The download password: made in this browser with crypto.getRandomValues, 20 symbols from a
// 32-symbol alphabet = 100 bits (≥ 80 required), read in 4 groups of 5 ("ABCDE-FGHJK-…") so
// it can be typed from the printed letter. No 0/O or 1/I look-alikes; upper case only, so
// "L" cannot be mistaken for "l". 256 is a multiple of 32: `byte % 32` has no bias.
export const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const GROUPS = 4;
export const GROUP_SIZE = 5;
export const BITS = GROUPS * GROUP_SIZE * Math.log2(ALPHABET.length);

export function downloadPassword(random = (n) => crypto.getRandomValues(new Uint8Array(n))) {
  const bytes = random(GROUPS * GROUP_SIZE);
  const chars = Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]);
  const groups = [];
  for (let i = 0; i < GROUPS; i++) groups.push(chars.slice(i * GROUP_SIZE, (i + 1) * GROUP_SIZE).join(''));
  return groups.join('-');
}

/** What the applicant typed, made comparable: full-width → ASCII, upper case, groups dashed. */
export function normaliseDownloadPassword(typed) {
  const s = typed.normalize('NFKC').toUpperCase().replace(/[\s\u2010-\u2015\u30fc\uff0d-]+/g, '');
  if (s.length === GROUPS * GROUP_SIZE && [...s].every((c) => ALPHABET.includes(c))) {
    return s.match(new RegExp(`.{${GROUP_SIZE}}`, 'g')).join('-');
  }
  return typed.trim();
}

// The client verifier ("server relief"): the slow hash of the download password runs here, with
// WebCrypto (native code), and the worker stores only a SHA-256 of its result. The password
// itself never leaves the browser. 600,000 iterations of PBKDF2-HMAC-SHA256 (OWASP 2023) is
// the worker's floor; it refuses fewer.
export const VERIFIER_ITERATIONS = 600_000;
export const VERIFIER_SALT_BYTES = 16;

const toBase64 = (bytes) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** Whether this browser can derive the verifier (WebCrypto needs a secure context). */
export function canDeriveVerifier() {
  return typeof crypto !== 'undefined' && Boolean(crypto.subtle);
}

/** PBKDF2-HMAC-SHA256(password, salt, iterations) → 32 bytes, base64. */
export async function deriveVerifier(password, saltB64, iterations = VERIFIER_ITERATIONS) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: fromBase64(saltB64), iterations }, key, 256);
  return toBase64(new Uint8Array(bits));
}

/** The intake's `download_password_verifier`: a fresh salt, the count, the PRF and the derived key. */
export async function newVerifier(password, random = (n) => crypto.getRandomValues(new Uint8Array(n))) {
  const salt = toBase64(random(VERIFIER_SALT_BYTES));
  return { salt, iterations: VERIFIER_ITERATIONS, hash: 'SHA-256', derived: await deriveVerifier(password, salt) };
}
