import { describe, expect, it } from "vitest";
import { isTimeZone, quickRange, startOfDay } from "./ranges";

describe("quick history ranges", () => {
  it("yesterday runs from the reader's previous midnight to their last midnight", () => {
    const now = new Date("2026-11-21T10:30:00Z");
    expect(quickRange("yesterday", now, "Europe/Warsaw")).toEqual({
      from: new Date("2026-11-19T23:00:00Z"),
      to: new Date("2026-11-20T23:00:00Z"),
    });
    expect(quickRange("yesterday", now, "UTC")).toEqual({
      from: new Date("2026-11-20T00:00:00Z"),
      to: new Date("2026-11-21T00:00:00Z"),
    });
  });

  it("uses the date in the reader's zone, not UTC's, just after local midnight", () => {
    // 00:30 in Warsaw on 21 November is still 20 November in UTC.
    expect(startOfDay(new Date("2026-11-20T23:30:00Z"), "Europe/Warsaw")).toEqual(new Date("2026-11-20T23:00:00Z"));
  });

  it("handles a day that starts in summer time and ends in winter time", () => {
    // 25 October 2026: Warsaw changes from UTC+2 to UTC+1.
    expect(startOfDay(new Date("2026-10-26T12:00:00Z"), "Europe/Warsaw", 1)).toEqual(new Date("2026-10-24T22:00:00Z"));
  });

  it("7 and 30 days are rolling windows; all has no bounds", () => {
    const now = new Date("2026-11-21T10:30:00Z");
    expect(quickRange("7d", now, "UTC")).toEqual({ from: new Date("2026-11-14T10:30:00Z") });
    expect(quickRange("30d", now, "UTC")).toEqual({ from: new Date("2026-10-22T10:30:00Z") });
    expect(quickRange("all", now, "UTC")).toEqual({});
  });

  it("recognises IANA time zones", () => {
    expect(isTimeZone("Europe/Warsaw")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
  });
});
