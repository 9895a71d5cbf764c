import type { MessageDto } from "~/contracts/messages";

/**
 * A chat's loaded messages, ascending by seq, without duplicates. `renderedAt` (ms since the
 * epoch) marks a page read while the server rendered the HTML (app/(app)/chats/[chatId]); it
 * goes with the next read from the browser.
 */
export type Timeline = { messages: MessageDto[]; hasOlder: boolean; renderedAt?: number };

export const timelineKey = (chatId: string) => ["timeline", chatId] as const;

/** Messages per page of history: the newest page is what a conversation opens with. */
export const TIMELINE_PAGE = 50;

/** Merges messages in by id (a newer version replaces an older one) and keeps seq order. */
export function mergeMessages(current: MessageDto[], incoming: MessageDto[]): MessageDto[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/** The highest seq below which nothing is missing, to notice a gap after a lost live event. */
export function contiguousUpTo(messages: MessageDto[]): number {
  let last = messages[0]?.seq ?? 0;
  for (const message of messages.slice(1)) {
    if (message.seq !== last + 1) break;
    last = message.seq;
  }
  return last;
}

const DATE_FIELDS = ["createdAt", "editedAt", "deletedAt"] as const;

/** Dates arrive as ISO strings on the stream. */
export function reviveMessage(message: MessageDto): MessageDto {
  const revived = { ...message };
  for (const field of DATE_FIELDS) {
    const value = revived[field] as unknown;
    if (typeof value === "string") (revived as Record<string, unknown>)[field] = new Date(value);
  }
  return revived;
}

/**
 * Live messages that arrived while a chat's timeline was still loading: the load may have read
 * the database before they committed, so they are merged into its result.
 */
const arrivedWhileLoading = new Map<string, MessageDto[]>();

export function holdWhileLoading(chatId: string, message: MessageDto): void {
  const held = arrivedWhileLoading.get(chatId) ?? [];
  if (held.length < 500) held.push(message);
  arrivedWhileLoading.set(chatId, held);
}

export function takeHeld(chatId: string): MessageDto[] {
  const held = arrivedWhileLoading.get(chatId) ?? [];
  arrivedWhileLoading.delete(chatId);
  return held;
}

/**
 * Whether a copy of a chat this device saved holds anything newer than a timeline the server
 * rendered into a page: a later message, or a later edit or deletion of one it shows. Then the
 * page is an old copy (the service worker's, opened offline) rather than the chat as it is.
 */
export function savedIsNewer(rendered: MessageDto[], saved: MessageDto[]): boolean {
  const newest = rendered.at(-1)?.seq ?? 0;
  const shown = new Map(rendered.map((message) => [message.id, message]));
  const changedAt = (message: MessageDto) => Math.max(message.editedAt?.getTime() ?? 0, message.deletedAt?.getTime() ?? 0);
  return saved.some((message) => {
    const mine = shown.get(message.id);
    return message.seq > newest || (mine !== undefined && changedAt(message) > changedAt(mine));
  });
}
