/**
 * Reading a chat's history: pages of messages, quick time filters, a record's chat as a log.
 */
import { and, asc, desc, eq, gt, gte, lt } from "drizzle-orm";
import type { Db } from "~/db/client";
import { chats, entities, messages } from "~/db/schema";
import { type QuickFilter, quickRange } from "~/lib/time/ranges";
import { type Actor, DomainError } from "~/server/domain-error";
import { assertCanRead } from "~/server/services/access";
import { messageRows, toDtos } from "./dto";

export const MAX_PAGE = 200;

export type ListInput = {
  chatId: string;
  /** Page backwards: messages with seq below this. */
  before?: number;
  /** Page forwards: messages with seq above this. */
  after?: number;
  limit?: number;
  filter?: QuickFilter;
  timeZone?: string;
};

/** A page of history, oldest first. Reading never notifies anyone. */
export async function listMessages(db: Db, actor: Actor, input: ListInput, now = new Date()) {
  await assertCanRead(db, actor, input.chatId);
  const limit = Math.min(input.limit ?? 50, MAX_PAGE);
  const range = quickRange(input.filter ?? "all", now, input.timeZone ?? "UTC");
  const conditions = [
    eq(messages.chatId, input.chatId),
    input.before !== undefined ? lt(messages.seq, input.before) : undefined,
    input.after !== undefined ? gt(messages.seq, input.after) : undefined,
    range.from ? gte(messages.createdAt, range.from) : undefined,
    range.to ? lt(messages.createdAt, range.to) : undefined,
  ];
  const forwards = input.after !== undefined && input.before === undefined;
  const rows = await messageRows(db)
    .where(and(...conditions))
    .orderBy(forwards ? asc(messages.seq) : desc(messages.seq))
    .limit(limit + 1);
  const hasMore = rows.length > limit;
  const page = await toDtos(db, rows.slice(0, limit));
  return { messages: forwards ? page : page.reverse(), hasMore };
}

/**
 * A record's chat as its log (PRODUCT.md C4); a record nobody has talked about has an empty log.
 * A user must be able to read the chat; the REST API passes no actor, its token's `read` scope
 * being the check.
 */
export async function entityHistory(db: Db, input: { type: string; key: string; after?: number; limit?: number }, actor?: Actor) {
  const [entity] = await db
    .select({ id: entities.id })
    .from(entities)
    .where(and(eq(entities.type, input.type), eq(entities.key, input.key)));
  if (!entity) throw new DomainError("not_found", `No ${input.type} with key ${input.key}`);
  const [chat] = await db
    .select({ id: chats.id })
    .from(chats)
    .where(and(eq(chats.kind, "entity"), eq(chats.entityType, input.type), eq(chats.entityKey, input.key)));
  if (!chat) return { chatId: null, messages: [], hasMore: false };
  if (actor) await assertCanRead(db, actor, chat.id);
  const limit = Math.min(input.limit ?? MAX_PAGE, MAX_PAGE);
  const rows = await messageRows(db)
    .where(and(eq(messages.chatId, chat.id), input.after !== undefined ? gt(messages.seq, input.after) : undefined))
    .orderBy(asc(messages.seq))
    .limit(limit + 1);
  return { chatId: chat.id, messages: await toDtos(db, rows.slice(0, limit)), hasMore: rows.length > limit };
}
