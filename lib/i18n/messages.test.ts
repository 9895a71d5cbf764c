import { describe, expect, it } from "vitest";
import { loadMessages } from "./catalogue";

function keys(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keys(child, prefix ? `${prefix}.${key}` : key));
}

function leaves(value: unknown): unknown[] {
  if (typeof value !== "object" || value === null) return [value];
  return Object.values(value).flatMap(leaves);
}

describe("message catalogues", () => {
  it("give Polish every string English has, and no other", async () => {
    const [en, pl] = await Promise.all([loadMessages("en"), loadMessages("pl")]);
    expect(keys(pl).sort()).toEqual(keys(en).sort());
  });

  it("have no empty strings", async () => {
    for (const locale of ["en", "pl"] as const) {
      expect(leaves(await loadMessages(locale)).filter((value) => value === "")).toEqual([]);
    }
  });
});
