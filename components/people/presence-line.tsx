"use client";

import { useFormatter, useNow, useTranslations } from "next-intl";
import { type Presence, StatusMark } from "./presence";
import styles from "./presence-line.module.css";

/** "● Busy · At dock 3", or "○ Offline · active 2 hours ago": the mark, its word, the person's own text. */
export function PresenceLine({
  presence,
  statusText,
  lastActiveAt,
}: {
  presence: Presence;
  statusText: string;
  lastActiveAt: Date | null;
}) {
  const t = useTranslations("people");
  const format = useFormatter();
  const now = useNow({ updateInterval: 60_000 });
  const showLastActive = presence === "offline" && lastActiveAt !== null;
  return (
    <span className={styles.line}>
      <StatusMark presence={presence} />
      <span className={styles.label}>{t(`presence.${presence}`)}</span>
      {statusText ? (
        <span className={styles.text}>
          <span aria-hidden="true"> · </span>
          {statusText}
        </span>
      ) : showLastActive ? (
        <span className={styles.text}>
          <span aria-hidden="true"> · </span>
          {t("lastActive", { time: format.relativeTime(lastActiveAt, now) })}
        </span>
      ) : null}
    </span>
  );
}
