"use client";

import { useTranslations } from "next-intl";
import styles from "./manager.module.css";
import { useNow } from "./use-now";

const MINUTE = 60_000;
/** From this long on the wait is shown as urgent. */
const LATE_AFTER_MINUTES = 15;

/** "Waiting 12 minutes", kept current; the colour turns urgent after a quarter of an hour. */
export function WaitTime({ since }: { since: Date }) {
  const t = useTranslations("manager.waiting");
  const now = useNow();
  // A phone's clock may run a little behind the server's: never show a negative wait.
  const minutes = Math.max(0, Math.floor((now - since.getTime()) / MINUTE));
  const label =
    minutes < 1
      ? t("now")
      : minutes < 60
        ? t("minutes", { count: minutes })
        : minutes < 24 * 60
          ? t("hours", { count: Math.floor(minutes / 60) })
          : t("days", { count: Math.floor(minutes / (24 * 60)) });
  return (
    <time className={styles.wait} data-late={minutes >= LATE_AFTER_MINUTES || undefined} dateTime={since.toISOString()}>
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
        <path d="M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7v5l3 2" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      {label}
    </time>
  );
}
