/**
 * Renders the app icons (public/icons/*.png) from one SVG with the local Chromium. Run again only
 * when the icon changes: `npx tsx scripts/make-icons.mts`. The PNGs are committed.
 */
import { writeFile } from "node:fs/promises";
import { chromium } from "@playwright/test";

// A speech bubble holding barcode bars: chat about a scanned thing.
function svg(size: number, { maskable, badge = false }: { maskable: boolean; badge?: boolean }): string {
  // A maskable icon may be cut to a circle of 80 % of its width: keep the glyph inside it.
  const scale = maskable ? 0.62 : 0.8;
  const glyph = size * scale;
  const offset = (size - glyph) / 2;
  const radius = maskable ? 0 : size * 0.22;
  const bars = [0, 2, 3, 5, 7, 8, 10, 12, 13]
    .map((x, i) => `<rect x="${22 + x * 4.2}" y="34" width="${i % 3 === 0 ? 3.4 : 2}" height="26" fill="#0b5cad"/>`)
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
  ${badge ? "" : `<rect width="${size}" height="${size}" rx="${radius}" fill="#0b5cad"/>`}
  <g transform="translate(${offset} ${offset}) scale(${glyph / 100})">
    <path d="M14 16h72a8 8 0 0 1 8 8v46a8 8 0 0 1-8 8H44L26 94V78H14a8 8 0 0 1-8-8V24a8 8 0 0 1 8-8z" fill="#ffffff"/>
    ${badge ? "" : bars}
  </g>
</svg>`;
}

const icons = [
  { file: "icon-192.png", size: 192, maskable: false },
  { file: "icon-512.png", size: 512, maskable: false },
  { file: "maskable-512.png", size: 512, maskable: true },
  { file: "apple-touch-icon.png", size: 180, maskable: true },
  // Android draws the notification badge from the alpha channel alone: a white shape on nothing.
  { file: "badge-96.png", size: 96, maskable: false, badge: true },
];

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
try {
  const page = await browser.newPage();
  for (const icon of icons) {
    await page.setViewportSize({ width: icon.size, height: icon.size });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg(icon.size, icon)}</body></html>`);
    const png = await page.locator("svg").screenshot({ omitBackground: true });
    await writeFile(new URL(`../public/icons/${icon.file}`, import.meta.url), png);
    console.log(`public/icons/${icon.file}`);
  }
  await writeFile(new URL("../public/icons/icon.svg", import.meta.url), svg(512, { maskable: false }));
} finally {
  await browser.close();
}
