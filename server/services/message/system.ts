/**
 * Messages without a person behind them: status changes, approval cards, script posts. Written
 * inside the caller's transaction, which appends their events with its own.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db, Tx } from "~/db/client";
import { chats, type MessageData, messages } from "~/db/schema";
import { DomainError } from "~/server/domain-error";
import type { MessageDto } from "~/contracts/messages";
import type { ChatEvent } from "~/contracts/stream";
import { loadDto, messageRows, toDtos } from "./dto";

export type SystemMessageInput = {
  chatId: string;
  body: string;
  kind?: "text" | "system" | "approval" | "sms_in" | "sms_out";
  /** Shown as the sender (an API token's name, an SMS contact's name); "System" when null. */
  label?: string | null;
  /** A person who wrote it through another channel (an SMS sent from a chat window), or an SMS contact. */
  sender?: { kind: "user"; id: string } | { kind: "contact" };
  data?: MessageData | null;
  /** A script's idempotency key, unique within the chat. */
  clientId?: string | null;
};

/**
 * Appends a message not written by a person (a script's post, a status line, an approval card)
 * inside the caller's transaction, with the same seq rule as sendMessage. Its event is returned,
 * not logged: the caller appends it with the transaction's other events in one appendEvents, as
 * the transaction's last statement (the log's lock is held from there to commit), and publishes
 * the envelopes after commit.
 */
export async function insertSystemMessage(tx: Tx, input: SystemMessageInput): Promise<{ message: MessageDto; event: ChatEvent }> {
  const [bumped] = await tx
    .update(chats)
    .set({ lastSeq: sql`${chats.lastSeq} + 1`, lastMessageAt: sql`now()` })
    .where(eq(chats.id, input.chatId))
    .returning({ seq: chats.lastSeq });
  if (!bumped) throw new DomainError("not_found", "No such chat");
  const [inserted] = await tx
    .insert(messages)
    .values({
      chatId: input.chatId,
      seq: bumped.seq,
      senderKind: input.sender?.kind ?? "system",
      senderId: input.sender?.kind === "user" ? input.sender.id : null,
      senderLabel: input.label ?? null,
      clientId: input.clientId ?? null,
      kind: input.kind ?? "system",
      body: input.body,
      data: input.data ?? null,
    })
    .returning({ id: messages.id });
  const message = (await loadDto(tx, inserted!.id))!;
  return { message, event: { type: "message.created", chatId: input.chatId, message } };
}

/** A script's earlier post with this client id in this chat (its retry returns the original). */
export async function findSystemMessage(db: Db | Tx, chatId: string, clientId: string): Promise<MessageDto | null> {
  const [row] = await messageRows(db).where(and(eq(messages.chatId, chatId), eq(messages.clientId, clientId), isNull(messages.senderId)));
  return row ? (await toDtos(db, [row]))[0]! : null;
}

/**
 * Replaces a message's structured part (a card changing state). Its event is returned, not
 * logged: the caller appends it with its transaction's other events, last (insertSystemMessage).
 */
export async function updateMessageData(tx: Tx, messageId: string, data: MessageData): Promise<{ message: MessageDto; event: ChatEvent }> {
  await tx.update(messages).set({ data }).where(eq(messages.id, messageId));
  const message = (await loadDto(tx, messageId))!;
  return { message, event: { type: "message.updated", chatId: message.chatId, message } };
}
