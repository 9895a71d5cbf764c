import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PresenceStore, createMemoryPresence, createRedisPresence } from "~/server/realtime/presence-store";

const redisUrl = process.env.REDIS_URL;

describe("memory presence", () => {
  it("adds and removes the one user who changed", async () => {
    const presence = createMemoryPresence();
    await presence.add("a");
    await presence.add("b");
    await presence.remove("a");
    expect(await presence.onlineUserIds()).toEqual(new Set(["b"]));
  });
});

describe.skipIf(!redisUrl)("presence in Redis, one set per instance", () => {
  let redis: Redis;
  const stores: PresenceStore[] = [];
  const open = () => {
    const store = createRedisPresence(redis);
    stores.push(store);
    return store;
  };

  beforeAll(() => {
    redis = new Redis(redisUrl!);
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    redis.disconnect();
  });

  it("keeps a user online while any instance still has a stream of theirs", async () => {
    const [a, b] = [open(), open()];
    const user = randomUUID();
    await a.add(user);
    await b.add(user);
    await a.remove(user);
    expect((await a.onlineUserIds()).has(user)).toBe(true);
    await b.remove(user);
    expect((await a.onlineUserIds()).has(user)).toBe(false);
  });

  it("changes only the set member of the user who changed, never rewriting the set", async () => {
    const store = open();
    const [stays, leaves] = [randomUUID(), randomUUID()];
    await store.add(stays);
    await store.add(leaves);
    const monitor = redis.duplicate();
    const commands: string[] = [];
    await monitor.monitor().then((feed) => feed.on("monitor", (_time: string, args: string[]) => args.includes(leaves) && commands.push(args[0]!.toLowerCase())));
    await store.remove(leaves);
    await store.add(leaves);
    // A command sent after them on the same connection: the monitor has seen them by its reply.
    await redis.ping();
    monitor.disconnect();
    expect(commands).toEqual(["srem", "sadd"]);
  });

  it("stops counting the users of an instance whose liveness key expired (a killed instance)", async () => {
    const [alive, killed] = [open(), open()];
    const [here, gone] = [randomUUID(), randomUUID()];
    await alive.add(here);
    await killed.add(gone);
    const before = await alive.onlineUserIds();
    expect([before.has(here), before.has(gone)]).toEqual([true, true]);
    const liveKeys = await redis.keys("floorchat:presence-live:*");
    const sets = await Promise.all(liveKeys.map(async (k) => [k, await redis.sismember(`floorchat:presence:${k.split(":").pop()}`, gone)] as const));
    // What the TTL does to an instance that stopped refreshing.
    await redis.del(sets.find(([, member]) => member === 1)![0]);
    const online = await alive.onlineUserIds();
    expect(online.has(gone)).toBe(false);
    expect(online.has(here)).toBe(true);
  });
});
