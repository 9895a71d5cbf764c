import type { QueryClient, QueryKey } from "@tanstack/react-query";
import type { MessageDto } from "~/contracts/messages";
import type { ChatSummary } from "~/lib/trpc/types";

/**
 * The only code that writes the chat list (`chat.list`) from live events: last message, unread
 * and mention counts, and the order, kept as the server would compute them so the list need
 * not be fetched again. `key` is the list's query key.
 */

/** Company chat first, then by last activity (as chat.list orders them). */
function ordered(chats: ChatSummary[]): ChatSummary[] {
  return chats.sort(
    (a, b) => Number(b.kind === "company") - Number(a.kind === "company") || (b.lastMessageAt?.getTime() ?? 0) - (a.lastMessageAt?.getTime() ?? 0),
  );
}

/** One chat of the list after a message in it was created or changed, as `userId` sees it. */
function withMessage(chat: ChatSummary, message: MessageDto, change: "created" | "updated", userId: string): ChatSummary {
  const isNewer = message.seq >= chat.lastSeq;
  const preview = { seq: message.seq, senderName: message.sender.name, body: message.body };
  if (change === "updated") return chat.lastMessage?.seq === message.seq ? { ...chat, lastMessage: preview } : chat;
  const isOwn = message.sender.id === userId;
  const mentionsMe = !isOwn && message.seq > chat.lastSeq && message.mentions.users.some((u) => u.id === userId);
  return {
    ...chat,
    lastSeq: Math.max(chat.lastSeq, message.seq),
    lastMessageAt: isNewer ? message.createdAt : chat.lastMessageAt,
    lastMessage: isNewer ? preview : chat.lastMessage,
    lastReadSeq: isOwn ? Math.max(chat.lastReadSeq, message.seq) : chat.lastReadSeq,
    unread: isOwn ? 0 : chat.isMember ? Math.max(chat.unread, message.seq - chat.lastReadSeq) : 0,
    mentions: isOwn ? 0 : chat.mentions + Number(mentionsMe),
  };
}

/**
 * A message created or changed in a chat. Returns whether the list held the chat; when not (not
 * loaded, or the chat is new to this person) the caller reads the list again.
 */
export function listMessage(queryClient: QueryClient, key: QueryKey, message: MessageDto, change: "created" | "updated", userId: string): boolean {
  let found = false;
  queryClient.setQueryData<ChatSummary[]>(key, (chats) => {
    if (!chats) return chats;
    return ordered(
      chats.map((chat) => {
        if (chat.id !== message.chatId) return chat;
        found = true;
        return withMessage(chat, message, change, userId);
      }),
    );
  });
  return found;
}

/**
 * The person read a chat up to `seq` (on any of their devices). Returns how many mentions are
 * still counted there: a read part of the way leaves those for the server to count.
 */
export function listOwnRead(queryClient: QueryClient, key: QueryKey, chatId: string, seq: number): number {
  queryClient.setQueryData<ChatSummary[]>(key, (chats) =>
    chats?.map((chat) =>
      chat.id === chatId && seq > chat.lastReadSeq
        ? { ...chat, lastReadSeq: seq, unread: Math.max(0, chat.lastSeq - seq), mentions: seq >= chat.lastSeq ? 0 : chat.mentions }
        : chat,
    ),
  );
  return queryClient.getQueryData<ChatSummary[]>(key)?.find((c) => c.id === chatId)?.mentions ?? 0;
}

/** A chat that is gone (deleted, or no longer readable). */
export function listWithout(queryClient: QueryClient, key: QueryKey, chatId: string): void {
  queryClient.setQueryData<ChatSummary[]>(key, (chats) => chats?.filter((c) => c.id !== chatId));
}

/**
 * The person restarted a closed chat (`chat.reopen`): it is open again at once, before the
 * `chat.changed` the server sends their devices brings the list's fetch.
 */
export function listReopened(queryClient: QueryClient, key: QueryKey, chatId: string): void {
  queryClient.setQueryData<ChatSummary[]>(key, (chats) => chats?.map((chat) => (chat.id === chatId ? { ...chat, closedAt: null } : chat)));
}
