import type { MessageDto } from "~/contracts/messages";

/** A chat's loaded messages, ascending by seq, without duplicates. */
export type Timeline = { messages: MessageDto[]; hasOlder: boolean };

export const timelineKey = (chatId: string) => ["timeline", chatId] as const;

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
