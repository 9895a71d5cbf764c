"use client";

import { useFormatter } from "next-intl";

/**
 * Whether two moments fall on one calendar day in the time zone the app formats in (the
 * browser's, lib/i18n/time-zone.ts), not the runtime's: a page rendered on the server and taken
 * over by the browser must draw its day dividers in the same places.
 */
export function useIsSameDay(): (a: Date, b: Date) => boolean {
  const format = useFormatter();
  const day = (at: Date) => format.dateTime(at, { year: "numeric", month: "numeric", day: "numeric" });
  return (a, b) => day(a) === day(b);
}
