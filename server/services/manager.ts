import { and, asc, count, eq, isNull, or, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { chatMembers, chats, messages, quickReplies, users } from "~/db/schema";
import { type Actor, DomainError, isManager } from "~/server/domain-error";
import type { MessageDto } from "~/contracts/messages";
import { canReadChat } from "./access";
import { type ChatSummary, getChat } from "~/server/services/chat/list";
import { listMessages } from "~/server/services/message/history";
import { QUICK_REPLIES_MAX, QUICK_REPLY_MAX_LENGTH } from "~/contracts/limits";

export const QUEUE_PREVIEW = 3;

function assertManager(actor: Actor) {
  if (!isManager(actor)) throw new DomainError("forbidden", "Managers only");
}

/** Shared templates first (set by admins), then the actor's own, each in their order. */
export async function listQuickReplies(db: Db, actor: Actor) {
  const rows = await db
    .select({ id: quickReplies.id, body: quickReplies.body, ownerId: quickReplies.ownerId, position: quickReplies.position })
    .from(quickReplies)
    .where(or(isNull(quickReplies.ownerId), eq(quickReplies.ownerId, actor.id)))
    .orderBy(sql`${quickReplies.ownerId} is not null`, asc(quickReplies.position), asc(quickReplies.createdAt));
  return rows.map((row) => ({ id: row.id, body: row.body, shared: row.ownerId === null }));
}

export async function createQuickReply(db: Db, actor: Actor, input: { body: string; shared: boolean }) {
  assertManager(actor);
  if (input.shared && actor.role !== "admin") throw new DomainError("forbidden", "Only admins set shared quick replies");
  const ownerId = input.shared ? null : actor.id;
  const body = input.body.trim();
  if (body.length === 0 || body.length > QUICK_REPLY_MAX_LENGTH) {
    throw new DomainError("invalid", `1 to ${QUICK_REPLY_MAX_LENGTH} characters`, { body: `1 to ${QUICK_REPLY_MAX_LENGTH} characters` });
  }
  const owned = ownerId === null ? isNull(quickReplies.ownerId) : eq(quickReplies.ownerId, ownerId);
  const [existing] = await db.select({ n: count() }).from(quickReplies).where(owned);
  if ((existing?.n ?? 0) >= QUICK_REPLIES_MAX) {
    throw new DomainError("invalid", `At most ${QUICK_REPLIES_MAX} quick replies`, { body: `At most ${QUICK_REPLIES_MAX} quick replies` });
  }
  const [row] = await db
    .insert(quickReplies)
    .values({ ownerId, body, position: existing?.n ?? 0 })
    .returning({ id: quickReplies.id, body: quickReplies.body });
  return { id: row!.id, body: row!.body, shared: ownerId === null };
}

/** The actor's own, or a shared one when the actor is an admin. */
async function loadOwned(db: Db, actor: Actor, id: string) {
  const [row] = await db.select().from(quickReplies).where(eq(quickReplies.id, id));
  const mayChange = row && (row.ownerId === actor.id || (row.ownerId === null && actor.role === "admin"));
  if (!row || (!mayChange && row.ownerId !== null)) throw new DomainError("not_found", "No such quick reply");
  if (!mayChange) throw new DomainError("forbidden", "Only admins change shared quick replies");
  return row;
}

export async function updateQuickReply(db: Db, actor: Actor, input: { id: string; body: string }) {
  const row = await loadOwned(db, actor, input.id);
  const body = input.body.trim();
  if (body.length === 0 || body.length > QUICK_REPLY_MAX_LENGTH) {
    throw new DomainError("invalid", `1 to ${QUICK_REPLY_MAX_LENGTH} characters`, { body: `1 to ${QUICK_REPLY_MAX_LENGTH} characters` });
  }
  await db.update(quickReplies).set({ body }).where(eq(quickReplies.id, row.id));
  return { id: row.id, body, shared: row.ownerId === null };
}

export async function deleteQuickReply(db: Db, actor: Actor, input: { id: string }) {
  const row = await loadOwned(db, actor, input.id);
  await db.delete(quickReplies).where(eq(quickReplies.id, row.id));
}

export type QueueItem = { chat: ChatSummary; waitingSince: Date; lastMessages: MessageDto[] };

/**
 * Chats waiting for a manager (PRODUCT.md W3): the manager is in them, someone wrote after the
 * last answer from a manager or admin, oldest wait first. The wait starts at the first such
 * message. Lines from the system (a record's status change, an approval card and its outcome)
 * wait for nobody's reply and are not counted: approvals have their own list. The company chat
 * is a broadcast, not a queue, and is left out.
 */
export async function waitingQueue(db: Db, actor: Actor, input: { limit?: number } = {}): Promise<QueueItem[]> {
  assertManager(actor);
  const limit = Math.min(input.limit ?? 30, 100);
  const lastAnswer = sql`coalesce((
    select max(answered.seq) from ${messages} answered join ${users} answerer on answerer.id = answered.sender_id
    where answered.chat_id = ${chats.id} and answerer.role in ('manager', 'admin')), 0)`;
  const waitingSince = sql<Date | null>`(select min(waiting.created_at) from ${messages} waiting
    where waiting.chat_id = ${chats.id} and waiting.seq > ${lastAnswer} and waiting.sender_kind <> 'system')`;
  const rows = await db
    .select({ chatId: chats.id, waitingSince: waitingSince.mapWith((v: string | Date) => new Date(v)) })
    .from(chats)
    .innerJoin(chatMembers, and(eq(chatMembers.chatId, chats.id), eq(chatMembers.userId, actor.id)))
    .where(and(sql`${chats.kind} <> 'company'`, sql`${waitingSince} is not null`, canReadChat(actor.id)))
    .orderBy(asc(waitingSince))
    .limit(limit);
  return Promise.all(
    rows.map(async (row) => ({
      chat: await getChat(db, actor, row.chatId),
      waitingSince: row.waitingSince,
      lastMessages: (await listMessages(db, actor, { chatId: row.chatId, limit: QUEUE_PREVIEW })).messages,
    })),
  );
}

export const DEFAULT_QUICK_REPLIES = ["Yes", "No", "Wait 5 min", "Call me", "Approved"];
