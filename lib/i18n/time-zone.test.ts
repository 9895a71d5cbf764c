import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { timeZoneFrom } from "./time-zone";

describe("the time zone a browser names in its cookie", () => {
  it("is taken when it is an IANA zone this runtime knows", () => {
    expect(timeZoneFrom("Europe/Warsaw")).toBe("Europe/Warsaw");
    expect(timeZoneFrom("America/Argentina/Buenos_Aires")).toBe("America/Argentina/Buenos_Aires");
    expect(timeZoneFrom("UTC")).toBe("UTC");
  });

  it("is ignored when missing, unknown or not a zone name at all", () => {
    for (const value of [undefined, "", "Mars/Olympus", "Europe/Warsaw; path=/", "../../etc", "+01:00", "x".repeat(200)]) {
      expect(timeZoneFrom(value)).toBeUndefined();
    }
  });

  it("never throws and returns either nothing or a name Intl accepts, whatever the cookie holds", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (value) => {
        const zone = timeZoneFrom(value);
        if (zone !== undefined) expect(() => new Intl.DateTimeFormat("en", { timeZone: zone })).not.toThrow();
      }),
    );
  });
});
