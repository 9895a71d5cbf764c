"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { useCurrentUserId } from "~/lib/realtime/stream-provider";
import { useTRPC } from "~/lib/trpc/client";
import { useIsSameDay } from "~/lib/time/same-day";
import type { RouterOutputs } from "~/lib/trpc/types";
import styles from "./approval-card.module.css";

export type ApprovalData = RouterOutputs["approval"]["get"];

/**
 * An approval request (PRODUCT.md W4): who must approve, how far it is, every vote, and — for an
 * approver who has not voted on a pending request — Approve (one tap) and Reject (confirmed,
 * with an optional reason), because a vote is final. The stream keeps it current.
 */
export function ApprovalCard({ approvalId, initial, showRequest = false }: { approvalId: string; initial?: ApprovalData; showRequest?: boolean }) {
  const t = useTranslations("approvals");
  const trpc = useTRPC();
  const approval = useQuery({ ...trpc.approval.get.queryOptions({ approvalId }), initialData: initial });

  if (approval.data) return <ApprovalBody approval={approval.data} showRequest={showRequest} />;
  if (approval.isError) {
    return (
      <div className={styles.card} role="alert">
        <p className={styles.line}>{t("loadError")}</p>
        <button type="button" className="button" onClick={() => void approval.refetch()}>
          {t("retry")}
        </button>
      </div>
    );
  }
  return (
    <div className={styles.card} aria-busy="true">
      <span className="sr-only">{t("loading")}</span>
      <span className={styles.skeletonLine} aria-hidden="true" />
      <span className={styles.skeletonLine} aria-hidden="true" />
    </div>
  );
}

