// Makes the committed screenshots small: a PNG (8-bit RGB or RGBA, as the engines write them)
// is rewritten with at most 256 colours — the most frequent ones, every other pixel mapped to
// the nearest of them. A page is mostly a few flat colours plus text edges, so it looks the same
// at a third to a fifth of the bytes.
import { readFileSync, writeFileSync } from 'node:fs';
import { inflateSync, deflateSync, crc32 } from 'node:zlib';

function decode(buf) {
  let p = 8, w, h, ct;
  const idat = [];
  while (p < buf.length) {
    const len = buf.readUInt32BE(p);
    const type = buf.toString('latin1', p + 4, p + 8);
    const d = buf.subarray(p + 8, p + 8 + len);
    if (type === 'IHDR') {
      [w, h, ct] = [d.readUInt32BE(0), d.readUInt32BE(4), d[9]];
      if (d[8] !== 8 || d[12] !== 0 || (ct !== 2 && ct !== 6)) return null; // not what the engines write
    }
    if (type === 'IDAT') idat.push(d);
    p += 12 + len;
  }
  const bpp = ct === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = w * bpp;
  const px = Buffer.alloc(h * stride);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const o = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[o + x - bpp] : 0;
      const b = y ? px[o - stride + x] : 0;
      const c = x >= bpp && y ? px[o - stride + x - bpp] : 0;
      let v = line[x];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) {
        const q = a + b - c, pa = Math.abs(q - a), pb = Math.abs(q - b), pc = Math.abs(q - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      px[o + x] = v & 255;
    }
  }
  return { w, h, bpp, px };
}

/** One PNG chunk: length, type, data, CRC-32 of type and data. */
export const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

/** Rewrites the PNG at `path` with a palette of at most 256 colours (alpha dropped). */
export function shrinkPng(path) {
  const im = decode(readFileSync(path));
  if (!im) return;
  const { w, h, bpp, px } = im;
  const n = w * h;
  const rgb = new Uint32Array(n);
  const counts = new Map();
  for (let i = 0; i < n; i++) {
    const c = (px[i * bpp] << 16) | (px[i * bpp + 1] << 8) | px[i * bpp + 2];
    rgb[i] = c;
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const palette = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 256).map(([c]) => c);
  const index = new Map(palette.map((c, i) => [c, i]));
  const nearest = (c) => {
    let best = 0, dist = Infinity;
    const [r, g, b] = [c >> 16, (c >> 8) & 255, c & 255];
    for (let i = 0; i < palette.length; i++) {
      const p = palette[i];
      const d = 2 * ((p >> 16) - r) ** 2 + 4 * (((p >> 8) & 255) - g) ** 2 + 3 * ((p & 255) - b) ** 2;
      if (d < dist) { dist = d; best = i; }
    }
    index.set(c, best);
    return best;
  };
  const raw = Buffer.alloc(h * (w + 1)); // filter byte 0 per row: palette indices
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = rgb[y * w + x];
      raw[y * (w + 1) + 1 + x] = index.get(c) ?? nearest(c);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 3; // indexed colour
  const plte = Buffer.alloc(palette.length * 3);
  palette.forEach((c, i) => { plte[i * 3] = c >> 16; plte[i * 3 + 1] = (c >> 8) & 255; plte[i * 3 + 2] = c & 255; });
  writeFileSync(path, Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('PLTE', plte),
    chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]));
}
