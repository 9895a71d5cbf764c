import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { rawRows } from "~/db/client";
import type { Actor } from "~/server/domain-error";
import { type Realtime, createRealtime } from "~/server/realtime";
import type { Bus } from "~/server/realtime/bus";
import { openDirect } from "~/server/services/chat/open";
import { sendMessage } from "~/server/services/message/send";
import { findActor } from "~/server/services/users";
import { createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { openStream, recordingResponse, serveStream } from "../factories/stream";

/**
 * Another app instance on the world's database whose bus holds back the messages `hold`
 * picks until `release()`: an envelope overtaken on Redis by a later one, or lost.
 */
function instanceWithSlowBus(world: TestWorld, hold: (payload: string) => boolean, holeWaitMs: number, headPollMs?: number) {
  const held: (() => void)[] = [];
  const bus: Bus = {
    kind: world.bus.kind,
    publish: (channel, payload) => world.bus.publish(channel, payload),
    publishMany: (channel, payloads) => world.bus.publishMany(channel, payloads),
    subscribe: (handler) =>
      world.bus.subscribe((channel, payload) => {
        if (hold(payload)) held.push(() => handler(channel, payload));
        else handler(channel, payload);
      }),
    onReconnect: (handler) => world.bus.onReconnect(handler),
    ping: () => world.bus.ping(),
    close: () => Promise.resolve(),
  };
  const realtime = createRealtime({ db: world.database.db, bus, redisUrl: process.env.REDIS_URL, hub: { holeWaitMs, headPollMs } });
  return { realtime, held, release: () => held.splice(0).forEach((deliver) => deliver()) };
}

describe("event ids across instances", () => {
  let world: TestWorld;
  let pia: Actor;
  let mark: Actor;
  let markCookie: string;
  let dmId: string;
  const instances: Realtime[] = [];
  let clientSeq = 0;
  const send = (body: string) => sendMessage(world.deps, pia, { chatId: dmId, clientId: `order-${++clientSeq}`, body });
  const eventIdOf = async (messageId: string) => {
    const rows = await world.database.db.query.events.findMany({ where: (e, { eq }) => sql`${e.payload}->'message'->>'id' = ${messageId} and ${eq(e.type, "message.created")}` });
    return rows[0]!.id;
  };

  beforeAll(async () => {
    world = await createTestWorld();
    const personas = await createPersonas(world.database.db);
    pia = (await findActor(world.database.db, personas.picker.id))!;
    mark = (await findActor(world.database.db, personas.manager.id))!;
    markCookie = await signIn(world.auth, "mark");
    dmId = (await openDirect(world.deps, pia, [mark.id])).id;
    await send("hello");
  });
  afterAll(async () => {
    for (const instance of instances) await instance.close();
    await world.close();
  });

  it("holds an event back while an earlier one is in flight, so every stream gets them in order; a browser that reconnects meanwhile resumes before both and gets each once", async () => {
    // The log is read only after a minute: the held event reaches this instance over the bus alone.
    const b = instanceWithSlowBus(world, (payload) => payload.includes('"body":"overtaken"'), 60_000);
    instances.push(b.realtime);
    const server = await serveStream(world.auth, b.realtime.hub, world.deps);
    const recorded = recordingResponse();
    await b.realtime.hub.connect(mark.id, recorded.res, null);

    const first = await openStream(server.url, markCookie);
    await first.next("ready");
    const overtaken = await send("overtaken");
    const later = await send("later");
    // "later" came first over the bus; it waits for "overtaken", and nothing of either went out.
    await vi.waitFor(() => expect(b.realtime.hub.heldBack).toBe(1));
    expect(b.held).toHaveLength(1);
    expect(recorded.text()).not.toContain('"body":"later"');
    const lastEventId = Math.max(...first.received.map((r) => r.id ?? 0));
    expect(lastEventId).toBeLessThan(await eventIdOf(overtaken.id));
    first.close();

    // Reconnecting meanwhile: both are committed, so the backfill brings them, in order.
    const resumed = await openStream(server.url, markCookie, lastEventId);
    await resumed.next("ready");
    b.release();
    const marker = await send("marker");
    await resumed.next("message.created", (e) => e.message.id === marker.id);
    expect(resumed.all("message.created").map((e) => e.event.message.id)).toEqual([overtaken.id, later.id, marker.id]);
    resumed.close();

    // The stream that stayed open got them in order too, once each, each with its id.
    await vi.waitFor(() => expect(recorded.text()).toContain('"body":"marker"'), { timeout: 5_000 });
    const text = recorded.text();
    expect(text.match(/"body":"overtaken"/g)).toHaveLength(1);
    expect(text.match(/"body":"later"/g)).toHaveLength(1);
    expect(text.indexOf('"body":"overtaken"')).toBeLessThan(text.indexOf('"body":"later"'));
    expect(text).toMatch(new RegExp(`^id: ${await eventIdOf(later.id)}\nevent: message.created`, "m"));
    expect(b.realtime.hub.heldBack).toBe(0);
    await server.close();
  });

  it("an event lost on the bus is read from the log and delivered once, even if the bus brings it late", async () => {
    const c = instanceWithSlowBus(world, (payload) => payload.includes('"body":"lost"'), 50);
    instances.push(c.realtime);
    const server = await serveStream(world.auth, c.realtime.hub, world.deps);
    const stream = await openStream(server.url, markCookie);
    await stream.next("ready");
    const lost = await send("lost");
    await send("after the lost one");
    const fromLog = await stream.next("message.created", (e) => e.message.id === lost.id);
    expect(fromLog.id).toBe(await eventIdOf(lost.id));
    c.release();
    const marker = await send("marker after the late copy");
    await stream.next("message.created", (e) => e.message.id === marker.id);
    expect(stream.all("message.created").filter((e) => e.event.message.id === lost.id)).toHaveLength(1);
    stream.close();
    await server.close();
  });

  it("an event lost on the bus with nothing after it is still read from the log (its publisher died, or the bus was down)", async () => {
    const f = instanceWithSlowBus(world, (payload) => payload.includes('"body":"last words"'), 50, 50);
    instances.push(f.realtime);
    const server = await serveStream(world.auth, f.realtime.hub, world.deps);
    const stream = await openStream(server.url, markCookie);
    await stream.next("ready");
    // No later event shows the gap: only the log's head does.
    const lastWords = await send("last words");
    const fromLog = await stream.next("message.created", (e) => e.message.id === lastWords.id);
    expect(fromLog.id).toBe(await eventIdOf(lastWords.id));
    expect(f.held).toHaveLength(1);
    expect(stream.all("message.created").filter((e) => e.event.message.id === lastWords.id)).toHaveLength(1);
    stream.close();
    await server.close();
  });

  it("an id left unused by a rolled-back insert holds later events back only until the log shows it does not exist", async () => {
    const d = instanceWithSlowBus(world, () => false, 50);
    instances.push(d.realtime);
    const recorded = recordingResponse();
    await d.realtime.hub.connect(mark.id, recorded.res, null);
    // What a failed insert leaves: the identity drew a value that no row will ever have.
    await world.database.db.execute(sql`select nextval(pg_get_serial_sequence('events', 'id'))`);
    const after = await send("after the gap");
    const afterId = await eventIdOf(after.id);
    // Once the log has shown the gap empty, it goes out, and with its id.
    await vi.waitFor(() => expect(recorded.text()).toMatch(new RegExp(`^id: ${afterId}\nevent: message.created`, "m")), { timeout: 5_000 });
    expect(d.realtime.hub.heldBack).toBe(0);
  });

  it("an event whose id was taken for a rollback is still delivered when it turns up late", async () => {
    const e = instanceWithSlowBus(world, () => false, 50);
    instances.push(e.realtime);
    const recorded = recordingResponse();
    await e.realtime.hub.connect(mark.id, recorded.res, null);
    const [{ gap }] = (await rawRows<{ gap: number }>(world.database.db, sql`select nextval(pg_get_serial_sequence('events', 'id'))::int as gap`)) as [{ gap: number }];
    const after = await send("after the skipped id");
    const afterId = await eventIdOf(after.id);
    await vi.waitFor(() => expect(recorded.text()).toMatch(new RegExp(`^id: ${afterId}\nevent: message.created`, "m")), { timeout: 5_000 });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    // What a writer that drew its id before taking the commit-order lock would publish.
    world.realtime.publish([{ id: gap, only: [mark.id], event: { type: "presence", changes: [{ userId: "turned-up-late", online: true }] } }]);
    await vi.waitFor(() => expect(recorded.text()).toContain("turned-up-late"), { timeout: 5_000 });
    expect(errors).toHaveBeenCalledWith(expect.stringContaining(`event ${gap} committed after a later one`));
    errors.mockRestore();
  });
});
