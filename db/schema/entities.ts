import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { timestamps } from "./users";

/** A business record from the host system (an order, a shipment, a location…), addressed by type + key. */
export const entities = pgTable(
  "entities",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    type: text("type").notNull(),
    key: text("key").notNull(),
    title: text("title").notNull(),
    status: text("status"),
    url: text("url"),
    fields: jsonb("fields").$type<Record<string, unknown>>().notNull().default({}),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("entities_type_key_idx").on(t.type, t.key),
    // A scanned code carries no type: resolving it looks the key up across types, exactly and
    // then ignoring case (a code typed by hand), and each look-up needs its own index.
    index("entities_key_idx").on(t.key),
    index("entities_key_lower_idx").on(sql`lower(${t.key})`),
  ],
);

export type Entity = typeof entities.$inferSelect;
