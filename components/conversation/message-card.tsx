"use client";

import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useCurrentUserId } from "~/lib/realtime/stream-provider";
import { useTRPC } from "~/lib/trpc/client";
import type { MessageDto } from "~/contracts/messages";
import { ApprovalCard } from "./approval-card";
import styles from "./conversation.module.css";

/**
 * The actionable part of a message with structured data, shown under its bubble (outside it:
 * the bubble is itself a button that opens the message menu).
 */
export function MessageCard({ message }: { message: MessageDto }) {
  switch (message.data?.type) {
    case "take":
      return <TakeCard message={message} takenBy={message.data.takenBy} />;
    case "approval":
      return <ApprovalCard approvalId={message.data.approvalId} />;
    default:
      return null;
  }
}

function TakeCard({ message, takenBy }: { message: MessageDto; takenBy: { id: string; name: string } | null }) {
  const t = useTranslations("conversation.take");
  const trpc = useTRPC();
  const me = useCurrentUserId();
  const take = useMutation(trpc.message.take.mutationOptions());
  return (
    <div className={styles.card} role="group" aria-label={t("label")}>
      {takenBy ? (
        <p className={styles.cardState} data-state="taken">
          {takenBy.id === me ? t("takenByYou") : t("takenBy", { name: takenBy.name })}
        </p>
      ) : (
        <button type="button" className="button button-primary" disabled={take.isPending} onClick={() => take.mutate({ messageId: message.id })}>
          {take.isPending ? t("taking") : t("take")}
        </button>
      )}
      {take.error ? (
        <p className="form-error" role="alert">
          {take.error.message}
        </p>
      ) : null}
    </div>
  );
}
