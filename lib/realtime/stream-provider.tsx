"use client";

import { type QueryClient, useMutation, useQueryClient } from "@tanstack/react-query";
import { usePathname } from "next/navigation";
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from "react";
import { listMessage, listOwnRead, listWithout } from "~/lib/chat/chat-list-cache";
import { useIsWide, useKeptChats } from "~/lib/chat/windows";
import { reviveMessage } from "~/lib/chat/timeline";
import { dropTimeline, putMessages, receiveLive } from "~/lib/chat/timeline-cache";
import { useTRPC } from "~/lib/trpc/client";
import type { Member } from "~/lib/trpc/types";
import { applyPeopleEvent } from "~/lib/people/people-cache";
import { refresh } from "~/lib/query-refresh";
import { STREAM_EVENT_TYPES } from "~/contracts/stream";
import type { MessageDto } from "~/contracts/messages";
import type { StreamEvent } from "~/contracts/stream";
import { createWatchdog } from "./stream-watchdog";
import { noteTyping, stopTyping } from "./typing-store";

type Listener = (event: StreamEvent) => void;
/**
 * `starting`: the tab's first connection is on its way (nothing was lost, so nothing to say:
 * a page the server rendered already shows current data); `connecting`: a connection that was
 * up dropped and is being replaced.
 */
export type StreamStatus = "starting" | "connecting" | "live" | "offline";

const StreamContext = createContext<{ subscribe: (listener: Listener) => () => void; status: StreamStatus; userId: string } | null>(
  null,
);

type Trpc = ReturnType<typeof useTRPC>;

const CHAT_PATH = /^\/chats\/([0-9a-f-]{36})(?:\/|$)/;

/**
 * The chats this page shows to the person: the one picked and, on a wide screen, the windows
 * docked beside it (components/chats/chats-split.tsx); none when it shows none or is hidden.
 */
function shownChats(pathname: string, docked: readonly string[]): string[] {
  if (document.visibilityState !== "visible") return [];
  const picked = CHAT_PATH.exec(pathname)?.[1];
  const inChats = pathname === "/chats" || pathname.startsWith("/chats/");
  return [...new Set([...(picked ? [picked] : []), ...(inChats ? docked : [])])];
}

/**
 * Tells the server which chats this tab's stream connection is showing, so it does not push a
 * notification for what is already on screen. Reports go one after another (a later one must
 * not overtake an earlier one) and only when something changed; a new connection (after a
 * reconnect) starts unreported, so it is told again.
 */
function useViewingReports(connectionId: string | null, userId: string) {
  const trpc = useTRPC();
  const pathname = usePathname();
  const kept = useKeptChats(userId);
  const isWide = useIsWide();
  const { mutateAsync } = useMutation(trpc.stream.viewing.mutationOptions());
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const reported = useRef<string | null>(null);

  useEffect(() => {
    if (!connectionId) return;
    const report = () => {
      const chatIds = shownChats(pathname, isWide ? kept : []);
      const key = `${connectionId} ${chatIds.join(",")}`;
      if (reported.current === key) return;
      reported.current = key;
      queue.current = queue.current
        .then(() => mutateAsync({ connectionId, chatIds }))
        // Worst case a notification arrives for a chat on screen; the next change reports again.
        .catch(() => {
          if (reported.current === key) reported.current = null;
        });
    };
    report();
    document.addEventListener("visibilitychange", report);
    return () => document.removeEventListener("visibilitychange", report);
  }, [connectionId, pathname, kept, isWide, mutateAsync]);
}

/**
 * Applies a change to a chat's members (read positions). While their first fetch is on its way
 * there is nothing to change, and that fetch may predate the event: fetch them again instead.
 */
function updateMembers(queryClient: QueryClient, trpc: Trpc, chatId: string, change: (member: Member) => Member) {
  const key = trpc.chat.members.queryKey({ chatId });
  if (queryClient.getQueryState(key)?.data === undefined) {
    refresh(queryClient, trpc.chat.members.queryFilter({ chatId }));
    return;
  }
  queryClient.setQueryData<Member[]>(key, (members) => members?.map(change));
}

