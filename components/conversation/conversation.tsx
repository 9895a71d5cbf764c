"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useLayoutEffect, useMemo, useRef, useState } from "react";
import { chatTitle } from "~/components/chats/chat-title";
import { useSentCounter } from "~/components/sms/sent-counter";
import { useCurrentUserId, useStreamStatus } from "~/lib/realtime/stream-provider";
import type { QuickFilter } from "~/lib/time/ranges";
import { useTRPC } from "~/lib/trpc/client";
import type { MessageDto } from "~/contracts/messages";
import { useChatWindow } from "./chat-window";
import { Composer } from "./composer";
import { ConversationHeader } from "./conversation-header";
import styles from "./conversation.module.css";
import { useJumpToMessage } from "./jump-to-message";
import { MessageItem } from "./message-item";
import { PendingList } from "./pending-list";
import { TypingLine } from "./typing-line";
import { useSend } from "./use-send";
import { useTimeline } from "./use-timeline";

// Sheets load when first opened, keeping them out of the conversation's first-load JavaScript.
const MessageActions = dynamic(() => import("./message-actions").then((m) => m.MessageActions));
const ChatDetails = dynamic(() => import("./chat-details").then((m) => m.ChatDetails));
const RoomSettings = dynamic(() => import("./room-settings").then((m) => m.RoomSettings));
// Shown once, after a first message is sent here.
const PushPrompt = dynamic(() => import("~/components/pwa/push-prompt").then((m) => m.PushPrompt));
// Only in an SMS window, and only when the admins turned the counter on.
const MessageCounter = dynamic(() => import("~/components/sms/message-counter").then((m) => m.MessageCounter));
// Only a direct chat's header says whether the other person is online.
const DirectLine = dynamic(() => import("./direct-line").then((m) => m.DirectLine));

const FILTERS: QuickFilter[] = ["all", "yesterday", "7d", "30d"];

