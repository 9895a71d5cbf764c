import { type SQL, and, eq, isNull, sql } from "drizzle-orm";
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

/**
 * Everyone who may read the chat now (null: the chat is gone). Used to route live events, so it
 * reads the access tables of this one chat (indexed by chat), never every user: the same rule as
 * canReadChat, with deactivated users left out.
 */
export async function chatAudience(db: Db, chatId: string): Promise<Audience | null> {
  const [chat] = await db
    .select({ kind: chats.kind, visibility: chats.visibility, createdBy: chats.createdBy, membersOnly: sql<boolean>`${isMembersOnlyRecordChat()}` })
    .from(chats)
    .where(eq(chats.id, chatId));
  if (!chat) return null;
  if (chat.kind === "company" || (chat.kind === "room" && chat.visibility === "public")) return { all: true };
  const onAccessList = sql`select ${chatAccess.userId} from ${chatAccess} where ${chatAccess.chatId} = ${chatId} and ${chatAccess.userId} is not null
    union all select ${groupMembers.userId} from ${chatAccess} join ${groupMembers} on ${groupMembers.groupId} = ${chatAccess.groupId} where ${chatAccess.chatId} = ${chatId}`;
  // All members of a direct chat, hidden or not: nothing is published in one before its first
  // message (messages.ts), and after it every member sees it.
  const members = sql`select ${chatMembers.userId} from ${chatMembers} where ${chatMembers.chatId} = ${chatId}`;
  let readers: SQL;
  if (chat.kind === "room") readers = chat.createdBy ? sql`${onAccessList} union all select ${chat.createdBy}::text` : onAccessList;
  else if (chat.kind === "entity" && chat.membersOnly) readers = onAccessList;
  else readers = members;
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(isNull(users.deactivatedAt), sql`${users.id} in (${readers})`));
  return { all: false, userIds: new Set(rows.map((r) => r.id)) };
}
