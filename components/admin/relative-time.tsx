"use client";

import { useFormatter } from "next-intl";
import { useNow } from "~/components/manager/use-now";

/**
 * "5 minutes ago", or for `isFuture` "in 2 minutes", kept current by the shared clock. The clock
 * ticks every 15 s, so a past moment can look ahead of it: that is "now", never "in 5 seconds".
 */
export function useRelativeTime(): (date: Date, options?: { isFuture?: boolean }) => string {
  const format = useFormatter();
  const clock = useNow();
  return (date, { isFuture = false } = {}) => format.relativeTime(date, isFuture ? clock : Math.max(clock, date.getTime()));
}
