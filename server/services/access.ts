import { type SQL, and, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "~/db/client";
import { type Chat, chatAccess, chatMembers, chats, groupMembers, settings, users } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { RECORD_TYPE_SETTING_PREFIX } from "./record-types";

/**
 * Who may read a chat — the one rule, as SQL, so lists filter in the query (STYLE.md) and the
 * single-chat check, the stream's audience and its backfill all agree:
 * - company chat and public rooms: everyone;
 * - private rooms: the creator, users on the access list, members of groups on it;
 * - a record's (entity) chat: its members, since anyone who can scan the record may join it
 *   (chats.openForEntity); but when the record's type is set to `visibility: "members"`
 *   (record-types.ts), only the people on its access list: whoever created the record on the
 *   floor, was invited by a reader, or was asked to approve (and groups asked to approve).
 *   Joining by scanning never puts anyone on that list, so switching a type to `members` also
 *   shuts out everyone who merely opened one of its chats before;
 * - system and SMS chats: their members;
 * - direct chats: their members, except that it stays hidden from a member until the first
 *   message or until they open it themselves.
 */
export function canReadChat(userId: string | SQL): SQL {
  const isMember = sql`exists (select 1 from ${chatMembers} where ${chatMembers.chatId} = ${chats.id} and ${chatMembers.userId} = ${userId})`;
  const seesDirect = sql`exists (select 1 from ${chatMembers} where ${chatMembers.chatId} = ${chats.id} and ${chatMembers.userId} = ${userId} and (${chats.lastSeq} > 0 or not ${chatMembers.hidden}))`;
  const hasAccess = sql`exists (select 1 from ${chatAccess} where ${chatAccess.chatId} = ${chats.id} and (${chatAccess.userId} = ${userId} or ${chatAccess.groupId} in (select ${groupMembers.groupId} from ${groupMembers} where ${groupMembers.userId} = ${userId})))`;
  return sql`(
    ${chats.kind} = 'company'
    or (${chats.kind} = 'room' and (${chats.visibility} = 'public' or ${chats.createdBy} = ${userId} or ${hasAccess}))
    or (${chats.kind} = 'entity' and (case when ${isMembersOnlyRecordChat()} then ${hasAccess} else ${isMember} end))
    or (${chats.kind} in ('system', 'sms') and ${isMember})
    or (${chats.kind} = 'direct' and ${seesDirect})
  )`;
}

/** True for a record's chat whose type is set to `visibility: "members"` (record-types.ts). */
export function isMembersOnlyRecordChat(): SQL {
  return sql`exists (select 1 from ${settings} where ${settings.key} = ${RECORD_TYPE_SETTING_PREFIX} || ${chats.entityType} || '.visibility' and ${settings.value} = '"members"'::jsonb)`;
}

/**
 * The chat, if the actor may read it. A chat that does not exist is NOT_FOUND; one that exists
 * but is closed to the actor is FORBIDDEN, with nothing about it in the message.
 */
export async function assertCanRead(db: Db | Tx, actor: Actor, chatId: string): Promise<Chat> {
  const [row] = await db
    .select({ chat: chats, readable: sql<boolean>`${canReadChat(actor.id)}` })
    .from(chats)
    .where(eq(chats.id, chatId));
  if (!row) throw new DomainError("not_found", "No such chat");
  if (!row.readable) throw new DomainError("forbidden", "You do not have access to this chat");
  return row.chat;
}

export type Audience = { all: true } | { all: false; userIds: Set<string> };

/** Everyone who may read the chat now (null: the chat is gone). Used to route live events. */
export async function chatAudience(db: Db, chatId: string): Promise<Audience | null> {
  const [chat] = await db.select().from(chats).where(eq(chats.id, chatId));
  if (!chat) return null;
  if (chat.kind === "company" || (chat.kind === "room" && chat.visibility === "public")) return { all: true };
  // All members, hidden or not: nothing is published in a direct chat before its first message
  // (messages.ts), and after it everyone sees it. So the audience never changes and can be cached.
  if (chat.kind === "direct") {
    const members = await db.select({ id: chatMembers.userId }).from(chatMembers).where(eq(chatMembers.chatId, chatId));
    return { all: false, userIds: new Set(members.map((m) => m.id)) };
  }
  const readers = await db
    .select({ id: users.id })
    .from(users)
    .innerJoin(chats, eq(chats.id, chatId))
    .where(and(sql`${users.deactivatedAt} is null`, canReadChat(sql`${users.id}`)));
  return { all: false, userIds: new Set(readers.map((r) => r.id)) };
}
