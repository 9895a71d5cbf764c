"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { Conversation } from "~/components/conversation/conversation";
import { WindowPlacement } from "~/components/conversation/chat-window";
import { releaseChat, setAttention } from "~/lib/chat/windows";
import { useCurrentUserId } from "~/lib/realtime/stream-provider";
import { useTRPC } from "~/lib/trpc/client";
import styles from "./dock.module.css";

/**
 * Wide screens (issue 14): the chats kept open, each a whole conversation with its own composer,
 * beside the one picked in the list (components/chats/chats-split.tsx). Loaded once a chat is kept.
 */
export function ChatDock({ docked }: { docked: readonly string[] }) {
  return docked.map((chatId) => <DockedWindow key={chatId} chatId={chatId} />);
}

function DockedWindow({ chatId }: { chatId: string }) {
  const trpc = useTRPC();
  const me = useCurrentUserId();
  // The same query the conversation reads (one request): a chat that no longer loads for this
  // person (left, deleted, access taken away) is not kept.
  const chat = useQuery(trpc.chat.get.queryOptions({ chatId }));
  const code = chat.error?.data?.code;
  useEffect(() => {
    if (code === "FORBIDDEN" || code === "NOT_FOUND") releaseChat(me, chatId);
  }, [code, me, chatId]);
  useEffect(() => () => setAttention(chatId, false), [chatId]);
  return (
    <div className={styles.window}>
      <WindowPlacement value="docked">
        <Conversation chatId={chatId} />
      </WindowPlacement>
    </div>
  );
}

