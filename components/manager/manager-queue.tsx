"use client";

import { newClientId } from "~/lib/client-id";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { refresh } from "~/lib/query-refresh";
import { useStreamEvent } from "~/lib/realtime/stream-provider";
import { useTRPC } from "~/lib/trpc/client";
import { ApprovalsForMe } from "./approvals-for-me";
import styles from "./manager.module.css";
import { QueueItem, type QueueItemData } from "./queue-item";
import { QueueSkeleton } from "./queue-skeleton";

/**
 * A reply on its way, per chat. `sending` hides the item at once (optimistic); `sent` keeps it
 * hidden until the queue is refetched, unless someone wrote after the reply (a higher seq);
 * `failed` brings it back with the error and a retry that reuses the clientId, so a send
 * that did reach the server is never stored twice.
 */
type Outgoing =
  | { state: "sending"; body: string; clientId: string }
  | { state: "failed"; body: string; clientId: string }
  | { state: "sent"; body: string; seq: number };

type Notice = { state: "sending" | "sent"; body: string; name: string } | null;

function isShown(item: QueueItemData, outgoing: Outgoing | undefined) {
  if (!outgoing || outgoing.state === "failed") return true;
  return outgoing.state === "sent" && item.chat.lastSeq > outgoing.seq;
}

export function ManagerQueue() {
  const t = useTranslations("manager");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Live events keep the queue current while this screen is open; coming back to it refetches.
  const queue = useQuery({ ...trpc.manager.queue.queryOptions({}), refetchOnMount: "always" });
  const quickReplies = useQuery(trpc.manager.quickReplies.queryOptions());
  const send = useMutation(trpc.message.send.mutationOptions());
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const [outgoing, setOutgoing] = useState<Readonly<Record<string, Outgoing>>>({});
  const [notice, setNotice] = useState<Notice>(null);
  const toggles = useRef(new Map<string, HTMLButtonElement>());
  const headingRef = useRef<HTMLHeadingElement>(null);

  // Any new or changed message may add a chat to the queue or answer one; the server decides.
  // refresh, not invalidate: the queue's first fetch may have read the database before this event.
  useStreamEvent((event) => {
    if (event.type === "message.created" || event.type === "message.updated" || event.type === "chat.changed" || event.type === "chat.deleted") {
      refresh(queryClient, trpc.manager.queue.queryFilter());
    }
  });

  const items = (queue.data ?? []).filter((item) => isShown(item, outgoing[item.chat.id]));
  const failure = (item: QueueItemData) => {
    const entry = outgoing[item.chat.id];
    return entry?.state === "failed" ? entry : null;
  };
  const quickRepliesState = { replies: quickReplies.data, isError: quickReplies.isError, retry: () => void quickReplies.refetch() };

  function setExpandedFor(chatId: string, isOpen: boolean) {
    setExpanded((current) => {
      const next = new Set(current);
      if (isOpen) next.add(chatId);
      else next.delete(chatId);
      return next;
    });
  }

  /** The tapped chip disappears with its item: keep the focus in the list, on the next item. */
  function moveFocusFrom(chatId: string) {
    const index = items.findIndex((item) => item.chat.id === chatId);
    const neighbour = items[index + 1] ?? items[index - 1];
    const target = neighbour ? toggles.current.get(neighbour.chat.id) : undefined;
    (target ?? headingRef.current)?.focus();
  }

  async function sendReply(item: QueueItemData, name: string, body: string, clientId = newClientId()) {
    const chatId = item.chat.id;
    moveFocusFrom(chatId);
    setOutgoing((current) => ({ ...current, [chatId]: { state: "sending", body, clientId } }));
    setNotice({ state: "sending", body, name });
    try {
      const message = await send.mutateAsync({ chatId, clientId, body });
      setOutgoing((current) => ({ ...current, [chatId]: { state: "sent", body, seq: message.seq } }));
      setExpandedFor(chatId, false);
      setNotice({ state: "sent", body, name });
    } catch {
      setOutgoing((current) => ({ ...current, [chatId]: { state: "failed", body, clientId } }));
      setExpandedFor(chatId, true);
      setNotice(null);
    } finally {
      void queryClient.invalidateQueries(trpc.manager.queue.queryFilter());
    }
  }

  let content;
  if (queue.isPending) {
    content = <QueueSkeleton label={t("loading")} />;
  } else if (queue.isError && !queue.data) {
    content = (
      <section role="alert" className={`empty-state ${styles.stateBox} ${styles.errorBox}`} aria-labelledby="queue-error-title">
        <h2 id="queue-error-title">{t("errorTitle")}</h2>
        <p className="muted">{t("errorBody")}</p>
        <button type="button" className={`button button-primary ${styles.stateAction}`} onClick={() => void queue.refetch()}>
          {t("retry")}
        </button>
      </section>
    );
  } else if (items.length === 0) {
    content = (
      <section className={`empty-state ${styles.stateBox}`} aria-labelledby="queue-empty-title">
        <svg className="empty-state-icon" viewBox="0 0 24 24" aria-hidden="true">
          <path d="M4 12l5 5L20 6" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <h2 id="queue-empty-title">{t("emptyTitle")}</h2>
        <p className="muted">{t("emptyBody")}</p>
      </section>
    );
  } else {
    content = (
      <ul className={styles.list} aria-labelledby="queue-title">
        {items.map((item) => (
          <QueueItem
            key={item.chat.id}
            item={item}
            isExpanded={expanded.has(item.chat.id)}
            failedBody={failure(item)?.body ?? null}
            quickReplies={quickRepliesState}
            onToggle={() => setExpandedFor(item.chat.id, !expanded.has(item.chat.id))}
            onSend={(body, name) => void sendReply(item, name, body)}
            onRetry={(name) => {
              const failed = failure(item);
              if (failed) void sendReply(item, name, failed.body, failed.clientId);
            }}
            toggleRef={(element) => {
              if (element) toggles.current.set(item.chat.id, element);
              else toggles.current.delete(item.chat.id);
            }}
          />
        ))}
      </ul>
    );
  }

  return (
    <div className={styles.screen}>
      <ApprovalsForMe />
      <header className={styles.header}>
        <h1 id="queue-title" ref={headingRef} tabIndex={-1} className={styles.heading}>
          {t("title")}
        </h1>
        <p className={styles.summary}>{queue.data ? t("summary", { count: items.length }) : t("subtitle")}</p>
        <p role="status" className={styles.notice} data-empty={notice === null || undefined}>
          {notice ? t(notice.state, { body: notice.body, name: notice.name }) : null}
        </p>
      </header>
      {queue.isError && queue.data ? (
        <div role="alert" className={styles.inlineError}>
          <p>{t("refreshFailed")}</p>
          <button type="button" className="button" onClick={() => void queue.refetch()}>
            {t("retry")}
          </button>
        </div>
      ) : null}
      {content}
    </div>
  );
}