export function Conversation({ chatId, at }: { chatId: string; at?: number }) {
  const t = useTranslations("conversation");
  const tChats = useTranslations("chats");
  const tSms = useTranslations("sms");
  const trpc = useTRPC();
  const me = useCurrentUserId();
  const streamStatus = useStreamStatus();
  const chat = useQuery(trpc.chat.get.queryOptions({ chatId }));
  const profile = useQuery(trpc.user.me.queryOptions());
  const members = useQuery(trpc.chat.members.queryOptions({ chatId }));
  const isSms = chat.data?.kind === "sms";
  // An SMS window's contact: the number in the header, and whether they may be texted now.
  const contact = useQuery({ ...trpc.sms.forChat.queryOptions({ chatId }), enabled: isSms });
  const myName = profile.data?.name ?? "";
  // One object while it holds the same person: message items redraw only when their own props change.
  const self = useMemo(() => ({ id: me, name: myName }), [me, myName]);
  const scroller = useRef<HTMLDivElement>(null);
  const { timeline, mergeIntoTimeline, loadOlder, loadingOlder, sentinel } = useTimeline({
    chatId,
    me,
    lastReadSeq: chat.data?.lastReadSeq,
    scroller,
  });
  const [filter, setFilter] = useState<QuickFilter>("all");
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const filtered = useQuery({ ...trpc.message.list.queryOptions({ chatId, filter, timeZone, limit: 200 }), enabled: filter !== "all" });

  const compose = useSend({ chatId, me, mergeIntoTimeline, onQueued: () => setFilter("all") });
  const chatWindow = useChatWindow(chatId);
  const sent = useSentCounter(me, chatId);
  const { pending } = compose;
  const [actionsFor, setActionsFor] = useState<MessageDto | null>(null);
  const [sheet, setSheet] = useState<"details" | "room" | null>(null);
  const [firstUnreadSeq, setFirstUnreadSeq] = useState<number | null>(null);

  // The "new messages" divider stays where it was when the chat was opened.
  if (firstUnreadSeq === null && chat.data) {
    setFirstUnreadSeq(chat.data.lastSeq > chat.data.lastReadSeq ? chat.data.lastReadSeq + 1 : Number.POSITIVE_INFINITY);
  }

  const remove = useMutation(trpc.message.delete.mutationOptions());

  // Stay at the bottom as messages arrive, unless the reader scrolled up to read older ones.
  const atBottom = useRef(true);
  const count = (timeline.data?.messages.length ?? 0) + pending.length;
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && atBottom.current) element.scrollTop = element.scrollHeight;
  }, [count, filter]);
  const jump = useJumpToMessage({ chatId, at, isLoaded: timeline.isSuccess, scroller, onLeaveBottom: () => (atBottom.current = false) });

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

  // An SMS window is called what the SMS settings say (the contact's name or a record's field).
  const title = (isSms ? contact.data?.title : undefined) ?? (chat.data ? chatTitle(chat.data, tChats) : "");
  const canModerate = profile.data?.can.moderateMessages ?? false;
  const canManageRoom = chat.data?.kind === "room" && (chat.data.createdBy === me || profile.data?.role === "admin");
  const shown = filter === "all" ? (timeline.data?.messages ?? []) : (filtered.data?.messages ?? []);
  const isReadByOthers = (message: MessageDto) => (members.data ?? []).some((m) => m.id !== me && m.lastReadSeq >= message.seq);
  const others = (members.data ?? []).filter((m) => m.id !== me);
  const subtitle = isSms ? (
    contact.data ? (
      <>
        <span className={styles.phone}>{contact.data.phoneDisplay}</span>
        <MessageCounter count={sent.count} />
      </>
    ) : undefined
  ) : chat.data?.kind === "direct" ? (
    // The other person's presence only in a chat of two; a group's direct chat shows its start alone.
    <DirectLine otherId={others.length === 1 ? (others[0]?.id ?? null) : null} startedAt={chat.data.createdAt} />
  ) : undefined;

  return (
    // Several conversations can be on screen at once (components/chats/chat-dock.tsx): each says
    // which chat it shows, for the window that has focus and those asking for attention.
    <section className={styles.conversation} aria-label={title} data-chat-window={chatId} data-docked={chatWindow.isDocked ? "true" : undefined}>
      <ConversationHeader chat={chat.data} title={title} subtitle={subtitle} chatWindow={chatWindow} onDetails={() => setSheet("details")} />
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
          {shown.map((message, index) => (
            <MessageItem
              key={message.id}
              message={message}
              previous={index > 0 ? shown[index - 1] : undefined}
              me={self}
              isFirstUnread={filter === "all" && message.seq === firstUnreadSeq && message.sender.id !== me}
              isHighlighted={message.seq === jump.highlighted}
              isRead={message.sender.id === me && isReadByOthers(message)}
              onOpen={setActionsFor}
            />
          ))}
          {filter === "all" ? <PendingList items={pending} timeline={timeline.data?.messages ?? []} /> : null}
        </ol>
      </div>
      {/* A page rendered on the server opens at its newest message before any JavaScript runs
          (the layout effect above does it for every later render). */}
      <script dangerouslySetInnerHTML={{ __html: "document.currentScript.previousElementSibling.scrollTop=1e9" }} />
      <TypingLine chatId={chatId} me={me} />
      {compose.error ? (
        <p className="form-error" role="alert">
          {compose.error}
        </p>
      ) : null}
      {compose.hasSent ? <PushPrompt /> : null}
      <Composer
        key={compose.mode.kind === "edit" ? compose.mode.message.id : "new"}
        chatId={chatId}
        mode={compose.mode}
        onSend={(draft) => {
          // The SMS window's counter counts what its composer sent, not edits.
          if (isSms && compose.mode.kind === "new") sent.add();
          compose.send(draft);
        }}
        onCancelMode={() => compose.setMode({ kind: "new", replyTo: null })}
        onTyping={compose.notifyTyping}
        // The server would refuse the text (the carrier too): say why before anything is typed.
        disabledReason={isSms && contact.data?.optedOut ? tSms("optedOutNotice") : null}
        isSms={isSms}
      />
      {actionsFor ? (
        <MessageActions
          message={actionsFor}
          isOwn={actionsFor.sender.id === me}
          canModerate={canModerate}
          // A text message cannot quote one.
          canReply={!isSms}
          recordKey={chat.data?.kind === "entity" ? (chat.data.entity?.key ?? null) : null}
          onClose={() => setActionsFor(null)}
          onReply={(message) => compose.setMode({ kind: "new", replyTo: message })}
          onEdit={(message) => compose.setMode({ kind: "edit", message })}
          onDelete={(message) =>
            remove.mutate(
              { messageId: message.id },
              { onSuccess: (deleted) => mergeIntoTimeline([deleted]), onError: (error) => compose.showError(error.message) },
            )
          }
        />
      ) : null}
      {chat.data && sheet === "details" ? (
        <ChatDetails
          chat={chat.data}
          me={me}
          canManage={canManageRoom}
          open
          onClose={() => setSheet(null)}
          onEditRoom={() => setSheet("room")}
          onGone={chatWindow.leave}
        />
      ) : null}
      {chat.data && sheet === "room" ? <RoomSettings chat={chat.data} open onClose={() => setSheet(null)} /> : null}
    </section>
  );
}
