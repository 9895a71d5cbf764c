import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OPT_IN_KEYWORDS, OPT_OUT_KEYWORDS, smsKeyword, smsSegments } from "./sms";

/** GSM 03.38's default alphabet as the standard prints it (without the escape), the rule to test against. */
const GSM_BASIC_TABLE = [
  "@£$¥èéùìòÇ\nØø\rÅå",
  "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ",
  " !\"#¤%&'()*+,-./",
  "0123456789:;<=>?",
  "¡ABCDEFGHIJKLMNO",
  "PQRSTUVWXYZÄÖÑÜ§",
  "¿abcdefghijklmno",
  "pqrstuvwxyzäöñüà",
].join("");
const GSM_EXTENSION_TABLE = "\f^{}\\[~]|€";

const a = (n: number) => "a".repeat(n);
const z = (n: number) => "ż".repeat(n);

describe("smsSegments", () => {
  it("counts each of the 127 basic GSM-7 characters as one unit and each extension character as two", () => {
    expect(Array.from(GSM_BASIC_TABLE)).toHaveLength(127);
    for (const c of GSM_BASIC_TABLE) expect(smsSegments(c), JSON.stringify(c)).toMatchObject({ encoding: "GSM-7", units: 1 });
    for (const c of GSM_EXTENSION_TABLE) expect(smsSegments(c), JSON.stringify(c)).toMatchObject({ encoding: "GSM-7", units: 2 });
  });

  it("switches the whole text to UCS-2 for one character outside GSM-7 (lower-case ç and the backtick are not in it)", () => {
    for (const c of ["ż", "ç", "`", "ą", "😀"]) expect(smsSegments(`Hello ${c}`).encoding, c).toBe("UCS-2");
    expect(smsSegments("Zażółć gęślą jaźń")).toMatchObject({ encoding: "UCS-2", units: 17, segments: 1, perSegment: 70, left: 53 });
  });

  it("gives empty text no segment and a whole GSM-7 segment left", () => {
    expect(smsSegments("")).toEqual({ encoding: "GSM-7", units: 0, segments: 0, perSegment: 160, left: 160 });
  });

  it("fits 160 GSM-7 units in one segment, then 153 per part", () => {
    expect(smsSegments(a(160))).toEqual({ encoding: "GSM-7", units: 160, segments: 1, perSegment: 160, left: 0 });
    expect(smsSegments(a(161))).toEqual({ encoding: "GSM-7", units: 161, segments: 2, perSegment: 153, left: 145 });
    expect(smsSegments(a(306))).toMatchObject({ segments: 2, left: 0 });
    expect(smsSegments(a(307))).toMatchObject({ segments: 3, left: 152 });
  });

  it("counts € as two units, so 80 of them fill one segment and 81 take two", () => {
    expect(smsSegments("€")).toMatchObject({ encoding: "GSM-7", units: 2, segments: 1, left: 158 });
    expect(smsSegments("€".repeat(80))).toMatchObject({ units: 160, segments: 1, left: 0 });
    // 76 escape pairs fill 152 of a part's 153 units: the 77th does not fit in the last one.
    expect(smsSegments("€".repeat(81))).toMatchObject({ units: 162, segments: 2, left: 153 - 10 });
  });

  it("never splits an extension character's two units across parts", () => {
    // Units 152–153 of the first part: it fits exactly.
    expect(smsSegments(`${a(151)}€${a(10)}`)).toMatchObject({ units: 163, segments: 2, left: 143 });
    // Units 153–154 would straddle the boundary: the escape pair moves to the second part.
    expect(smsSegments(`${a(152)}€${a(10)}`)).toMatchObject({ units: 164, segments: 2, left: 141 });
    // 306 units would divide into two parts, but the moved pair makes a third.
    expect(smsSegments(`${a(152)}€${a(152)}`)).toMatchObject({ units: 306, segments: 3, left: 152 });
  });

  it("fits 70 UCS-2 units in one segment, then 67 per part", () => {
    expect(smsSegments(z(1))).toEqual({ encoding: "UCS-2", units: 1, segments: 1, perSegment: 70, left: 69 });
    expect(smsSegments(z(70))).toMatchObject({ segments: 1, left: 0 });
    expect(smsSegments(z(71))).toEqual({ encoding: "UCS-2", units: 71, segments: 2, perSegment: 67, left: 63 });
    expect(smsSegments(z(134))).toMatchObject({ segments: 2, left: 0 });
    expect(smsSegments(z(135))).toMatchObject({ segments: 3 });
  });

  it("counts an emoji as its two UTF-16 units and never splits the pair across parts", () => {
    expect(smsSegments("👍")).toMatchObject({ encoding: "UCS-2", units: 2, segments: 1, left: 68 });
    expect(smsSegments("👍".repeat(35))).toMatchObject({ units: 70, segments: 1, left: 0 });
    // 33 pairs fill 66 of a part's 67 units; the 34th goes whole to the second part.
    expect(smsSegments("👍".repeat(36))).toMatchObject({ units: 72, segments: 2, left: 61 });
    // A pair at units 67–68 moves to the next part: 134 units then take three parts, not two.
    expect(smsSegments(`${z(66)}👍${z(66)}`)).toMatchObject({ units: 134, segments: 3, left: 66 });
    expect(smsSegments(`${a(65)}👍${a(67)}`)).toMatchObject({ units: 134, segments: 2, left: 0 });
  });

  const piece = fc.oneof(
    fc.constantFrom(...GSM_BASIC_TABLE),
    fc.constantFrom(...GSM_EXTENSION_TABLE),
    fc.constantFrom("ż", "ç", "👍", "🇵🇱", "\u{1F469}\u200D\u{1F4BB}"),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  );
  const text = fc.array(piece, { maxLength: 400 }).map((pieces) => pieces.join(""));

  it("never takes fewer segments after a character is appended", () => {
    fc.assert(
      fc.property(text, piece, (before, added) => {
        expect(smsSegments(before + added).segments).toBeGreaterThanOrEqual(smsSegments(before).segments);
      }),
    );
  });

  it("takes one segment up to 160 basic GSM-7 characters and ceil(n / 153) beyond", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...GSM_BASIC_TABLE), { maxLength: 800 }), (chars) => {
        const n = chars.length;
        expect(smsSegments(chars.join("")).segments).toBe(n <= 160 ? (n ? 1 : 0) : Math.ceil(n / 153));
      }),
    );
  });

  it("counts units as the encoding does: GSM-7 septets, or UTF-16 code units (String.length) in UCS-2", () => {
    fc.assert(
      fc.property(text, (t) => {
        const { encoding, units } = smsSegments(t);
        const septets = Array.from(t).reduce((sum, c) => sum + (GSM_EXTENSION_TABLE.includes(c) ? 2 : 1), 0);
        expect(units).toBe(encoding === "UCS-2" ? t.length : septets);
      }),
    );
  });
});

describe("smsKeyword", () => {
  it("recognises every opt-out and opt-in keyword and HELP in any case, trimmed", () => {
    for (const word of OPT_OUT_KEYWORDS) {
      expect(smsKeyword(word)).toBe("opt_out");
      expect(smsKeyword(`  ${word.toLowerCase()}\n`)).toBe("opt_out");
    }
    for (const word of OPT_IN_KEYWORDS) expect(smsKeyword(` ${word[0]}${word.slice(1).toLowerCase()} `)).toBe("opt_in");
    expect(smsKeyword("help")).toBe("help");
  });

  it("ignores a keyword that is only part of the message", () => {
    for (const body of ["please stop by at 5", "STOP!", "STOP NOW", "start work at 8", "", "HELPER"]) expect(smsKeyword(body), body).toBeNull();
  });
});
