import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, rawRows } from "~/db/client";
import { attachments, chats, entities, events, groupMembers, groups, messages, users } from "~/db/schema";
import type { Actor } from "~/server/domain-error";
import type { Envelope } from "~/server/realtime/envelope";
import { chatAudience } from "~/server/services/access";
import { createRoom, updateRoom } from "~/server/services/chats";
import type { Deps } from "~/server/services/deps";
import { createLastActive } from "~/server/services/last-active";
import { loadMessage, markRead, sendMessage } from "~/server/services/messages";
import { findActor } from "~/server/services/users";
import { createPersonas } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";

/** People made straight in the table: these tests need many senders, not passwords. */
async function makePeople(db: Db, count: number, prefix: string): Promise<Actor[]> {
  const people = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    name: `${prefix} ${i}`,
    username: `${prefix}-${i}`,
    email: `${prefix}-${i}@floorchat.invalid`,
  }));
  await db.insert(users).values(people);
  return people.map((p) => ({ id: p.id, name: p.name, username: p.username, role: "worker" }));
}

/**
 * Counts the driver calls the database client receives: each is at least one round trip
 * (a pool's connect, a PGlite transaction, a query).
 */
function countRoundTrips(db: Db): { count: () => number; restore: () => void } {
  const client = (db as unknown as { $client: Record<string, unknown> }).$client;
  let calls = 0;
  // A pool's query checks out a client itself: that connect is the same round trip.
  let inQuery = false;
  const originals = new Map<string, unknown>();
  for (const name of ["query", "exec", "transaction", "connect"]) {
    const original = client[name];
    if (typeof original !== "function") continue;
    originals.set(name, original);
    client[name] = (...args: unknown[]) => {
      if (!(name === "connect" && inQuery)) calls++;
      inQuery = name === "query";
      try {
        return (original as (...a: unknown[]) => unknown).apply(client, args);
      } finally {
        inQuery = false;
      }
    };
  }
  return {
    count: () => calls,
    restore: () => {
      for (const [name, original] of originals) client[name] = original;
    },
  };
}

