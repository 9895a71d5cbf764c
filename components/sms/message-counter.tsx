"use client";

import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/lib/trpc/client";
import styles from "./sms-window.module.css";

/**
 * In an SMS window's header, when the admins turned it on: the texts sent from this window
 * since it opened, red (and marked ⚠, and saying so) from the threshold they set.
 */
export function MessageCounter({ count }: { count: number }) {
  const t = useTranslations("sms");
  const trpc = useTRPC();
  const setup = useQuery(trpc.sms.setup.queryOptions());
  const threshold = setup.data?.messageCounter?.threshold;
  if (!threshold) return null;
  const isOver = count >= threshold;
  return (
    <span className={isOver ? styles.sentOver : styles.sent} data-testid="message-counter" data-over={isOver}>
      {isOver ? <span aria-hidden="true">⚠ </span> : null}
      {isOver ? t("sentOver", { count, threshold }) : t("sent", { count, threshold })}
    </span>
  );
}
