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

  it("a browser that reconnects while an earlier event is in flight resumes before it and receives it exactly once", async () => {
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
    const laterFrame = await first.next("message.created", (e) => e.message.id === later.id);
    expect(b.held).toHaveLength(1);
    // Written at once, but without its id: the one before it has not arrived.
    expect(laterFrame.id).toBeNull();
    const lastEventId = Math.max(...first.received.map((r) => r.id ?? 0));
    expect(lastEventId).toBeLessThan(await eventIdOf(overtaken.id));
    first.close();

    const resumed = await openStream(server.url, markCookie, lastEventId);
    await resumed.next("ready");
    b.release();
    const marker = await send("marker");
    await resumed.next("message.created", (e) => e.message.id === marker.id);
    const ofChat = resumed.all("message.created").map((e) => e.event.message.id);
    expect(ofChat.filter((id) => id === overtaken.id)).toHaveLength(1);
    expect(ofChat.filter((id) => id === later.id)).toHaveLength(1);
    resumed.close();

    // A stream that stayed open: once the held event arrives, its Last-Event-ID moves past both.
    const laterId = await eventIdOf(later.id);
    const lastId = () => Math.max(0, ...[...recorded.text().matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1])));
    await vi.waitFor(() => expect(lastId()).toBeGreaterThanOrEqual(laterId), { timeout: 5_000 });
    expect(recorded.text().match(/"body":"overtaken"/g)).toHaveLength(1);
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

  it("an id left unused by a rolled-back insert does not hold the stream's ids back", async () => {
    const d = instanceWithSlowBus(world, () => false, 50);
    instances.push(d.realtime);
    const recorded = recordingResponse();
    await d.realtime.hub.connect(mark.id, recorded.res, null);
    // What a failed insert leaves: the identity drew a value that no row will ever have.
    await world.database.db.execute(sql`select nextval(pg_get_serial_sequence('events', 'id'))`);
    const after = await send("after the gap");
    const afterId = await eventIdOf(after.id);
    // Its frame went out without an id (the gap below it was open); the id follows on its own.
    await vi.waitFor(() => expect(recorded.text()).toMatch(new RegExp(`^id: ${afterId}\n\n`, "m")), { timeout: 5_000 });
    expect(recorded.text()).not.toMatch(new RegExp(`^id: ${afterId}\nevent:`, "m"));
  });

  it("an event whose id was taken for a rollback is still delivered when it turns up late", async () => {
    const e = instanceWithSlowBus(world, () => false, 50);
    instances.push(e.realtime);
    const recorded = recordingResponse();
    await e.realtime.hub.connect(mark.id, recorded.res, null);
    const [{ gap }] = (await rawRows<{ gap: number }>(world.database.db, sql`select nextval(pg_get_serial_sequence('events', 'id'))::int as gap`)) as [{ gap: number }];
    const after = await send("after the skipped id");
    const afterId = await eventIdOf(after.id);
    await vi.waitFor(() => expect(recorded.text()).toMatch(new RegExp(`^id: ${afterId}\n\n`, "m")), { timeout: 5_000 });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    // What a writer that drew its id before taking the commit-order lock would publish.
    world.realtime.publish([{ id: gap, only: [mark.id], event: { type: "presence", changes: [{ userId: "turned-up-late", online: true }] } }]);
    await vi.waitFor(() => expect(recorded.text()).toContain("turned-up-late"), { timeout: 5_000 });
    expect(errors).toHaveBeenCalledWith(expect.stringContaining(`event ${gap} committed after a later one`));
    errors.mockRestore();
  });
});
