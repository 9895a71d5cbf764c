import { lt, sql } from "drizzle-orm";
import { type Db, type Tx, rawRows } from "~/db/client";
import { events } from "~/db/schema";
import type { Envelope } from "~/server/realtime/envelope";
import type { ChatEvent } from "~/contracts/stream";

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
export const EVENT_LOG_LOCK = 7_200_001;

/** How an event is routed besides its chat (`only`, `also`), copied onto its envelope as is. */
export type EventRoute = Omit<Envelope, "id" | "chatId" | "event">;

/** An event not yet in the log, with its routing. */
export type PendingEvent = { event: ChatEvent } & EventRoute;

/**
 * Appends a transaction's events to the log, in the given order, in one statement that must be
 * the transaction's last: write everything else first, collect the events, append them once.
 *
 * The ids are drawn while holding a transaction-scoped advisory lock, released only at commit,
 * so a later id can never commit before an earlier one: a reader that has seen id N has seen
 * every event ≤ N that will ever exist. The lock serialises every writer of the log from here
 * to commit, which is why it is taken last, as part of the insert itself (as the send statement
 * does), never ahead of other round trips. Returns the envelopes to publish after commit.
 */
export async function appendEvents(tx: Tx, items: PendingEvent[]): Promise<Envelope[]> {
  if (items.length === 0) return [];
  const rows = items.map(({ event, only, also }) => ({
    chatId: event.chatId,
    only: only && only.length > 0 ? only : null,
    also: Array.isArray(also) && also.length > 0 ? also : null,
    everyone: also === "all",
    event,
  }));
  // The rows come out of a join with the lock's row, so none exists (and no id is drawn) before
  // the lock is held; the sort makes the identity hand out ids in the items' order. The insert
  // reads no table, so the statement's snapshot, taken before the lock, does not matter.
  const inserted = await rawRows<{ id: number | string }>(tx, sql`
    with locked as (select pg_advisory_xact_lock(${EVENT_LOG_LOCK})::text as lock),
    items as (
      select i.item, i.n
      from locked, jsonb_array_elements(${JSON.stringify(rows)}::jsonb) with ordinality as i(item, n)
    )
    insert into ${events} (chat_id, only_user_ids, also_user_ids, also_everyone, type, payload)
    select (item->>'chatId')::uuid,
      case when jsonb_typeof(item->'only') = 'array' then array(select jsonb_array_elements_text(item->'only')) end,
      case when jsonb_typeof(item->'also') = 'array' then array(select jsonb_array_elements_text(item->'also')) end,
      (item->>'everyone')::boolean,
      item->'event'->>'type',
      item->'event'
    from items
    order by n
    returning id`);
  // RETURNING promises no order; the ids, drawn in the items' order, sort back into it.
  const ids = inserted.map((row) => Number(row.id)).sort((a, b) => a - b);
  return items.map(({ event, ...route }, i) => ({ id: ids[i]!, chatId: event.chatId, event, ...route }));
}

/** One event, as the transaction's last statement (appendEvents, for a transaction with several). */
export async function appendEvent(tx: Tx, event: ChatEvent, route: EventRoute = {}): Promise<Envelope> {
  const [envelope] = await appendEvents(tx, [{ event, ...route }]);
  return envelope!;
}
