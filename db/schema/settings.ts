import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Deployment-wide settings as key → JSON value (organisation name, VAPID keys, retention…). */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
});
