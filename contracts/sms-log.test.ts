import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvField } from "./sms-log";

describe("a field of the SMS log's CSV", () => {
  it("neutralises a leading = + - @ so a spreadsheet never runs it, but keeps an E.164 number", () => {
    expect(csvField("=HYPERLINK(\"x\")")).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField("+cmd|' /C calc'!A0")).toBe("'+cmd|' /C calc'!A0");
    expect(csvField("-1+1")).toBe("'-1+1");
    expect(csvField("@SUM(1)")).toBe("'@SUM(1)");
    expect(csvField("+48600100200")).toBe("+48600100200");
  });

  it("round-trips any text through a CSV reader's unquoting, apart from the neutralising quote", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const field = csvField(value);
        const unquoted = field.startsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field;
        expect(unquoted === value || unquoted === `'${value}`).toBe(true);
        // Quoted whenever a separator, quote or line break could split the row.
        if (/[",\n\r]/.test(value)) expect(field.startsWith('"')).toBe(true);
      }),
    );
  });
});
