import { index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { timestamps, users } from "./users";

/** One-tap answers for the manager view (PRODUCT.md W3): shared templates (no owner) and personal ones. */
export const quickReplies = pgTable(
  "quick_replies",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: text("owner_id").references(() => users.id, { onDelete: "cascade" }),
    body: text("body").notNull(),
    position: integer("position").notNull().default(0),
    ...timestamps,
  },
  (t) => [index("quick_replies_owner_idx").on(t.ownerId, t.position)],
);

export type QuickReply = typeof quickReplies.$inferSelect;
