"use client";

import { useTranslations } from "next-intl";
import type { MessageDto } from "~/contracts/messages";
import { requestFlush } from "~/lib/outbox/runner";
import { type OutboxItem, removeFromOutbox, setOutboxState } from "~/lib/outbox/store";
import { PendingAttachments } from "./attachments";
import styles from "./conversation.module.css";
import { Receipt } from "./receipt";

// The same clientId on a retry: the server returns the original if an earlier try arrived.
function retry(clientId: string) {
  void setOutboxState(clientId, "pending", null).then(requestFlush);
}

/**
 * The chat's messages still in the outbox, under the timeline's last message, with Retry and
 * Discard for one the server refused. One already in the timeline (its echo arrived before the
 * outbox let go of it) is not shown twice.
 */
export function PendingList({ items, timeline }: { items: OutboxItem[]; timeline: MessageDto[] }) {
  const t = useTranslations("conversation");
  return items
    .filter((item) => !timeline.some((m) => m.clientId === item.clientId))
    .map((item) => (
      <li key={item.clientId} className={styles.own}>
        <div className={styles.bubble} data-pending="true">
          {item.replyTo ? (
            <span className={styles.quote}>
              <span className={styles.quoteName}>{item.replyTo.senderName}</span>
              <span>{item.replyTo.body ?? t("deleted")}</span>
            </span>
          ) : null}
          {item.attachments?.length ? <PendingAttachments attachments={item.attachments} /> : null}
          <span className={styles.body}>{item.body}</span>
          <span className={styles.meta}>
            <Receipt state={item.state} />
          </span>
        </div>
        {item.state === "failed" ? (
          <div className={styles.failed} role="alert">
            <span>{t("notSent", { reason: item.error ?? "" })}</span>
            <button type="button" className="button" onClick={() => retry(item.clientId)}>
              {t("retry")}
            </button>
            <button type="button" className="button button-quiet" onClick={() => void removeFromOutbox(item.clientId)}>
              {t("discard")}
            </button>
          </div>
        ) : null}
      </li>
    ));
}
