"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { Fragment, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
import { ChatKindIcon } from "~/components/chats/chat-kind-icon";
import { ApprovalChip, StatusChip } from "~/components/chats/chat-list";
import { chatTitle } from "~/components/chats/chat-title";
import { newClientId } from "~/lib/client-id";
import { requestFlush } from "~/lib/outbox/runner";
import { addToOutbox, removeFromOutbox, setOutboxState } from "~/lib/outbox/store";
import { useOutbox } from "~/lib/outbox/use-outbox";
import { useCurrentUserId, useStreamStatus } from "~/lib/realtime/stream-provider";
import { subscribeTyping, typistsIn } from "~/lib/realtime/typing-store";
import type { QuickFilter } from "~/lib/time/ranges";
import { useTRPC } from "~/lib/trpc/client";
import type { MessageDto } from "~/contracts/messages";
import { MessageAttachments, PendingAttachments } from "./attachments";
import { Composer, type ComposerDraft, type ComposerMode } from "./composer";
import styles from "./conversation.module.css";
import { useJumpToMessage } from "./jump-to-message";
import { useTimeline } from "./use-timeline";
import { MessageText, RecordChips } from "./message-text";
import { Reactions } from "./reactions";

// Sheets load when first opened, keeping them out of the conversation's first-load JavaScript.
const MessageActions = dynamic(() => import("./message-actions").then((m) => m.MessageActions));
const ChatDetails = dynamic(() => import("./chat-details").then((m) => m.ChatDetails));
const RoomSettings = dynamic(() => import("./room-settings").then((m) => m.RoomSettings));
// Cards (approvals, requests to take) appear on few messages: loaded when one is shown.
const MessageCard = dynamic(() => import("./message-card").then((m) => m.MessageCard));
// Shown once, after a first message is sent here.
const PushPrompt = dynamic(() => import("~/components/pwa/push-prompt").then((m) => m.PushPrompt));

const FILTERS: QuickFilter[] = ["all", "yesterday", "7d", "30d"];

function sameDay(a: Date, b: Date) {
  return a.toDateString() === b.toDateString();
}

function Receipt({ state }: { state: "pending" | "failed" | "sent" | "read" }) {
  const t = useTranslations("conversation");
  const marks = { pending: "◷", failed: "!", sent: "✓", read: "✓✓" }[state];
  return (
    <span className={state === "read" ? styles.receiptRead : styles.receipt} data-receipt={state}>
      <span aria-hidden="true">{marks}</span>
      <span className="sr-only">{t(`receipt.${state}`)}</span>
    </span>
  );
}

