"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { ChatKindIcon } from "~/components/chats/chat-kind-icon";
import { ApprovalCard, type ApprovalData } from "~/components/conversation/approval-card";
import { useTRPC } from "~/lib/trpc/client";
import styles from "./manager.module.css";

/**
 * "Approvals waiting for you" at the top of the Manager view (PRODUCT.md W3, W4). A request
 * stays on screen after the vote — showing "1 of 2 approved", then "Approved" live — until the
 * manager leaves the view; new requests join at the end as they arrive.
 */
export function ApprovalsForMe() {
  const t = useTranslations("approvals");
  const tManager = useTranslations("manager");
  const trpc = useTRPC();
  const pending = useQuery({ ...trpc.approval.pendingForMe.queryOptions(), refetchOnMount: "always" });
  const [shown, setShown] = useState<ApprovalData[]>([]);

  // Requests seen during this visit, in arrival order (adjusting state while rendering).
  const arrived = (pending.data ?? []).filter((a) => !shown.some((s) => s.id === a.id));
  if (arrived.length > 0) setShown([...shown, ...arrived]);

  if (pending.isError && shown.length === 0) {
    return (
      <div role="alert" className={styles.inlineError}>
        <p>{t("listError")}</p>
        <button type="button" className="button" onClick={() => void pending.refetch()}>
          {t("retry")}
        </button>
      </div>
    );
  }
  if (shown.length === 0) return null;
  const waiting = pending.data?.length ?? 0;

  return (
    <section className={styles.approvals} aria-labelledby="approvals-title">
      <div className={styles.header}>
        <h2 id="approvals-title" className={styles.approvalsHeading}>
          {t("waitingForYou")}
        </h2>
        <p className={styles.summary}>{t("waitingCount", { count: waiting })}</p>
      </div>
      <ul className={styles.list} aria-labelledby="approvals-title">
        {shown.map((approval) => {
          const typeKey = `entityType.${approval.record.type}`;
          const type = tManager.has(typeKey) ? tManager(typeKey) : approval.record.type;
          return (
            <li key={approval.id} className={styles.approvalItem} data-testid="approval-item">
              <div className={styles.approvalRecord}>
                <span className={styles.kind}>
                  <ChatKindIcon kind="entity" />
                  <span>
                    {type} {approval.record.key}
                  </span>
                </span>
                {approval.record.title ? <span className={styles.title}>{approval.record.title}</span> : null}
              </div>
              <ApprovalCard approvalId={approval.id} initial={approval} showRequest />
              <Link href={`/chats/${approval.chatId}`} className={styles.openChat}>
                {t("openChat")}
                <span className="sr-only">
                  : {type} {approval.record.key}
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
