import type { ChatSummary } from "~/lib/trpc/types";

/**
 * Open, as the server decides it (server/services/chat/close.ts): never closed by this person, or
 * a message arrived after they closed it. The list cache moves `lastMessageAt` with each new
 * message (lib/chat/chat-list-cache.ts), so a closed chat reopens live without a fetch.
 */
export function isOpenChat(chat: Pick<ChatSummary, "closedAt" | "lastMessageAt">): boolean {
  if (chat.closedAt === null) return true;
  return chat.lastMessageAt !== null && chat.lastMessageAt.getTime() > chat.closedAt.getTime();
}

/** SMS windows with something unread: the count on the way to the SMS contacts. */
export function unreadSmsContacts(chats: readonly Pick<ChatSummary, "kind" | "unread">[]): number {
  return chats.filter((chat) => chat.kind === "sms" && chat.unread > 0).length;
}
