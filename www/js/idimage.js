// The ID-document pre-check before the applicant uploads it to the seller: format by magic
// bytes (a renamed HEIC is not a JPEG), the size limit where the seller states one, and a
// too-large photo shrunk here with a canvas (never uploaded by Inkan: the file stays in this
// browser). The rule (formats, megabytes) is the product's, from the catalog: MCCI jpeg/png
// at most 4 MB (seed 003); JCAN via 123sign PDF or JPEG, no limit stated (seed 000). A PDF is
// checked to be a PDF (header and end-of-file marker) and never rasterised.
import { InkanError } from './client.js';

export function sniff(bytes) {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46) return 'pdf';
  const brand = String.fromCharCode(...bytes.subarray(4, 12));
  if (/^ftyp(heic|heix|hevc|mif1|msf1)/.test(brand)) return 'heic';
  return 'unknown';
}

function toBlob(canvas, type, quality) {
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}

/**
 * rule: { formats: ['jpeg','png'], max_megabytes: 4 }. Returns { blob, type, width, height,
 * shrunk, originalBytes, bytes, canvas } — `canvas` is the preview (a canvas needs no
 * blob: URL, so it also works where the CSP has no `img-src blob:`).
 */
export async function checkIdImage(file, rule) {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  const kind = sniff(head);
  const formats = rule.formats ?? [];
  // No stated limit means none is checked (the catalog's None is "unknown", never a default).
  const limit = rule.max_megabytes ? rule.max_megabytes * 1024 * 1024 : Infinity;
  if (kind === 'heic') {
    throw new InkanError({ code: 'image_heic', key: 'error.image_heic' });
  }
  if (!formats.includes(kind)) {
    const list = formats.map((f) => f.toUpperCase()).join(' / ');
    throw new InkanError({ code: 'image_format', key: 'error.image_format', vars: { list } });
  }
  if (kind === 'pdf') return checkPdf(file, limit);
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new InkanError({ code: 'image_unreadable', key: 'error.image_unreadable' });
  }
  const canvas = document.createElement('canvas');
  let scale = 1;
  let blob = file;
  let type = kind === 'png' ? 'image/png' : 'image/jpeg';
  const draw = () => {
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff'; // a transparent PNG becomes white, not black, as JPEG
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  };
  draw();
  const shrunk = file.size > limit;
  if (shrunk) {
    // JPEG is accepted by the rule and is far smaller for photos; keep the text readable by
    // shrinking in gentle steps (quality first, then size), stopping at the first that fits.
    type = formats.includes('jpeg') ? 'image/jpeg' : 'image/png';
    const longest = Math.max(bitmap.width, bitmap.height);
    scale = Math.min(1, 3000 / longest);
    for (let attempt = 0; attempt < 12; attempt++) {
      draw();
      blob = await toBlob(canvas, type, type === 'image/jpeg' ? 0.85 : undefined);
      if (blob && blob.size <= limit) break;
      scale *= 0.8;
    }
    if (!blob || blob.size > limit) {
      throw new InkanError({ code: 'image_too_large', key: 'error.image_too_large' });
    }
  }
  bitmap.close?.();
  return { kind, blob, type, width: canvas.width, height: canvas.height, shrunk, originalBytes: file.size, bytes: blob.size, canvas, limit };
}

/** A PDF is accepted as it is: "%PDF-" at the start and "%%EOF" in the last kilobyte (a
 * truncated download lacks it). It is never drawn, shrunk or sent. */
async function checkPdf(file, limit) {
  const tail = new TextDecoder('latin1').decode(await file.slice(Math.max(0, file.size - 1024)).arrayBuffer());
  if (!tail.includes('%%EOF')) {
    throw new InkanError({ code: 'pdf_truncated', key: 'error.pdf_truncated' });
  }
  if (file.size > limit) {
    throw new InkanError({ code: 'file_too_large', key: 'error.file_too_large' });
  }
  return { kind: 'pdf', blob: file, type: 'application/pdf', shrunk: false, originalBytes: file.size, bytes: file.size, limit };
}
