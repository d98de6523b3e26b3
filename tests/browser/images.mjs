// Test images made here (no fixtures to download): a PNG of random noise, which compresses
// badly, so a photo-sized one is larger than the 4 MB upload limit.
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { chunk } from './png.mjs';

export function noisePng(width, height) {
  const stride = width * 3 + 1;
  const raw = randomBytes(stride * height);
  for (let y = 0; y < height; y++) raw[y * stride] = 0; // filter type "none" on every row
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 1 })), chunk('IEND', Buffer.alloc(0))]);
}
