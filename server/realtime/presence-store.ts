import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * Which users have at least one live stream on any instance. Each instance reports its own
 * users; in Redis under a key that expires unless refreshed, so the users of an instance that
 * was killed drop out within a minute.
 */
export interface PresenceStore {
  /** This instance's users changed (first connection or last disconnection of a user). */
  report(localUserIds: Iterable<string>): Promise<void>;
  onlineUserIds(): Promise<Set<string>>;
  close(): Promise<void>;
}

export function createMemoryPresence(): PresenceStore {
  let online = new Set<string>();
  return {
    report(localUserIds) {
      online = new Set(localUserIds);
      return Promise.resolve();
    },
    onlineUserIds: () => Promise.resolve(new Set(online)),
    close: () => Promise.resolve(),
  };
}

const PREFIX = "floorchat:presence:";
export const PRESENCE_TTL_S = 60;

export function createRedisPresence(redis: Redis): PresenceStore {
  const key = PREFIX + randomUUID();
  let last: string[] = [];
  const write = async (userIds: string[]) => {
    const multi = redis.multi().del(key);
    if (userIds.length > 0) multi.sadd(key, ...userIds).expire(key, PRESENCE_TTL_S);
    await multi.exec();
  };
  // Refresh well inside the TTL; a dead instance stops refreshing and its users expire.
  const refresh = setInterval(() => void write(last).catch(() => {}), (PRESENCE_TTL_S / 3) * 1000);
  refresh.unref();
  return {
    async report(localUserIds) {
      last = [...localUserIds];
      await write(last);
    },
    async onlineUserIds() {
      const online = new Set<string>();
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${PREFIX}*`, "COUNT", 100);
        cursor = next;
        for (const instanceKey of keys) for (const id of await redis.smembers(instanceKey)) online.add(id);
      } while (cursor !== "0");
      return online;
    },
    async close() {
      clearInterval(refresh);
      await redis.del(key).catch(() => {});
    },
  };
}
