import { bigint, boolean, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * The log behind the live stream's resume cursor. Rows are appended in the transaction that
 * made the change; their id is drawn under a transaction-scoped advisory lock held to commit
 * (server/services/events.ts), so id order is commit order and `id > Last-Event-ID` never
 * skips an event that committed late (DESIGN.md invariant 3).
 */
export const events = pgTable(
  "events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    // No foreign key: a chat's last event (its deletion) outlives the chat.
    chatId: uuid("chat_id"),
    // Set when only these users receive the event (a read position in a chat everyone reads
    // goes to the reader and to the authors whose messages it covers).
    onlyUserIds: text("only_user_ids").array(),
    // Also for these users, who could read the chat before this event (it took their access
    // away, or deleted the chat): they must hear of it on a reconnect too.
    alsoUserIds: text("also_user_ids").array(),
    alsoEveryone: boolean("also_everyone").notNull().default(false),
    type: text("type").notNull(),
    payload: jsonb("payload").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("events_chat_idx").on(t.chatId, t.id), index("events_created_idx").on(t.createdAt)],
);

export type EventRow = typeof events.$inferSelect;
