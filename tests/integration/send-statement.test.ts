import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, rawRows } from "~/db/client";
import { attachments, auditLog, chats, entities, events, groupMembers, groups, messageReactions, messages, users } from "~/db/schema";
import type { Actor } from "~/server/domain-error";
import type { Envelope } from "~/server/realtime/envelope";
import type { MessageDto } from "~/contracts/messages";
import { chatAudience } from "~/server/services/access";
import { createRoom, updateRoom } from "~/server/services/chat/rooms";
import type { Deps } from "~/server/services/deps";
import { createLastActive } from "~/server/services/last-active";
import { deleteMessage, editMessage } from "~/server/services/message/change";
import { loadMessage } from "~/server/services/message/dto";
import { markRead } from "~/server/services/message/receipts";
import { sendMessage } from "~/server/services/message/send";
import { MAX_DISTINCT_EMOJI, react } from "~/server/services/message/reactions";
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

  it("lets one of two sends naming the same files in opposite orders go out with both, and refuses the other whole", async () => {
    const room = await createRoom(world.deps, mark, { title: "Dock 4", visibility: "public" });
    const files = await world.database.db
      .insert(attachments)
      .values(["front.png", "back.png"].map((name) => ({ chatId: room.id, uploaderId: pia.id, storageKey: `k-${randomUUID()}`, name, contentType: "image/png", size: 2048 })))
      .returning();
    const ids = files.map((f) => f.id);
    const results = await race(
      room.id,
      [ids, [...ids].reverse()].map((attachmentIds) => () => sendMessage(deps, pia, { chatId: room.id, clientId: `c-${randomUUID()}`, body: "both sides", attachmentIds })),
    );
    const sent = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect(sent).toHaveLength(1);
    expect(new Set(sent[0]!.attachments.map((a) => a.id))).toEqual(new Set(ids));
    expect(refused).toEqual([expect.objectContaining({ code: "conflict", message: "This file is already attached to another message" })]);
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

describe("edit, delete and react are one statement each", () => {
  let world: TestWorld;
  let mark: Actor;
  let pia: Actor;
  let olaf: Actor;
  const published: Envelope[] = [];
  let deps: Deps;
  // More different emoji than one message may carry.
  const EMOJI = [..."😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗🤩🤔🤨😐😑"];

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

  const send = (who: Actor, chatId: string, body: string) => sendMessage(deps, who, { chatId, clientId: `c-${randomUUID()}`, body });
  /** The message.updated events of a message, in log (commit) order. */
  const updatesOf = async (messageId: string) =>
    (await world.database.db.select().from(events).where(eq(events.type, "message.updated")).orderBy(asc(events.id))).filter(
      (e) => (e.payload as { message: MessageDto }).message.id === messageId,
    );
  const auditsOf = (messageId: string) => world.database.db.select().from(auditLog).where(eq(auditLog.targetId, messageId)).orderBy(asc(auditLog.id));
  const reactionCount = (event: { payload: unknown }) =>
    (event.payload as { message: MessageDto }).message.reactions.reduce((sum, r) => sum + r.count, 0);
  /** Consecutive: no event was lost or half-written between them. */
  const expectConsecutive = (ids: number[]) => expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));

  it(`keeps at most ${MAX_DISTINCT_EMOJI} different emoji when 30 people react at once, twice each, with one event per reaction added, each showing all before it`, async () => {
    const room = await createRoom(world.deps, mark, { title: "Canteen", visibility: "public" });
    const message = await send(mark, room.id, "cake in the canteen");
    const people = await makePeople(world.database.db, 30, "fan");
    published.length = 0;
    const attempts = people.flatMap((person, i) =>
      [0, 1].map(() => react(deps, person, { messageId: message.id, emoji: EMOJI[i % EMOJI.length]!, on: true }).then(
        () => "added",
        (error: { code?: string }) => error.code,
      )),
    );
    const outcomes = await Promise.all(attempts);

    const stored = await world.database.db.select().from(messageReactions).where(eq(messageReactions.messageId, message.id));
    expect(new Set(stored.map((r) => r.emoji)).size).toBe(MAX_DISTINCT_EMOJI);
    // Both attempts of one person have the same outcome: a refusal, or one reaction.
    for (let i = 0; i < people.length; i++) expect(outcomes[2 * i]).toBe(outcomes[2 * i + 1]);
    expect(outcomes.filter((o) => o !== "added").every((o) => o === "invalid")).toBe(true);
    expect(stored).toHaveLength(outcomes.filter((o) => o === "added").length / 2);

    const logged = await updatesOf(message.id);
    expect(logged).toHaveLength(stored.length);
    expectConsecutive(logged.map((e) => e.id));
    // Each event carries the message as it was at its commit: one reaction more than the one before.
    expect(logged.map(reactionCount)).toEqual(logged.map((_, i) => i + 1));
    expect((logged.at(-1)!.payload as { message: MessageDto }).message.reactions).toEqual((await loadMessage(world.database.db, message.id))!.reactions);
    expect(published.map((e) => e.id)).toEqual(expect.arrayContaining(logged.map((e) => e.id)));
    expect(published).toHaveLength(logged.length);
    expect(published.every((e) => e.audience === "all")).toBe(true);
  });

  it("gives concurrent edits and reacts on one message commit-ordered events, each with the message as that commit left it", async () => {
    const room = await createRoom(world.deps, mark, { title: "Loading bay", visibility: "public" });
    const message = await send(pia, room.id, "bay 1");
    const people = await makePeople(world.database.db, 10, "crew");
    const bodies = Array.from({ length: 10 }, (_, i) => `bay ${i + 2}`);
    await Promise.all([
      ...bodies.map((body) => editMessage(deps, pia, { messageId: message.id, body })),
      ...people.map((person) => react(deps, person, { messageId: message.id, emoji: "👍", on: true })),
    ]);

    const logged = await updatesOf(message.id);
    expect(logged).toHaveLength(20);
    expectConsecutive(logged.map((e) => e.id));
    const shown = logged.map((e) => (e.payload as { message: MessageDto }).message);
    const edits = await auditsOf(message.id);
    expect(edits).toHaveLength(10);
    // Every edit's audit row starts from the body the event before it showed, and its event shows its result.
    let body = "bay 1";
    let reactions = 0;
    for (const dto of shown) {
      if (dto.body === body) {
        expect(dto.reactions[0]?.count).toBe(++reactions);
      } else {
        const edit = edits.shift()!;
        expect(edit).toMatchObject({ action: "message.edit", before: { body }, after: { body: dto.body } });
        expect(dto.reactions[0]?.count ?? 0).toBe(reactions);
        body = dto.body!;
      }
    }
    expect(reactions).toBe(10);
    expect(edits).toEqual([]);
    expect(shown.at(-1)).toEqual(JSON.parse(JSON.stringify(await loadMessage(world.database.db, message.id))));
  });

  it("refuses an edit or delete by someone who neither wrote the message nor may moderate, writing no event and no audit row", async () => {
    const [company] = await world.database.db.select({ id: chats.id }).from(chats).where(eq(chats.kind, "company"));
    const message = await send(pia, company!.id, "pallet 7 is mine");
    await expect(editMessage(deps, olaf, { messageId: message.id, body: "pallet 7 is Olaf's" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(deleteMessage(deps, olaf, { messageId: message.id })).rejects.toMatchObject({ code: "forbidden" });
    expect(await updatesOf(message.id)).toEqual([]);
    expect(await auditsOf(message.id)).toEqual([]);
    expect(await loadMessage(world.database.db, message.id)).toEqual(message);
  });

  it("deletes to a tombstone in one round trip, with an audit row keeping the old body, told to the room's audience", async () => {
    const room = await createRoom(world.deps, mark, { title: "Payroll", visibility: "private", access: { userIds: [pia.id], groupIds: [] } });
    const message = await send(pia, room.id, "my PIN is 1234");
    await react(deps, mark, { messageId: message.id, emoji: "😱", on: true });

    published.length = 0;
    const counter = countRoundTrips(world.database.db);
    let tombstone;
    try {
      tombstone = await deleteMessage(deps, pia, { messageId: message.id });
    } finally {
      counter.restore();
    }
    expect(counter.count()).toBe(1);
    expect(tombstone).toMatchObject({ id: message.id, body: null, data: null, reactions: [], attachments: [] });
    expect(tombstone.deletedAt).toBeInstanceOf(Date);
    expect(tombstone).toEqual(await loadMessage(world.database.db, message.id));
    const [row] = await world.database.db.select({ body: messages.body }).from(messages).where(eq(messages.id, message.id));
    expect(row!.body).toBe("");
    expect(await auditsOf(message.id)).toMatchObject([{ actorKind: "user", actorId: pia.id, action: "message.delete", before: { body: "my PIN is 1234" }, after: null }]);
    expect(published).toHaveLength(1);
    expect(published[0]!.event).toEqual({ type: "message.updated", chatId: room.id, message: tombstone });
    expect(new Set(published[0]!.audience as string[])).toEqual(new Set([mark.id, pia.id]));
    const [logged] = await world.database.db.select({ payload: events.payload }).from(events).where(eq(events.id, published[0]!.id!));
    expect(logged!.payload).toEqual(JSON.parse(JSON.stringify(published[0]!.event)));

    await expect(deleteMessage(deps, pia, { messageId: message.id })).rejects.toMatchObject({ code: "conflict", message: "This message was deleted" });
    await expect(react(deps, mark, { messageId: message.id, emoji: "👍", on: true })).rejects.toMatchObject({ code: "conflict" });
    expect(await auditsOf(message.id)).toHaveLength(1);
  });

  it("edits and reacts in one round trip each, returning and logging the DTO a later read gives; an unchanged body or reaction tells nobody", async () => {
    const room = await createRoom(world.deps, mark, { title: "Inbound 2", visibility: "public" });
    const quoted = await send(mark, room.id, "which dock?");
    const [file] = await world.database.db
      .insert(attachments)
      .values({ chatId: room.id, uploaderId: pia.id, storageKey: `k-${randomUUID()}`, name: "label.pdf", contentType: "application/pdf", size: 512 })
      .returning();
    const [order] = await world.database.db.insert(entities).values({ type: "order", key: `O-${randomUUID().slice(0, 8)}`, title: "Order for Acme", status: "open" }).returning();
    const sent = await sendMessage(deps, pia, {
      chatId: room.id,
      clientId: `c-${randomUUID()}`,
      body: "dock 2",
      replyToId: quoted.id,
      attachmentIds: [file!.id],
      mentions: { userIds: [mark.id], entityIds: [order!.id] },
    });
    await react(deps, olaf, { messageId: sent.id, emoji: "👍", on: true });

    const once = async <T>(run: () => Promise<T>): Promise<T> => {
      published.length = 0;
      const counter = countRoundTrips(world.database.db);
      try {
        return await run();
      } finally {
        counter.restore();
        expect(counter.count()).toBe(1);
      }
    };
    const edited = await once(() => editMessage(deps, pia, { messageId: sent.id, body: "dock 3" }));
    expect(edited).toMatchObject({ body: "dock 3", attachments: sent.attachments, mentions: sent.mentions, replyTo: sent.replyTo });
    expect(edited.editedAt).toBeInstanceOf(Date);
    expect(edited).toEqual(await loadMessage(world.database.db, sent.id));
    expect(published.map((e) => e.event)).toEqual([{ type: "message.updated", chatId: room.id, message: edited }]);

    const reacted = await once(() => react(deps, mark, { messageId: sent.id, emoji: "👍", on: true }));
    expect(reacted.reactions).toEqual([{ emoji: "👍", count: 2, users: [{ id: olaf.id, name: olaf.name }, { id: mark.id, name: mark.name }] }]);
    expect(reacted).toEqual(await loadMessage(world.database.db, sent.id));
    const [logged] = await world.database.db.select({ payload: events.payload }).from(events).where(eq(events.id, published[0]!.id!));
    expect(logged!.payload).toEqual(JSON.parse(JSON.stringify(published[0]!.event)));

    const removed = await once(() => react(deps, olaf, { messageId: sent.id, emoji: "👍", on: false }));
    expect(removed.reactions).toEqual([{ emoji: "👍", count: 1, users: [{ id: mark.id, name: mark.name }] }]);
    expect(removed).toEqual(await loadMessage(world.database.db, sent.id));
    expect(published).toHaveLength(1);

    const before = (await updatesOf(sent.id)).length;
    published.length = 0;
    expect(await react(deps, olaf, { messageId: sent.id, emoji: "👍", on: false })).toEqual(removed);
    expect(await react(deps, mark, { messageId: sent.id, emoji: "👍", on: true })).toEqual(removed);
    expect(await editMessage(deps, pia, { messageId: sent.id, body: " dock 3 " })).toEqual(removed);
    expect(published).toEqual([]);
    expect(await updatesOf(sent.id)).toHaveLength(before);
    expect(await auditsOf(sent.id)).toHaveLength(1);
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
