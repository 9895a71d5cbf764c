import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * Which users have at least one live stream on any instance. Each instance tells the store of
 * the one user who changed; in Redis each instance's users are a set that counts only while
 * the instance's liveness key, refreshed on an interval, has not expired: the users of an
 * instance that was killed drop out within a minute.
 */
export interface PresenceStore {
  /** The user's first stream on this instance opened. */
  add(userId: string): Promise<void>;
  /** The user's last stream on this instance closed. */
  remove(userId: string): Promise<void>;
  onlineUserIds(): Promise<Set<string>>;
  close(): Promise<void>;
}

export function createMemoryPresence(): PresenceStore {
  const online = new Set<string>();
  return {
    add(userId) {
      online.add(userId);
      return Promise.resolve();
    },
    remove(userId) {
      online.delete(userId);
      return Promise.resolve();
    },
    onlineUserIds: () => Promise.resolve(new Set(online)),
    close: () => Promise.resolve(),
  };
}

const PREFIX = "floorchat:presence:";
/** The instances that have reported users; each is pruned once its liveness key is gone. */
const INSTANCES = "floorchat:presence-instances";
const liveKey = (instance: string) => `floorchat:presence-live:${instance}`;
export const PRESENCE_TTL_S = 60;

export function createRedisPresence(redis: Redis): PresenceStore {
  const instance = randomUUID();
  const key = PREFIX + instance;
  // Kept here too, to write the set again should it expire while Redis was out of reach.
  const local = new Set<string>();
  const refresh = async () => {
    const results = await redis.multi().set(liveKey(instance), "1", "EX", PRESENCE_TTL_S).sadd(INSTANCES, instance).expire(key, PRESENCE_TTL_S).exec();
    const kept = results?.[2]?.[1] === 1;
    if (!kept && local.size > 0) await redis.multi().sadd(key, ...local).expire(key, PRESENCE_TTL_S).exec();
  };
  void refresh().catch(() => {});
  // Well inside the TTL; a dead instance stops refreshing and its users expire.
  const interval = setInterval(() => void refresh().catch(() => {}), (PRESENCE_TTL_S / 3) * 1000);
  interval.unref();
  return {
    async add(userId) {
      local.add(userId);
      await redis.multi().sadd(key, userId).expire(key, PRESENCE_TTL_S).exec();
    },
    async remove(userId) {
      local.delete(userId);
      await redis.srem(key, userId);
    },
    async onlineUserIds() {
      const instances = await redis.smembers(INSTANCES);
      if (instances.length === 0) return new Set();
      const alive = await redis.mget(instances.map(liveKey));
      const live = instances.filter((_, i) => alive[i] !== null);
      const dead = instances.filter((_, i) => alive[i] === null);
      // A killed instance says nothing: whoever reads next tidies its entry away.
      if (dead.length > 0) void redis.srem(INSTANCES, ...dead).catch(() => {});
      return new Set(live.length > 0 ? await redis.sunion(...live.map((id) => PREFIX + id)) : []);
    },
    async close() {
      clearInterval(interval);
      await redis.multi().del(key, liveKey(instance)).srem(INSTANCES, instance).exec().catch(() => {});
    },
  };
}
