import { fileTypeFromBuffer } from "file-type";

/**
 * What a file really is, from its bytes (PRODUCT.md M3): never from its name or the type the
 * browser claims, so an HTML page named photo.png is HTML. Text has no magic bytes, so it is
 * accepted only under a text name, as valid UTF-8 without NULs, and not shaped like markup.
 */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
const DOC = "application/msword";
const XLS = "application/vnd.ms-excel";
const PPT = "application/vnd.ms-powerpoint";
const DOCM = "application/vnd.ms-word.document.macroenabled.12";
const XLSM = "application/vnd.ms-excel.sheet.macroenabled.12";
const PPTM = "application/vnd.ms-powerpoint.presentation.macroenabled.12";

/**
 * Office formats that can carry macros: the 97–2003 binary ones and the macro-enabled OOXML
 * ones (templates and slide shows too). Never in the default list: an administrator who wants
 * them names them in ATTACHMENT_TYPES.
 */
const MACRO_CAPABLE = new Set([
  DOC,
  XLS,
  PPT,
  DOCM,
  XLSM,
  PPTM,
  "application/vnd.ms-word.template.macroenabled.12",
  "application/vnd.ms-excel.template.macroenabled.12",
  "application/vnd.ms-powerpoint.template.macroenabled.12",
  "application/vnd.ms-powerpoint.slideshow.macroenabled.12",
]);

/** An OOXML file that carries a VBA project is macro-enabled whatever its main part claims. */
const MACRO_VARIANT: Record<string, string> = { [DOCX]: DOCM, [XLSX]: XLSM, [PPTX]: PPTM };

/** Accepted unless ATTACHMENT_TYPES says otherwise. */
export const DEFAULT_ATTACHMENT_TYPES = [
  "image/jpeg",
  "image/png",
  "image/webp",
  "image/gif",
  "image/heic",
  "image/heif",
  "application/pdf",
  DOCX,
  XLSX,
  PPTX,
  "text/plain",
  "text/csv",
];

/** Short names for people, used in refusals ("This file is HTML, …"). */
const LABELS: Record<string, string> = {
  "image/jpeg": "JPEG",
  "image/png": "PNG",
  "image/webp": "WebP",
  "image/gif": "GIF",
  "image/heic": "HEIC",
  "image/heif": "HEIF",
  "image/avif": "AVIF",
  "image/bmp": "BMP",
  "image/tiff": "TIFF",
  "image/svg+xml": "SVG",
  "application/pdf": "PDF",
  [DOCX]: "Word",
  [XLSX]: "Excel",
  [PPTX]: "PowerPoint",
  [DOC]: "Word 97–2003",
  [XLS]: "Excel 97–2003",
  [PPT]: "PowerPoint 97–2003",
  [DOCM]: "Word with macros",
  [XLSM]: "Excel with macros",
  [PPTM]: "PowerPoint with macros",
  "application/vnd.ms-word.template.macroenabled.12": "a Word template with macros",
  "application/vnd.ms-excel.template.macroenabled.12": "an Excel template with macros",
  "application/vnd.ms-powerpoint.template.macroenabled.12": "a PowerPoint template with macros",
  "application/vnd.ms-powerpoint.slideshow.macroenabled.12": "a PowerPoint slide show with macros",
  "text/plain": "text",
  "text/csv": "CSV",
  "text/html": "HTML",
  "application/xml": "XML",
  "application/zip": "ZIP",
  "application/x-msdownload": "a Windows program",
  "application/x-elf": "a program",
  "application/x-sh": "a shell script",
  "application/octet-stream": "not a recognised type",
};

export const typeLabel = (mime: string) => LABELS[mime] ?? mime;

/** "images (JPEG, PNG), PDF, Word, Excel, text, CSV", from the configured list. */
export function describeAllowed(allowed: readonly string[]): string {
  const images = [...new Set(allowed.filter((t) => t.startsWith("image/")).map(typeLabel))];
  const others = [...new Set(allowed.filter((t) => !t.startsWith("image/")).map(typeLabel))];
  return [images.length ? `images (${images.join(", ")})` : null, ...others].filter(Boolean).join(", ");
}

