"use client";

import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useMemo, useRef } from "react";
import type { RouterOutputs } from "~/lib/trpc/types";
import { ChatKindIcon } from "~/components/chats/chat-kind-icon";
import styles from "./manager.module.css";
import { QuickReplyChips, type QuickRepliesState } from "./quick-reply-chips";
import { useNow } from "./use-now";
import { WaitTime } from "./wait-time";

export type QueueItemData = RouterOutputs["manager"]["queue"][number];
type Chat = QueueItemData["chat"];

/**
 * What the item is called: an entity chat by its record ("Order SO-10042") and title.
 * `name` is the shortest form that still tells chats apart, for notices.
 */
function useChatLabel(item: QueueItemData): { kind: string; title: string; name: string } {
  const t = useTranslations("manager");
  const { chat } = item;
  if (chat.kind === "entity" && chat.entity) {
    const typeKey = `entityType.${chat.entity.type}`;
    const type = t.has(typeKey) ? t(typeKey) : chat.entity.type;
    const kind = `${type} ${chat.entity.key}`;
    return { kind, title: chat.title ?? chat.entity.key, name: kind };
  }
  // A direct message has no title: it is named by who is waiting in it.
  const waiting = item.lastMessages.at(-1)?.sender.name;
  const title = chat.title ?? waiting ?? t("untitled");
  return { kind: t(`kind.${chat.kind}`), title, name: title };
}

function isSameDay(a: Date, b: Date) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

function useMessageTime() {
  const locale = useLocale();
  return useMemo(() => {
    const time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });
    const dateTime = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
    return (date: Date, today: Date) => (isSameDay(date, today) ? time : dateTime).format(date);
  }, [locale]);
}

function StatusChip({ status }: { status: string }) {
  const t = useTranslations("manager");
  return (
    <span className={styles.status}>
      <span className="sr-only">{t("statusLabel")} </span>
      {status}
    </span>
  );
}

export function QueueItem({
  item,
  isExpanded,
  failedBody,
  quickReplies,
  onToggle,
  onSend,
  onRetry,
  toggleRef,
}: {
  item: QueueItemData;
  isExpanded: boolean;
  /** The reply that failed to send, if the last attempt failed. */
  failedBody: string | null;
  quickReplies: QuickRepliesState;
  onToggle: () => void;
  /** `name` names the chat in the notice that follows. */
  onSend: (body: string, name: string) => void;
  onRetry: (name: string) => void;
  toggleRef: (element: HTMLButtonElement | null) => void;
}) {
  const t = useTranslations("manager");
  const label = useChatLabel(item);
  const formatTime = useMessageTime();
  const chat: Chat = item.chat;
  const last = item.lastMessages.at(-1);
  const panelId = `queue-panel-${chat.id}`;
  const chipsLabelId = `queue-replies-${chat.id}`;
  const panelRef = useRef<HTMLDivElement>(null);

  // An item low on a phone screen opens below the fold: bring its chips up to the thumb.
  useEffect(() => {
    if (!isExpanded) return;
    const isReduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    panelRef.current?.scrollIntoView({ block: "nearest", behavior: isReduced ? "auto" : "smooth" });
  }, [isExpanded]);
  const today = new Date(useNow());

  return (
    <li className={styles.item} data-failed={failedBody !== null || undefined}>
      <button
        ref={toggleRef}
        type="button"
        className={styles.toggle}
        aria-expanded={isExpanded}
        aria-controls={panelId}
        onClick={onToggle}
      >
        <span className={styles.kindLine}>
          <span className={styles.kind}>
            <ChatKindIcon kind={chat.kind} />
            <span>{label.kind}</span>
          </span>
          {chat.entity?.status ? <StatusChip status={chat.entity.status} /> : null}
        </span>
        <span className={styles.title}>{label.title}</span>
        {last && !isExpanded ? (
          <span className={styles.preview}>
            <span className={styles.sender}>{last.sender.name}: </span>
            {last.body ?? <em>{t("deleted")}</em>}
          </span>
        ) : null}
        <span className={styles.metaLine}>
          <WaitTime since={item.waitingSince} />
          {failedBody !== null ? <span className={styles.notSent}>{t("notSent")}</span> : null}
          <svg className={styles.chevron} viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
            <path d="M6 9l6 6 6-6" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </span>
      </button>
      <div id={panelId} ref={panelRef} className={styles.panel} hidden={!isExpanded}>
        {isExpanded ? (
          <>
            {failedBody !== null ? (
              <div role="alert" className={styles.failure}>
                <p>{t("sendFailed", { body: failedBody })}</p>
                <button type="button" className={`button ${styles.retry}`} onClick={() => onRetry(label.name)}>
                  {t("sendAgain")}
                </button>
              </div>
            ) : null}
            <h3 className={styles.panelLabel}>{t("lastMessages")}</h3>
            <ol className={styles.messages}>
              {item.lastMessages.map((message) => (
                <li key={message.id} className={styles.message}>
                  <span className={styles.messageMeta}>
                    <span className={styles.sender}>{message.sender.name}</span>
                    <time dateTime={message.createdAt.toISOString()}>{formatTime(message.createdAt, today)}</time>
                  </span>
                  <span className={styles.messageBody}>{message.body ?? <em>{t("deleted")}</em>}</span>
                </li>
              ))}
            </ol>
            <QuickReplyChips labelId={chipsLabelId} state={quickReplies} onSend={(body) => onSend(body, label.name)} />
            <Link href={`/chats/${chat.id}`} className={styles.openChat}>
              {t("openChat")}
              <span className="sr-only">: {label.title}</span>
            </Link>
          </>
        ) : null}
      </div>
    </li>
  );
}
