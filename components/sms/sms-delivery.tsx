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
          <span aria-hidden="true">⚠</span> {failure(t, sms)}
        </span>
      );
    default:
      return null;
  }
}

/** The carrier's reason in the reader's language when the code is a known one, else as the provider gave it. */
function failure(t: ReturnType<typeof useTranslations<"sms.delivery">>, sms: SmsData): string {
  const key = `reasons.${sms.errorCode}` as const;
  if (sms.errorCode && t.has(key)) return t("failedCode", { reason: t(key), code: sms.errorCode });
  return sms.error ? t("failedWhy", { error: sms.error }) : t("failed");
}
