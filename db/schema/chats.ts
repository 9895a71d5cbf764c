import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { groups } from "./groups";
import { timestamps, users } from "./users";

export const chatKind = pgEnum("chat_kind", ["company", "room", "direct", "entity", "system", "sms"]);
export const chatVisibility = pgEnum("chat_visibility", ["public", "private"]);
export const chatMemberRole = pgEnum("chat_member_role", ["owner", "member"]);

export const chats = pgTable(
  "chats",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: chatKind("kind").notNull(),
    title: text("title"),
    visibility: chatVisibility("visibility").notNull().default("private"),
    entityType: text("entity_type"),
    entityKey: text("entity_key"),
    // Direct chats: the sorted member ids, so opening the same conversation twice finds one chat.
    directKey: text("direct_key").unique(),
    // Per-chat message counter; bumped under this row's lock in the sending transaction so
    // seq is gap-free and commit order equals seq order (DESIGN.md invariant 2).
    lastSeq: bigint("last_seq", { mode: "number" }).notNull().default(0),
    lastMessageAt: timestamp("last_message_at", { withTimezone: true }),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("chats_entity_idx")
      .on(t.entityType, t.entityKey)
      .where(sql`${t.kind} = 'entity'`),
    // There is one company chat per deployment.
    uniqueIndex("chats_company_idx")
      .on(t.kind)
      .where(sql`${t.kind} = 'company'`),
    index("chats_last_message_idx").on(t.lastMessageAt),
  ],
);

/** Who may enter a private chat: a user or a group (team, site or company), never both. */
export const chatAccess = pgTable(
  "chat_access",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    chatId: uuid("chat_id")
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    groupId: uuid("group_id").references(() => groups.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("chat_access_one_subject", sql`(${t.userId} is null) <> (${t.groupId} is null)`),
    uniqueIndex("chat_access_user_idx").on(t.chatId, t.userId),
    uniqueIndex("chat_access_group_idx").on(t.chatId, t.groupId),
  ],
);

export const chatMembers = pgTable(
  "chat_members",
  {
    chatId: uuid("chat_id")
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: chatMemberRole("role").notNull().default("member"),
    lastReadSeq: bigint("last_read_seq", { mode: "number" }).notNull().default(0),
    muted: boolean("muted").notNull().default(false),
    // A direct chat someone else opened stays out of this member's sight until its first
    // message, or until they open it themselves (PRODUCT.md C3).
    hidden: boolean("hidden").notNull().default(false),
    // Closed by this member (a direct chat or an SMS window, PRODUCT.md C6): out of their open
    // list until a message newer than this arrives or they restart it.
    closedAt: timestamp("closed_at", { withTimezone: true }),
    joinedAt: timestamp("joined_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.userId] }), index("chat_members_user_idx").on(t.userId)],
);

export type Chat = typeof chats.$inferSelect;
export type ChatKind = (typeof chatKind.enumValues)[number];
export type ChatMember = typeof chatMembers.$inferSelect;
