/** What the hub reads of the event log: its bounds, a reconnecting user's missed events, and lost ones. */
import { and, eq, gt, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { chats, events, users } from "~/db/schema";
import { canReadChat } from "~/server/services/access";
import type { Delivery } from "./envelope";

/** The log's newest id (0 when empty). */
export async function logHead(db: Db): Promise<number> {
  const [row] = await db.select({ head: sql<number>`coalesce(max(${events.id}), 0)`.mapWith(Number) }).from(events);
  return row?.head ?? 0;
}

/** The log's newest and oldest ids, and whether the user is still active, in one read. */
export async function logBounds(db: Db, userId: string) {
  const [bounds] = await db
    .select({
      head: sql<number>`coalesce(max(${events.id}), 0)`.mapWith(Number),
      oldest: sql<number>`coalesce(min(${events.id}), 0)`.mapWith(Number),
      isActive: sql<boolean>`exists (select 1 from ${users} where ${users.id} = ${userId} and ${users.deactivatedAt} is null)`,
    })
    .from(events);
  return bounds;
}

/** The events in `(after, head]` the user may see, oldest first, at most `limit`. */
export function readBackfill(db: Db, userId: string, after: number, head: number, limit: number) {
  return db
    .select({ id: events.id, payload: events.payload })
    .from(events)
    // Left join: a deleted chat's last event outlives the chat.
    .leftJoin(chats, eq(chats.id, events.chatId))
    .where(
      and(
        gt(events.id, after),
        lte(events.id, head),
        or(
          and(isNull(events.onlyUserIds), canReadChat(userId)),
          sql`${userId} = any(${events.onlyUserIds})`,
          sql`${userId} = any(${events.alsoUserIds})`,
          eq(events.alsoEveryone, true),
        ),
      ),
    )
    .orderBy(events.id)
    .limit(limit);
}

/** The logged events among `ids`, as the bus would have carried them; an id not there is absent. */
export async function readDeliveries(db: Db, ids: number[]): Promise<Map<number, Delivery>> {
  const rows = await db
    .select({
      id: events.id,
      chatId: events.chatId,
      type: events.type,
      json: sql<string>`${events.payload}::text`,
      only: events.onlyUserIds,
      also: events.alsoUserIds,
      alsoEveryone: events.alsoEveryone,
    })
    .from(events)
    .where(inArray(events.id, ids));
  return new Map(
    rows.map((row): [number, Delivery] => [
      row.id,
      {
        id: row.id,
        type: row.type,
        json: row.json,
        ...(row.chatId ? { chatId: row.chatId } : {}),
        ...(row.only ? { only: row.only } : {}),
        ...(row.alsoEveryone ? { also: "all" as const } : row.also ? { also: row.also } : {}),
      },
    ]),
  );
}
