import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { toNodeHandler } from "better-auth/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "~/db/client";
import { signInThrottle } from "~/db/schema";
import { type Auth, createAuth } from "~/server/auth";
import { createClientAddressResolver } from "~/server/http/client-address";
import {
  ACCOUNT_RULE,
  type ThrottleStore,
  createDatabaseThrottleStore,
  createRedisThrottleStore,
  createSignInThrottle,
} from "~/server/sign-in-throttle";
import { PASSWORD, TEST_ORIGIN, createPersonas } from "../factories/auth";
import { createTestDatabase } from "../factories/db";

const redisUrl = process.env.REDIS_URL;
const STOPPED_CLOCK = 1_700_000_000_000;

describe(`sign-in throttle (${redisUrl ? "Redis" : "database"} counters)`, () => {
  let database: Database;
  let namespace: string;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await createPersonas(database.db);
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    // Each test starts from no counts: a fresh Redis namespace, an empty table.
    namespace = `floorchat-test-${randomBytes(4).toString("hex")}:`;
    await database.db.delete(signInThrottle);
  });
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });

  /** A counter store as one app instance would open it: its own Redis connection, or the database. */
  function openStore(): ThrottleStore {
    const store = redisUrl ? createRedisThrottleStore(redisUrl, namespace) : createDatabaseThrottleStore(database.db);
    cleanups.push(() => store.close());
    return store;
  }

  /**
   * One app instance's auth. Its throttle clock stands still: on a busy machine hashing a password
   * takes long enough for a one-second block to run out between two attempts.
   */
  function instance(signInPerMinute: number): Auth {
    return createAuth(database.db, {
      secret: "test-secret-that-is-at-least-32-characters",
      baseURL: TEST_ORIGIN,
      signInPerMinute,
      throttleStore: openStore(),
      throttleClock: () => STOPPED_CLOCK,
    });
  }

  /** Auth behind a node:http server that treats the header as server/main.ts does. */
  async function serve(auth: Auth, trustedProxies: string[]): Promise<string> {
    const clientAddress = createClientAddressResolver(trustedProxies);
    const handle = toNodeHandler(auth);
    const server = http.createServer((req, res) => {
      clientAddress.apply(req);
      void handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  function signInRequest(base: string, username: string, password: string, forwardedFor?: string): Request {
    const headers: Record<string, string> = { "content-type": "application/json", origin: TEST_ORIGIN };
    if (forwardedFor) headers["x-forwarded-for"] = forwardedFor;
    return new Request(`${base}/api/auth/sign-in/username`, { method: "POST", headers, body: JSON.stringify({ username, password }) });
  }

  const overHttp = (base: string, username: string, password: string, forwardedFor?: string) =>
    fetch(signInRequest(base, username, password, forwardedFor));
  /** Straight into the handler, with the X-Forwarded-For the custom server would have written. */
  const direct = (auth: Auth, username: string, password: string, clientAddress: string) =>
    auth.handler(signInRequest(TEST_ORIGIN, username, password, clientAddress));

  it("counts every attempt from one peer together, however the client rotates X-Forwarded-For", async () => {
    const base = await serve(instance(3), []);
    // Unknown names, so only the address counter can be what refuses the fourth.
    const statuses = [];
    for (const [index, spoofed] of ["1.1.1.1", "2.2.2.2", "3.3.3.3"].entries()) {
      statuses.push((await overHttp(base, `ghost${index}`, "wrong password", spoofed)).status);
    }
    expect(statuses).toEqual([401, 401, 401]);
    const refused = await overHttp(base, "pia", PASSWORD, "4.4.4.4");
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await refused.json()).toMatchObject({ code: "TOO_MANY_ATTEMPTS", message: expect.stringMatching(/Too many sign-in attempts/) as unknown });
  });

  it("believes X-Forwarded-For from a trusted proxy: clients behind it are counted apart", async () => {
    const base = await serve(instance(2), ["127.0.0.1"]);
    expect((await overHttp(base, "ghost1", "wrong password", "203.0.113.5")).status).toBe(401);
    expect((await overHttp(base, "ghost2", "wrong password", "203.0.113.5")).status).toBe(401);
    expect((await overHttp(base, "ghost3", "wrong password", "203.0.113.5")).status).toBe(429);
    expect((await overHttp(base, "pia", PASSWORD, "203.0.113.6")).status).toBe(200);
  });

  it("shares the count between two instances on the same store", async () => {
    const first = instance(2);
    const second = instance(2);
    expect((await direct(first, "ghost1", "wrong password", "198.51.100.9")).status).toBe(401);
    expect((await direct(second, "ghost2", "wrong password", "198.51.100.9")).status).toBe(401);
    expect((await direct(first, "pia", PASSWORD, "198.51.100.9")).status).toBe(429);
    expect((await direct(second, "pia", PASSWORD, "198.51.100.9")).status).toBe(429);
  });

  it("after five failures for a user name, that name waits, from any address, and other accounts still sign in", async () => {
    const first = instance(1000);
    const second = instance(1000);
    for (let attempt = 0; attempt < 5; attempt++) {
      const auth = attempt % 2 === 0 ? first : second;
      expect((await direct(auth, "PIA", "wrong password", `192.0.2.${attempt}`)).status).toBe(401);
    }
    // Even the right password waits now: answering it would tell the guesser they had found it.
    const refused = await direct(second, "pia", PASSWORD, "192.0.2.99");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await direct(first, "mark", PASSWORD, "192.0.2.0")).status).toBe(200);
    expect((await direct(second, "alice", PASSWORD, "192.0.2.1")).status).toBe(200);
  });

  it("answers a throttled unknown user name exactly like a throttled real one", async () => {
    const auth = instance(1000);
    for (const username of ["olaf", "nobodyhere"]) {
      for (let attempt = 0; attempt < 5; attempt++) await direct(auth, username, "wrong password", "192.0.2.50");
    }
    const known = await direct(auth, "olaf", "wrong password", "192.0.2.50");
    const unknown = await direct(auth, "nobodyhere", "wrong password", "192.0.2.50");
    expect(unknown.status).toBe(429);
    expect(known.status).toBe(429);
    expect(await unknown.json()).toEqual(await known.json());
  });

  it("a successful sign-in clears the user name's failures", async () => {
    const auth = instance(1000);
    for (let attempt = 0; attempt < 4; attempt++) expect((await direct(auth, "mark", "wrong password", "192.0.2.7")).status).toBe(401);
    expect((await direct(auth, "mark", PASSWORD, "192.0.2.7")).status).toBe(200);
    // Without the reset the fifth attempt above would have started a block (the clock stands still).
    for (let attempt = 0; attempt < 4; attempt++) expect((await direct(auth, "mark", "wrong password", "192.0.2.7")).status).toBe(401);
  });

  it("doubles the wait for each further failure, up to 15 minutes, for that name only", async () => {
    const throttle = createSignInThrottle(openStore(), 1_000_000);
    const t0 = STOPPED_CLOCK;
    for (let attempt = 0; attempt < 5; attempt++) expect(await throttle.admit("192.0.2.8", "pia", t0)).toBeNull();
    expect(await throttle.admit("192.0.2.8", "pia", t0 + 999)).toBe(1);
    expect(await throttle.admit("192.0.2.8", "pia", t0 + 1_000)).toBeNull();
    expect(await throttle.admit("192.0.2.8", "pia", t0 + 1_000)).toBe(2_000);
    let now = t0 + 3_000;
    const waits = [];
    for (let attempt = 0; attempt < 12; attempt++) {
      expect(await throttle.admit("192.0.2.8", "pia", now)).toBeNull();
      const wait = (await throttle.admit("192.0.2.8", "pia", now))!;
      waits.push(wait);
      now += wait;
    }
    expect(waits.slice(0, 5)).toEqual([4_000, 8_000, 16_000, 32_000, 64_000]);
    expect(Math.max(...waits)).toBe(ACCOUNT_RULE.backoff!.capMs);
    expect(await throttle.admit("192.0.2.8", "mark", now - 1)).toBeNull();
    await throttle.succeeded("pia");
    expect(await throttle.admit("192.0.2.8", "pia", now - 1)).toBeNull();
  });
});
