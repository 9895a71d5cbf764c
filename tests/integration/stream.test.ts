import type { ServerResponse } from "node:http";
import { lte } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { events } from "~/db/schema";
import type { Actor } from "~/server/domain-error";
import { type Envelope, encodeEnvelope } from "~/server/realtime/envelope";
import { createRoom, updateRoom } from "~/server/services/chat/rooms";
import { openDirect } from "~/server/services/chat/open";
import { pruneEvents } from "~/server/services/events";
import { markRead } from "~/server/services/message/receipts";
import { sendMessage } from "~/server/services/message/send";
import { typing } from "~/server/services/message/typing";
import { findActor } from "~/server/services/users";
import { createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { openStream, serveStream } from "../factories/stream";

describe("GET /api/stream", () => {
  let world: TestWorld;
  let server: Awaited<ReturnType<typeof serveStream>>;
  let cookies: Record<"pia" | "mark" | "olaf", string>;
  let pia: Actor;
  let mark: Actor;
  let clientSeq = 0;
  // These tests are about delivery, not the send rate limit (messages.test.ts covers it).
  const send = (actor: Actor, chatId: string, body: string) =>
    sendMessage({ ...world.deps, sendLimiter: { take: () => true } }, actor, { chatId, clientId: `stream-test-${++clientSeq}`, body });

  beforeAll(async () => {
    world = await createTestWorld({ hub: { heartbeatMs: 50 } });
    const personas = await createPersonas(world.database.db);
    pia = (await findActor(world.database.db, personas.picker.id))!;
    mark = (await findActor(world.database.db, personas.manager.id))!;
    cookies = { pia: await signIn(world.auth, "pia"), mark: await signIn(world.auth, "mark"), olaf: await signIn(world.auth, "olaf") };
    server = await serveStream(world.auth, world.realtime.hub, world.deps);
  });
  afterAll(async () => {
    await server.close();
    await world.close();
  });

  it("refuses an anonymous connection with 401", async () => {
    const response = await fetch(server.url);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: "unauthorized", message: "Sign in first" } });
  });

  it("opens an event stream for a signed-in user: ready first, then heartbeats", async () => {
    const stream = await openStream(server.url, cookies.pia);
    expect(stream.status).toBe(200);
    expect(stream.response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const ready = await stream.next("ready");
    expect(ready.event.userId).toBe(pia.id);
    expect(ready.id).toBe(ready.event.lastEventId);
    await stream.next("heartbeat");
    stream.close();
  });

  it("skips malformed messages on the bus, keeps the instance up and delivers the next event", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const stream = await openStream(server.url, cookies.pia);
    await stream.next("ready");
    const event = '{"type":"presence","changes":[]}';
    const bad = [
      "not json",
      `null\n${event}`,
      `[]\n${event}`,
      `{"type":null}\n${event}`,
      `{"type":"presence\\nid: 9"}\n${event}`,
      `{"type":"presence","only":"x"}\n${event}`,
      `{"type":"presence","id":"1"}\n${event}`,
      `{"type":"presence"}\nnot json`,
      // A line break in the event would let it forge frames of its own.
      `{"type":"presence"}\n{"changes":[]}\n\nid: 999999\ndata: {}`,
    ];
    for (const payload of bad) await world.bus.publish("events", payload);
    const good: Envelope = { event: { type: "presence", changes: [{ userId: "after-garbage", online: true }] }, only: [pia.id] };
    await world.bus.publish("events", encodeEnvelope(good));
    const delivered = await stream.next("presence", (event) => event.changes.some((change) => change.userId === "after-garbage"));
    expect(delivered.event).toEqual(good.event);
    expect(errors.mock.calls.filter(([line]) => String(line).startsWith("[bus] skipped")).length).toBe(bad.length);
    errors.mockRestore();
    stream.close();
  });

  it("delivers a message to the chat's readers and to nobody else", async () => {
    const room = await createRoom(world.deps, mark, { title: "Dock 3", visibility: "private", access: { userIds: [pia.id], groupIds: [] } });
    const piaStream = await openStream(server.url, cookies.pia);
    const olafStream = await openStream(server.url, cookies.olaf);
    await Promise.all([piaStream.next("ready"), olafStream.next("ready")]);
    const secret = await send(mark, room.id, "pallet 7 is damaged");
    const seen = await piaStream.next("message.created", (e) => e.message.id === secret.id);
    expect(seen.event.message.body).toBe("pallet 7 is damaged");
    // A later public message reaches the outsider; by then the private one would have too.
    const { id: companyId } = (await world.deps.db.query.chats.findFirst({ where: (c, { eq }) => eq(c.kind, "company") }))!;
    const hello = await send(mark, companyId, "morning all");
    await olafStream.next("message.created", (e) => e.message.id === hello.id);
    expect(olafStream.all("message.created").map((e) => e.event.message.id)).not.toContain(secret.id);
    expect(JSON.stringify(olafStream.received)).not.toContain(room.id);
    piaStream.close();
    olafStream.close();
  });

  it("resumes from Last-Event-ID with exactly the missed events, in order, once", async () => {
    const dm = await openDirect(world.deps, pia, [mark.id]);
    await send(pia, dm.id, "first");
    const stream = await openStream(server.url, cookies.mark);
    const ready = await stream.next("ready");
    stream.close();
    const sent = [];
    for (let i = 0; i < 20; i++) sent.push(await send(pia, dm.id, `missed ${i}`));
    const resumed = await openStream(server.url, cookies.mark, ready.event.lastEventId);
    await resumed.next("ready");
    const replayed = resumed.all("message.created").filter((e) => e.event.chatId === dm.id);
    expect(replayed.map((e) => e.event.message.id)).toEqual(sent.map((m) => m.id));
    const ids = replayed.map((e) => e.id!);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    // Live events after the backfill are not repeated.
    const live = await send(pia, dm.id, "live again");
    await resumed.next("message.created", (e) => e.message.id === live.id);
    expect(resumed.all("message.created").filter((e) => e.event.message.id === live.id)).toHaveLength(1);
    resumed.close();
  });

  it("stops delivering a private room's events the moment a user loses access", async () => {
    const room = await createRoom(world.deps, mark, { title: "Night shift", visibility: "private", access: { userIds: [pia.id], groupIds: [] } });
    const stream = await openStream(server.url, cookies.pia);
    await stream.next("ready");
    const before = await send(mark, room.id, "before");
    await stream.next("message.created", (e) => e.message.id === before.id);
    await updateRoom(world.deps, mark, { chatId: room.id, access: { userIds: [], groupIds: [] } });
    await stream.next("chat.changed", (e) => e.chatId === room.id && e.reason === "access");
    const after = await send(mark, room.id, "after");
    const marker = await send(mark, (await openDirect(world.deps, mark, [pia.id])).id, "marker");
    await stream.next("message.created", (e) => e.message.id === marker.id);
    expect(stream.all("message.created").map((e) => e.event.message.id)).not.toContain(after.id);
    stream.close();
  });

  it("sends a read position in the company chat to the authors it covers and the reader, not to everyone", async () => {
    const { id: companyId } = (await world.deps.db.query.chats.findFirst({ where: (c, { eq }) => eq(c.kind, "company") }))!;
    const authorStream = await openStream(server.url, cookies.pia);
    const bystander = await openStream(server.url, cookies.olaf);
    await Promise.all([authorStream.next("ready"), bystander.next("ready")]);
    const sent = await send(pia, companyId, "dock 4 is free");
    await markRead(world.deps, mark, { chatId: companyId, seq: sent.seq });
    const read = await authorStream.next("read", (e) => e.userId === mark.id && e.seq === sent.seq);
    expect(read.id).not.toBeNull();
    const marker = await send(mark, companyId, "marker");
    await bystander.next("message.created", (e) => e.message.id === marker.id);
    expect(bystander.all("read").filter((e) => e.event.userId === mark.id)).toEqual([]);
    authorStream.close();
    // The author also gets it on a reconnect.
    const resumed = await openStream(server.url, cookies.pia, read.id! - 1);
    await resumed.next("read", (e) => e.userId === mark.id && e.seq === sent.seq);
    resumed.close();
    bystander.close();
  });

  it("sends typing to the chat's other readers only, and never stores it", async () => {
    const dm = await openDirect(world.deps, pia, [mark.id]);
    await send(pia, dm.id, "are you there?");
    const markStream = await openStream(server.url, cookies.mark);
    const piaStream = await openStream(server.url, cookies.pia);
    await Promise.all([markStream.next("ready"), piaStream.next("ready")]);
    await typing(world.deps, pia, { chatId: dm.id });
    const seen = await markStream.next("typing", (e) => e.chatId === dm.id);
    expect(seen.id).toBeNull();
    expect(seen.event).toMatchObject({ userId: pia.id, name: "Pia Picker" });
    const rows = await world.deps.db.query.events.findMany({ where: (e, { eq }) => eq(e.type, "typing") });
    expect(rows).toEqual([]);
    const marker = await send(mark, dm.id, "yes");
    await piaStream.next("message.created", (e) => e.message.id === marker.id);
    expect(piaStream.all("typing")).toEqual([]);
    markStream.close();
    piaStream.close();
  });

  it("forgets a connection when the client goes away", async () => {
    await vi.waitFor(() => expect(world.realtime.hub.size).toBe(0));
    const stream = await openStream(server.url, cookies.olaf);
    await stream.next("ready");
    expect(world.realtime.hub.size).toBe(1);
    stream.close();
    await vi.waitFor(() => expect(world.realtime.hub.size).toBe(0));
  });
});

