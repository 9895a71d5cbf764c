import { and, asc, desc, eq, getTableColumns, gt, gte, inArray, isNull, lt, ne, sql } from "drizzle-orm";
import { PgTransaction, alias } from "drizzle-orm/pg-core";
import { MESSAGE_MAX_LENGTH } from "~/contracts/limits";
import type { Db, Tx } from "~/db/client";
import {
  attachments,
  chatMembers,
  chats,
  entities,
  type MessageData,
  messageMentions,
  messageReactions,
  messages,
  users,
} from "~/db/schema";
import { type QuickFilter, quickRange } from "~/lib/time/ranges";
import { type Actor, DomainError } from "~/server/domain-error";
import type { AttachmentDto, MentionsDto, MessageDto, ReactionDto } from "~/contracts/messages";
import type { ChatEvent } from "~/contracts/stream";
import { assertCanRead, canReadChat } from "./access";
import { type Announced, runChange, settled } from "./change-statements";
import type { Deps } from "./deps";
import { QUOTE_PREVIEW_LENGTH, type SendStatementInput, diagnoseSend, runMarkRead, runSend } from "./send-statement";

export const MAX_PAGE = 200;

const sender = alias(users, "sender");
const reply = alias(messages, "reply");
const replySender = alias(users, "reply_sender");

/** The name shown for a message without a user behind it: the posting token's label, else "System". */
function systemName(kind: "user" | "system" | "contact", label: string | null = null): string {
  return kind === "system" ? (label ?? "System") : (label ?? "");
}

// Every column but the search document, which only the search query reads.
const { search: _search, ...messageColumns } = getTableColumns(messages);
const { search: _replySearch, ...replyColumns } = getTableColumns(reply);

/** Messages with their sender's name and the quoted message, ready to become DTOs. */
function messageRows(db: Db | Tx) {
  return db
    .select({ message: messageColumns, senderName: sender.name, reply: replyColumns, replySenderName: replySender.name })
    .from(messages)
    .leftJoin(sender, eq(sender.id, messages.senderId))
    .leftJoin(reply, eq(reply.id, messages.replyToId))
    .leftJoin(replySender, eq(replySender.id, reply.senderId))
    .$dynamic();
}

type MessageRow = Awaited<ReturnType<ReturnType<typeof messageRows>["execute"]>>[number];

type Extras = { attachments: AttachmentDto[]; mentions: MentionsDto; reactions: ReactionDto[] };

const noExtras = (): Extras => ({ attachments: [], mentions: { users: [], entities: [] }, reactions: [] });

export function attachmentKind(contentType: string): "image" | "file" {
  return contentType.startsWith("image/") ? "image" : "file";
}

/** Attachments, mentions and reactions of a page of messages, in three queries whatever its size. */
async function loadExtras(db: Db | Tx, ids: string[]): Promise<Map<string, Extras>> {
  const extras = new Map<string, Extras>();
  if (ids.length === 0) return extras;
  const of = (id: string) => {
    let e = extras.get(id);
    if (!e) extras.set(id, (e = noExtras()));
    return e;
  };
  const queries = [
    db
      .select({
        id: attachments.id,
        messageId: attachments.messageId,
        name: attachments.name,
        contentType: attachments.contentType,
        size: attachments.size,
        width: attachments.width,
        height: attachments.height,
      })
      .from(attachments)
      .where(inArray(attachments.messageId, ids))
      .orderBy(asc(attachments.createdAt), asc(attachments.id)),
    db
      .select({
        messageId: messageMentions.messageId,
        kind: messageMentions.kind,
        userId: users.id,
        userName: users.name,
        entity: { id: entities.id, type: entities.type, key: entities.key, title: entities.title, status: entities.status },
      })
      .from(messageMentions)
      .leftJoin(users, eq(users.id, messageMentions.userId))
      .leftJoin(entities, eq(entities.id, messageMentions.entityId))
      .where(inArray(messageMentions.messageId, ids))
      .orderBy(asc(messageMentions.id)),
    db
      .select({ messageId: messageReactions.messageId, emoji: messageReactions.emoji, userId: users.id, userName: users.name })
      .from(messageReactions)
      .innerJoin(users, eq(users.id, messageReactions.userId))
      .where(inArray(messageReactions.messageId, ids))
      .orderBy(asc(messageReactions.createdAt), asc(messageReactions.userId)),
  ] as const;
  // A transaction is one connection: node-postgres would queue parallel queries on it, which it
  // deprecates (an error in pg 9). Outside one, the pool runs them side by side.
  const [files, mentioned, reacted] =
    db instanceof PgTransaction
      ? [await queries[0], await queries[1], await queries[2]]
      : await Promise.all(queries);
  for (const f of files) {
    of(f.messageId!).attachments.push({
      id: f.id,
      name: f.name,
      contentType: f.contentType,
      size: f.size,
      kind: attachmentKind(f.contentType),
      width: f.width,
      height: f.height,
    });
  }
  for (const m of mentioned) {
    const e = of(m.messageId);
    if (m.kind === "user" && m.userId) e.mentions.users.push({ id: m.userId, name: m.userName ?? "" });
    if (m.kind === "entity" && m.entity) e.mentions.entities.push(m.entity);
  }
  for (const r of reacted) {
    const e = of(r.messageId);
    let reaction = e.reactions.find((x) => x.emoji === r.emoji);
    if (!reaction) e.reactions.push((reaction = { emoji: r.emoji, count: 0, users: [] }));
    reaction.count++;
    reaction.users.push({ id: r.userId, name: r.userName });
  }
  return extras;
}

