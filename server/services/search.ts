import { and, desc, eq, gte, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { attachments, chats, entities, messages, users } from "~/db/schema";
import { type SnippetPart, prefixTsquery, searchTerms, snippet } from "~/lib/search/terms";
import type { Actor } from "~/server/domain-error";
import { assertCanRead, canReadChat } from "./access";
import { chatTitleSql } from "./chats";

export const MAX_QUERY_LENGTH = 200;
export const MAX_SEARCH_PAGE = 50;

export type SearchInput = {
  q: string;
  chatId?: string;
  senderId?: string;
  /** Sent at or after this moment. */
  from?: Date;
  /** Sent before this moment. */
  to?: Date;
  hasFile?: boolean;
  limit?: number;
  /** The last result of the previous page: the next page starts below it. */
  before?: string;
};

export type SearchResult = {
  id: string;
  chatId: string;
  chat: { kind: "company" | "room" | "direct" | "entity" | "system" | "sms"; title: string | null; entity: { type: string; key: string } | null };
  seq: number;
  senderName: string;
  createdAt: Date;
  snippet: SnippetPart[];
  hasFile: boolean;
};

const hasFileSql = sql<boolean>`exists (select 1 from ${attachments} where ${attachments.messageId} = ${messages.id})`;

/**
 * Messages containing every word of `q` as a word start (PRODUCT.md M8), newest first, in the
 * chats the actor may read. The readable chats are resolved first (a small query), so the
 * message query has a plain list of chat ids: the planner can then choose between the GIN index
 * on `search` (rare words) and `messages_chat_created_idx` (few chats, common words), which a
 * correlated access check would hide from it.
 */
export async function searchMessages(db: Db, actor: Actor, input: SearchInput): Promise<{ results: SearchResult[]; nextBefore: string | null }> {
  const terms = searchTerms(input.q);
  if (terms.length === 0) return { results: [], nextBefore: null };
  const limit = Math.min(input.limit ?? 20, MAX_SEARCH_PAGE);

  let chatIds: string[];
  if (input.chatId) {
    await assertCanRead(db, actor, input.chatId);
    chatIds = [input.chatId];
  } else {
    const readable = await db.select({ id: chats.id }).from(chats).where(canReadChat(actor.id));
    chatIds = readable.map((chat) => chat.id);
  }
  if (chatIds.length === 0) return { results: [], nextBefore: null };

  // The cursor is a message id: its (created_at, id) is read in the query itself, so no
  // timestamp loses its microseconds on the way through JavaScript.
  const cursor = input.before
    ? sql`(${messages.createdAt}, ${messages.id}) < (select c.created_at, c.id from ${messages} c where c.id = ${input.before})`
    : undefined;
  const page = db
    .select({ id: messages.id, createdAt: messages.createdAt })
    .from(messages)
    .where(
      and(
        inArray(messages.chatId, chatIds),
        sql`${messages.search} @@ to_tsquery('simple', ${prefixTsquery(terms)})`,
        isNull(messages.deletedAt),
        input.senderId ? eq(messages.senderId, input.senderId) : undefined,
        input.from ? gte(messages.createdAt, input.from) : undefined,
        input.to ? lt(messages.createdAt, input.to) : undefined,
        input.hasFile ? hasFileSql : undefined,
        cursor,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit + 1)
    .as("page");

  // Names, titles and the body are read for the one page only.
  const rows = await db
    .select({
      id: messages.id,
      chatId: messages.chatId,
      seq: messages.seq,
      body: messages.body,
      createdAt: messages.createdAt,
      senderName: sql<string>`coalesce(${users.name}, case when ${messages.senderKind} = 'system' then coalesce(${messages.senderLabel}, 'System') else coalesce(${messages.senderLabel}, '') end)`,
      hasFile: hasFileSql,
      chatKind: chats.kind,
      chatTitle: chatTitleSql(actor.id),
      entityType: chats.entityType,
      entityKey: chats.entityKey,
    })
    .from(page)
    .innerJoin(messages, eq(messages.id, page.id))
    .innerJoin(chats, eq(chats.id, messages.chatId))
    .leftJoin(entities, and(eq(chats.kind, "entity"), eq(entities.type, chats.entityType), eq(entities.key, chats.entityKey)))
    .leftJoin(users, eq(users.id, messages.senderId))
    .orderBy(desc(page.createdAt), desc(page.id));

  const shown = rows.slice(0, limit);
  return {
    results: shown.map((row) => ({
      id: row.id,
      chatId: row.chatId,
      chat: {
        kind: row.chatKind,
        title: row.chatTitle,
        entity: row.entityType && row.entityKey ? { type: row.entityType, key: row.entityKey } : null,
      },
      seq: row.seq,
      senderName: row.senderName,
      createdAt: row.createdAt,
      snippet: snippet(row.body, terms),
      hasFile: row.hasFile,
    })),
    nextBefore: rows.length > limit ? (shown.at(-1)?.id ?? null) : null,
  };
}
