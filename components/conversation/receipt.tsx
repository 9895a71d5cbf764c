"use client";

import { useTranslations } from "next-intl";
import styles from "./conversation.module.css";

/** A message's delivery mark: waiting in the outbox, refused, accepted by the server, or read by someone else. */
export function Receipt({ state }: { state: "pending" | "failed" | "sent" | "read" }) {
  const t = useTranslations("conversation");
  const marks = { pending: "◷", failed: "!", sent: "✓", read: "✓✓" }[state];
  return (
    <span className={state === "read" ? styles.receiptRead : styles.receipt} data-receipt={state}>
      <span aria-hidden="true">{marks}</span>
      <span className="sr-only">{t(`receipt.${state}`)}</span>
    </span>
  );
}
