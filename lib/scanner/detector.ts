/**
 * A barcode detector for camera frames: the browser's own BarcodeDetector where it has one
 * (Android Chrome, macOS), else the `barcode-detector` ponyfill (ZXing in WASM) for Linux,
 * Windows and iOS. The ponyfill is imported only then, so it weighs nothing on other screens or
 * browsers, and its .wasm comes from this app (public/wasm/, see scripts/scanner-wasm.ts), never
 * from the CDN the package would use by default.
 */

export type DetectedCode = { rawValue: string; format: string };
export interface CodeDetector {
  detect(source: HTMLVideoElement): Promise<DetectedCode[]>;
}

/** What a warehouse labels with: QR and Data Matrix on bins and pallets, Code 128/39 and EAN/UPC on goods. */
export const SCAN_FORMATS = ["qr_code", "data_matrix", "code_128", "code_39", "ean_13", "ean_8", "upc_a", "upc_e"] as const;

type NativeDetectorClass = {
  new (options: { formats: string[] }): CodeDetector;
  getSupportedFormats(): Promise<string[]>;
};

export const SCANNER_WASM_URL = "/wasm/zxing_reader.wasm";

/**
 * One overrides object for the page's lifetime: the ponyfill keeps its WASM module while the
 * overrides it was made with compare equal, so a new object (or a new locateFile) per camera
 * start would fetch and compile the module again each time the Scan screen opens.
 */
let ponyfillOverrides: { locateFile: (path: string, prefix: string) => string } | null = null;

export async function createCodeDetector(): Promise<{ detector: CodeDetector; kind: "native" | "wasm" }> {
  const Native = (globalThis as { BarcodeDetector?: NativeDetectorClass }).BarcodeDetector;
  if (Native) {
    const supported = new Set(await Native.getSupportedFormats());
    const formats = SCAN_FORMATS.filter((format) => supported.has(format));
    // A native detector without the QR or Code 128 readers is worse than the ponyfill.
    if (supported.has("qr_code") && supported.has("code_128")) return { detector: new Native({ formats }), kind: "native" };
  }
  const { BarcodeDetector, prepareZXingModule, ZXING_WASM_VERSION } = await import("barcode-detector/ponyfill");
  ponyfillOverrides ??= {
    // The version in the query makes an upgrade fetch the new file instead of a cached old one.
    locateFile: (path, prefix) => (path.endsWith(".wasm") ? `${SCANNER_WASM_URL}?v=${ZXING_WASM_VERSION}` : prefix + path),
  };
  prepareZXingModule({
    overrides: ponyfillOverrides,
    // Start loading the .wasm now, while the camera starts, not on the first frame.
    fireImmediately: true,
  }).catch(() => {
    // The first detect() reports the failure. The module keeps a failed load for equal
    // overrides, so the next camera start makes new ones and tries again. (Never purge the
    // module instead: without overrides it falls back to the CDN.)
    ponyfillOverrides = null;
  });
  return { detector: new BarcodeDetector({ formats: [...SCAN_FORMATS] }), kind: "wasm" };
}
