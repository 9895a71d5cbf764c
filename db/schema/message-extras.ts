import {
  bigint,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { chats } from "./chats";
import { entities } from "./entities";
import { messages } from "./messages";
import { users } from "./users";

/**
 * A stored file (PRODUCT.md M3). Uploaded first (message_id null, only its uploader may use it),
 * then bound to the message that carries it; an unbound upload older than a day is swept.
 */
export const attachments = pgTable(
  "attachments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    chatId: uuid("chat_id")
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    messageId: uuid("message_id").references(() => messages.id, { onDelete: "cascade" }),
    uploaderId: text("uploader_id").references(() => users.id, { onDelete: "set null" }),
    /** The storage's key of the original (as sniffed and cleaned: images are re-encoded without GPS). */
    storageKey: text("storage_key").notNull(),
    /** The storage's key of the thumbnail; images only. */
    thumbKey: text("thumb_key"),
    name: text("name").notNull(),
    /** As sniffed from the content, never as the client claimed. */
    contentType: text("content_type").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    width: integer("width"),
    height: integer("height"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("attachments_message_idx").on(t.messageId), index("attachments_chat_idx").on(t.chatId)],
);

export type Attachment = typeof attachments.$inferSelect;

export const mentionKind = pgEnum("mention_kind", ["user", "entity"]);

/** A mention stored as structure, not only as "@name" in the text (PRODUCT.md M4). */
export const messageMentions = pgTable(
  "message_mentions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    chatId: uuid("chat_id")
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    /** The mentioning message's seq: unread mentions are those above the member's read position. */
    seq: bigint("seq", { mode: "number" }).notNull(),
    kind: mentionKind("kind").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    entityId: uuid("entity_id").references(() => entities.id, { onDelete: "cascade" }),
  },
  (t) => [
    index("message_mentions_message_idx").on(t.messageId),
    index("message_mentions_user_chat_idx").on(t.userId, t.chatId, t.seq),
  ],
);

/** One person's reaction with one emoji; adding it twice is one row (PRODUCT.md M5). */
export const messageReactions = pgTable(
  "message_reactions",
  {
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    emoji: text("emoji").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.userId, t.emoji] })],
);