describe("a send is one statement", () => {
  let world: TestWorld;
  let mark: Actor;
  let pia: Actor;
  let olaf: Actor;
  const published: Envelope[] = [];
  /** The world's deps with publishing recorded here and no push: only the send itself touches the database. */
  let deps: Deps;

  beforeAll(async () => {
    world = await createTestWorld();
    const personas = await createPersonas(world.database.db);
    mark = (await findActor(world.database.db, personas.manager.id))!;
    pia = (await findActor(world.database.db, personas.picker.id))!;
    olaf = (await findActor(world.database.db, personas.outsider.id))!;
    deps = {
      ...world.deps,
      realtime: { publish: (envelopes) => published.push(...envelopes) },
      push: { notify: () => {}, publicKey: world.deps.push.publicKey },
    };
  });
  afterAll(() => world.close());

  it("gives 20 concurrent senders and their concurrent retries gap-free seqs, each client id stored once with one event", async () => {
    const room = await createRoom(world.deps, mark, { title: "Dock 4", visibility: "public" });
    const senders = await makePeople(world.database.db, 20, "sender");
    const clientIds = senders.map(() => `c-${randomUUID()}`);
    // Every send three times at once: the original and two retries racing it.
    const attempts = senders.flatMap((sender, i) =>
      [0, 1, 2].map(() => sendMessage(deps, sender, { chatId: room.id, clientId: clientIds[i]!, body: `pallet ${i}` })),
    );
    const results = await Promise.all(attempts);

    for (let i = 0; i < senders.length; i++) {
      const answers = results.slice(i * 3, i * 3 + 3);
      expect(new Set(answers.map((m) => m.id)).size).toBe(1);
      expect(answers[0]!.clientId).toBe(clientIds[i]);
    }
    const stored = await world.database.db.select().from(messages).where(eq(messages.chatId, room.id)).orderBy(asc(messages.seq));
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(stored.map((m) => m.clientId))).toEqual(new Set(clientIds));
    const [chat] = await world.database.db.select({ lastSeq: chats.lastSeq }).from(chats).where(eq(chats.id, room.id));
    expect(chat!.lastSeq).toBe(20);
    const logged = await world.database.db
      .select({ id: events.id, payload: events.payload })
      .from(events)
      .where(and(eq(events.chatId, room.id), eq(events.type, "message.created")))
      .orderBy(asc(events.id));
    const loggedIds = logged.map((e) => (e.payload as { message: { id: string } }).message.id);
    expect(loggedIds).toHaveLength(20);
    expect(new Set(loggedIds)).toEqual(new Set(stored.map((m) => m.id)));
    // The event log's order is commit order, which is seq order.
    expect(logged.map((e) => (e.payload as { message: { seq: number } }).message.seq)).toEqual(stored.map((m) => m.seq));
  });

  it("refuses a send to a private room the sender was just taken off, storing nothing", async () => {
    const room = await createRoom(world.deps, mark, { title: "Returns desk", visibility: "private", access: { userIds: [pia.id], groupIds: [] } });
    await sendMessage(deps, pia, { chatId: room.id, clientId: `c-${randomUUID()}`, body: "on my way" });
    await updateRoom(world.deps, mark, { chatId: room.id, access: { userIds: [], groupIds: [] } });

    const clientId = `c-${randomUUID()}`;
    await expect(sendMessage(deps, pia, { chatId: room.id, clientId, body: "still here?" })).rejects.toMatchObject({ code: "forbidden" });
    expect(await world.database.db.select().from(messages).where(eq(messages.clientId, clientId))).toEqual([]);
    const [chat] = await world.database.db.select({ lastSeq: chats.lastSeq }).from(chats).where(eq(chats.id, room.id));
    expect(chat!.lastSeq).toBe(1);
  });

  it("publishes a private room's audience from its creator, access list and groups, without deactivated people", async () => {
    const [gone, bystander] = await makePeople(world.database.db, 2, "crew");
    const [crew] = await world.database.db.insert(groups).values({ name: `Night crew ${randomUUID()}` }).returning();
    await world.database.db.insert(groupMembers).values([
      { groupId: crew!.id, userId: olaf.id },
      { groupId: crew!.id, userId: gone!.id },
    ]);
    const room = await createRoom(world.deps, mark, { title: "Night shift", visibility: "private", access: { userIds: [pia.id], groupIds: [crew!.id] } });
    await world.database.db.update(users).set({ deactivatedAt: sql`now()` }).where(eq(users.id, gone!.id));

    published.length = 0;
    const sent = await sendMessage(deps, pia, { chatId: room.id, clientId: `c-${randomUUID()}`, body: "forklift 3 is down" });
    expect(published).toHaveLength(1);
    const envelope = published[0]!;
    expect(envelope.event).toEqual({ type: "message.created", chatId: room.id, message: sent });
    expect(new Set(envelope.audience as string[])).toEqual(new Set([mark.id, pia.id, olaf.id]));
    expect(envelope.audience).not.toContain(bystander!.id);
    // The writer and the hub's own lookup agree.
    const looked = await chatAudience(world.database.db, room.id);
    expect(looked).toEqual({ all: false, userIds: new Set(envelope.audience as string[]) });
  });

  it("publishes the audience of a company chat as everyone", async () => {
    const [company] = await world.database.db.select({ id: chats.id }).from(chats).where(eq(chats.kind, "company"));
    published.length = 0;
    await sendMessage(deps, pia, { chatId: company!.id, clientId: `c-${randomUUID()}`, body: "lunch" });
    expect(published[0]!.audience).toBe("all");
  });

  it("returns and logs the same DTO as a later read for a reply with a file and mentions", async () => {
    const room = await createRoom(world.deps, mark, { title: "Inbound", visibility: "public" });
    const quoted = await sendMessage(deps, mark, { chatId: room.id, clientId: `c-${randomUUID()}`, body: "which dock? 🚚".repeat(40) });
    const [file] = await world.database.db
      .insert(attachments)
      .values({ chatId: room.id, uploaderId: pia.id, storageKey: `k-${randomUUID()}`, name: "label.png", contentType: "image/png", size: 2048, width: 64, height: 48 })
      .returning();
    const [order] = await world.database.db.insert(entities).values({ type: "order", key: `O-${randomUUID().slice(0, 8)}`, title: "Order for Acme", status: "open" }).returning();

    published.length = 0;
    const sent = await sendMessage(deps, pia, {
      chatId: room.id,
      clientId: `c-${randomUUID()}`,
      body: "dock 2, @Mark",
      replyToId: quoted.id,
      attachmentIds: [file!.id],
      mentions: { userIds: [mark.id, randomUUID()], entityIds: [order!.id] },
    });

    expect(sent).toEqual(await loadMessage(world.database.db, sent.id));
    expect(sent.attachments).toEqual([{ id: file!.id, name: "label.png", contentType: "image/png", size: 2048, kind: "image", width: 64, height: 48 }]);
    expect(sent.mentions).toEqual({
      users: [{ id: mark.id, name: mark.name }],
      entities: [{ id: order!.id, type: "order", key: order!.key, title: "Order for Acme", status: "open" }],
    });
    expect(sent.replyTo).toMatchObject({ id: quoted.id, seq: quoted.seq, senderName: mark.name });
    const [logged] = await world.database.db.select({ payload: events.payload }).from(events).where(eq(events.id, published[0]!.id!));
    // The log replays exactly what the stream sent live.
    expect(logged!.payload).toEqual(JSON.parse(JSON.stringify(published[0]!.event)));
  });

  /**
   * Runs `sends` at once. On PostgreSQL they are held behind a lock on the chat's row until all
   * of them are waiting on a lock, so each has taken its snapshot before any commits: the race
   * happens every time, not only when the timing allows. PGlite has one connection: they queue.
   */
  async function race<T>(chatId: string, sends: (() => Promise<T>)[]): Promise<PromiseSettledResult<T>[]> {
    if (!process.env.DATABASE_URL) return Promise.allSettled(sends.map((send) => send()));
    const { db } = world.database;
    const { started } = await db.transaction(async (tx) => {
      await tx.execute(sql`select id from chats where id = ${chatId}::uuid for update`);
      const started = Promise.allSettled(sends.map((send) => send()));
      // Returns once every send waits on a lock (the chat row's, or a file row one of them holds).
      for (;;) {
        const [row] = await rawRows<{ waiting: number }>(
          db,
          sql`select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        );
        if (row!.waiting >= sends.length) break;
      }
      return { started };
    });
    return started;
  }

  it("sends a file with one message only: a send racing for it is refused whole, and a retry of the winner returns it with the file", async () => {
    const room = await createRoom(world.deps, mark, { title: "Returns", visibility: "public" });
    const [file] = await world.database.db
      .insert(attachments)
      .values({ chatId: room.id, uploaderId: pia.id, storageKey: `k-${randomUUID()}`, name: "damage.png", contentType: "image/png", size: 2048 })
      .returning();
    const clientIds = [`c-${randomUUID()}`, `c-${randomUUID()}`];
    published.length = 0;

    const results = await race(
      room.id,
      clientIds.map((clientId) => () => sendMessage(deps, pia, { chatId: room.id, clientId, body: "pallet damaged", attachmentIds: [file!.id] })),
    );

    const sent = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.attachments.map((a) => a.id)).toEqual([file!.id]);
    expect(refused).toEqual([expect.objectContaining({ code: "conflict", message: "This file is already attached to another message" })]);
    const stored = await world.database.db.select().from(messages).where(eq(messages.chatId, room.id));
    expect(stored.map((m) => m.id)).toEqual([sent[0]!.id]);
    const [chat] = await world.database.db.select({ lastSeq: chats.lastSeq }).from(chats).where(eq(chats.id, room.id));
    expect(chat!.lastSeq).toBe(1);
    expect(published).toHaveLength(1);
    expect(await world.database.db.select().from(events).where(and(eq(events.chatId, room.id), eq(events.type, "message.created")))).toHaveLength(1);

    // Exactly once: the winner's retry is its original message, file and all, and moves nothing.
    const retry = await sendMessage(deps, pia, { chatId: room.id, clientId: sent[0]!.clientId!, body: "pallet damaged", attachmentIds: [file!.id] });
    expect(retry).toEqual(sent[0]);
    const [after] = await world.database.db.select({ lastSeq: chats.lastSeq }).from(chats).where(eq(chats.id, room.id));
    expect(after!.lastSeq).toBe(1);
  });

  it("moves a read position in one round trip, telling only the reader and the authors it covers in a chat everyone reads", async () => {
    const room = await createRoom(world.deps, mark, { title: "Yard", visibility: "public" });
    await sendMessage(deps, mark, { chatId: room.id, clientId: `c-${randomUUID()}`, body: "gate 1" });
    const last = await sendMessage(deps, pia, { chatId: room.id, clientId: `c-${randomUUID()}`, body: "gate 2" });

    published.length = 0;
    const counter = countRoundTrips(world.database.db);
    try {
      expect(await markRead(deps, olaf, { chatId: room.id, seq: last.seq + 5 })).toEqual({ lastReadSeq: last.seq });
    } finally {
      counter.restore();
    }
    expect(counter.count()).toBe(1);
    expect(published).toHaveLength(1);
    expect(published[0]!.event).toEqual({ type: "read", chatId: room.id, userId: olaf.id, seq: last.seq });
    expect(new Set(published[0]!.only)).toEqual(new Set([olaf.id, mark.id, pia.id]));
    const [logged] = await world.database.db.select().from(events).where(eq(events.id, published[0]!.id!));
    expect(logged!.payload).toEqual(published[0]!.event);
    expect(new Set(logged!.onlyUserIds)).toEqual(new Set(published[0]!.only));

    // Never back, and nothing to tell.
    published.length = 0;
    expect(await markRead(deps, olaf, { chatId: room.id, seq: 1 })).toEqual({ lastReadSeq: last.seq });
    expect(published).toEqual([]);
  });

  it("takes one database round trip for a plain send", async () => {
    const [company] = await world.database.db.select({ id: chats.id }).from(chats).where(eq(chats.kind, "company"));
    const counter = countRoundTrips(world.database.db);
    try {
      await sendMessage(deps, olaf, { chatId: company!.id, clientId: `c-${randomUUID()}`, body: "one trip" });
    } finally {
      counter.restore();
    }
    expect(counter.count()).toBe(1);
  });
});

describe("last active, batched", () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await createTestWorld();
  });
  afterAll(() => world.close());

  it("writes a user's last-active time once per minute, all pending users in one update", async () => {
    const [a, b] = await makePeople(world.database.db, 2, "active");
    const lastActive = createLastActive(world.database.db);
    const t0 = Date.now();
    lastActive.touch(a!.id, t0);
    lastActive.touch(b!.id, t0);
    const counter = countRoundTrips(world.database.db);
    try {
      await lastActive.flush();
    } finally {
      counter.restore();
    }
    expect(counter.count()).toBe(1);
    const seen = async () =>
      (await world.database.db.select({ id: users.id, at: users.lastActiveAt }).from(users).where(inArray(users.id, [a!.id, b!.id]))).map((u) => u.at);
    expect((await seen()).every((at) => at !== null)).toBe(true);

    // Within the minute a touch is not written again; after it, it is.
    await world.database.db.update(users).set({ lastActiveAt: null }).where(inArray(users.id, [a!.id, b!.id]));
    lastActive.touch(a!.id, t0 + 30_000);
    await lastActive.flush();
    expect(await seen()).toEqual([null, null]);
    lastActive.touch(a!.id, t0 + 60_000);
    await lastActive.close();
    const [row] = await world.database.db.select({ at: users.lastActiveAt }).from(users).where(eq(users.id, a!.id));
    expect(row!.at).not.toBeNull();
  });
});