/** Rows to DTOs, with their attachments, mentions and reactions. */
async function toDtos(db: Db | Tx, rows: MessageRow[]): Promise<MessageDto[]> {
  const extras = await loadExtras(
    db,
    rows.filter((row) => !row.message.deletedAt).map((row) => row.message.id),
  );
  return rows.map((row) => toDto(row, extras.get(row.message.id) ?? noExtras()));
}

/**
 * The start of a quoted message, in characters (code points) as PostgreSQL's left() counts
 * them, so the send statement's DTO and a later read agree and an emoji is never cut in half.
 */
function quotePreview(body: string): string {
  return Array.from(body.slice(0, 2 * QUOTE_PREVIEW_LENGTH)).slice(0, QUOTE_PREVIEW_LENGTH).join("");
}

function toDto(row: MessageRow, extras: Extras): MessageDto {
  const m = row.message;
  return {
    id: m.id,
    chatId: m.chatId,
    seq: m.seq,
    kind: m.kind,
    sender: { kind: m.senderKind, id: m.senderId, name: row.senderName ?? systemName(m.senderKind, m.senderLabel) },
    clientId: m.clientId,
    body: m.deletedAt ? null : m.body,
    replyTo: row.reply
      ? {
          id: row.reply.id,
          seq: row.reply.seq,
          senderName: row.replySenderName ?? systemName(row.reply.senderKind, row.reply.senderLabel),
          body: row.reply.deletedAt ? null : quotePreview(row.reply.body),
        }
      : null,
    data: m.deletedAt ? null : (m.data ?? null),
    editedAt: m.editedAt,
    deletedAt: m.deletedAt,
    createdAt: m.createdAt,
    ...extras,
  };
}

async function loadDto(db: Db | Tx, messageId: string): Promise<MessageDto | null> {
  const [row] = await messageRows(db).where(eq(messages.id, messageId));
  return row ? (await toDtos(db, [row]))[0]! : null;
}

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

