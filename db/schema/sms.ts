import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { SmsStatus } from "../../contracts/sms";
import { chats } from "./chats";
import { entities } from "./entities";
import { messages } from "./messages";
import { apiTokens } from "./integrations";
import { timestamps, users } from "./users";

/**
 * Someone reachable by SMS (PRODUCT.md C6): a worker without the app, a driver, a record's
 * customer. One row per number; an unknown number that writes in, or that a script texts,
 * becomes an unverified contact so nothing it sends is lost.
 */
export const smsContacts = pgTable(
  "sms_contacts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // E.164 ("+48600100200"), normalised on the way in: the one key a provider uses.
    phone: text("phone").notNull().unique(),
    name: text("name").notNull(),
    verified: boolean("verified").notNull().default(false),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    entityId: uuid("entity_id").references(() => entities.id, { onDelete: "set null" }),
    // The contact's chat window (kind "sms"), made when it is first opened or first writes in.
    chatId: uuid("chat_id")
      .unique()
      .references(() => chats.id, { onDelete: "set null" }),
    // STOP and its synonyms: nothing is sent until START (carriers require honouring it).
    optedOutAt: timestamp("opted_out_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index("sms_contacts_name_idx").on(sql`lower(${t.name})`)],
);

/**
 * Every SMS in and out: the delivery state of an outgoing message, the durable send queue
 * (claimed with SKIP LOCKED, retried with backoff) and the messaging log in one table.
 */
export const smsMessages = pgTable(
  "sms_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => smsContacts.id, { onDelete: "cascade" }),
    // The chat message it is shown as; null for automated traffic kept out of chat windows.
    messageId: uuid("message_id")
      .unique()
      .references(() => messages.id, { onDelete: "set null" }),
    direction: text("direction").$type<"in" | "out">().notNull(),
    body: text("body").notNull(),
    segments: integer("segments").notNull(),
    status: text("status").$type<SmsStatus>().notNull(),
    // The provider's id (MessageSid): an inbound retry of one id is stored once.
    providerSid: text("provider_sid").unique(),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    sentBy: text("sent_by").references(() => users.id, { onDelete: "set null" }),
    tokenId: uuid("token_id").references(() => apiTokens.id, { onDelete: "set null" }),
    automated: boolean("automated").notNull().default(false),
    // The sender's idempotency key for a script's send (`clientId`), unique per token.
    clientId: text("client_id"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("sms_messages_direction", sql`${t.direction} in ('in', 'out')`),
    index("sms_messages_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'queued'`),
    index("sms_messages_contact_idx").on(t.contactId, t.createdAt),
    index("sms_messages_created_idx").on(t.createdAt),
    uniqueIndex("sms_messages_token_client_idx")
      .on(t.tokenId, t.clientId)
      .where(sql`${t.clientId} is not null`),
  ],
);

export type SmsContact = typeof smsContacts.$inferSelect;
export type SmsMessage = typeof smsMessages.$inferSelect;
