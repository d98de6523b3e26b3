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
