import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { auditLog, sessions, users } from "~/db/schema";
import type { Realtime } from "~/server/realtime";
import { authenticateToken } from "~/server/services/tokens";
import { createUser } from "~/server/services/users";
import { PASSWORD, callerFor, createPersonas, signIn, signInRequest } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { openStream, serveStream } from "../factories/stream";

type Caller = Awaited<ReturnType<typeof callerFor>>;

/**
 * Two app instances on one database and bus (Redis with REDIS_URL): the admin works on A,
 * the person being deactivated streams from B.
 */
describe("deactivating a person takes effect at once, on every instance", () => {
  let world: TestWorld;
  let instanceB: Realtime;
  let streamA: Awaited<ReturnType<typeof serveStream>>;
  let streamB: Awaited<ReturnType<typeof serveStream>>;
  let alice: Caller;
  const ids = {} as Record<"alice" | "mark" | "pia" | "olaf" | "ada", string>;

  beforeAll(async () => {
    world = await createTestWorld();
    instanceB = await world.addInstance();
    const db = world.database.db;
    const personas = await createPersonas(db);
    const ada = await createUser(db, "system", { username: "ada", name: "Ada Admin", role: "admin", password: PASSWORD });
    Object.assign(ids, { alice: personas.admin.id, mark: personas.manager.id, pia: personas.picker.id, olaf: personas.outsider.id, ada: ada.id });
    alice = await callerFor(world.deps, world.auth, await signIn(world.auth, "alice"));
    streamA = await serveStream(world.auth, world.realtime.hub, world.deps);
    streamB = await serveStream(world.auth, instanceB.hub, world.deps);
  });
  afterAll(async () => {
    await streamA?.close();
    await streamB?.close();
    await world?.close();
  });

  it("refuses deactivate and reactivate to managers and workers (FORBIDDEN) and to the anonymous (UNAUTHORIZED)", async () => {
    const mark = await callerFor(world.deps, world.auth, await signIn(world.auth, "mark"));
    const pia = await callerFor(world.deps, world.auth, await signIn(world.auth, "pia"));
    const anonymous = await callerFor(world.deps, world.auth, null);
    for (const caller of [mark, pia]) {
      await expect(caller.user.deactivate({ userId: ids.olaf })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.user.reactivate({ userId: ids.olaf })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    await expect(anonymous.user.deactivate({ userId: ids.olaf })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const [olaf] = await world.database.db.select({ deactivatedAt: users.deactivatedAt }).from(users).where(eq(users.id, ids.olaf));
    expect(olaf?.deactivatedAt).toBeNull();
  });

  it("refuses an admin deactivating themselves, with a clear message", async () => {
    await expect(alice.user.deactivate({ userId: ids.alice })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "You cannot deactivate your own account",
    });
    expect((await alice.user.me()).id).toBe(ids.alice);
  });

  it("answers NOT_FOUND for an unknown person", async () => {
    await expect(alice.user.deactivate({ userId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("ends the person's stream on the other instance, signs them out everywhere and keeps their API tokens", async () => {
    const adaCookie = await signIn(world.auth, "ada");
    const otherDevice = await signIn(world.auth, "ada");
    const ada = await callerFor(world.deps, world.auth, adaCookie);
    const { token } = await ada.token.create({ name: "Ada's WMS link", scopes: ["read"] });
    const stream = await openStream(streamB.url, adaCookie);
    const ready = await stream.next("ready");
    expect(instanceB.hub.isLocal(ids.ada)).toBe(true);

    const result = await alice.user.deactivate({ userId: ids.ada });
    expect(result.deactivatedAt).toBeInstanceOf(Date);
    // The bound: the stream on the other instance is closed within a second.
    await vi.waitFor(() => expect(stream.ended).toBe(true), { timeout: 1_000, interval: 10 });
    expect(instanceB.hub.isLocal(ids.ada)).toBe(false);
    await vi.waitFor(async () => expect((await instanceB.presence.onlineUserIds()).has(ids.ada)).toBe(false));

    for (const cookie of [adaCookie, otherDevice]) {
      const caller = await callerFor(world.deps, world.auth, cookie);
      await expect(caller.user.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    expect(await world.database.db.select().from(sessions).where(eq(sessions.userId, ids.ada))).toEqual([]);
    // Reconnecting as the browser does, with its Last-Event-ID, on either instance, replays nothing.
    for (const url of [streamA.url, streamB.url]) {
      const resumed = await openStream(url, adaCookie, ready.event.lastEventId);
      expect(resumed.status).toBe(401);
      resumed.close();
    }
    // Integrations the person set up for the organisation keep working.
    await expect(authenticateToken(world.database.db, `Bearer ${token}`)).resolves.toMatchObject({ name: "Ada's WMS link" });
    const audit = await world.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "user.deactivate"), eq(auditLog.targetId, ids.ada)));
    expect(audit).toMatchObject([{ actorKind: "user", actorId: ids.alice, targetType: "user" }]);
    expect((await alice.user.list()).find((u) => u.id === ids.ada)?.deactivated).toBe(true);
  });

  it("refuses a stream to a deactivated person whose session is still in the database (401)", async () => {
    const cookie = await signIn(world.auth, "olaf");
    // As if deactivated behind the app's back (SQL): the session row survives.
    await world.database.db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, ids.olaf));
    const stream = await openStream(streamA.url, cookie);
    expect(stream.status).toBe(401);
    expect(world.realtime.hub.isLocal(ids.olaf)).toBe(false);
    stream.close();
    await world.database.db.update(users).set({ deactivatedAt: null }).where(eq(users.id, ids.olaf));
  });

  it("reactivating lets the person sign in again", async () => {
    const refused = await world.auth.handler(signInRequest("ada", PASSWORD));
    expect(refused.status).toBe(401);

    const result = await alice.user.reactivate({ userId: ids.ada });
    expect(result.deactivatedAt).toBeNull();
    const cookie = await signIn(world.auth, "ada");
    expect((await (await callerFor(world.deps, world.auth, cookie)).user.me()).id).toBe(ids.ada);
    const stream = await openStream(streamB.url, cookie);
    await stream.next("ready");
    stream.close();
    const audit = await world.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "user.reactivate"), eq(auditLog.targetId, ids.ada)));
    expect(audit).toHaveLength(1);
  });
});
