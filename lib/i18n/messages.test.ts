import { describe, expect, it } from "vitest";
import en from "./messages/en.json";
import pl from "./messages/pl.json";

function keys(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keys(child, prefix ? `${prefix}.${key}` : key));
}

describe("message catalogues", () => {
  it("give Polish every string English has, and no other", () => {
    expect(keys(pl).sort()).toEqual(keys(en).sort());
  });

  it("have no empty strings", () => {
    for (const catalogue of [en, pl]) {
      const empty = keys(catalogue).filter((key) => key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], catalogue) === "");
      expect(empty).toEqual([]);
    }
  });
});
