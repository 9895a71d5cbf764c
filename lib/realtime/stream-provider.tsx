"use client";

import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from "react";
import { type Timeline, contiguousUpTo, holdWhileLoading, mergeMessages, reviveMessage, timelineKey } from "~/lib/chat/timeline";
import { useTRPC } from "~/lib/trpc/client";
import type { ChatSummary, Member, Person } from "~/lib/trpc/types";
import type { MessageDto, StreamEvent, StreamEventType } from "~/server/realtime/events";
import { noteTyping, stopTyping } from "./typing-store";

type Listener = (event: StreamEvent) => void;
export type StreamStatus = "connecting" | "live" | "offline";

const StreamContext = createContext<{ subscribe: (listener: Listener) => () => void; status: StreamStatus; userId: string } | null>(
  null,
);

const EVENT_TYPES: StreamEventType[] = [
  "ready",
  "resync",
  "message.created",
  "message.updated",
  "read",
  "chat.changed",
  "chat.deleted",
  "typing",
  "presence",
  "status",
];

type Trpc = ReturnType<typeof useTRPC>;

/** Brings the query cache up to date with one event, so screens re-render without refetching. */
function applyEvent(queryClient: QueryClient, trpc: Trpc, userId: string, event: StreamEvent, fillGap: (chatId: string, after: number) => void) {
  switch (event.type) {
    case "message.created":
    case "message.updated": {
      const message: MessageDto = reviveMessage(event.message);
      const loading = queryClient.getQueryState(timelineKey(event.chatId));
      if (loading?.data === undefined && loading?.fetchStatus === "fetching") holdWhileLoading(event.chatId, message);
      queryClient.setQueryData<Timeline>(timelineKey(event.chatId), (timeline) => {
        if (!timeline) return timeline;
        const merged = mergeMessages(timeline.messages, [message]);
        const known = contiguousUpTo(merged);
        // A live event was lost on the way (Redis pub/sub is at-most-once): fetch the gap.
        if (known < message.seq) fillGap(event.chatId, known);
        return { ...timeline, messages: merged };
      });
      if (event.type === "message.created" && message.sender.id) {
        stopTyping(event.chatId, message.sender.id);
        // A sender has read everything up to their own message (the server records it so).
        const senderId = message.sender.id;
        queryClient.setQueryData<Member[]>(trpc.chat.members.queryKey({ chatId: event.chatId }), (members) =>
          members?.map((m) => (m.id === senderId ? { ...m, lastReadSeq: Math.max(m.lastReadSeq, message.seq) } : m)),
        );
      }
      let found = false;
      queryClient.setQueryData<ChatSummary[]>(trpc.chat.list.queryKey(), (chats) => {
        if (!chats) return chats;
        const updated = chats.map((chat) => {
          if (chat.id !== event.chatId) return chat;
          found = true;
          const isNewer = message.seq >= chat.lastSeq;
          const preview = { seq: message.seq, senderName: message.sender.name, body: message.body };
          if (event.type === "message.updated") return chat.lastMessage?.seq === message.seq ? { ...chat, lastMessage: preview } : chat;
          const isOwn = message.sender.id === userId;
          return {
            ...chat,
            lastSeq: Math.max(chat.lastSeq, message.seq),
            lastMessageAt: isNewer ? message.createdAt : chat.lastMessageAt,
            lastMessage: isNewer ? preview : chat.lastMessage,
            lastReadSeq: isOwn ? Math.max(chat.lastReadSeq, message.seq) : chat.lastReadSeq,
            unread: isOwn ? 0 : chat.isMember ? Math.max(chat.unread, message.seq - chat.lastReadSeq) : 0,
          };
        });
        // Company chat first, then by last activity (as chat.list orders them).
        return updated.sort(
          (a, b) =>
            Number(b.kind === "company") - Number(a.kind === "company") ||
            (b.lastMessageAt?.getTime() ?? 0) - (a.lastMessageAt?.getTime() ?? 0),
        );
      });
      if (!found) void queryClient.invalidateQueries(trpc.chat.list.queryFilter());
      return;
    }
    case "read": {
      if (event.userId === userId) {
        queryClient.setQueryData<ChatSummary[]>(trpc.chat.list.queryKey(), (chats) =>
          chats?.map((chat) =>
            chat.id === event.chatId && event.seq > chat.lastReadSeq
              ? { ...chat, lastReadSeq: event.seq, unread: Math.max(0, chat.lastSeq - event.seq) }
              : chat,
          ),
        );
      }
      queryClient.setQueryData<Member[]>(trpc.chat.members.queryKey({ chatId: event.chatId }), (members) =>
        members?.map((m) => (m.id === event.userId ? { ...m, lastReadSeq: Math.max(m.lastReadSeq, event.seq) } : m)),
      );
      return;
    }
    case "chat.changed":
      void queryClient.invalidateQueries(trpc.chat.list.queryFilter());
      void queryClient.invalidateQueries(trpc.chat.get.queryFilter({ chatId: event.chatId }));
      void queryClient.invalidateQueries(trpc.chat.members.queryFilter({ chatId: event.chatId }));
      return;
    case "chat.deleted":
      queryClient.setQueryData<ChatSummary[]>(trpc.chat.list.queryKey(), (chats) => chats?.filter((c) => c.id !== event.chatId));
      queryClient.removeQueries({ queryKey: timelineKey(event.chatId) });
      void queryClient.invalidateQueries(trpc.chat.get.queryFilter({ chatId: event.chatId }));
      return;
    case "typing":
      noteTyping(event.chatId, event.userId, event.name, event.expiresInMs);
      return;
    case "presence":
    case "status":
      queryClient.setQueriesData<Person[]>(trpc.people.list.pathFilter(), (people) =>
        people?.map((p) => {
          if (event.type === "status") return p.id === event.userId ? { ...p, status: event.status, statusText: event.statusText } : p;
          const change = event.changes.find((c) => c.userId === p.id);
          return change ? { ...p, online: change.online } : p;
        }),
      );
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
 */
export function StreamProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const queryClient = useQueryClient();
  const trpc = useTRPC();
  const listeners = useRef(new Set<Listener>());
  const [status, setStatus] = useState<StreamStatus>("connecting");

  useEffect(() => {
    const source = new EventSource("/api/stream");
    const fillGap = (chatId: string, after: number) => {
      void queryClient.fetchQuery(trpc.message.list.queryOptions({ chatId, after, limit: 200 })).then((page) => {
        queryClient.setQueryData<Timeline>(timelineKey(chatId), (timeline) =>
          timeline ? { ...timeline, messages: mergeMessages(timeline.messages, page.messages) } : timeline,
        );
      });
    };
    let isFirstReady = true;
    const onEvent = (raw: MessageEvent<string>) => {
      const event = JSON.parse(raw.data) as StreamEvent;
      // The first connection replays nothing, and queries may have been fetched before it was
      // up: fetch them again now that nothing can slip between. Reconnections are replayed.
      if (event.type === "ready" && isFirstReady) {
        isFirstReady = false;
        void queryClient.invalidateQueries(trpc.chat.list.queryFilter());
        void queryClient.invalidateQueries({ queryKey: ["timeline"] });
        void queryClient.invalidateQueries(trpc.chat.members.pathFilter());
        void queryClient.invalidateQueries(trpc.people.list.pathFilter());
      }
      applyEvent(queryClient, trpc, userId, event, fillGap);
      for (const listener of listeners.current) listener(event);
    };
    for (const type of EVENT_TYPES) source.addEventListener(type, onEvent);
    source.onopen = () => setStatus("live");
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? "offline" : "connecting");
    return () => source.close();
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
