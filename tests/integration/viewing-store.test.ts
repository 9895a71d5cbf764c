import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { type ViewingStore, createMemoryViewing, createRedisViewing } from "~/server/realtime/viewing-store";

const redisUrl = process.env.REDIS_URL;
const clients: Redis[] = [];
afterAll(() => {
  for (const client of clients) client.disconnect();
});

/** Two instances' stores: with REDIS_URL two Redis connections, else one process's memory. */
function twoInstances(): [ViewingStore, ViewingStore, Redis | null] {
  if (!redisUrl) {
    const store = createMemoryViewing();
    return [store, store, null];
  }
  const [a, b] = [new Redis(redisUrl), new Redis(redisUrl)];
  clients.push(a, b);
  return [createRedisViewing(a), createRedisViewing(b), a];
}

describe("viewing store (which chat each stream connection shows)", () => {
  it("answers on any instance which users look at a chat, and only for their own connection", async () => {
    const [holder, other] = twoInstances();
    const [pia, mark, connection, chat] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await holder.open(connection, pia);
    expect(await other.show(connection, mark, [chat])).toBe(false);
    expect(await other.show(connection, pia, [chat])).toBe(true);
    expect(await holder.viewersOf(chat, [pia, mark])).toEqual(new Set([pia]));
    expect(await other.viewersOf(randomUUID(), [pia])).toEqual(new Set());
    await other.show(connection, pia, []);
    expect(await holder.viewersOf(chat, [pia])).toEqual(new Set());
    await holder.show(connection, pia, [chat]);
    await holder.drop(connection, pia);
    expect(await other.viewersOf(chat, [pia])).toEqual(new Set());
    expect(await other.show(connection, pia, [chat])).toBe(false);
    await holder.close();
    await other.close();
  });

  it("counts a person as looking at every chat their page shows: the one picked and the windows docked beside it", async () => {
    const [holder, other] = twoInstances();
    const [pia, connection, picked, docked, elsewhere] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await holder.open(connection, pia);
    expect(await other.show(connection, pia, [picked, docked])).toBe(true);
    expect(await holder.viewersOf(picked, [pia])).toEqual(new Set([pia]));
    expect(await holder.viewersOf(docked, [pia])).toEqual(new Set([pia]));
    expect(await other.viewersOf(elsewhere, [pia])).toEqual(new Set());
    // The docked window closed: only the picked chat is on screen.
    await other.show(connection, pia, [picked]);
    expect(await holder.viewersOf(docked, [pia])).toEqual(new Set());
    await holder.close();
    await other.close();
  });

  it.skipIf(!redisUrl)("stops counting a dead instance's connections once its liveness key expires", async () => {
    const [holder, other, redis] = twoInstances();
    const [pia, connection, chat] = [randomUUID(), randomUUID(), randomUUID()];
    await holder.open(connection, pia);
    await holder.show(connection, pia, [chat]);
    expect(await other.viewersOf(chat, [pia])).toEqual(new Set([pia]));
    // What the TTL does to an instance that stopped refreshing: its liveness key is gone.
    const [value] = await redis!.hvals(`floorchat:viewing:user:${pia}`);
    await redis!.del(`floorchat:viewing:instance:${value!.split(" ")[0]}`);
    expect(await other.viewersOf(chat, [pia])).toEqual(new Set());
    await holder.close();
    await other.close();
  });
});
