// Renders the PNG icons from www/icons/icon.svg with Debian's Chromium (the 印 glyph comes
// from the installed Noto Serif CJK font, so no font or image is downloaded). Run after
// changing the SVG: node tests/browser/make-icons.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launchChromium } from './harness.mjs';

const svg = readFileSync(join(ROOT, 'www/icons/icon.svg'), 'utf8');
// Maskable icons keep their content within the central 80% circle: full-bleed navy, smaller seal.
const maskable = svg.replace('rx="96"', 'rx="0"').replace('r="176"', 'r="150"').replace('r="158"', 'r="134"').replace('font-size="220"', 'font-size="188"');
const context = await launchChromium();
const page = await context.newPage();
for (const [name, size, source] of [['icon-192.png', 192, svg], ['icon-512.png', 512, svg], ['icon-maskable-512.png', 512, maskable], ['apple-touch-icon.png', 180, maskable]]) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<html><body style="margin:0">${source.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
  writeFileSync(join(ROOT, 'www/icons', name), await page.screenshot({ omitBackground: true }));
  console.log('wrote', name);
}
await context.close();