function ApprovalBody({ approval, showRequest }: { approval: ApprovalData; showRequest: boolean }) {
  const t = useTranslations("approvals");
  const format = useFormatter();
  const isSameDay = useIsSameDay();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useCurrentUserId();
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const rejectRef = useRef<HTMLButtonElement>(null);

  const vote = useMutation(
    trpc.approval.vote.mutationOptions({
      onSuccess: (updated) => {
        queryClient.setQueryData(trpc.approval.get.queryKey({ approvalId: approval.id }), updated);
        setConfirming(false);
      },
      // Someone else may have settled it meanwhile: show what is true now.
      onError: () => void queryClient.invalidateQueries(trpc.approval.get.queryFilter({ approvalId: approval.id })),
      onSettled: () => void queryClient.invalidateQueries(trpc.approval.pendingForMe.queryFilter()),
    }),
  );

  const mine = approval.votes.find((v) => v.userId === me);
  const canVote = approval.state === "pending" && !mine && approval.approvers.some((a) => a.id === me);
  const now = new Date();
  const time = (at: Date) =>
    format.dateTime(at, isSameDay(at, now) ? { hour: "2-digit", minute: "2-digit" } : { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  const who = approval.group
    ? t("needsGroup", { count: approval.required, group: approval.group.name })
    : t("needsNamed", { names: format.list(approval.approvers.map((a) => (a.id === me ? t("youInList") : a.name)), { type: "conjunction" }) });
  const percent = Math.min(100, Math.round((approval.approvedCount / approval.required) * 100));
  const errorCode = vote.error?.data?.code;
  const errorText = errorCode === "CONFLICT" ? t("error.conflict") : errorCode === "FORBIDDEN" ? t("error.forbidden") : t("error.other");

  function startReject() {
    setConfirming(true);
    requestAnimationFrame(() => reasonRef.current?.focus());
  }

  function cancelReject() {
    setConfirming(false);
    requestAnimationFrame(() => rejectRef.current?.focus());
  }

  return (
    <div className={styles.card} data-state={approval.state} role="group" aria-label={t("label")}>
      <p className={styles.stateLine}>
        <span className={styles.state} data-state={approval.state} aria-live="polite">
          <StateIcon state={approval.state} />
          {t(`state.${approval.state}`)}
        </span>
      </p>
      {showRequest ? (
        <>
          <p className={styles.request}>{approval.body}</p>
          <p className={styles.meta}>{t("requestedBy", { name: approval.requestedBy.name })}</p>
        </>
      ) : null}
      <p className={styles.line}>{who}</p>
      <div className={styles.progress}>
        <span className={styles.bar} aria-hidden="true">
          <span style={{ width: `${percent}%` }} />
        </span>
        <span>{t("progress", { approved: approval.approvedCount, required: approval.required })}</span>
      </div>
      {approval.rejectedCount > 0 && approval.rejectionsToReject > 1 ? (
        <p className={styles.meta}>{t("rejections", { count: approval.rejectedCount, needed: approval.rejectionsToReject })}</p>
      ) : null}
      {approval.votes.length > 0 ? (
        <ul className={styles.votes}>
          {approval.votes.map((v) => (
            <li key={v.userId} data-vote={v.vote}>
              <span className={styles.voteIcon} aria-hidden="true">
                {v.vote === "approve" ? "✓" : "✕"}
              </span>
              <span className={styles.voteText}>
                {t(v.vote === "approve" ? "voteApproved" : "voteRejected", { name: v.userId === me ? t("you") : v.name })}
                {v.comment ? <span className={styles.comment}>“{v.comment}”</span> : null}
              </span>
              <time dateTime={v.at.toISOString()}>{time(v.at)}</time>
            </li>
          ))}
        </ul>
      ) : null}
      {approval.state === "pending" && approval.expiresAt ? <p className={styles.meta}>{t("expires", { time: time(approval.expiresAt) })}</p> : null}
      {mine && approval.state === "pending" ? <p className={styles.line}>{t(`voted.${mine.vote}`)}</p> : null}
      {canVote && !confirming ? (
        <>
          <div className={styles.actions}>
            <button
              type="button"
              className={`button ${styles.approve}`}
              disabled={vote.isPending}
              onClick={() => vote.mutate({ approvalId: approval.id, vote: "approve" })}
            >
              {t("approve")}
            </button>
            <button ref={rejectRef} type="button" className={`button ${styles.reject}`} disabled={vote.isPending} onClick={startReject}>
              {t("reject")}
            </button>
          </div>
          <p className={styles.meta}>{vote.isPending ? t("voting") : t("final")}</p>
        </>
      ) : null}
      {canVote && confirming ? (
        <form
          className={styles.confirm}
          onSubmit={(event) => {
            event.preventDefault();
            vote.mutate({ approvalId: approval.id, vote: "reject", comment: reason.trim() || null });
          }}
        >
          <p className={styles.line}>{t("confirmReject")}</p>
          <label className={styles.reason}>
            <span>{t("reason")}</span>
            <textarea ref={reasonRef} value={reason} maxLength={500} rows={2} onChange={(event) => setReason(event.target.value)} />
          </label>
          <div className={styles.actions}>
            <button type="submit" className={`button ${styles.rejectConfirm}`} disabled={vote.isPending}>
              {vote.isPending ? t("voting") : t("confirmRejectButton")}
            </button>
            <button type="button" className="button" disabled={vote.isPending} onClick={cancelReject}>
              {t("cancel")}
            </button>
          </div>
        </form>
      ) : null}
      {vote.isError ? (
        <p className={styles.error} role="alert">
          {errorText}
        </p>
      ) : null}
    </div>
  );
}

function StateIcon({ state }: { state: ApprovalData["state"] }) {
  const path = {
    pending: "M12 7v5l3 2M12 3a9 9 0 1 0 0 18a9 9 0 0 0 0-18",
    approved: "M5 12.5l4.5 4.5L19 7.5",
    rejected: "M6 6l12 12M18 6L6 18",
    expired: "M12 7v5l3 2M12 3a9 9 0 1 0 0 18a9 9 0 0 0 0-18M4 4l16 16",
  }[state];
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d={path} fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
