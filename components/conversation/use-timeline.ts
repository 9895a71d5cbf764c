"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type RefObject, useCallback, useEffect, useRef, useState } from "react";
import type { MessageDto } from "~/contracts/messages";
import { TIMELINE_PAGE as PAGE, type Timeline, mergeMessages, savedIsNewer, takeHeld, timelineKey } from "~/lib/chat/timeline";
import { putMessages, putOlderPage } from "~/lib/chat/timeline-cache";
import { loadTimeline, saveTimeline } from "~/lib/outbox/timelines";
import { useTRPC, useTRPCClient } from "~/lib/trpc/client";

/** A request that never reached the server (tRPC gives no HTTP status then). */
function isNetworkError(error: unknown): boolean {
  return (error as { data?: { httpStatus?: number } } | null)?.data?.httpStatus === undefined;
}

/**
 * A chat's timeline as the conversation shows it: the newest page from the server (or, offline,
 * what this device saw last), kept current by the live stream, saved on the device for the next
 * offline opening, older pages loaded on request or when `sentinel` scrolls into view (keeping
 * `scroller`'s view where it was), and read up to its newest message while on screen.
 */
export function useTimeline(options: {
  chatId: string;
  me: string;
  /** How far the person had read the chat, as the server last said. */
  lastReadSeq: number | undefined;
  scroller: RefObject<HTMLDivElement | null>;
}) {
  const { chatId, me, lastReadSeq, scroller } = options;
  const trpc = useTRPC();
  const trpcClient = useTRPCClient();
  const queryClient = useQueryClient();

  const timeline = useQuery({
    queryKey: timelineKey(chatId),
    queryFn: async ({ signal }): Promise<Timeline> => {
      try {
        // Straight from the server, never a shared in-flight read: a refresh (stream-provider.tsx)
        // cancels this fetch because it may predate an event, and the next one must read afresh.
        // No retries here: the query's own retries wrap this function, and offline must fall
        // back to the saved copy at once.
        const page = await trpcClient.message.list.query({ chatId, limit: PAGE }, { signal });
        return { messages: mergeMessages(page.messages, takeHeld(chatId)), hasOlder: page.hasMore };
      } catch (error) {
        // Cancelled is not offline: the saved copy would stand in for the fresh read as if current.
        if (signal.aborted) throw error;
        // No network: what this device saw last of the chat, if it ever opened it.
        const saved = isNetworkError(error) ? await loadTimeline(me, chatId).catch(() => null) : null;
        if (!saved) throw error;
        return { messages: mergeMessages(saved, takeHeld(chatId)), hasOlder: false };
      }
    },
    // The live stream keeps it current (lib/realtime/stream-provider.tsx).
    staleTime: Infinity,
  });

  // An HTML page the service worker kept holds the timeline as the server read it then. Opened
  // from that copy (offline, later), the device may have seen newer messages since: then read
  // it again, which offline is the device's saved copy. A page fresh from the server is kept.
  const [rendered] = useState(() => (timeline.data?.renderedAt === undefined ? null : timeline.data.messages));
  const { refetch } = timeline;
  useEffect(() => {
    if (!rendered) return;
    let cancelled = false;
    void loadTimeline(me, chatId)
      .then((saved) => {
        if (!cancelled && saved && savedIsNewer(rendered, saved)) void refetch();
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [rendered, me, chatId, refetch]);

  const mergeIntoTimeline = useCallback((messages: MessageDto[]) => putMessages(queryClient, chatId, messages), [chatId, queryClient]);

  // Kept on the device for the next time this chat is opened without a network.
  useEffect(() => {
    const messages = timeline.data?.messages;
    if (!messages) return;
    const timer = setTimeout(() => void saveTimeline(me, chatId, messages.slice(-PAGE)).catch(() => undefined), 500);
    return () => clearTimeout(timer);
  }, [me, chatId, timeline.data?.messages]);

  // Read up to the newest loaded message while the chat is on screen.
  const markRead = useMutation(trpc.message.markRead.mutationOptions());
  const newestSeq = timeline.data?.messages.at(-1)?.seq ?? 0;
  const lastMarked = useRef(0);
  useEffect(() => {
    const mark = () => {
      if (document.hidden || newestSeq <= lastMarked.current || newestSeq <= (lastReadSeq ?? 0)) return;
      lastMarked.current = newestSeq;
      markRead.mutate({ chatId, seq: newestSeq });
    };
    mark();
    document.addEventListener("visibilitychange", mark);
    return () => document.removeEventListener("visibilitychange", mark);
  }, [chatId, newestSeq, lastReadSeq, markRead]);

  const [loadingOlder, setLoadingOlder] = useState(false);
  /** Loads the page before the oldest message, keeping the scroller's view where it was. */
  async function loadOlder() {
    const oldest = timeline.data?.messages[0]?.seq;
    if (!oldest || !timeline.data?.hasOlder || loadingOlder) return;
    setLoadingOlder(true);
    const element = scroller.current;
    const before = element?.scrollHeight ?? 0;
    try {
      const page = await queryClient.fetchQuery(trpc.message.list.queryOptions({ chatId, before: oldest, limit: PAGE }));
      putOlderPage(queryClient, chatId, page);
      requestAnimationFrame(() => {
        if (element) element.scrollTop += element.scrollHeight - before;
      });
    } finally {
      setLoadingOlder(false);
    }
  }

  // The next page loads once the top of the timeline is in view. After every render: the
  // sentinel comes and goes with `hasOlder`, and the observer must call this render's loadOlder.
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

  return { timeline, mergeIntoTimeline, loadOlder, loadingOlder, sentinel };
}
