import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * A browser's Web Push subscription (RFC 8030): where to send and the keys to encrypt for
 * (RFC 8291). The endpoint is unique: a browser that subscribes again under another user
 * (a shared tablet) moves to that user.
 */
export const pushSubscriptions = pgTable(
  "push_subscriptions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    endpoint: text("endpoint").notNull().unique(),
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    /** What the person sees in "My devices": the browser's own description of itself. */
    label: text("label").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSuccessAt: timestamp("last_success_at", { withTimezone: true }),
    /** Failed sends since the last success (each after its retries). */
    failures: integer("failures").notNull().default(0),
  },
  (t) => [index("push_subscriptions_user_idx").on(t.userId)],
);

export type PushSubscription = typeof pushSubscriptions.$inferSelect;

/**
 * A notification whose push service failed for now (network error, 429, 5xx), waiting for its
 * next attempt. Kept here rather than in a timer so a restart, or another instance, sends it;
 * claimed with SKIP LOCKED like webhook deliveries. It goes with its subscription.
 */
export const pushRetries = pgTable(
  "push_retries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    subscriptionId: uuid("subscription_id")
      .notNull()
      .references(() => pushSubscriptions.id, { onDelete: "cascade" }),
    /** The PushPayload JSON as first sent; encrypted afresh for each attempt. */
    payload: text("payload").notNull(),
    urgency: text("urgency").$type<"very-low" | "low" | "normal" | "high">().notNull(),
    topic: text("topic"),
    /** Attempts made so far, the first one included. */
    attempts: integer("attempts").notNull(),
    /** When it is due; pushed forward while an instance has it in hand. */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull(),
    /** When the message was first pushed: the notification's TTL counts from here. */
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("push_retries_due_idx").on(t.nextAttemptAt)],
);

export type PushRetry = typeof pushRetries.$inferSelect;
