/**
 * The chat list and one chat as the list shows it: title, last message, unread count.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db, Tx } from "~/db/client";
import { approvals, chatMembers, chats, entities, messageMentions, messages, users } from "~/db/schema";
import type { Actor } from "~/server/domain-error";
import { assertCanRead, canReadChat } from "~/server/services/access";

const PREVIEW_LENGTH = 140;

/**
 * A chat's title as the actor sees it, before the client adds the record key or a fallback
 * (components/chats/chat-title.ts): the other people's names for a direct chat, the record's
 * title for an entity chat. Needs `entities` joined to the chat's record.
 */
export function chatTitleSql(actorId: string) {
  return sql<string | null>`case when ${chats.kind} = 'direct' then (
    select string_agg(u.name, ', ' order by u.name) from ${chatMembers} cm join ${users} u on u.id = cm.user_id
    where cm.chat_id = ${chats.id} and cm.user_id <> ${actorId}) else coalesce(${entities.title}, ${chats.title}) end`;
}

const lastMessage = alias(messages, "last_message");
const lastSender = alias(users, "last_sender");

/** One row per chat the actor can read, shaped for the chat list. */
export function chatSummaries(db: Db | Tx, actorId: string) {
  return db
    .select({
      id: chats.id,
      kind: chats.kind,
      visibility: chats.visibility,
      createdBy: chats.createdBy,
      title: chatTitleSql(actorId),
      entityType: chats.entityType,
      entityKey: chats.entityKey,
      entityStatus: entities.status,
      entityUrl: entities.url,
      // Open approval requests on the record, for its status chip (a correlated count: one query).
      pendingApprovals: sql<number>`case when ${chats.kind} = 'entity' then (
        select count(*) from ${approvals} where ${approvals.entityType} = ${chats.entityType} and ${approvals.entityKey} = ${chats.entityKey}
        and ${approvals.state} = 'pending' and (${approvals.expiresAt} is null or ${approvals.expiresAt} > now())) else 0 end`.mapWith(Number),
      lastSeq: chats.lastSeq,
      lastMessageAt: chats.lastMessageAt,
      createdAt: chats.createdAt,
      lastMessageSeq: lastMessage.seq,
      lastMessageBody: sql<string | null>`case when ${lastMessage.deletedAt} is null then left(${lastMessage.body}, ${PREVIEW_LENGTH}) end`,
      // A script's post or an approval card shows its label (the token's or requester's name), as in the chat.
      lastMessageSender: sql<string | null>`coalesce(${lastSender.name}, case when ${lastMessage.senderKind} = 'system' then coalesce(${lastMessage.senderLabel}, 'System') end)`,
      isMember: sql<boolean>`${chatMembers.userId} is not null`,
      muted: sql<boolean>`coalesce(${chatMembers.muted}, false)`,
      lastReadSeq: sql<number>`coalesce(${chatMembers.lastReadSeq}, 0)`.mapWith(Number),
      closedAt: chatMembers.closedAt,
      unread: sql<number>`case when ${chatMembers.userId} is null then 0 else greatest(${chats.lastSeq} - ${chatMembers.lastReadSeq}, 0) end`.mapWith(Number),
      // Unread messages that mention the actor: the list's "@" badge, shown even when muted.
      // Counted for non-members too (a public room): a mention is meant to reach them.
      mentions: sql<number>`(select count(*) from ${messageMentions} mm join ${messages} mm_m on mm_m.id = mm.message_id
        where mm.chat_id = ${chats.id} and mm.user_id = ${actorId} and mm_m.deleted_at is null
        and mm.seq > coalesce(${chatMembers.lastReadSeq}, 0))`.mapWith(Number),
    })
    .from(chats)
    .leftJoin(chatMembers, and(eq(chatMembers.chatId, chats.id), eq(chatMembers.userId, actorId)))
    .leftJoin(entities, and(eq(chats.kind, "entity"), eq(entities.type, chats.entityType), eq(entities.key, chats.entityKey)))
    .leftJoin(lastMessage, and(eq(lastMessage.chatId, chats.id), eq(lastMessage.seq, chats.lastSeq)))
    .leftJoin(lastSender, eq(lastSender.id, lastMessage.senderId))
    .$dynamic();
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof chatSummaries>["execute"]>>[number];

export function toSummary(row: SummaryRow) {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    visibility: row.visibility,
    createdBy: row.createdBy,
    entity:
      row.entityType && row.entityKey
        ? { type: row.entityType, key: row.entityKey, status: row.entityStatus, url: row.entityUrl, pendingApprovals: row.pendingApprovals }
        : null,
    lastSeq: row.lastSeq,
    lastMessageAt: row.lastMessageAt,
    lastMessage:
      row.lastMessageSeq !== null
        ? { seq: row.lastMessageSeq, senderName: row.lastMessageSender ?? "", body: row.lastMessageBody }
        : null,
    isMember: row.isMember,
    muted: row.muted,
    lastReadSeq: row.lastReadSeq,
    createdAt: row.createdAt,
    /** When this person closed it (direct chats, SMS windows); open again once a newer message arrives. */
    closedAt: row.closedAt,
    unread: row.unread,
    mentions: row.mentions,
  };
}

export type ChatSummary = ReturnType<typeof toSummary>;

export async function listChats(db: Db, actor: Actor): Promise<ChatSummary[]> {
  const rows = await chatSummaries(db, actor.id)
    .where(canReadChat(actor.id))
    .orderBy(desc(sql`${chats.kind} = 'company'`), desc(sql`coalesce(${chats.lastMessageAt}, ${chats.createdAt})`));
  return rows.map(toSummary);
}

export async function getChat(db: Db | Tx, actor: Actor, chatId: string): Promise<ChatSummary> {
  await assertCanRead(db, actor, chatId);
  const [row] = await chatSummaries(db, actor.id).where(eq(chats.id, chatId));
  return toSummary(row!);
}