export function Conversation({ chatId, at }: { chatId: string; at?: number }) {
  const t = useTranslations("conversation");
  const tChats = useTranslations("chats");
  const format = useFormatter();
  const trpc = useTRPC();
  const me = useCurrentUserId();
  const streamStatus = useStreamStatus();
  const chat = useQuery(trpc.chat.get.queryOptions({ chatId }));
  const profile = useQuery(trpc.user.me.queryOptions());
  const members = useQuery(trpc.chat.members.queryOptions({ chatId }));
  const { timeline, mergeIntoTimeline, loadOlder: loadOlderInto, loadingOlder } = useTimeline(chatId, me);
  const [filter, setFilter] = useState<QuickFilter>("all");
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const filtered = useQuery({ ...trpc.message.list.queryOptions({ chatId, filter, timeZone, limit: 200 }), enabled: filter !== "all" });

  // Messages not yet accepted by the server live in the outbox (IndexedDB): they survive a reload
  // and go out, in order, when the connection allows (lib/outbox).
  const outbox = useOutbox(me);
  const pending = outbox.filter((item) => item.chatId === chatId);
  const [mode, setMode] = useState<ComposerMode>({ kind: "new", replyTo: null });
  const [actionsFor, setActionsFor] = useState<MessageDto | null>(null);
  const [sheet, setSheet] = useState<"details" | "room" | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [hasSent, setHasSent] = useState(false);
  const [firstUnreadSeq, setFirstUnreadSeq] = useState<number | null>(null);

  // The "new messages" divider stays where it was when the chat was opened.
  if (firstUnreadSeq === null && chat.data) {
    setFirstUnreadSeq(chat.data.lastSeq > chat.data.lastReadSeq ? chat.data.lastReadSeq + 1 : Number.POSITIVE_INFINITY);
  }

  const edit = useMutation(trpc.message.edit.mutationOptions());
  const remove = useMutation(trpc.message.delete.mutationOptions());
  const markRead = useMutation(trpc.message.markRead.mutationOptions());
  const typing = useMutation(trpc.chat.typing.mutationOptions());

  // The same clientId on a retry: the server returns the original if an earlier try arrived.
  function retry(clientId: string) {
    void setOutboxState(clientId, "pending", null).then(requestFlush);
  }

  function onSend({ body, mentions, attachments }: ComposerDraft) {
    if (mode.kind === "edit") {
      edit.mutate(
        { messageId: mode.message.id, body },
        { onSuccess: (message) => mergeIntoTimeline([message]), onError: (error) => setActionError(error.message) },
      );
      setMode({ kind: "new", replyTo: null });
      return;
    }
    const replyTo = mode.replyTo;
    setHasSent(true);
    setMode({ kind: "new", replyTo: null });
    setFilter("all");
    void addToOutbox({
      clientId: newClientId(),
      userId: me,
      chatId,
      body,
      mentions,
      attachments,
      replyTo: replyTo ? { id: replyTo.id, senderName: replyTo.sender.name, body: replyTo.body } : null,
      createdAt: Date.now(),
      state: "pending",
      error: null,
    })
      .then(requestFlush)
      .catch((error: unknown) => setActionError((error as Error).message));
  }

  // Read up to the newest loaded message while the chat is on screen.
  const newestSeq = timeline.data?.messages.at(-1)?.seq ?? 0;
  const lastMarked = useRef(0);
  useEffect(() => {
    const mark = () => {
      if (document.hidden || newestSeq <= lastMarked.current || newestSeq <= (chat.data?.lastReadSeq ?? 0)) return;
      lastMarked.current = newestSeq;
      markRead.mutate({ chatId, seq: newestSeq });
    };
    mark();
    document.addEventListener("visibilitychange", mark);
    return () => document.removeEventListener("visibilitychange", mark);
  }, [chatId, newestSeq, chat.data?.lastReadSeq, markRead]);

  // Stay at the bottom as messages arrive, unless the reader scrolled up to read older ones.
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const count = (timeline.data?.messages.length ?? 0) + pending.length;
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && atBottom.current) element.scrollTop = element.scrollHeight;
  }, [count, filter]);
  const loadOlder = () => loadOlderInto(scroller.current);
  const jump = useJumpToMessage({ chatId, at, isLoaded: timeline.isSuccess, scroller, onLeaveBottom: () => (atBottom.current = false) });


  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const target = sentinel.current;
    if (!target) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void loadOlder();
    });
    observer.observe(target);
    return () => observer.disconnect();
  });

  const typists = useSyncExternalStore(
    subscribeTyping,
    () => typistsIn(chatId),
    () => typistsIn(chatId),
  ).filter((typist) => typist.userId !== me);

  if (chat.isError) {
    return (
      <div className={styles.unavailable} role="alert">
        <p>{chat.error.data?.code === "FORBIDDEN" || chat.error.data?.code === "NOT_FOUND" ? t("unavailable") : t("loadError")}</p>
        <Link href="/chats" className="button">
          {t("backToChats")}
        </Link>
      </div>
    );
  }

  const title = chat.data ? chatTitle(chat.data, tChats) : "";
  const canModerate = profile.data?.can.moderateMessages ?? false;
  const canManageRoom = chat.data?.kind === "room" && (chat.data.createdBy === me || profile.data?.role === "admin");
  const shown = filter === "all" ? (timeline.data?.messages ?? []) : (filtered.data?.messages ?? []);
  const isReadByOthers = (message: MessageDto) => (members.data ?? []).some((m) => m.id !== me && m.lastReadSeq >= message.seq);

  return (
    <section className={styles.conversation} aria-label={title}>
      <header className={styles.header}>
        <Link href="/chats" className={`button button-quiet ${styles.back}`} aria-label={t("backToChats")}>
          <span aria-hidden="true">←</span>
        </Link>
        <span className={styles.headerIcon}>{chat.data ? <ChatKindIcon kind={chat.data.kind} /> : null}</span>
        <div className={styles.headerMain}>
          <h1 className={styles.title}>{title || "\u00a0"}</h1>
          {chat.data?.entity ? (
            <div className={styles.headerMeta}>
              <StatusChip status={chat.data.entity.status} />
              <ApprovalChip pending={chat.data.entity.pendingApprovals} />
              {chat.data.entity.url ? (
                <a className={styles.hostLink} href={chat.data.entity.url} target="_blank" rel="noopener noreferrer">
                  {t("openInHost")}
                </a>
              ) : null}
            </div>
          ) : null}
        </div>
        <button type="button" className="button button-quiet" onClick={() => setSheet("details")} aria-haspopup="dialog">
          {t("detailsButton")}
        </button>
      </header>
      <div className={styles.filters} role="group" aria-label={t("filterLabel")}>
        {FILTERS.map((option) => (
          <button key={option} type="button" className="button button-quiet" aria-pressed={filter === option} onClick={() => setFilter(option)}>
            {t(`filter.${option}`)}
          </button>
        ))}
      </div>
      {streamStatus === "connecting" && timeline.isSuccess ? (
        <p className={styles.banner} role="status">
          {t("reconnecting")}
        </p>
      ) : null}
      <div
        ref={scroller}
        className={styles.timeline}
        onScroll={(event) => {
          const element = event.currentTarget;
          atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
        }}
      >
        {filter === "all" && timeline.data?.hasOlder ? (
          <div ref={sentinel} className={styles.older}>
            <button type="button" className="button button-quiet" onClick={() => void loadOlder()} disabled={loadingOlder}>
              {loadingOlder ? t("loadingOlder") : t("loadOlder")}
            </button>
          </div>
        ) : null}
        {timeline.isPending ? <div className={styles.skeleton} role="status" aria-label={t("loading")} /> : null}
        {timeline.isError ? (
          <div className="empty-state" role="alert">
            <p>{t("loadError")}</p>
            <button type="button" className="button" onClick={() => void timeline.refetch()}>
              {t("retry")}
            </button>
          </div>
        ) : null}
        {timeline.isSuccess && shown.length === 0 && pending.length === 0 ? (
          <p className={styles.empty}>{filter === "all" ? t("empty") : t("emptyFilter")}</p>
        ) : null}
        <ol className={`${styles.messages} ${jump.listClassName}`}>
          {shown.map((message, index) => {
            const previous = index > 0 ? shown[index - 1] : undefined;
            const isOwn = message.sender.id === me;
            const newDay = !previous || !sameDay(previous.createdAt, message.createdAt);
            const newSender =
              newDay ||
              previous?.sender.id !== message.sender.id ||
              message.createdAt.getTime() - (previous?.createdAt.getTime() ?? 0) > 5 * 60_000;
            const isFirstUnread = filter === "all" && firstUnreadSeq !== null && message.seq === firstUnreadSeq && !isOwn;
            return (
              <Fragment key={message.id}>
                {newDay ? (
                  <li className={styles.day}>
                    <span>{format.dateTime(message.createdAt, { weekday: "long", day: "numeric", month: "long" })}</span>
                  </li>
                ) : null}
                {isFirstUnread ? (
                  <li className={styles.divider}>
                    <span>{t("newMessages")}</span>
                  </li>
                ) : null}
                {message.kind === "system" ? (
                  <li className={styles.systemLine} data-seq={message.seq} data-highlighted={message.seq === jump.highlighted || undefined}>
                    <span>{message.body ?? t("deleted")}</span>
                    <time dateTime={message.createdAt.toISOString()}>
                      {format.dateTime(message.createdAt, { hour: "2-digit", minute: "2-digit" })}
                    </time>
                  </li>
                ) : (
                  <li className={isOwn ? styles.own : styles.other} data-seq={message.seq} data-highlighted={message.seq === jump.highlighted || undefined}>
                    {newSender && !isOwn ? <span className={styles.sender}>{message.sender.name}</span> : null}
                    {message.attachments.length ? <MessageAttachments attachments={message.attachments} /> : null}
                    <button type="button" className={styles.bubble} onClick={() => setActionsFor(message)} aria-haspopup="dialog">
                      {message.replyTo ? (
                        <span className={styles.quote}>
                          <span className={styles.quoteName}>{message.replyTo.senderName}</span>
                          <span>{message.replyTo.body ?? t("deleted")}</span>
                        </span>
                      ) : null}
                      <span className={message.body === null ? styles.deletedBody : styles.body}>
                        {message.body === null ? t("deleted") : <MessageText body={message.body} mentions={message.mentions} me={me} />}
                      </span>
                      <span className={styles.meta}>
                        {message.editedAt && !message.deletedAt ? <span>{t("edited")}</span> : null}
                        <time dateTime={message.createdAt.toISOString()}>
                          {format.dateTime(message.createdAt, { hour: "2-digit", minute: "2-digit" })}
                        </time>
                        {isOwn ? <Receipt state={isReadByOthers(message) ? "read" : "sent"} /> : null}
                      </span>
                    </button>
                    <RecordChips message={message} />
                    <Reactions message={message} me={{ id: me, name: profile.data?.name ?? "" }} />
                    {message.data ? <MessageCard message={message} /> : null}
                  </li>
                )}
              </Fragment>
            );
          })}
          {filter === "all"
            ? pending
                .filter((item) => !(timeline.data?.messages ?? []).some((m) => m.clientId === item.clientId))
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
                        <button
                          type="button"
                          className="button button-quiet"
                          onClick={() => void removeFromOutbox(item.clientId)}
                        >
                          {t("discard")}
                        </button>
                      </div>
                    ) : null}
                  </li>
                ))
            : null}
        </ol>
      </div>
      <p className={styles.typing} aria-live="polite">
        {typists.length === 1 ? t("typingOne", { name: typists[0]!.name }) : typists.length > 1 ? t("typingMany", { count: typists.length }) : ""}
      </p>
      {actionError ? (
        <p className="form-error" role="alert">
          {actionError}
        </p>
      ) : null}
      {hasSent ? <PushPrompt /> : null}
      <Composer
        key={mode.kind === "edit" ? mode.message.id : "new"}
        chatId={chatId}
        mode={mode}
        onSend={onSend}
        onCancelMode={() => setMode({ kind: "new", replyTo: null })}
        onTyping={() => typing.mutate({ chatId })}
        disabledReason={null}
      />
      {actionsFor ? (
        <MessageActions
          message={actionsFor}
          isOwn={actionsFor.sender.id === me}
          canModerate={canModerate}
          recordKey={chat.data?.kind === "entity" ? (chat.data.entity?.key ?? null) : null}
          onClose={() => setActionsFor(null)}
          onReply={(message) => setMode({ kind: "new", replyTo: message })}
          onEdit={(message) => setMode({ kind: "edit", message })}
          onDelete={(message) =>
            remove.mutate(
              { messageId: message.id },
              { onSuccess: (deleted) => mergeIntoTimeline([deleted]), onError: (error) => setActionError(error.message) },
            )
          }
        />
      ) : null}
      {chat.data && sheet === "details" ? (
        <ChatDetails chat={chat.data} me={me} canManage={canManageRoom} open onClose={() => setSheet(null)} onEditRoom={() => setSheet("room")} />
      ) : null}
      {chat.data && sheet === "room" ? <RoomSettings chat={chat.data} open onClose={() => setSheet(null)} /> : null}
    </section>
  );
}
