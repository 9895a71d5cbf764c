/**
 * A message as every reader gets it (MessageDto): the row with its sender's name, the quoted
 * message, and its files, mentions and reactions, loaded for a page at once.
 */
import { asc, eq, getTableColumns, inArray } from "drizzle-orm";
import { alias, PgTransaction } from "drizzle-orm/pg-core";
import type { Db, Tx } from "~/db/client";
import { attachments, entities, messageMentions, messageReactions, messages, users } from "~/db/schema";
import type { AttachmentDto, MentionsDto, MessageDto, ReactionDto } from "~/contracts/messages";
import { QUOTE_PREVIEW_LENGTH } from "./send-statement";

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
export function messageRows(db: Db | Tx) {
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
export async function toDtos(db: Db | Tx, rows: MessageRow[]): Promise<MessageDto[]> {
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

export async function loadDto(db: Db | Tx, messageId: string): Promise<MessageDto | null> {
  const [row] = await messageRows(db).where(eq(messages.id, messageId));
  return row ? (await toDtos(db, [row]))[0]! : null;
}

export { loadDto as loadMessage };
