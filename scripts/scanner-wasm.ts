/**
 * The barcode scanner's fallback (the `barcode-detector` ponyfill, ZXing compiled to WASM) would
 * fetch its .wasm from a CDN by default. Floorchat serves it itself instead (DESIGN.md: the CDN
 * fetch must never happen; warehouses often have no internet), from `public/wasm/`, copied from
 * the installed package at build time so it always matches the JavaScript that loads it. It is
 * not committed: it is a build product of package-lock.json.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

export const SCANNER_WASM_FILE = "zxing_reader.wasm";

/** Copies the reader .wasm into public/wasm/ when missing or different. Returns the target path. */
export function copyScannerWasm(root = process.cwd()): string {
  const require = createRequire(path.join(root, "package.json"));
  // Resolve zxing-wasm from barcode-detector's own location: the version it imports is the one whose .wasm we need.
  const fromDetector = createRequire(require.resolve("barcode-detector/ponyfill"));
  const source = fromDetector.resolve(`zxing-wasm/reader/${SCANNER_WASM_FILE}`);
  const target = path.join(root, "public", "wasm", SCANNER_WASM_FILE);
  const bytes = fs.readFileSync(source);
  if (!fs.existsSync(target) || !fs.readFileSync(target).equals(bytes)) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, bytes);
    console.log(`[floorchat] Copied the scanner's ${SCANNER_WASM_FILE} into public/wasm/.`);
  }
  return target;
}
