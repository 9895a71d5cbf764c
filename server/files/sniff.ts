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
  "application/msword",
  "application/vnd.ms-excel",
  "application/vnd.ms-powerpoint",
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
  "application/msword": "Word",
  "application/vnd.ms-excel": "Excel",
  "application/vnd.ms-powerpoint": "PowerPoint",
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

const CFB_BY_EXTENSION: Record<string, string> = {
  doc: "application/msword",
  xls: "application/vnd.ms-excel",
  ppt: "application/vnd.ms-powerpoint",
};

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

/** The file's type as its bytes say, and whether it may be stored. */
export async function sniff(bytes: Uint8Array, name: string, allowed: readonly string[]): Promise<Sniffed> {
  const refuse = (detected: string): Sniffed => {
    const claimed = extensionOf(name);
    const what = typeLabel(detected);
    const claim = /^(png|jpe?g|gif|webp|heic)$/.test(claimed) && !detected.startsWith("image/") ? ", not an image" : "";
    return { ok: false, detected, reason: `This file is ${what}${claim}; allowed: ${describeAllowed(allowed)}` };
  };
  const found = await fileTypeFromBuffer(bytes);
  if (found) {
    let mime = found.mime;
    if (mime === "application/x-cfb") mime = CFB_BY_EXTENSION[extensionOf(name)] ?? mime;
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