/** Brings the query cache up to date with one event, so screens re-render without refetching. */
function applyEvent(queryClient: QueryClient, trpc: Trpc, userId: string, event: StreamEvent, fillGap: (chatId: string, after: number) => void) {
  switch (event.type) {
    case "message.created":
    case "message.updated": {
      const message: MessageDto = reviveMessage(event.message);
      const known = receiveLive(queryClient, message);
      // A live event was lost on the way (Redis pub/sub is at-most-once): fetch the gap.
      if (known !== null && known < message.seq) fillGap(event.chatId, known);
      // An approval card changed (a vote, a resolution) or a new request arrived: its card and
      // the Manager view's "waiting for you" read it again.
      // A record's status changed: chips of mentions show it (components/conversation/message-text.tsx).
      if (message.data?.type === "status") refresh(queryClient, trpc.mention.records.pathFilter());
      if (message.data?.type === "approval") {
        refresh(queryClient, trpc.approval.get.queryFilter({ approvalId: message.data.approvalId }));
        refresh(queryClient, trpc.approval.pendingForMe.queryFilter());
      }
      // A text from a phone may be STOP or START (the contact's opt-out changes) and counts as unread in SMS contacts.
      if (event.type === "message.created" && message.kind === "sms_in") {
        refresh(queryClient, trpc.sms.forChat.queryFilter({ chatId: event.chatId }));
        refresh(queryClient, trpc.sms.contacts.pathFilter());
      }
      if (event.type === "message.created" && message.sender.id) {
        stopTyping(event.chatId, message.sender.id);
        // A sender has read everything up to their own message (the server records it so).
        const senderId = message.sender.id;
        updateMembers(queryClient, trpc, event.chatId, (m) => (m.id === senderId ? { ...m, lastReadSeq: Math.max(m.lastReadSeq, message.seq) } : m));
      }
      const change = event.type === "message.created" ? "created" : "updated";
      if (!listMessage(queryClient, trpc.chat.list.queryKey(), message, change, userId)) refresh(queryClient, trpc.chat.list.queryFilter());
      return;
    }
    case "read": {
      if (event.userId === userId) {
        // Read part of the way: which mentions remain is the server's to count.
        if (listOwnRead(queryClient, trpc.chat.list.queryKey(), event.chatId, event.seq) > 0) refresh(queryClient, trpc.chat.list.queryFilter());
      }
      updateMembers(queryClient, trpc, event.chatId, (m) => (m.id === event.userId ? { ...m, lastReadSeq: Math.max(m.lastReadSeq, event.seq) } : m));
      return;
    }
    case "chat.changed":
      refresh(queryClient, trpc.chat.list.queryFilter());
      if (event.reason === "entity") refresh(queryClient, trpc.mention.records.pathFilter());
      refresh(queryClient, trpc.chat.get.queryFilter({ chatId: event.chatId }));
      refresh(queryClient, trpc.chat.members.queryFilter({ chatId: event.chatId }));
      return;
    case "chat.deleted":
      listWithout(queryClient, trpc.chat.list.queryKey(), event.chatId);
      dropTimeline(queryClient, event.chatId);
      refresh(queryClient, trpc.chat.get.queryFilter({ chatId: event.chatId }));
      return;
    case "typing":
      noteTyping(event.chatId, event.userId, event.name, event.expiresInMs);
      return;
    case "presence":
    case "status":
      applyPeopleEvent(queryClient, trpc.people.list.pathFilter(), event, trpc.people.get.pathFilter());
      return;
    case "resync":
      void queryClient.invalidateQueries();
      return;
    default:
      return;
  }
}

/**
 * The one EventSource of this tab. The browser reconnects by itself and sends Last-Event-ID,
 * and the server replays what was missed; a `resync` (too much missed) reloads every query.
 * A stream silent for two heartbeats is dead without an error (a half-open connection): the
 * watchdog replaces it, carrying the last event id over as `?lastEventId=`.
 */
export function StreamProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const queryClient = useQueryClient();
  const trpc = useTRPC();
  const listeners = useRef(new Set<Listener>());
  const [status, setStatus] = useState<StreamStatus>("starting");
  const [connectionId, setConnectionId] = useState<string | null>(null);
  useViewingReports(connectionId, userId);

  useEffect(() => {
    let source: EventSource;
    /** The browser's resume cursor, for an EventSource we open ourselves (it starts without one). */
    let lastEventId = "";
    const fillGap = (chatId: string, after: number) => {
      void queryClient.fetchQuery(trpc.message.list.queryOptions({ chatId, after, limit: 200 })).then((page) => putMessages(queryClient, chatId, page.messages));
    };
    let isFirstReady = true;
    const watchdog = createWatchdog(() => {
      source.close();
      setStatus("connecting");
      open();
    });
    const onEvent = (raw: MessageEvent<string>) => {
      watchdog.feed();
      if (raw.lastEventId) lastEventId = raw.lastEventId;
      const event = JSON.parse(raw.data) as StreamEvent;
      if (event.type === "hello") setConnectionId(event.connectionId);
      // The first connection replays nothing, and any query on screen (the chat list, a
      // timeline, the Manager queue…) may have been fetched before it was up: fetch them all
      // again now that nothing can slip between. Reconnections are replayed.
      if (event.type === "ready" && isFirstReady) {
        isFirstReady = false;
        refresh(queryClient, {});
      }
      applyEvent(queryClient, trpc, userId, event, fillGap);
      for (const listener of listeners.current) listener(event);
    };
    const open = () => {
      source = new EventSource(lastEventId ? `/api/stream?lastEventId=${encodeURIComponent(lastEventId)}` : "/api/stream");
      for (const type of STREAM_EVENT_TYPES) source.addEventListener(type, onEvent);
      source.addEventListener("heartbeat", () => watchdog.feed());
      source.onopen = () => {
        watchdog.feed();
        setStatus("live");
      };
      // A refused or failed stream (EventSource gives up: CLOSED) is retried by the watchdog too.
      source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? "offline" : "connecting");
      watchdog.feed();
    };
    open();
    return () => {
      watchdog.stop();
      source.close();
    };
  }, [queryClient, trpc, userId]);

  const [value] = useState(() => ({
    subscribe: (listener: Listener) => {
      listeners.current.add(listener);
      return () => void listeners.current.delete(listener);
    },
  }));
  return <StreamContext.Provider value={{ ...value, status, userId }}>{children}</StreamContext.Provider>;
}

function useStream() {
  const context = useContext(StreamContext);
  if (!context) throw new Error("useStream needs a StreamProvider");
  return context;
}

export function useStreamStatus(): StreamStatus {
  return useStream().status;
}

export function useCurrentUserId(): string {
  return useStream().userId;
}

/** Calls `handler` for every event of the live stream while the component is mounted. */
export function useStreamEvent(handler: Listener) {
  const { subscribe } = useStream();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => subscribe((event) => latest.current(event)), [subscribe]);
}
