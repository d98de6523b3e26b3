// The ID-document image pre-check before the applicant uploads it to the seller: format by
// magic bytes (a renamed HEIC is not a JPEG), size limit, and a too-large photo shrunk here
// with a canvas (never uploaded by Inkan: the image stays in this browser). The rule (formats,
// megabytes) comes from the catalog (seed 003: MCCI, jpeg/png, at most 4 MB).
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
  const formats = rule.formats ?? ['jpeg', 'png'];
  const limit = (rule.max_megabytes ?? 4) * 1024 * 1024;
  if (kind === 'heic') {
    throw new InkanError({ code: 'image_heic', ja: 'iPhone の HEIC 形式の写真です。JPEG で撮り直してください(設定 → カメラ → フォーマット →「互換性優先」)。', en: 'This is an iPhone HEIC photo. Take it again as JPEG (Settings → Camera → Formats → Most Compatible).' });
  }
  if (!formats.includes(kind) || kind === 'pdf') {
    const list = formats.join(' / ');
    throw new InkanError({ code: 'image_format', ja: `この形式の画像は提出できません。${list} の画像を選んでください。`, en: `This file type cannot be submitted. Choose a ${list} image.` });
  }
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new InkanError({ code: 'image_unreadable', ja: '画像を読み込めませんでした。ファイルが壊れていないか確かめてください。', en: 'The image could not be read. Check that the file is not damaged.' });
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
      throw new InkanError({ code: 'image_too_large', ja: '画像を小さくできませんでした。もう少し小さく撮影した画像を選んでください。', en: 'The image could not be made small enough. Choose a smaller photo.' });
    }
  }
  bitmap.close?.();
  return { blob, type, width: canvas.width, height: canvas.height, shrunk, originalBytes: file.size, bytes: blob.size, canvas, limit };
}
