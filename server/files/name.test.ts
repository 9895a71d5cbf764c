import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_FILE_NAME_LENGTH, cleanFileName, safeFileName } from "./name";

/** Every character the name rules forbid (server/files/name.ts). */
const FORBIDDEN = /[\p{Cc}\p{Cs}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029/\\]/u;

/** Names people and attackers send: any text, salted with the characters that matter here. */
const nasty = fc.constantFrom("\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c", "\u0000", "\u001b", "\u0085", "\u009f", "\u007f", "\r\n", "/", "\\", ".", "..", " ", "\ud83d\ude00", "\ud800", "\udc00", ".pdf", "a");
const fileName = fc.array(fc.oneof(fc.string({ unit: "grapheme", maxLength: 20 }), fc.string({ unit: "binary", maxLength: 5 }), nasty), { maxLength: 40 }).map((parts) => parts.join(""));
const longName = fc.tuple(fc.string({ unit: "grapheme", minLength: 150, maxLength: 400 }), fc.constantFrom("", ".pdf", ".xlsx", ".jpg")).map(([stem, ext]) => stem + ext);

describe("uploaded file names", () => {
  it("never keep bidi overrides, controls, lone surrogates or path separators, never start with a dot, and stay within the limit", () => {
    fc.assert(
      fc.property(fc.oneof(fileName, longName), (raw) => {
        const name = cleanFileName(raw);
        expect(name).not.toMatch(FORBIDDEN);
        expect(name.startsWith(".")).toBe(false);
        expect(name.length).toBeLessThanOrEqual(MAX_FILE_NAME_LENGTH);
        // A name the server sends must survive encodeURIComponent (Content-Disposition).
        expect(() => encodeURIComponent(name)).not.toThrow();
        expect(cleanFileName(name)).toBe(name);
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps the extension when a long name is cut, without splitting a character", () => {
    const name = cleanFileName(`${"😀".repeat(150)}.pdf`);
    expect(name.length).toBeLessThanOrEqual(MAX_FILE_NAME_LENGTH);
    expect(name.endsWith("😀.pdf")).toBe(true);
  });

  it("shows a right-to-left override disguise as the name it really is", () => {
    expect(cleanFileName("invoice\u202efdp.exe")).toBe("invoicefdp.exe");
    expect(cleanFileName("C:\\Users\\pia\\..\\.hidden\u2066.png")).toBe("hidden.png");
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
  });

  it("names a file whose name cleans to nothing 'file' with the extension of its sniffed type", () => {
    expect(safeFileName("\u202e\u200f", "application/pdf")).toBe("file.pdf");
    expect(safeFileName("...", "image/jpeg")).toBe("file.jpg");
    expect(safeFileName("a/", "application/octet-stream")).toBe("file");
    expect(safeFileName("report.pdf", "application/pdf")).toBe("report.pdf");
  });
});
