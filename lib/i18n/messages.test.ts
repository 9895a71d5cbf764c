import compile from "icu-minify/compile";
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

  // The build compiles every message ahead of time (next.config.mjs, precompile), and a message
  // the compiler refuses fails the build: an unquoted <name> reads as an unclosed tag. Quote it:
  // '<name>'.
  it("compile as the build compiles them", async () => {
    for (const locale of ["en", "pl"] as const) {
      const messages = await loadMessages(locale);
      const refused = keys(messages).filter((key) => {
        const message = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], messages);
        try {
          compile(message as string);
          return false;
        } catch {
          return true;
        }
      });
      expect(refused, locale).toEqual([]);
    }
  });
});
