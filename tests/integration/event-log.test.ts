import { randomUUID } from "node:crypto";
import { asc, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, rawRows } from "~/db/client";
import { events } from "~/db/schema";
import { EVENT_LOG_LOCK, type PendingEvent, appendEvents } from "~/server/services/events";
import { createTestDatabase } from "../factories/db";

describe("appendEvents", () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it("gives a transaction's events consecutive ids in the order given, with their routing, in one statement", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const pending: PendingEvent[] = [
      { event: { type: "chat.changed", chatId: a, reason: "members" } },
      { event: { type: "chat.deleted", chatId: b }, also: ["user-1", "user-2"] },
      { event: { type: "read", chatId: a, userId: "user-1", seq: 3 }, only: ["user-1"] },
    ];
    const envelopes = await database.db.transaction((tx) => appendEvents(tx, pending));

    const first = envelopes[0]!.id!;
    expect(envelopes).toEqual([
      { id: first, chatId: a, event: pending[0]!.event },
      { id: first + 1, chatId: b, event: pending[1]!.event, also: ["user-1", "user-2"] },
      { id: first + 2, chatId: a, event: pending[2]!.event, only: ["user-1"] },
    ]);
    const rows = await database.db
      .select()
      .from(events)
      .where(inArray(events.id, [first, first + 1, first + 2]))
      .orderBy(asc(events.id));
    expect(rows.map((r) => [r.chatId, r.type, r.payload, r.onlyUserIds, r.alsoUserIds, r.alsoEveryone])).toEqual([
      [a, "chat.changed", pending[0]!.event, null, null, false],
      [b, "chat.deleted", pending[1]!.event, null, ["user-1", "user-2"], false],
      [a, "read", pending[2]!.event, ["user-1"], null, false],
    ]);
  });

  it("keeps each of several concurrent transactions' events consecutive: no other writer's id falls between them", async () => {
    const chatIds = Array.from({ length: 6 }, () => randomUUID());
    const batches = await Promise.all(
      chatIds.map((chatId) =>
        database.db.transaction((tx) =>
          appendEvents(tx, [
            { event: { type: "chat.changed", chatId, reason: "created" } },
            { event: { type: "chat.changed", chatId, reason: "members" } },
            { event: { type: "chat.deleted", chatId }, also: "all" },
          ]),
        ),
      ),
    );
    for (const [i, batch] of batches.entries()) {
      const first = batch[0]!.id!;
      expect(batch.map((e) => [e.id, e.chatId, e.event.type])).toEqual([
        [first, chatIds[i], "chat.changed"],
        [first + 1, chatIds[i], "chat.changed"],
        [first + 2, chatIds[i], "chat.deleted"],
      ]);
    }
    const [everyone] = await database.db.select({ alsoEveryone: events.alsoEveryone }).from(events).where(inArray(events.id, [batches[0]![2]!.id!]));
    expect(everyone).toEqual({ alsoEveryone: true });
  });

  it("holds the log's lock after appending, until commit", async () => {
    const held = await database.db.transaction(async (tx) => {
      await appendEvents(tx, [{ event: { type: "chat.changed", chatId: randomUUID(), reason: "members" } }]);
      return rawRows<{ held: number }>(
        tx,
        sql`select count(*)::int as held from pg_locks where locktype = 'advisory' and objid = ${EVENT_LOG_LOCK} and pid = pg_backend_pid()`,
      );
    });
    expect(held).toEqual([{ held: 1 }]);
  });

  it("writes nothing for no events", async () => {
    const count = () => database.db.$count(events);
    const before = await count();
    expect(await database.db.transaction((tx) => appendEvents(tx, []))).toEqual([]);
    expect(await count()).toBe(before);
  });
});
