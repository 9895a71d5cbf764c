/**
 * The emoji picker (`emoji-picker-element`) would fetch its emoji data from a CDN by default.
 * Floorchat serves it itself (DESIGN.md: no CDN; warehouses often have no internet), from
 * `public/emoji/`, copied from the installed `emoji-picker-element-data` at build time. Not
 * committed: a build product of package-lock.json, like the scanner's .wasm.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** Locale → the data set for it: emojibase's English names, CLDR's native Polish ones. */
export const EMOJI_DATA = { en: "en/emojibase/data.json", pl: "pl/cldr/data.json" } as const;

/** Copies each locale's data to public/emoji/<locale>.json when missing or different. */
export function copyEmojiData(root = process.cwd()): void {
  const require = createRequire(path.join(root, "package.json"));
  for (const [locale, file] of Object.entries(EMOJI_DATA)) {
    const bytes = fs.readFileSync(require.resolve(`emoji-picker-element-data/${file}`));
    const target = path.join(root, "public", "emoji", `${locale}.json`);
    if (fs.existsSync(target) && fs.readFileSync(target).equals(bytes)) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, bytes);
    console.log(`[floorchat] Copied the emoji picker's ${locale} data into public/emoji/.`);
  }
}
