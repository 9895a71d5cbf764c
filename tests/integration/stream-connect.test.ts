import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { users } from "~/db/schema";
import { createRealtime } from "~/server/realtime";
import { createMemoryBus } from "~/server/realtime/bus";
import { parseLastEventId } from "~/server/realtime/stream";
import { type Hub, HubClosedError } from "~/server/realtime/hub";
import { sendMessage } from "~/server/services/message/send";
import { findActor } from "~/server/services/users";
import { createPersonas, signIn } from "../factories/auth";
import { createTestDatabase } from "../factories/db";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { openStream, serveStream } from "../factories/stream";

/** Hands every request to `hub.connect` as `userId`, skipping sign-in: a session read just before a change. */
async function serveConnect(hub: Hub, userId: string) {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/event-stream" });
    void hub.connect(userId, res, parseLastEventId(req)).then((remove) => res.on("close", remove));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/stream`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("opening a stream connection", () => {
  let world: TestWorld;
  let ids: Record<"pia" | "olaf", string>;

  beforeAll(async () => {
    world = await createTestWorld();
    const personas = await createPersonas(world.database.db);
    ids = { pia: personas.picker.id, olaf: personas.outsider.id };
  });
  afterAll(() => world.close());

  it("takes no stream while its instance shuts down: the socket is dropped unanswered, so the client (or a proxy) retries on another", async () => {
    const realtime = createRealtime({ db: world.database.db, bus: createMemoryBus(), redisUrl: process.env.REDIS_URL });
    const server = await serveStream(world.auth, realtime.hub, world.deps);
    try {
      realtime.hub.close();
      await expect(openStream(server.url, await signIn(world.auth, "pia"))).rejects.toThrow();
      expect(realtime.hub.size).toBe(0);
    } finally {
      await server.close();
      await realtime.close();
    }
  });

  it("ends a stream still opening when its instance began shutting down, writes nothing after, and keeps nothing registered", async () => {
    const realtime = createRealtime({ db: world.database.db, bus: createMemoryBus(), redisUrl: process.env.REDIS_URL });
    let opening: Promise<unknown> | undefined;
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/event-stream" });
      opening = realtime.hub.connect(ids.pia, res, null).catch((error: unknown) => error);
      // SIGTERM arrives while the connection is between registering and going live.
      realtime.hub.close();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/stream`);
      expect(await response.text()).toBe("");
      expect(await opening).toBeInstanceOf(HubClosedError);
      expect(realtime.hub.size).toBe(0);
      expect(realtime.hub.isLocal(ids.pia)).toBe(false);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await realtime.close();
    }
  });

  it("drops a connection whose backfill fails: the hub holds nothing for the user and presence shows them offline", async () => {
    // A real database that is gone (as while PostgreSQL restarts): the backfill's query rejects.
    const gone = await createTestDatabase();
    await gone.close();
    const bus = createMemoryBus();
    const realtime = createRealtime({ db: gone.db, bus, redisUrl: process.env.REDIS_URL });
    const server = await serveStream(world.auth, realtime.hub, world.deps);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const stream = await openStream(server.url, await signIn(world.auth, "pia"));
      await stream.next("hello");
      await expect(stream.next("ready")).rejects.toThrow("stream ended before a ready event");
      expect(realtime.hub.size).toBe(0);
      expect(realtime.hub.isLocal(ids.pia)).toBe(false);
      await vi.waitFor(async () => expect((await realtime.presence.onlineUserIds()).has(ids.pia)).toBe(false));
      expect(errors).toHaveBeenCalledWith("[stream] connect failed:", expect.any(Error));
    } finally {
      errors.mockRestore();
      await server.close();
      await realtime.close();
      await bus.close();
    }
  });

  it("ends a connection that registers after its user was deactivated, replaying nothing", async () => {
    const olaf = (await findActor(world.database.db, ids.olaf))!;
    const { id: companyId } = (await world.database.db.query.chats.findFirst({ where: (c, { eq }) => eq(c.kind, "company") }))!;
    await sendMessage(world.deps, olaf, { chatId: companyId, clientId: "deactivated-race-1", body: "last words before leaving" });
    await world.database.db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, ids.olaf));
    // Its session was read before the deactivation committed, so the handler let it through; the
    // deactivation's broadcast went out before it registered.
    const server = await serveConnect(world.realtime.hub, ids.olaf);
    try {
      const stream = await openStream(server.url, null, 0);
      await expect(stream.next("ready")).rejects.toThrow("stream ended before a ready event");
      expect(stream.received.map((r) => r.event.type)).toEqual(["hello"]);
      expect(world.realtime.hub.isLocal(ids.olaf)).toBe(false);
    } finally {
      await server.close();
    }
  });
});
