/**
 * A person's send: one statement (send-statement.ts), then the live delivery, push and webhooks.
 */
import { MESSAGE_MAX_LENGTH } from "~/contracts/limits";
import { type Actor, DomainError } from "~/server/domain-error";
import type { MessageDto } from "~/contracts/messages";
import type { Deps } from "~/server/services/deps";
import { diagnoseSend, runSend, type SendStatementInput } from "./send-statement";
import { and, eq } from "drizzle-orm";
import type { Db } from "~/db/client";
import { messages } from "~/db/schema";
import { loadDto, messageRows, toDtos } from "./dto";
import { sendFromChat } from "~/server/services/sms/send";
import { measureSend } from "~/server/metrics";

export type SendInput = {
  chatId: string;
  clientId: string;
  body: string;
  replyToId?: string | null;
  senderId?: string;
  /** Uploaded by the sender to this chat and not yet sent (`POST /api/files`). */
  attachmentIds?: string[];
  mentions?: { userIds?: string[]; entityIds?: string[] };
};

/**
 * Sends a message in one statement (send-statement.ts). The client's id makes a retry return the
 * original message (invariant 1); seq comes from bumping the chat's counter under its row lock
 * in that statement, so it is gap-free and commit order equals seq order (invariant 2).
 */
export function sendMessage(deps: Deps, actor: Actor, input: SendInput): Promise<MessageDto> {
  return measureSend(() => send(deps, actor, input));
}

async function send(deps: Deps, actor: Actor, input: SendInput): Promise<MessageDto> {
  if (input.senderId !== undefined && input.senderId !== actor.id) {
    throw new DomainError("unauthorized", "This message was written by someone else; it waits until they sign in again");
  }
  const body = input.body.trim();
  const attachmentIds = [...new Set(input.attachmentIds ?? [])];
  // A photo needs no caption; a message without a file needs text.
  if ((body.length === 0 && attachmentIds.length === 0) || body.length > MESSAGE_MAX_LENGTH) {
    throw new DomainError("invalid", `A message has 1 to ${MESSAGE_MAX_LENGTH} characters`, { body: `1 to ${MESSAGE_MAX_LENGTH} characters` });
  }
  if (!deps.sendLimiter.take(actor.id)) {
    // A retry of a message already stored costs nothing new: it still gets its answer.
    const existing = await findByClientId(deps.db, actor.id, input.clientId);
    if (existing) return sameChatOrConflict(existing, input.chatId);
    throw new DomainError("rate_limited", "You are sending too fast; wait a moment");
  }
  const statement: SendStatementInput = {
    chatId: input.chatId,
    clientId: input.clientId,
    body,
    replyToId: input.replyToId ?? null,
    attachmentIds,
    mentionUserIds: [...new Set(input.mentions?.userIds ?? [])],
    mentionEntityIds: [...new Set(input.mentions?.entityIds ?? [])],
  };
  let sent;
  try {
    sent = await runSend(deps.db, actor, statement);
  } catch (error) {
    // A retry (or two concurrent sends with one client id): the statement rolled back whole,
    // last_seq included, and the original is the answer.
    if (isUniqueViolation(error)) {
      const winner = await findByClientId(deps.db, actor.id, input.clientId);
      if (winner) return sameChatOrConflict(winner, input.chatId);
    }
    throw error;
  }
  if (!sent) return refusedSend(deps, actor, statement);
  const { message, eventId, audience, hooked, mentionedUserIds } = sent;
  deps.realtime.publish([
    { id: eventId, chatId: message.chatId, event: { type: "message.created", chatId: message.chatId, message }, audience: audience ?? "all" },
  ]);
  deps.lastActive.touch(actor.id);
  if (hooked) void deps.webhooks.kick().catch((error: unknown) => console.error("[webhooks]", error));
  deps.push.notify({ message, mentionedUserIds });
  return message;
}

/** The send statement wrote nothing: the original of a retry, or the error the failed check calls for. */
async function refusedSend(deps: Deps, actor: Actor, input: SendStatementInput): Promise<MessageDto> {
  const why = await diagnoseSend(deps.db, actor, input);
  if (why.existingId) return sameChatOrConflict((await loadDto(deps.db, why.existingId))!, input.chatId);
  if (why.readable === null) throw new DomainError("not_found", "No such chat");
  if (!why.readable) throw new DomainError("forbidden", "You do not have access to this chat");
  if (!why.permitted) throw new DomainError("forbidden", "You may not post messages");
  if (why.sms) {
    if (input.attachmentIds.length > 0 || input.replyToId) throw new DomainError("invalid", "An SMS carries text only: no files or quotes");
    return sendFromChat(deps, actor, { chatId: input.chatId, clientId: input.clientId, body: input.body });
  }
  if (!why.replyOk) throw new DomainError("invalid", "The quoted message is not in this chat", { replyToId: "Not in this chat" });
  // Sent with another message (often one racing this send): it stays there, nothing is sent here.
  if (why.attachmentsTaken) throw new DomainError("conflict", "This file is already attached to another message");
  if (!why.attachmentsOk) {
    throw new DomainError("invalid", "A file is missing: upload it to this chat again", { attachmentIds: "Not uploaded to this chat" });
  }
  // Every check passes now: the chat changed between the two queries (a race); the client retries.
  throw new DomainError("conflict", "The chat changed while sending; try again");
}

/** The message a retry (or a concurrent twin) of this send already stored. */
async function findByClientId(db: Db, senderId: string, clientId: string) {
  const [row] = await messageRows(db).where(and(eq(messages.senderId, senderId), eq(messages.clientId, clientId)));
  return row ? (await toDtos(db, [row]))[0]! : null;
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return e.code === "23505" || e.cause?.code === "23505";
}

function sameChatOrConflict(existing: MessageDto, chatId: string): MessageDto {
  if (existing.chatId !== chatId) throw new DomainError("conflict", "This client id was already used in another chat");
  return existing;
}
