import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DEFAULT_ATTACHMENT_TYPES, sniff, zipEntryNames } from "./sniff";

/** A ZIP of stored (uncompressed) entries, built here so the test carries no binary fixture. */
function zip(entries: Record<string, string>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const nameBytes = Buffer.from(name);
    const data = Buffer.from(content);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

/** An OOXML package whose main part has the given content type, with a VBA project or not. */
function office(mainType: string, folder: "word" | "xl" | "ppt", options: { vba: boolean }): Uint8Array {
  const main = { word: "document.xml", xl: "workbook.xml", ppt: "presentation.xml" }[folder];
  const types =
    `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    `<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>` +
    `<Override PartName="/${folder}/${main}" ContentType="${mainType}.main+xml"/></Types>`;
  return zip({
    "[Content_Types].xml": types,
    [`${folder}/${main}`]: "<document/>",
    ...(options.vba ? { [`${folder}/vbaProject.bin`]: "\u00d0\u00cf VBA" } : {}),
  });
}

const DOCM = "application/vnd.ms-word.document.macroenabled.12";
const XLSM = "application/vnd.ms-excel.sheet.macroenabled.12";
const DOC = "application/msword";
const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

const docm = office("application/vnd.ms-word.document.macroEnabled", "word", { vba: true });
const xlsm = office("application/vnd.ms-excel.sheet.macroEnabled", "xl", { vba: true });
/** A Word 97–2003 file as file-type sees it: the compound file (CFB) signature. */
const legacyDoc = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array<number>(504).fill(0)]);

describe("Office files that can carry macros", () => {
  it("are refused by default, with a reason that says so: .docm, .xlsm and a 97–2003 .doc", async () => {
    for (const [bytes, name, detected, label] of [
      [docm, "report.docm", DOCM, "Word with macros"],
      [xlsm, "stock.xlsm", XLSM, "Excel with macros"],
      [legacyDoc, "old.doc", DOC, "Word 97–2003"],
    ] as const) {
      const result = await sniff(bytes, name, DEFAULT_ATTACHMENT_TYPES);
      expect(result, name).toEqual({ ok: false, detected, reason: expect.stringMatching(new RegExp(`^This file is ${label}, which can carry macros; allowed: `)) as unknown });
    }
  });

  it("are accepted when ATTACHMENT_TYPES names them", async () => {
    const allowed = [...DEFAULT_ATTACHMENT_TYPES, DOCM, XLSM, DOC];
    expect(await sniff(docm, "report.docm", allowed)).toEqual({ ok: true, contentType: DOCM });
    expect(await sniff(xlsm, "stock.xlsm", allowed)).toEqual({ ok: true, contentType: XLSM });
    expect(await sniff(legacyDoc, "old.doc", allowed)).toEqual({ ok: true, contentType: DOC });
  });

  it("treats a package claiming to be .docx but carrying a VBA project as macro-enabled", async () => {
    const disguised = office(DOCX, "word", { vba: true });
    expect(zipEntryNames(disguised)).toContain("word/vbaProject.bin");
    expect(await sniff(disguised, "report.docx", DEFAULT_ATTACHMENT_TYPES)).toMatchObject({ ok: false, detected: DOCM });
  });

  it("still accepts a plain .docx", async () => {
    expect(await sniff(office(DOCX, "word", { vba: false }), "report.docx", DEFAULT_ATTACHMENT_TYPES)).toEqual({ ok: true, contentType: DOCX });
  });
});
