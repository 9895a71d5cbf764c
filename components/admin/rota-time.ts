import { useLocale } from "next-intl";
import { useMemo } from "react";

/** Minutes after midnight as HH:MM; the end of the day is 24:00. */
export function minutesToTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** An <input type="time"> value as minutes after midnight, or null. */
export function timeToMinutes(value: string): number | null {
  const match = /^(\d{2}):(\d{2})/.exec(value);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  return hours < 24 && minutes < 60 ? hours * 60 + minutes : null;
}

export type DayChoice = "all" | "weekdays" | `${number}`;
export type Window = { weekday: number; fromMinute: number; toMinute: number };

/**
 * The weekly windows a shift form means: one per chosen day; an end of 00:00 is midnight; an
 * end before the start runs overnight, so it becomes the evening on the day and the early
 * hours of the next. Null when start and end are the same.
 */
export function shiftWindows(day: DayChoice, from: number, to: number): Window[] | null {
  const end = to === 0 ? 24 * 60 : to;
  if (end === from) return null;
  const days = day === "all" ? [0, 1, 2, 3, 4, 5, 6] : day === "weekdays" ? [1, 2, 3, 4, 5] : [Number(day)];
  return days.flatMap((weekday) =>
    end > from
      ? [{ weekday, fromMinute: from, toMinute: end }]
      : [
          { weekday, fromMinute: from, toMinute: 24 * 60 },
          { weekday: (weekday + 1) % 7, fromMinute: 0, toMinute: end },
        ],
  );
}

/** Weekday names in the screen's language, index 0 = Sunday (as the server counts). */
export function useWeekdayNames(): string[] {
  const locale = useLocale();
  return useMemo(() => {
    const format = new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" });
    // 4 January 2026 was a Sunday.
    return Array.from({ length: 7 }, (_, day) => {
      const name = format.format(new Date(Date.UTC(2026, 0, 4 + day)));
      return name.charAt(0).toLocaleUpperCase(locale) + name.slice(1);
    });
  }, [locale]);
}

/** Monday first, as the week is printed on rotas here. */
export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0];
