/**
 * Read positions: who has read a message, moving one's own forward, unread counts.
 */
import { and, asc, eq, gt, gte, ne, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { chatMembers, chats, messages, users } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { assertCanRead, canReadChat } from "~/server/services/access";
import type { Deps } from "~/server/services/deps";
import { runMarkRead } from "./read-statement";
import { shareSmsRead } from "~/server/services/sms/settings";

/** Who has read up to a message (the sender excluded). */
export async function readBy(db: Db, actor: Actor, input: { messageId: string }) {
  const [message] = await db.select().from(messages).where(eq(messages.id, input.messageId));
  if (!message) throw new DomainError("not_found", "No such message");
  await assertCanRead(db, actor, message.chatId);
  return db
    .select({ id: users.id, name: users.name })
    .from(chatMembers)
    .innerJoin(users, eq(users.id, chatMembers.userId))
    .where(
      and(
        eq(chatMembers.chatId, message.chatId),
        gte(chatMembers.lastReadSeq, message.seq),
        message.senderId ? ne(chatMembers.userId, message.senderId) : undefined,
      ),
    )
    .orderBy(asc(users.name));
}

/** Moves the actor's read position forward (never back) and tells their devices and the chat, in one statement. */
export async function markRead(deps: Deps, actor: Actor, input: { chatId: string; seq: number }) {
  const result = await runMarkRead(deps.db, actor, input);
  if (result.outcome === "not_found") throw new DomainError("not_found", "No such chat");
  if (result.outcome === "forbidden") throw new DomainError("forbidden", "You do not have access to this chat");
  if (result.outcome === "moved") {
    const event = { type: "read" as const, chatId: input.chatId, userId: actor.id, seq: result.lastReadSeq };
    deps.realtime.publish([
      result.only
        ? { id: result.eventId, chatId: input.chatId, event, only: result.only }
        : { id: result.eventId, chatId: input.chatId, event, audience: result.audience ?? "all" },
    ]);
    if (deps.sms) {
      // Only with SMS on: a shared window's read goes to every SMS user (sms/settings.ts).
      const alsoRead = await shareSmsRead(deps.db, actor.id, input.chatId, result.lastReadSeq);
      if (alsoRead.length > 0) {
        deps.realtime.publish(alsoRead.map((userId) => ({ chatId: input.chatId, event: { type: "read" as const, chatId: input.chatId, userId, seq: result.lastReadSeq }, only: [userId] })));
      }
    }
  }
  return { lastReadSeq: result.lastReadSeq };
}

/** Unread messages per chat and in total, over the chats the actor can read and has joined. */
export async function unreadCounts(db: Db, actor: Actor) {
  const rows = await db
    .select({ chatId: chats.id, unread: sql<number>`(${chats.lastSeq} - ${chatMembers.lastReadSeq})::int` })
    .from(chatMembers)
    .innerJoin(chats, eq(chats.id, chatMembers.chatId))
    .where(and(eq(chatMembers.userId, actor.id), gt(chats.lastSeq, chatMembers.lastReadSeq), canReadChat(actor.id)));
  return { total: rows.reduce((sum, row) => sum + row.unread, 0), chats: rows };
}
