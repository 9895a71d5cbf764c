import { randomBytes } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, settings, users } from "~/db/schema";
import type { Auth } from "~/server/auth";
import { AUTH_CHANNEL, SESSION_EXPIRES_IN_S, SESSION_TTL_MS, type SessionCache, createSessionCache } from "~/server/auth-cache";
import { type Bus, createBus, createMemoryBus } from "~/server/realtime/bus";
import type { Deps } from "~/server/services/deps";
import { TEST_ORIGIN, callerFor, createPersonas, createTestAuth, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { openStream, serveStream } from "../factories/stream";

/** One app instance's view of sessions: its own cache on its own bus connection, its own clock. */
type Instance = { bus: Bus; sessions: SessionCache; auth: Auth; deps: Deps; clock: { now: number } };

/** Resolves when `bus` next delivers an invalidation: the other instance has heard it by then. */
function nextInvalidation(bus: Bus): Promise<void> {
  return new Promise((resolve) => {
    const stop = bus.subscribe((channel) => {
      if (channel !== AUTH_CHANNEL) return;
      stop();
      resolve();
    });
  });
}

describe("sessions cached per instance, dropped everywhere over the bus", () => {
  let world: TestWorld;
  let ids: Awaited<ReturnType<typeof createPersonas>>;
  const buses: Bus[] = [];
  const caches: SessionCache[] = [];
  // With REDIS_URL each instance has a Redis connection of its own, as separate processes would.
  const namespace = `floorchat-test-sessions-${randomBytes(4).toString("hex")}:`;
  let shared: Bus | undefined;

  async function instance(bus?: Bus): Promise<Instance> {
    const own = bus ?? (process.env.REDIS_URL ? await createBus(process.env.REDIS_URL, namespace) : (shared ??= createMemoryBus()));
    if (!buses.includes(own)) buses.push(own);
    const clock = { now: Date.now() };
    const sessions = createSessionCache({ bus: own, now: () => clock.now });
    caches.push(sessions);
    return { bus: own, sessions, auth: createTestAuth(world.database.db, sessions), deps: { ...world.deps, sessions }, clock };
  }

  const me = (on: Instance, cookie: string) => callerFor(on.deps, on.auth, cookie).then((caller) => caller.user.me());

  /** Resolves `cookie` on `on`, counting better-auth's full session checks. */
  function countingChecks(on: Instance, cookie: string) {
    let checks = 0;
    const getSession = on.auth.api.getSession.bind(on.auth.api);
    const counted = ((...args: Parameters<typeof getSession>) => (checks++, getSession(...args))) as typeof getSession;
    const auth = { ...on.auth, api: { ...on.auth.api, getSession: counted } } as Auth;
    return { actor: () => on.sessions.actor(auth, world.database.db, new Headers({ cookie })), checks: () => checks };
  }

  const signOut = (on: Instance, cookie: string) =>
    on.auth.handler(new Request(`${TEST_ORIGIN}/api/auth/sign-out`, { method: "POST", headers: { cookie, origin: TEST_ORIGIN } }));

  beforeAll(async () => {
    world = await createTestWorld();
    ids = await createPersonas(world.database.db);
  });
  afterAll(async () => {
    for (const cache of caches) cache.close();
    for (const bus of buses) await bus.close();
    await world.close();
  });

  it("answers a fresh session from memory, and a sign-out on instance A refuses its next request on instance B", async () => {
    const [a, b] = [await instance(), await instance()];
    const cookie = await signIn(a.auth, "pia");
    await expect(me(b, cookie)).resolves.toMatchObject({ username: "pia" });
    expect(b.sessions.size).toBe(1);

    const heard = nextInvalidation(b.bus);
    expect((await signOut(a, cookie)).status).toBe(200);
    await heard;
    expect(b.sessions.size).toBe(0);
    await expect(me(b, cookie)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("refuses a deactivated person at once on the instance that had their session cached", async () => {
    const [a, b] = [await instance(), await instance()];
    const worker = await signIn(a.auth, "olaf");
    const admin = await callerFor(a.deps, a.auth, await signIn(a.auth, "alice"));
    await expect(me(b, worker)).resolves.toMatchObject({ username: "olaf" });

    const heard = nextInvalidation(b.bus);
    await admin.user.deactivate({ userId: ids.outsider.id });
    await heard;
    await expect(me(b, worker)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await admin.user.reactivate({ userId: ids.outsider.id });
  });

  it("believes a session whose sign-out it never heard of only until its entry runs out (the TTL)", async () => {
    const a = await instance();
    // A bus of its own that nobody publishes on: every invalidation is lost on the way.
    const deaf = await instance(createMemoryBus());
    const cookie = await signIn(a.auth, "mark");
    await expect(me(deaf, cookie)).resolves.toMatchObject({ username: "mark" });
    expect((await signOut(a, cookie)).status).toBe(200);

    // An entry lives a random 75–100% of the TTL (so entries made together do not expire together), never longer.
    const start = deaf.clock.now;
    deaf.clock.now = start + SESSION_TTL_MS * 0.75 - 1;
    await expect(me(deaf, cookie)).resolves.toMatchObject({ username: "mark" });
    deaf.clock.now = start + SESSION_TTL_MS;
    await expect(me(deaf, cookie)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("renews an expired entry with one query by its token instead of better-auth's full check, and still sees a role changed in SQL", async () => {
    const deaf = await instance(createMemoryBus());
    const cookie = await signIn(deaf.auth, "olaf");
    const { actor, checks } = countingChecks(deaf, cookie);
    await expect(actor()).resolves.toMatchObject({ username: "olaf", role: "worker" });
    expect(checks()).toBe(1);

    await world.database.db.update(users).set({ role: "manager" }).where(eq(users.id, ids.outsider.id));
    try {
      deaf.clock.now += SESSION_TTL_MS;
      await expect(actor()).resolves.toMatchObject({ username: "olaf", role: "manager" });
      expect(checks()).toBe(1);
    } finally {
      await world.database.db.update(users).set({ role: "worker" }).where(eq(users.id, ids.outsider.id));
    }
  });

  it("sends an expired entry whose session is due to be slid forward through better-auth, which slides it", async () => {
    const deaf = await instance(createMemoryBus());
    const cookie = await signIn(deaf.auth, "pia");
    const { actor, checks } = countingChecks(deaf, cookie);
    await actor();
    const [{ token }] = (await world.database.db
      .select({ token: sessions.token })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(users.username, "pia"))
      .orderBy(desc(sessions.createdAt))
      .limit(1)) as [{ token: string }];
    // Last slid two days ago (better-auth slides at most daily): the next full check moves it.
    const old = new Date(Date.now() + (SESSION_EXPIRES_IN_S - 2 * 86_400) * 1000);
    await world.database.db.update(sessions).set({ expiresAt: old }).where(eq(sessions.token, token));
    deaf.clock.now += SESSION_TTL_MS;
    await expect(actor()).resolves.toMatchObject({ username: "pia" });
    expect(checks()).toBe(2);
    const [row] = await world.database.db.select({ expiresAt: sessions.expiresAt }).from(sessions).where(eq(sessions.token, token));
    expect(row!.expiresAt.getTime()).toBeGreaterThan(old.getTime());
  });

  it("keeps a cached person's permissions with their session, and applies a change made in SQL within the TTL", async () => {
    const deaf = await instance(createMemoryBus());
    const cookie = await signIn(deaf.auth, "pia");
    expect((await me(deaf, cookie)).can.createRooms).toBe(false);
    await world.database.db.insert(settings).values({ key: "permissions", value: { worker: { createRooms: true } } });
    try {
      expect((await me(deaf, cookie)).can.createRooms).toBe(false);
      deaf.clock.now += SESSION_TTL_MS;
      expect((await me(deaf, cookie)).can.createRooms).toBe(true);
    } finally {
      await world.database.db.delete(settings).where(eq(settings.key, "permissions"));
    }
  });

  it("holds at most its bound of sessions, dropping the least recently used", async () => {
    const a = await instance();
    const small = createSessionCache({ bus: a.bus, maxEntries: 2 });
    caches.push(small);
    const [pia, mark, olaf] = [await signIn(a.auth, "pia"), await signIn(a.auth, "mark"), await signIn(a.auth, "olaf")];
    const resolve = (cookie: string) => small.actor(a.auth, world.database.db, new Headers({ cookie }));
    await resolve(pia);
    const markActor = await resolve(mark);
    // pia is now the most recently used, so mark is the one to go.
    const piaActor = await resolve(pia);
    await resolve(olaf);
    expect(small.size).toBe(2);
    // The same object: answered from memory. A new one: looked up again.
    expect(await resolve(pia)).toBe(piaActor);
    const markAgain = await resolve(mark);
    expect(markAgain).toEqual(markActor);
    expect(markAgain).not.toBe(markActor);
  });

  describe("live streams re-check their sessions in the database", () => {
    // Re-checked every few milliseconds here; the cache of the stream's instance never hears of
    // the change and its entry stays fresh, so only the re-check can end the stream.
    async function streamOn(deaf: Instance, cookie: string) {
      const server = await serveStream(deaf.auth, world.realtime.hub, deaf.deps, 5);
      const stream = await openStream(server.url, cookie);
      expect(stream.status).toBe(200);
      await stream.next("ready");
      return { server, stream };
    }
    // Ends with no event first (no resync, nothing else telling the client).
    const ended = (stream: Awaited<ReturnType<typeof openStream>>) =>
      expect(stream.next("resync")).rejects.toThrow("stream ended before a resync event");

    it("ends a stream whose session was signed out on an instance it never heard from", async () => {
      const a = await instance();
      const deaf = await instance(createMemoryBus());
      const cookie = await signIn(a.auth, "mark");
      const { server, stream } = await streamOn(deaf, cookie);
      try {
        expect((await signOut(a, cookie)).status).toBe(200);
        await ended(stream);
        expect(world.realtime.hub.isLocal(ids.manager.id)).toBe(false);
      } finally {
        await server.close();
      }
    });

    it("ends the stream of a person deactivated in SQL, whose session row survives", async () => {
      const deaf = await instance(createMemoryBus());
      const cookie = await signIn(deaf.auth, "olaf");
      const { server, stream } = await streamOn(deaf, cookie);
      try {
        await world.database.db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, ids.outsider.id));
        await ended(stream);
      } finally {
        await world.database.db.update(users).set({ deactivatedAt: null }).where(eq(users.id, ids.outsider.id));
        await server.close();
      }
    });

    it("keeps a stream whose session holds", async () => {
      const deaf = await instance(createMemoryBus());
      const cookie = await signIn(deaf.auth, "pia");
      const { server, stream } = await streamOn(deaf, cookie);
      try {
        // Each send and its delivery take far longer than the 5 ms between re-checks.
        const company = (await world.database.db.query.chats.findFirst({ where: (c, { eq }) => eq(c.kind, "company") }))!;
        const caller = await callerFor(deaf.deps, deaf.auth, cookie);
        for (let i = 0; i < 3; i++) {
          await caller.message.send({ chatId: company.id, clientId: `session-cache-keep-${i}`, body: `still here ${i}` });
          await stream.next("message.created");
        }
        expect(stream.ended).toBe(false);
      } finally {
        await server.close();
      }
    });
  });
});
