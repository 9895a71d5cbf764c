"use client";

import { useRouter } from "next/navigation";
import { createContext, useContext } from "react";
import { MAX_KEPT, keepChat, releaseChat, useAttention, useIsWide, useKeptChats } from "~/lib/chat/windows";
import { useCurrentUserId } from "~/lib/realtime/stream-provider";

/**
 * Where a conversation is shown: picked in the list (the page's own chat) or kept open beside
 * it as a docked window (components/chats/chat-dock.tsx provides "docked").
 */
export const WindowPlacement = createContext<"picked" | "docked">("picked");

/** What a conversation's window can do on this screen, and what it asks of the person. */
export function useChatWindow(chatId: string) {
  const placement = useContext(WindowPlacement);
  const me = useCurrentUserId();
  const router = useRouter();
  const isWide = useIsWide();
  const kept = useKeptChats(me);
  const hasAttention = useAttention(chatId);
  const isDocked = placement === "docked";
  const isKept = kept.includes(chatId);
  return {
    isDocked,
    /** The picked chat on a wide screen can stay open beside the next one. */
    canKeep: isWide && !isDocked,
    isKept,
    /** Every place beside it is taken. */
    isFull: !isKept && kept.length >= MAX_KEPT,
    hasAttention,
    toggleKept: () => (isKept ? releaseChat(me, chatId) : keepChat(me, chatId)),
    closeWindow: () => releaseChat(me, chatId),
    /** The chat is gone for this person (closed, left): its window closes, or the phone goes back to the list. */
    leave: () => {
      releaseChat(me, chatId);
      if (!isDocked) router.push("/chats");
    },
  };
}