export type Sniffed = { ok: true; contentType: string } | { ok: false; detected: string; reason: string };

const extensionOf = (name: string) => /\.([a-z0-9]{1,8})$/i.exec(name)?.[1]?.toLowerCase() ?? "";

const CFB_BY_EXTENSION: Record<string, string> = { doc: DOC, xls: XLS, ppt: PPT };

const TEXT_BY_EXTENSION: Record<string, string> = { txt: "text/plain", csv: "text/csv" };

/** Markup a browser would render (or run) if it ever treated the file as a page. */
function markupKind(text: string): string | null {
  const head = text.replace(/^\uFEFF/, "").trimStart().slice(0, 512).toLowerCase();
  if (!head.startsWith("<")) return null;
  if (/^<svg[\s>]/.test(head) || head.includes("<svg")) return "image/svg+xml";
  if (/^<(!doctype html|html|head|body|script|iframe|meta|title|div|a|p)[\s>]/.test(head) || head.includes("<script")) return "text/html";
  if (head.startsWith("<?xml") || head.startsWith("<!doctype") || head.startsWith("<!--")) return "application/xml";
  return "text/html";
}

/**
 * The names in a ZIP's central directory (empty if there is none to read). file-type stops at
 * [Content_Types].xml, which an attacker writes; the parts actually present are listed here.
 */
export function zipEntryNames(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // End of central directory: 22 bytes plus a comment of at most 65,535, at the very end.
  let end = -1;
  for (let at = bytes.byteLength - 22; at >= Math.max(0, bytes.byteLength - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) return [];
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const names: string[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < count && at + 46 <= bytes.byteLength && view.getUint32(at, true) === 0x02014b50; i++) {
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    names.push(decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** The file's type as its bytes say, and whether it may be stored. */
export async function sniff(bytes: Uint8Array, name: string, allowed: readonly string[]): Promise<Sniffed> {
  const refuse = (detected: string): Sniffed => {
    const claimed = extensionOf(name);
    const what = typeLabel(detected);
    const claim = /^(png|jpe?g|gif|webp|heic)$/.test(claimed) && !detected.startsWith("image/") ? ", not an image" : "";
    const macros = MACRO_CAPABLE.has(detected) ? ", which can carry macros" : "";
    return { ok: false, detected, reason: `This file is ${what}${claim}${macros}; allowed: ${describeAllowed(allowed)}` };
  };
  const found = await fileTypeFromBuffer(bytes);
  if (found) {
    let mime = found.mime;
    if (mime === "application/x-cfb") mime = CFB_BY_EXTENSION[extensionOf(name)] ?? mime;
    const macroVariant = MACRO_VARIANT[mime];
    if (macroVariant && zipEntryNames(bytes).some((entry) => /(^|\/)vbaproject\.bin$/i.test(entry))) mime = macroVariant;
    if (mime === "application/xml" || mime === "image/svg+xml") return refuse(mime);
    return allowed.includes(mime) ? { ok: true, contentType: mime } : refuse(mime);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return refuse("application/octet-stream");
  }
  const markup = markupKind(text);
  if (markup) return refuse(markup);
  if (text.includes("\u0000")) return refuse("application/octet-stream");
  const textType = TEXT_BY_EXTENSION[extensionOf(name)];
  if (!textType) return { ok: false, detected: "text/plain", reason: `Text is accepted as .txt or .csv files only; allowed: ${describeAllowed(allowed)}` };
  return allowed.includes(textType) ? { ok: true, contentType: textType } : refuse(textType);
}

/** A file the server will not store, with a reason meant for the person who chose it. */
export class FileRefused extends Error {
  constructor(
    readonly code: "too_large" | "unsupported_type" | "empty",
    message: string,
  ) {
    super(message);
    this.name = "FileRefused";
  }
}