export type SystemMessageInput = {
  chatId: string;
  body: string;
  kind?: "text" | "system" | "approval";
  /** Shown as the sender (an API token's name); "System" when null. */
  label?: string | null;
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
      senderKind: "system",
      senderId: null,
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

export { loadDto as loadMessage };

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
export async function sendMessage(deps: Deps, actor: Actor, input: SendInput): Promise<MessageDto> {
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
  if (!why.replyOk) throw new DomainError("invalid", "The quoted message is not in this chat", { replyToId: "Not in this chat" });
  // Sent with another message (often one racing this send): it stays there, nothing is sent here.
  if (why.attachmentsTaken) throw new DomainError("conflict", "This file is already attached to another message");
  if (!why.attachmentsOk) {
    throw new DomainError("invalid", "A file is missing: upload it to this chat again", { attachmentIds: "Not uploaded to this chat" });
  }
  // Every check passes now: the chat changed between the two queries (a race); the client retries.
  throw new DomainError("conflict", "The chat changed while sending; try again");
}

/** An edit or delete refused or made: the refusals are the same errors, in the same order, as ever. */
async function change(deps: Deps, actor: Actor, input: { messageId: string; body: string | null }): Promise<MessageDto> {
  const result = await settled(() => runChange(deps.db, actor, input));
  switch (result.outcome) {
    case "not_found":
    case "forbidden":
    case "deleted":
      throw messageRefusal(result.outcome);
    case "not_author":
      throw new DomainError("forbidden", "Only the author can change this message");
    case "same_body":
      return (await loadDto(deps.db, input.messageId))!;
    case "changed":
      publishUpdated(deps, result);
      return result.message;
  }
}

/** The refusals every change of a message shares (edit, delete, react), checked in this order. */
export function messageRefusal(outcome: "not_found" | "forbidden" | "deleted"): DomainError {
  if (outcome === "not_found") return new DomainError("not_found", "No such message");
  if (outcome === "forbidden") return new DomainError("forbidden", "You do not have access to this chat");
  return new DomainError("conflict", "This message was deleted");
}

/** Tells the chat's readers (as they were at the change's commit) of a changed message. */
export function publishUpdated(deps: Deps, { message, eventId, audience }: Announced): void {
  deps.realtime.publish([
    { id: eventId, chatId: message.chatId, event: { type: "message.updated", chatId: message.chatId, message }, audience: audience ?? "all" },
  ]);
}

/** Changes the body in one statement (change-statements.ts), with an audit row of the old and new; the same body changes nothing. */
export async function editMessage(deps: Deps, actor: Actor, input: { messageId: string; body: string }): Promise<MessageDto> {
  const body = input.body.trim();
  if (body.length === 0 || body.length > MESSAGE_MAX_LENGTH) {
    throw new DomainError("invalid", `A message has 1 to ${MESSAGE_MAX_LENGTH} characters`, { body: `1 to ${MESSAGE_MAX_LENGTH} characters` });
  }
  return change(deps, actor, { messageId: input.messageId, body });
}

/** Leaves a tombstone: the body is erased from the database, the audit log keeps it. */
export async function deleteMessage(deps: Deps, actor: Actor, input: { messageId: string }): Promise<MessageDto> {
  return change(deps, actor, { messageId: input.messageId, body: null });
}

export type ListInput = {
  chatId: string;
  /** Page backwards: messages with seq below this. */
  before?: number;
  /** Page forwards: messages with seq above this. */
  after?: number;
  limit?: number;
  filter?: QuickFilter;
  timeZone?: string;
};

/** A page of history, oldest first. Reading never notifies anyone. */
export async function listMessages(db: Db, actor: Actor, input: ListInput, now = new Date()) {
  await assertCanRead(db, actor, input.chatId);
  const limit = Math.min(input.limit ?? 50, MAX_PAGE);
  const range = quickRange(input.filter ?? "all", now, input.timeZone ?? "UTC");
  const conditions = [
    eq(messages.chatId, input.chatId),
    input.before !== undefined ? lt(messages.seq, input.before) : undefined,
    input.after !== undefined ? gt(messages.seq, input.after) : undefined,
    range.from ? gte(messages.createdAt, range.from) : undefined,
    range.to ? lt(messages.createdAt, range.to) : undefined,
  ];
  const forwards = input.after !== undefined && input.before === undefined;
  const rows = await messageRows(db)
    .where(and(...conditions))
    .orderBy(forwards ? asc(messages.seq) : desc(messages.seq))
    .limit(limit + 1);
  const hasMore = rows.length > limit;
  const page = await toDtos(db, rows.slice(0, limit));
  return { messages: forwards ? page : page.reverse(), hasMore };
}

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

/**
 * A record's chat as its log (PRODUCT.md C4). Anyone who may see the record may read it,
 * as they may join its chat; a record nobody has talked about has an empty log.
 */
/**
 * A record's chat as a log. A user must be able to read the chat (its members); the REST API
 * passes no actor, its token's `read` scope being the check.
 */
export async function entityHistory(db: Db, input: { type: string; key: string; after?: number; limit?: number }, actor?: Actor) {
  const [entity] = await db
    .select({ id: entities.id })
    .from(entities)
    .where(and(eq(entities.type, input.type), eq(entities.key, input.key)));
  if (!entity) throw new DomainError("not_found", `No ${input.type} with key ${input.key}`);
  const [chat] = await db
    .select({ id: chats.id })
    .from(chats)
    .where(and(eq(chats.kind, "entity"), eq(chats.entityType, input.type), eq(chats.entityKey, input.key)));
  if (!chat) return { chatId: null, messages: [], hasMore: false };
  if (actor) await assertCanRead(db, actor, chat.id);
  const limit = Math.min(input.limit ?? MAX_PAGE, MAX_PAGE);
  const rows = await messageRows(db)
    .where(and(eq(messages.chatId, chat.id), input.after !== undefined ? gt(messages.seq, input.after) : undefined))
    .orderBy(asc(messages.seq))
    .limit(limit + 1);
  return { chatId: chat.id, messages: await toDtos(db, rows.slice(0, limit)), hasMore: rows.length > limit };
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

export const TYPING_TTL_MS = 5_000;

/** Ephemeral: published to the chat's other readers, never stored. */
export async function typing(deps: Deps, actor: Actor, input: { chatId: string }): Promise<void> {
  const chat = await assertCanRead(deps.db, actor, input.chatId);
  // The others must not learn of a direct chat before its first message (PRODUCT.md C3).
  if (chat.kind === "direct" && chat.lastSeq === 0) return;
  deps.realtime.publish([
    {
      chatId: chat.id,
      event: { type: "typing", chatId: chat.id, userId: actor.id, name: actor.name, expiresInMs: TYPING_TTL_MS },
      except: actor.id,
    },
  ]);
}
