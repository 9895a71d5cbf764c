/** The history quick filters (PRODUCT.md M8), as instants, computed in the reader's time zone. */
export type QuickFilter = "yesterday" | "7d" | "30d" | "all";

/** Offset of `timeZone` from UTC at `at`, in minutes (positive east of Greenwich). */
function offsetMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - at.getTime()) / 60_000);
}

/** Midnight that starts the day `daysAgo` days before `now`'s day, in `timeZone`. */
export function startOfDay(now: Date, timeZone: string, daysAgo = 0): Date {
  const local = new Date(now.getTime() + offsetMinutes(now, timeZone) * 60_000);
  const midnightAsUtc = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - daysAgo);
  // The offset at midnight may differ from now's (daylight saving change that day).
  const guess = new Date(midnightAsUtc - offsetMinutes(new Date(midnightAsUtc), timeZone) * 60_000);
  return new Date(midnightAsUtc - offsetMinutes(guess, timeZone) * 60_000);
}

export function quickRange(filter: QuickFilter, now: Date, timeZone: string): { from?: Date; to?: Date } {
  switch (filter) {
    case "yesterday":
      return { from: startOfDay(now, timeZone, 1), to: startOfDay(now, timeZone, 0) };
    case "7d":
      return { from: new Date(now.getTime() - 7 * 86_400_000) };
    case "30d":
      return { from: new Date(now.getTime() - 30 * 86_400_000) };
    case "all":
      return {};
  }
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
