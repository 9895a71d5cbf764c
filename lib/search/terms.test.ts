import { describe, expect, it } from "vitest";
import { prefixTsquery, searchTerms, snippet } from "./terms";

describe("search terms", () => {
  it("keeps letters of any script and digits, lowercased, and drops tsquery operators", () => {
    expect(searchTerms("ŻÓŁTY  Wózek & pall:* | !'x' (SO-10250)")).toEqual(["żółty", "wózek", "pall", "x", "so", "10250"]);
    expect(searchTerms("&&& :* '")).toEqual([]);
  });

  it("makes every word a prefix, ANDed, and lets a number match PostgreSQL's signed reading of SO-10250", () => {
    expect(prefixTsquery(["pall", "10250"])).toBe("'pall':* & ('10250':* | '-10250':*)");
    expect(prefixTsquery(["a", "b"], "|")).toBe("'a':* | 'b':*");
  });
});

describe("snippet", () => {
  const marked = (parts: ReturnType<typeof snippet>) => parts.map((p) => (p.isMatch ? `[${p.text}]` : p.text)).join("");

  it("marks word starts only, whatever their case", () => {
    expect(marked(snippet("Two Pallets at the pallet dock; spall", ["pall"]))).toBe("Two [Pall]ets at the [pall]et dock; spall");
  });

  it("cuts a long message around its first match, on a word boundary", () => {
    const body = `${"filler words here ".repeat(20)}the Żółty forklift ${"and more text ".repeat(20)}`;
    const text = marked(snippet(body, ["żół"]));
    expect(text.startsWith("…")).toBe(true);
    expect(text.endsWith("…")).toBe(true);
    expect(text).toContain("the [Żół]ty forklift");
    expect(text).toMatch(/^…(filler|words|here|the) /);
  });
});
