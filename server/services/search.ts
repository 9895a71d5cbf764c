import { and, desc, eq, gte, inArray, isNull, lt, sql } from "drizzle-orm";
import { type Db, rawRows } from "~/db/client";
import { attachments, chats, entities, messages, users } from "~/db/schema";
import { type SnippetPart, prefixTsquery, searchTerms, snippet } from "~/lib/search/terms";
import type { Actor } from "~/server/domain-error";
import { assertCanRead, canReadChat } from "./access";
import { chatTitleSql } from "~/server/services/chat/list";

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
 * The planner's figures (its statistics, no scan): rows matching every term, rows matching any
 * (what the GIN index reads: each term's posting list), and all rows.
 */
async function estimates(db: Db, terms: string[]): Promise<{ matches: number; postings: number; total: number }> {
  const planRows = async (tsquery: string) => {
    const [row] = await rawRows<{ "QUERY PLAN": unknown }>(
      db,
      sql`explain (format json) select 1 from ${messages} where ${messages.search} @@ to_tsquery('simple', ${tsquery})`,
    );
    const raw = row?.["QUERY PLAN"];
    const parsed = (typeof raw === "string" ? JSON.parse(raw) : raw) as [{ Plan: { "Plan Rows": number } }] | undefined;
    return parsed?.[0]?.Plan["Plan Rows"] ?? 0;
  };
  const [matches, postings, [table]] = await Promise.all([
    planRows(prefixTsquery(terms)),
    terms.length > 1 ? planRows(prefixTsquery(terms, "|")) : null,
    rawRows<{ total: number }>(db, sql`select reltuples::float8 as total from pg_class where oid = 'messages'::regclass`),
  ]);
  return { matches, postings: postings ?? matches, total: Number(table?.total ?? 0) };
}

/**
 * Two ways to find a page of matches, newest first:
 * - "words": the GIN index on `search` gives every match in every chat, ANDed with the chat
 *   index. Cheap for rare words; a common word or short prefix ("pa") has a posting list of
 *   hundreds of thousands of rows, all read before the first result.
 * - "recent": each readable chat is read newest first through messages_chat_created_idx until
 *   it has a page of matches. Cheap for common words (a few rows per chat); for rare ones it
 *   reads every readable message, one heap fetch each.
 * - "files" (with "has a file"): the messages with a file in the readable chats, found through
 *   attachments_chat_idx; files are on few messages, so this beats both.
 */
export type SearchStrategy = "words" | "recent" | "files";

// A heap fetch through an index costs about ten GIN posting-list entries (measured: bench/search.mts).
const HEAP_FETCH_COST = 10;

function cheaperStrategy(
  { matches, postings, total }: { matches: number; postings: number; total: number },
  readable: { lastSeq: number }[],
  pageSize: number,
  isNarrowed: boolean,
): SearchStrategy {
  // Never analysed (a new embedded database): no figures to go on, and little data.
  if (total <= 0) return "words";
  // A sender or file filter leaves fewer matches per chat, so "recent" reads further.
  const share = Math.min(1, Math.max(matches, 1) / total) * (isNarrowed ? 0.05 : 1);
  const perChat = pageSize / share;
  const recent = readable.reduce((sum, chat) => sum + Math.min(chat.lastSeq, perChat), 0);
  const readableMessages = readable.reduce((sum, chat) => sum + chat.lastSeq, 0);
  const words = postings / HEAP_FETCH_COST + share * readableMessages;
  return recent < words ? "recent" : "words";
}

/**
 * Messages containing every word of `q` as a word start (PRODUCT.md M8), newest first, in the
 * chats the actor may read. The readable chats are resolved first (a small query), so the
 * message query has a plain list of chat ids, never a correlated access check per message.
 */
export async function searchMessages(
  db: Db,
  actor: Actor,
  input: SearchInput,
  options: { strategy?: SearchStrategy } = {},
): Promise<{ results: SearchResult[]; nextBefore: string | null }> {
  const terms = searchTerms(input.q);
  if (terms.length === 0) return { results: [], nextBefore: null };
  const limit = Math.min(input.limit ?? 20, MAX_SEARCH_PAGE);
  const tsquery = prefixTsquery(terms);

  const chatId = input.chatId;
  // The planner's figures are asked for beside the access check: one round trip fewer.
  const [readable, figures] = await Promise.all([
    chatId
      ? assertCanRead(db, actor, chatId).then((chat) => [{ id: chat.id, lastSeq: chat.lastSeq }])
      : db.select({ id: chats.id, lastSeq: chats.lastSeq }).from(chats).where(canReadChat(actor.id)),
    options.strategy || input.hasFile ? null : estimates(db, terms),
  ]);
  if (readable.length === 0) return { results: [], nextBefore: null };
  const strategy =
    options.strategy ?? (input.hasFile ? "files" : cheaperStrategy(figures!, readable, limit + 1, Boolean(input.senderId)));

  // The cursor is a message id: its (created_at, id) is read in the query itself, so no
  // timestamp loses its microseconds on the way through JavaScript.
  const filters = and(
    isNull(messages.deletedAt),
    input.senderId ? eq(messages.senderId, input.senderId) : undefined,
    input.from ? gte(messages.createdAt, input.from) : undefined,
    input.to ? lt(messages.createdAt, input.to) : undefined,
    input.hasFile ? hasFileSql : undefined,
    input.before
      ? sql`(${messages.createdAt}, ${messages.id}) < (select c.created_at, c.id from ${messages} c where c.id = ${input.before})`
      : undefined,
  );
  const chatIds = readable.map((chat) => chat.id);
  let page: { id: string }[];
  if (strategy === "files") {
    page = await db
      .select({ id: messages.id })
      .from(messages)
      .where(
        and(
          inArray(messages.id, db.select({ id: attachments.messageId }).from(attachments).where(inArray(attachments.chatId, chatIds))),
          inArray(messages.chatId, chatIds),
          sql`${messages.search} @@ to_tsquery('simple', ${tsquery})`,
          filters,
        ),
      )
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(limit + 1);
  } else if (strategy === "words") {
    page = await db
      .select({ id: messages.id })
      .from(messages)
      .where(
        and(
          inArray(messages.chatId, chatIds),
          sql`${messages.search} @@ to_tsquery('simple', ${tsquery})`,
          filters,
        ),
      )
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(limit + 1);
  } else {
    // Without bitmap scans each chat is read in index order and its LIMIT stops the reading;
    // a bitmap scan would read the whole chat (or the GIN posting list) first. The chat ids are
    // uuids read from the database above, passed as one array parameter.
    page = await db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_bitmapscan = off`);
      return rawRows<{ id: string }>(
        tx,
        sql`select m.id from unnest(${`{${chatIds.join(",")}}`}::uuid[]) as r(chat_id)
          cross join lateral (
            select ${messages.id} as id, ${messages.createdAt} as created_at from ${messages}
            where ${messages.chatId} = r.chat_id and ${messages.search} @@ to_tsquery('simple', ${tsquery}) and ${filters}
            order by ${messages.createdAt} desc, ${messages.id} desc limit ${limit + 1}
          ) m
          order by m.created_at desc, m.id desc limit ${limit + 1}`,
      );
    });
  }
  const shown = page.slice(0, limit).map((row) => row.id);
  if (shown.length === 0) return { results: [], nextBefore: null };

  // Names, titles and bodies are read for the one page only.
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
    .from(messages)
    .innerJoin(chats, eq(chats.id, messages.chatId))
    .leftJoin(entities, and(eq(chats.kind, "entity"), eq(entities.type, chats.entityType), eq(entities.key, chats.entityKey)))
    .leftJoin(users, eq(users.id, messages.senderId))
    .where(inArray(messages.id, shown));
  const byId = new Map(rows.map((row) => [row.id, row]));

  return {
    results: shown.flatMap((id) => {
      const row = byId.get(id);
      if (!row) return [];
      return [
        {
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
        },
      ];
    }),
    nextBefore: page.length > limit ? (shown.at(-1) ?? null) : null,
  };
}
