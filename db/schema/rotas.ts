import { check, integer, pgTable, smallint, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { groups } from "./groups";
import { users } from "./users";

/**
 * An on-duty rota for routing requests (`on-duty:<name>` in the API): who of a group is on duty
 * in weekly time windows, in the rota's time zone. Admin-editable.
 */
export const rotas = pgTable("rotas", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  groupId: uuid("group_id")
    .notNull()
    .references(() => groups.id, { onDelete: "cascade" }),
  timeZone: text("time_zone").notNull().default("UTC"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** A weekly window: weekday 0 (Sunday)–6, from/to as minutes after midnight, `to` > `from`. */
export const rotaShifts = pgTable(
  "rota_shifts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    rotaId: uuid("rota_id")
      .notNull()
      .references(() => rotas.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    weekday: smallint("weekday").notNull(),
    fromMinute: integer("from_minute").notNull(),
    toMinute: integer("to_minute").notNull(),
  },
  (t) => [
    check("rota_shifts_weekday", sql`${t.weekday} between 0 and 6`),
    check("rota_shifts_window", sql`${t.fromMinute} >= 0 and ${t.toMinute} <= 1440 and ${t.toMinute} > ${t.fromMinute}`),
  ],
);

export type Rota = typeof rotas.$inferSelect;
export type RotaShift = typeof rotaShifts.$inferSelect;