describe("stream resilience", () => {
  let world: TestWorld;
  let server: Awaited<ReturnType<typeof serveStream>>;
  let pia: Actor;
  let mark: Actor;
  let piaCookie: string;

  beforeAll(async () => {
    world = await createTestWorld({ hub: { maxBufferedBytes: 64 * 1024 } });
    const personas = await createPersonas(world.database.db);
    pia = (await findActor(world.database.db, personas.picker.id))!;
    mark = (await findActor(world.database.db, personas.manager.id))!;
    piaCookie = await signIn(world.auth, "pia");
    server = await serveStream(world.auth, world.realtime.hub, world.deps);
  });
  afterAll(async () => {
    await server.close();
    await world.close();
  });

  it("cuts off a client whose unsent data passes the limit instead of buffering without bound", async () => {
    const dm = await openDirect(world.deps, mark, [pia.id]);
    // A phone that stopped reading: the kernel's buffers are full, so Node's own buffer grows.
    // (On loopback the kernel would first absorb tens of megabytes, hence a stand-in response.)
    let buffered = 0;
    let destroyed = false;
    const stalled = {
      get writableLength() {
        return buffered;
      },
      get destroyed() {
        return destroyed;
      },
      write(chunk: string) {
        buffered += chunk.length;
        return false;
      },
      destroy() {
        destroyed = true;
      },
      end() {},
    } as unknown as ServerResponse;
    const remove = await world.realtime.hub.connect(pia.id, stalled, null);
    for (let i = 0; i < 20 && !destroyed; i++) {
      await sendMessage(world.deps, mark, { chatId: dm.id, clientId: `flood-${i}`, body: "x".repeat(10_000) });
      await vi.waitFor(() => expect(buffered).toBeGreaterThan(i * 10_000));
    }
    expect(destroyed).toBe(true);
    expect(buffered).toBeLessThan(64 * 1024 + 20_000);
    remove();
  });

  it("tells a client whose cursor predates the pruned log to reload (resync)", async () => {
    const dm = await openDirect(world.deps, mark, [pia.id]);
    await sendMessage(world.deps, mark, { chatId: dm.id, clientId: "before-prune", body: "old" });
    const [{ id: cursor }] = (await world.deps.db.select({ id: events.id }).from(events).orderBy(events.id).limit(1)) as [{ id: number }];
    await sendMessage(world.deps, mark, { chatId: dm.id, clientId: "after-cursor", body: "newer" });
    await world.deps.db.update(events).set({ createdAt: new Date(Date.now() - 30 * 86_400_000) }).where(lte(events.id, cursor + 1));
    expect(await pruneEvents(world.deps.db)).toBeGreaterThan(0);
    await sendMessage(world.deps, mark, { chatId: dm.id, clientId: "latest", body: "latest" });
    const stream = await openStream(server.url, piaCookie, cursor - 1 < 0 ? 0 : cursor - 1);
    const resync = await stream.next("resync");
    expect(resync.event.reason).toBe("missed events expired");
    await stream.next("ready");
    stream.close();
  });
});
