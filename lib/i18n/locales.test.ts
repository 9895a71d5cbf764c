import { describe, expect, it } from "vitest";
import { resolveLocale } from "./locales";

describe("resolveLocale", () => {
  it("prefers the locale cookie over the browser's languages", () => {
    expect(resolveLocale("pl", "en-GB,en;q=0.9")).toBe("pl");
  });

  it("takes the browser's highest-ranked supported language", () => {
    expect(resolveLocale(undefined, "de-DE,de;q=0.9,pl;q=0.8,en;q=0.7")).toBe("pl");
  });

  it("falls back to English for an unknown cookie and unsupported languages", () => {
    expect(resolveLocale("xx", "de,fr;q=0.5")).toBe("en");
    expect(resolveLocale(undefined, null)).toBe("en");
  });
});
