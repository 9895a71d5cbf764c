/**
 * Uploaded file names are shown to other people and sent back in Content-Disposition, so they
 * are cleaned of anything that can disguise a file or reach outside its name:
 * - bidirectional overrides and marks (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C):
 *   "invoice\u202Efdp.exe" displays as "invoiceexe.pdf";
 * - C0/C1 controls and line/paragraph separators: header splitting, broken lines in lists;
 * - lone UTF-16 surrogates: not a character, and encodeURIComponent throws on them;
 * - path separators (only the last segment is kept) and leading dots (no hidden or "..").
 */
export const MAX_FILE_NAME_LENGTH = 200;

const UNSAFE = /[\p{Cc}\p{Cs}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/gu;

/** An extension worth keeping when a long name is cut: short and plain. */
const EXTENSION = /\.[\p{L}\p{N}]{1,8}$/u;

/** The name fit to store and send; "" when nothing is left (see `safeFileName`). */
export function cleanFileName(raw: string): string {
  const base = raw.replace(UNSAFE, "").split(/[\\/]/).pop() ?? "";
  const name = base.replace(/^[\s.]+/, "").trimEnd();
  if (name.length <= MAX_FILE_NAME_LENGTH) return name;
  // Cut by code points, so no surrogate pair is split, and keep the extension people rely on.
  const extension = EXTENSION.exec(name)?.[0] ?? "";
  let stem = "";
  for (const char of name.slice(0, name.length - extension.length)) {
    if (stem.length + char.length + extension.length > MAX_FILE_NAME_LENGTH) break;
    stem += char;
  }
  return `${stem.trimEnd()}${extension}`;
}

const EXTENSION_BY_TYPE: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/gif": "gif",
  "image/heic": "heic",
  "image/heif": "heif",
  "application/pdf": "pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
  "application/msword": "doc",
  "application/vnd.ms-excel": "xls",
  "application/vnd.ms-powerpoint": "ppt",
  "application/vnd.ms-word.document.macroenabled.12": "docm",
  "application/vnd.ms-excel.sheet.macroenabled.12": "xlsm",
  "application/vnd.ms-powerpoint.presentation.macroenabled.12": "pptm",
  "text/plain": "txt",
  "text/csv": "csv",
};

/** The cleaned name, or for one that cleaned to nothing "file" with its type's extension. */
export function safeFileName(raw: string, contentType: string): string {
  const extension = EXTENSION_BY_TYPE[contentType];
  return cleanFileName(raw) || (extension ? `file.${extension}` : "file");
}
