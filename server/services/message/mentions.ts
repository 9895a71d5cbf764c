import { and, asc, desc, eq, ilike, inArray, isNull, ne, or, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { chatMembers, chats, entities, users } from "~/db/schema";
import type { Actor } from "~/server/domain-error";
import { assertCanRead, canReadChat } from "~/server/services/access";

/** Mentions (PRODUCT.md M4): what "@…" in the composer suggests, and records' current state for chips. */

export const MAX_SUGGESTIONS = 8;

export type PersonSuggestion = { id: string; name: string; username: string | null; isMember: boolean };
export type RecordSuggestion = { id: string; type: string; key: string; title: string; status: string | null };

/** `order:104` or `order:damaged`: records of one type, by key or title. */
const TYPED = /^([a-z][a-z0-9_-]{0,39}):(.*)$/;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * People and records for "@q" in a chat. People: those who may read the chat (a mention
 * must not invite someone in), its members first, matching the start of their name, of a word
 * in it, or of their username. Records: by key prefix, or `type:` then key or title. Every
 * record is offered: anyone signed in may scan a record and open its chat (chats.ts
 * `openForEntity`), so naming one reveals nothing they could not reach.
 */
export async function suggestMentions(
  db: Db,
  actor: Actor,
  input: { chatId: string; q: string },
): Promise<{ people: PersonSuggestion[]; records: RecordSuggestion[] }> {
  const chat = await assertCanRead(db, actor, input.chatId);
  const q = input.q.trim().replace(/^@/, "");
  const typed = TYPED.exec(q.toLowerCase());

  const isMember = sql<boolean>`exists (select 1 from ${chatMembers} where ${chatMembers.chatId} = ${chat.id} and ${chatMembers.userId} = ${users.id})`;
  const prefix = `${escapeLike(q)}%`;
  const people = typed
    ? []
    : await db
        .select({ id: users.id, name: users.name, username: users.username, isMember })
        .from(users)
        .innerJoin(chats, eq(chats.id, chat.id))
        .where(
          and(
            isNull(users.deactivatedAt),
            ne(users.id, actor.id),
            canReadChat(sql`${users.id}`),
            q ? or(ilike(users.name, prefix), ilike(users.name, `% ${prefix}`), ilike(users.username, prefix)) : undefined,
          ),
        )
        .orderBy(desc(isMember), asc(sql`lower(${users.name})`))
        .limit(MAX_SUGGESTIONS);

  const recordColumns = { id: entities.id, type: entities.type, key: entities.key, title: entities.title, status: entities.status };
  let records: RecordSuggestion[] = [];
  if (typed) {
    const [, type, rest] = typed as unknown as [string, string, string];
    const text = q.slice(type.length + 1).trim();
    records = await db
      .select(recordColumns)
      .from(entities)
      .where(
        and(
          eq(entities.type, type),
          text ? or(ilike(entities.key, `${escapeLike(text)}%`), ilike(entities.title, `%${escapeLike(text)}%`)) : undefined,
        ),
      )
      .orderBy(rest ? asc(entities.key) : desc(entities.updatedAt), asc(entities.key))
      .limit(MAX_SUGGESTIONS);
  } else if (q.length >= 2 && !/\s/.test(q)) {
    records = await db
      .select(recordColumns)
      .from(entities)
      .where(sql`lower(${entities.key}) like ${`${escapeLike(q.toLowerCase())}%`}`)
      .orderBy(asc(entities.key), asc(entities.type))
      .limit(MAX_SUGGESTIONS);
  }
  return { people, records };
}

/** Records as they are now (title, status), for the chips of mentions on screen. */
export async function mentionedRecords(db: Db, ids: string[]): Promise<RecordSuggestion[]> {
  if (ids.length === 0) return [];
  return db
    .select({ id: entities.id, type: entities.type, key: entities.key, title: entities.title, status: entities.status })
    .from(entities)
    .where(inArray(entities.id, [...new Set(ids)]));
}
