/**
 * Chats as work that opens and closes (PRODUCT.md C6, the TrackerChat document): a direct chat
 * or an SMS window can be closed by each member; it leaves their open list until a newer message
 * arrives or they restart it, and their history lists what they closed.
 */
import { and, desc, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { chatMembers, chats, entities } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import type { Deps } from "~/server/services/deps";
import { chatTitleSql } from "./list";

export const CLOSED_HISTORY_LIMIT = 25;

/** Still closed: nothing arrived after the member closed it. */
const stillClosed = sql`${chatMembers.closedAt} is not null and (${chats.lastMessageAt} is null or ${chats.lastMessageAt} <= ${chatMembers.closedAt})`;

async function setClosed(deps: Deps, actor: Actor, chatId: string, closed: boolean): Promise<void> {
  const [row] = await deps.db
    .select({ kind: chats.kind, member: chatMembers.userId })
    .from(chats)
    .leftJoin(chatMembers, and(eq(chatMembers.chatId, chats.id), eq(chatMembers.userId, actor.id)))
    .where(eq(chats.id, chatId));
  if (!row) throw new DomainError("not_found", "No such chat");
  if (!row.member) throw new DomainError("forbidden", "You are not in this chat");
  if (row.kind !== "direct" && row.kind !== "sms") throw new DomainError("invalid", "Only direct chats and SMS windows close");
  await deps.db
    .update(chatMembers)
    .set({ closedAt: closed ? sql`now()` : null })
    .where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, actor.id)));
  // This person's own devices: the list drops (or regains) it everywhere they are signed in.
  deps.realtime.publish([{ chatId, event: { type: "chat.changed", chatId, reason: "settings" }, only: [actor.id] }]);
}

export const closeChat = (deps: Deps, actor: Actor, chatId: string) => setClosed(deps, actor, chatId, true);

/** Restart: the chat is open again where it left off. */
export const reopenChat = (deps: Deps, actor: Actor, chatId: string) => setClosed(deps, actor, chatId, false);

/** The last chats this person closed (and nothing reopened): who, when it started, when it closed. */
export async function closedChats(db: Db, actor: Actor) {
  const rows = await db
    .select({
      id: chats.id,
      kind: chats.kind,
      title: chatTitleSql(actor.id),
      startedAt: sql<Date>`coalesce((select min(m.created_at) from messages m where m.chat_id = ${chats.id}), ${chats.createdAt})`.mapWith((v: string | Date) => new Date(v)),
      closedAt: chatMembers.closedAt,
      lastMessageAt: chats.lastMessageAt,
    })
    .from(chatMembers)
    .innerJoin(chats, eq(chats.id, chatMembers.chatId))
    // chatTitleSql reads the record's title; closed chats are direct or SMS, so it joins nothing.
    .leftJoin(entities, and(eq(chats.kind, "entity"), eq(entities.type, chats.entityType), eq(entities.key, chats.entityKey)))
    .where(and(eq(chatMembers.userId, actor.id), isNotNull(chatMembers.closedAt), stillClosed))
    .orderBy(desc(chatMembers.closedAt))
    .limit(CLOSED_HISTORY_LIMIT);
  return rows.map((r) => ({ ...r, closedAt: r.closedAt! }));
}
