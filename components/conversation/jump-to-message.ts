"use client";

import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { type RefObject, useEffect, useRef, useState } from "react";
import { type Timeline, timelineKey } from "~/lib/chat/timeline";
import { putHistory } from "~/lib/chat/timeline-cache";
import { useTRPC } from "~/lib/trpc/client";
import styles from "./jump-to-message.module.css";

/** Messages shown above the one jumped to, so it is seen with what led to it. */
const CONTEXT = 10;
/** message.list's largest page. */
const PAGE = 200;

type Trpc = ReturnType<typeof useTRPC>;

/**
 * Loads the history between the oldest loaded message and a little above `seq`, in pages of
 * the range just below what is loaded: the timeline stays gap-free (the live stream treats a gap
 * as a lost event), so live updates and "load older" go on working.
 */
async function loadDownTo(queryClient: QueryClient, trpc: Trpc, chatId: string, seq: number): Promise<void> {
  for (;;) {
    const timeline = queryClient.getQueryData<Timeline>(timelineKey(chatId));
    const oldest = timeline?.messages[0]?.seq;
    if (!timeline || oldest === undefined || oldest <= seq || !timeline.hasOlder) return;
    const after = Math.max(0, seq - CONTEXT - 1);
    const page = await queryClient.fetchQuery(trpc.message.list.queryOptions({ chatId, before: oldest, after, limit: PAGE }));
    putHistory(queryClient, chatId, page.messages);
    if (page.messages.length === 0) return;
  }
}

/**
 * Opening a chat at a message (`/chats/<id>?at=<seq>`, from search): loads history back to it
 * however far it is, scrolls it into view and marks it. Returns the marked seq and the class
 * the message list takes so the mark shows.
 */
export function useJumpToMessage(options: {
  chatId: string;
  at: number | undefined;
  isLoaded: boolean;
  scroller: RefObject<HTMLElement | null>;
  /** Tells the conversation the reader is no longer at the bottom (it would scroll back down). */
  onLeaveBottom: () => void;
}) {
  const { chatId, at, isLoaded, scroller, onLeaveBottom } = options;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [highlighted, setHighlighted] = useState<number | null>(null);
  const done = useRef<number | null>(null);
  const leaveBottom = useRef(onLeaveBottom);
  useEffect(() => {
    leaveBottom.current = onLeaveBottom;
  });

  useEffect(() => {
    if (at === undefined || !isLoaded || done.current === at) return;
    done.current = at;
    void loadDownTo(queryClient, trpc, chatId, at)
      .catch(() => undefined)
      .then(() => {
        // The loaded history shows after React's next render: look for it for a few frames.
        let frames = 0;
        const reveal = () => {
          // A later jump (another result) has taken over.
          if (done.current !== at) return;
          const target = scroller.current?.querySelector<HTMLElement>(`[data-seq="${at}"]`);
          if (!target) {
            if (++frames < 30) requestAnimationFrame(reveal);
            return;
          }
          leaveBottom.current();
          const isReduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
          target.scrollIntoView({ block: "center", behavior: isReduced ? "auto" : "smooth" });
          setHighlighted(at);
        };
        requestAnimationFrame(reveal);
      });
  }, [at, isLoaded, chatId, queryClient, trpc, scroller]);

  return { highlighted, listClassName: styles.list };
}
