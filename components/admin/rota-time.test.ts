import { describe, expect, it } from "vitest";
import { minutesToTime, shiftWindows, timeToMinutes } from "./rota-time";

describe("rota shift windows", () => {
  it("reads and writes HH:MM, with 24:00 as the end of the day", () => {
    expect(timeToMinutes("08:30")).toBe(510);
    expect(timeToMinutes("")).toBeNull();
    expect(minutesToTime(510)).toBe("08:30");
    expect(minutesToTime(1440)).toBe("24:00");
  });

  it("makes one window per chosen day, and an end of 00:00 means midnight", () => {
    expect(shiftWindows("3", 480, 960)).toEqual([{ weekday: 3, fromMinute: 480, toMinute: 960 }]);
    expect(shiftWindows("weekdays", 0, 0)?.map((w) => [w.weekday, w.fromMinute, w.toMinute])).toEqual([1, 2, 3, 4, 5].map((d) => [d, 0, 1440]));
    expect(shiftWindows("all", 600, 720)).toHaveLength(7);
  });

  it("splits an overnight shift into the evening and the next day's early hours, Saturday into Sunday", () => {
    expect(shiftWindows("6", 22 * 60, 6 * 60)).toEqual([
      { weekday: 6, fromMinute: 1320, toMinute: 1440 },
      { weekday: 0, fromMinute: 0, toMinute: 360 },
    ]);
  });

  it("refuses a shift whose start and end are the same", () => {
    expect(shiftWindows("1", 600, 600)).toBeNull();
  });
});
