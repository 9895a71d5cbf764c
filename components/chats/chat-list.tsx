"use client";

import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useSelectedLayoutSegment } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useDeferredValue, useState } from "react";
import { SearchLink } from "~/components/search/search-link";
import { isOpenChat, unreadSmsContacts } from "~/lib/chat/open-chats";
import { useTRPC } from "~/lib/trpc/client";
import { useIsSameDay } from "~/lib/time/same-day";
import type { ChatSummary } from "~/lib/trpc/types";
import { SearchField } from "~/components/ui/search-field";
import { ChatKindIcon } from "./chat-kind-icon";
import { chatTitle } from "./chat-title";
import { MentionBadge } from "./mention-badge";
import styles from "./chats.module.css";

// The "New" sheet and its pickers load on first tap, not with every chat screen.
const NewChatSheet = dynamic(() => import("./new-chat").then((m) => m.NewChatSheet));

function NewChat() {
  const t = useTranslations("chats.new");
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)} aria-haspopup="dialog">
        {t("open")}
      </button>
      {open ? <NewChatSheet onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function Chevron() {
  return (
    <svg className={styles.chevron} viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path d="M9 5l7 7-7 7" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/**
 * The way to the SMS contacts (PRODUCT.md C6), for those who may text; their SMS chats are in the
 * list below, and the count says how many contacts wait for an answer.
 */
function SmsEntry({ isActive, chats }: { isActive: boolean; chats: readonly ChatSummary[] }) {
  const t = useTranslations("sms");
  const trpc = useTRPC();
  const me = useQuery(trpc.user.me.queryOptions());
  if (!me.data?.can.sms) return null;
  const unread = unreadSmsContacts(chats);
  return (
    <Link href="/chats/sms" className={styles.placeEntry} aria-current={isActive ? "page" : undefined}>
      <span className={styles.placeIcon}>
        <ChatKindIcon kind="sms" />
      </span>
      <span className={styles.placeLabel}>{t("entry")}</span>
      {unread > 0 ? (
        <span className={styles.unread} data-testid="sms-unread-contacts" data-count={unread}>
          <span aria-hidden="true">{unread > 99 ? "99+" : unread}</span>
          <span className="sr-only">{t("entryUnread", { count: unread })}</span>
        </span>
      ) : null}
      <Chevron />
    </Link>
  );
}

/** The way to the chats this person closed (the TrackerChat document's Chat History). */
function HistoryEntry({ isActive }: { isActive: boolean }) {
  const t = useTranslations("chats.history");
  return (
    <Link href="/chats/history" className={styles.placeEntry} aria-current={isActive ? "page" : undefined}>
      <span className={styles.placeIcon}>
        <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
          <path d="M3.5 12a8.5 8.5 0 1 0 2.6-6.1M3.5 4v4.5H8M12 7.5V12l3 2" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </span>
      <span className={styles.placeLabel}>{t("entry")}</span>
      <Chevron />
    </Link>
  );
}

function RowTime({ at }: { at: Date | null }) {
  const format = useFormatter();
  const sameDay = useIsSameDay();
  if (!at) return null;
  const isToday = sameDay(new Date(), at);
  return (
    <time className={styles.time} dateTime={at.toISOString()}>
      {isToday ? format.dateTime(at, { hour: "2-digit", minute: "2-digit" }) : format.dateTime(at, { day: "numeric", month: "short" })}
    </time>
  );
}

export function StatusChip({ status }: { status: string | null }) {
  if (!status) return null;
  return <span className={styles.chip}>{status}</span>;
}

/** A record with an approval request still waiting (PRODUCT.md W4). */
export function ApprovalChip({ pending }: { pending: number }) {
  const t = useTranslations("approvals");
  if (pending === 0) return null;
  return (
    <span className={styles.approvalChip} data-testid="approval-chip">
      <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true" focusable="false">
        <path d="M12 7v5l3 2M12 3a9 9 0 1 0 0 18a9 9 0 0 0 0-18" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" />
      </svg>
      {t("chip")}
    </span>
  );
}

function ChatRow({ chat, isActive }: { chat: ChatSummary; isActive: boolean }) {
  const t = useTranslations("chats");
  const tFiles = useTranslations("files");
  const title = chatTitle(chat, t);
  // An empty body is a message of files alone (a photo needs no caption).
  const preview = chat.lastMessage
    ? `${chat.lastMessage.senderName ? `${chat.lastMessage.senderName}: ` : ""}${chat.lastMessage.body === "" ? tFiles("preview") : (chat.lastMessage.body ?? t("deleted"))}`
    : t("noMessages");
  return (
    <li>
      <Link href={`/chats/${chat.id}`} className={styles.row} aria-current={isActive ? "page" : undefined} data-chat-kind={chat.kind}>
        <span className={styles.kind} title={t(`kind.${chat.kind}`)}>
          <ChatKindIcon kind={chat.kind} />
          <span className="sr-only">{t(`kind.${chat.kind}`)}</span>
        </span>
        <span className={styles.main}>
          <span className={styles.top}>
            <span className={styles.title}>{title}</span>
            <RowTime at={chat.lastMessageAt} />
          </span>
          <span className={styles.bottom}>
            {chat.kind === "entity" ? <StatusChip status={chat.entity?.status ?? null} /> : null}
            {chat.kind === "entity" ? <ApprovalChip pending={chat.entity?.pendingApprovals ?? 0} /> : null}
            <span className={styles.preview}>{preview}</span>
            <MentionBadge count={chat.mentions} />
            {chat.unread > 0 ? (
              <span className={chat.muted ? styles.unreadMuted : styles.unread}>
                {chat.unread > 99 ? "99+" : chat.unread}
                <span className="sr-only"> {t("unread", { count: chat.unread })}</span>
              </span>
            ) : null}
          </span>
        </span>
      </Link>
    </li>
  );
}

function Skeleton() {
  return (
    <ul className={styles.list} aria-hidden="true">
      {Array.from({ length: 6 }, (_, i) => (
        <li key={i} className={styles.skeleton} />
      ))}
    </ul>
  );
}

export function ChatList() {
  const t = useTranslations("chats");
  const trpc = useTRPC();
  const chats = useQuery(trpc.chat.list.queryOptions());
  const [filter, setFilter] = useState("");
  const deferred = useDeferredValue(filter.trim().toLocaleLowerCase());
  const selected = useSelectedLayoutSegment();
  const all = chats.data ?? [];
  // A closed chat waits in History; a newer message brings it back here by itself.
  const open = all.filter(isOpenChat);
  const visible = open.filter((chat) => !deferred || `${chatTitle(chat, t)} ${chat.entity?.key ?? ""}`.toLocaleLowerCase().includes(deferred));

  return (
    <div className={styles.listPane}>
      <div className={styles.listHeader}>
        <div className={styles.titleGroup}>
          <h1 className={styles.heading}>{t("title")}</h1>
          {chats.isSuccess ? (
            <span className={styles.openCount} data-testid="open-chats">
              {t("openCount", { count: open.length })}
            </span>
          ) : null}
        </div>
        <div className={styles.headerActions}>
          <SearchLink />
          <NewChat />
        </div>
      </div>
      <div className={styles.filter}>
        <SearchField label={t("filter")} clearLabel={t("clearFilter")} placeholder={t("filter")} value={filter} onChange={setFilter} maxLength={100} />
      </div>
      <SmsEntry isActive={selected === "sms"} chats={all} />
      <HistoryEntry isActive={selected === "history"} />
      {chats.isPending ? <Skeleton /> : null}
      {chats.isError ? (
        <div className="empty-state" role="alert">
          <p>{t("loadError")}</p>
          <button type="button" className="button" onClick={() => void chats.refetch()}>
            {t("retry")}
          </button>
        </div>
      ) : null}
      {chats.isSuccess && chats.data.length === 0 ? (
        <section className="empty-state" aria-labelledby="chats-empty-title">
          <h2 id="chats-empty-title">{t("emptyTitle")}</h2>
          <p className="muted">{t("emptyBody")}</p>
        </section>
      ) : null}
      {chats.isSuccess && all.length > 0 && open.length === 0 ? <p className={styles.noMatch}>{t("allClosed")}</p> : null}
      {open.length > 0 && visible.length === 0 ? <p className={styles.noMatch}>{t("noMatch")}</p> : null}
      {visible.length > 0 ? (
        <ul className={styles.list} aria-label={t("listLabel")}>
          {visible.map((chat) => (
            <ChatRow key={chat.id} chat={chat} isActive={chat.id === selected} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}
