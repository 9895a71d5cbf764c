import { lt, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import type { Tx } from "~/db/client";
import { events } from "~/db/schema";
import type { Envelope } from "~/server/realtime/envelope";
import type { ChatEvent } from "~/server/realtime/events";

export const EVENT_RETENTION_DAYS = 7;

/**
 * The log only serves reconnects; a client away longer than this reloads its state instead
 * (the hub tells it to with a `resync` event).
 */
export async function pruneEvents(db: Db, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - EVENT_RETENTION_DAYS * 86_400_000);
  const deleted = await db.delete(events).where(lt(events.createdAt, cutoff)).returning({ id: events.id });
  return deleted.length;
}

/** Any constant: the key of the advisory lock that orders the event log. */
const EVENT_LOG_LOCK = 7_200_001;

/**
 * Appends a chat event in the caller's transaction. The id is drawn while holding a
 * transaction-scoped advisory lock, which is released only at commit, so a later id can never
 * commit before an earlier one: a reader that has seen id N has seen every event ≤ N that will
 * ever exist. Call it as the transaction's last statement — the lock serialises all writers
 * from here to commit.
 */
export async function appendEvent(tx: Tx, event: ChatEvent, route: Omit<Envelope, "id" | "chatId" | "event"> = {}): Promise<Envelope> {
  await tx.execute(sql`select pg_advisory_xact_lock(${EVENT_LOG_LOCK})`);
  const [row] = await tx
    .insert(events)
    .values({
      chatId: event.chatId,
      onlyUserIds: route.only && route.only.length > 0 ? route.only : null,
      alsoUserIds: Array.isArray(route.also) && route.also.length > 0 ? route.also : null,
      alsoEveryone: route.also === "all",
      type: event.type,
      payload: event,
    })
    .returning({ id: events.id });
  return { id: row!.id, chatId: event.chatId, event, ...route };
}
