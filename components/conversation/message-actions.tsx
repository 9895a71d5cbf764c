"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useOnline } from "~/components/pwa/offline-banner";
import { useId, useState } from "react";
import { Sheet } from "~/components/ui/sheet";
import { useTRPC } from "~/lib/trpc/client";
import type { MessageDto } from "~/contracts/messages";
import styles from "./conversation.module.css";
import { ReactWithAny, ReactionActions } from "./reaction-actions";
import { WhoReacted } from "./reactions";

function ReadBy({ messageId }: { messageId: string }) {
  const t = useTranslations("conversation");
  const trpc = useTRPC();
  const readers = useQuery(trpc.message.readBy.queryOptions({ messageId }));
  if (readers.isPending) return <p className="muted">{t("loading")}</p>;
  if (readers.isError) return <p role="alert">{t("loadError")}</p>;
  if (readers.data.length === 0) return <p className="muted">{t("readByNobody")}</p>;
  return (
    <ul className={styles.readers}>
      {readers.data.map((reader) => (
        <li key={reader.id}>{reader.name}</li>
      ))}
    </ul>
  );
}

/** "Add note/task to record" (PRODUCT.md M9): the confirmation arrives in the chat as a system line. */
function ToRecord({ message, recordKey, onDone }: { message: MessageDto; recordKey: string; onDone: () => void }) {
  const t = useTranslations("conversation.toRecord");
  const trpc = useTRPC();
  const send = useMutation(trpc.message.toRecord.mutationOptions({ onSuccess: onDone }));
  return (
    <>
      {(["note", "task"] as const).map((action) => (
        <button
          key={action}
          type="button"
          className="button"
          disabled={send.isPending}
          onClick={() => send.mutate({ messageId: message.id, action })}
        >
          {send.isPending && send.variables?.action === action
            ? t("sending", { key: recordKey })
            : action === "note"
              ? t("noteToRecord")
              : t("taskToRecord")}
        </button>
      ))}
      {send.error ? (
        <p className="form-error" role="alert">
          {t("toRecordError", { reason: send.error.message })}
        </p>
      ) : null}
    </>
  );
}

/** What one can do with a message: opened by a tap or long-press, never by hover alone. */
export function MessageActions({
  message,
  isOwn,
  canModerate,
  canReply,
  recordKey,
  onClose,
  onReply,
  onEdit,
  onDelete,
}: {
  message: MessageDto | null;
  isOwn: boolean;
  canModerate: boolean;
  canReply: boolean;
  /** The record's key when this is a record's chat: its messages can become notes and tasks there. */
  recordKey: string | null;
  onClose: () => void;
  onReply: (message: MessageDto) => void;
  onEdit: (message: MessageDto) => void;
  onDelete: (message: MessageDto) => void;
}) {
  const t = useTranslations("conversation");
  const tPwa = useTranslations("pwa");
  // Editing, deleting and asking who read it need the server; writing does not (the outbox).
  const online = useOnline();
  const [view, setView] = useState<"menu" | "confirmDelete" | "readBy" | "emoji" | "reactions">("menu");
  const [copied, setCopied] = useState(false);
  // Unique per sheet: several conversations can be on screen (components/chats/chat-dock.tsx).
  const needsNetworkId = useId();
  const close = () => {
    setView("menu");
    setCopied(false);
    onClose();
  };
  const isDeleted = message?.body === null;
  const act = (action: (m: MessageDto) => void) => () => {
    if (!message) return;
    action(message);
    close();
  };

  return (
    <Sheet open={message !== null} onClose={close} title={t("actions")} closeLabel={t("close")}>
      {message && view === "menu" ? (
        <div className={styles.actions}>
          {!isDeleted ? <ReactionActions message={message} onDone={close} onMore={() => setView("emoji")} onWho={() => setView("reactions")} /> : null}
          {canReply && !isDeleted ? (
            <button type="button" className="button" onClick={act(onReply)}>
              {t("reply")}
            </button>
          ) : null}
          {!isDeleted ? (
            <button
              type="button"
              className="button"
              onClick={() => {
                void navigator.clipboard
                  ?.writeText(message.body ?? "")
                  .then(() => setCopied(true))
                  .catch(() => setCopied(false));
              }}
            >
              {copied ? t("copied") : t("copy")}
            </button>
          ) : null}
          {isOwn && !isDeleted && message.kind === "text" ? (
            <button type="button" className="button" onClick={act(onEdit)} disabled={!online} aria-describedby={online ? undefined : needsNetworkId}>
              {t("edit")}
            </button>
          ) : null}
          {(isOwn || canModerate) && !isDeleted ? (
            <button
              type="button"
              className="button"
              onClick={() => setView("confirmDelete")}
              disabled={!online}
              aria-describedby={online ? undefined : needsNetworkId}
            >
              {t("delete")}
            </button>
          ) : null}
          {recordKey && !isDeleted && online && (message.kind === "text" || message.kind === "sms_in") ? (
            <ToRecord message={message} recordKey={recordKey} onDone={close} />
          ) : null}
          {isOwn ? (
            <button type="button" className="button" onClick={() => setView("readBy")} disabled={!online} aria-describedby={online ? undefined : needsNetworkId}>
              {t("readBy")}
            </button>
          ) : null}
          {online ? null : (
            <p id={needsNetworkId} className="muted">
              {tPwa("needsNetwork")}
            </p>
          )}
        </div>
      ) : null}
      {message && view === "confirmDelete" ? (
        <div className="stack">
          <p>{t("confirmDelete")}</p>
          <button type="button" className={`button ${styles.danger}`} onClick={act(onDelete)}>
            {t("deleteConfirmed")}
          </button>
          <button type="button" className="button button-quiet" onClick={() => setView("menu")}>
            {t("cancel")}
          </button>
        </div>
      ) : null}
      {message && view === "readBy" ? <ReadBy messageId={message.id} /> : null}
      {message && view === "emoji" ? <ReactWithAny message={message} onDone={close} /> : null}
      {message && view === "reactions" ? <WhoReacted message={message} /> : null}
    </Sheet>
  );
}
