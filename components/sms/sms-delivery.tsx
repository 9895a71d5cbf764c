"use client";

import { useTranslations } from "next-intl";
import type { MessageData } from "~/contracts/messages";
import styles from "./sms-window.module.css";

type SmsData = Extract<MessageData, { type: "sms" }>;

/**
 * Where an outgoing SMS is on its way to the phone, in a message's meta line: a mark and the
 * word for it (never colour alone), and for one that did not arrive, the carrier's reason.
 */
export function SmsDelivery({ sms }: { sms: SmsData }) {
  const t = useTranslations("sms.delivery");
  switch (sms.status) {
    case "queued":
    case "sending":
      return <span data-sms-status={sms.status}>{t("sending")}</span>;
    case "sent":
    case "delivered":
      return (
        <span data-sms-status={sms.status}>
          <span className={styles.mark} aria-hidden="true">
            {sms.status === "sent" ? "✓" : "✓✓"}
          </span>{" "}
          {t(sms.status)}
        </span>
      );
    case "failed":
    case "undelivered":
      return (
        <span className={styles.failed} data-sms-status={sms.status}>
          <span aria-hidden="true">⚠</span> {sms.error ? t("failedWhy", { error: sms.error }) : t("failed")}
        </span>
      );
    default:
      return null;
  }
}
