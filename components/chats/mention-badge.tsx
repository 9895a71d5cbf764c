"use client";

import { useTranslations } from "next-intl";
import styles from "~/components/conversation/social.module.css";

/** "@" on a chat row with unread mentions of me, shown even in a muted chat. */
export function MentionBadge({ count }: { count: number }) {
  const t = useTranslations("social");
  if (count === 0) return null;
  return (
    <span className={styles.mentionBadge} data-testid="mention-badge">
      <span aria-hidden="true">@</span>
      <span className="sr-only">{t("mentionedYou", { count })}</span>
    </span>
  );
}
