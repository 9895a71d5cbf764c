import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * Which chats each live stream connection is showing on a visible page (the one picked, and the
 * windows docked beside it on a wide screen), as its client reports (`stream.viewing`). Push skips a person who is looking at the chat the message is in: the
 * open conversation shows it already. A report may reach any instance, so in scale mode the
 * entries sit in Redis, tied to the instance holding the connection: a dead instance stops
 * refreshing its liveness key and its connections stop counting within a minute.
 */
export interface ViewingStore {
  /** A connection of this instance opened; it shows nothing until its client says so. */
  open(connectionId: string, userId: string): Promise<void>;
  /** The connection's page now shows these chats (none: another screen, or the page is hidden). False when the connection is not this user's, or is gone. */
  show(connectionId: string, userId: string, chatIds: readonly string[]): Promise<boolean>;
  /** The connection closed. */
  drop(connectionId: string, userId: string): Promise<void>;
  /** Of these users, those with a live connection showing this chat on a visible page. */
  viewersOf(chatId: string, userIds: Iterable<string>): Promise<Set<string>>;
  close(): Promise<void>;
}

export function createMemoryViewing(): ViewingStore {
  const connections = new Map<string, { userId: string; chatIds: readonly string[] }>();
  return {
    open(connectionId, userId) {
      connections.set(connectionId, { userId, chatIds: [] });
      return Promise.resolve();
    },
    show(connectionId, userId, chatIds) {
      const entry = connections.get(connectionId);
      if (entry?.userId !== userId) return Promise.resolve(false);
      entry.chatIds = [...chatIds];
      return Promise.resolve(true);
    },
    drop(connectionId) {
      connections.delete(connectionId);
      return Promise.resolve();
    },
    viewersOf(chatId, userIds) {
      const wanted = new Set(userIds);
      const viewers = new Set<string>();
      for (const entry of connections.values()) if (entry.chatIds.includes(chatId) && wanted.has(entry.userId)) viewers.add(entry.userId);
      return Promise.resolve(viewers);
    },
    close() {
      connections.clear();
      return Promise.resolve();
    },
  };
}

const USER_PREFIX = "floorchat:viewing:user:";
const INSTANCE_PREFIX = "floorchat:viewing:instance:";
export const VIEWING_TTL_S = 60;

// Changes only a connection that exists, keeping the instance that holds it: a report racing
// the connection's close must not bring it back.
const SHOW_SCRIPT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
local instance = string.match(current, '^[^ ]*')
redis.call('HSET', KEYS[1], ARGV[1], instance .. ' ' .. ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1`;

/**
 * One hash per user (connection id → "<instance> <chat ids, comma-separated, or nothing>"), so a
 * report checks the connection's owner by where it finds it, and a push looks up only its
 * candidates.
 */
export function createRedisViewing(redis: Redis): ViewingStore {
  const instance = randomUUID();
  const instanceKey = INSTANCE_PREFIX + instance;
  const local = new Map<string, string>();
  const refresh = async () => {
    const multi = redis.multi().set(instanceKey, "1", "EX", VIEWING_TTL_S);
    for (const userId of new Set(local.values())) multi.expire(USER_PREFIX + userId, VIEWING_TTL_S);
    await multi.exec();
  };
  void refresh().catch(() => {});
  // Well inside the TTL; a dead instance stops refreshing and its connections stop counting.
  const timer = setInterval(() => void refresh().catch(() => {}), (VIEWING_TTL_S / 3) * 1000);
  timer.unref();
  return {
    async open(connectionId, userId) {
      local.set(connectionId, userId);
      await redis
        .multi()
        .set(instanceKey, "1", "EX", VIEWING_TTL_S)
        .hset(USER_PREFIX + userId, connectionId, `${instance} `)
        .expire(USER_PREFIX + userId, VIEWING_TTL_S)
        .exec();
    },
    async show(connectionId, userId, chatIds) {
      const changed = await redis.eval(SHOW_SCRIPT, 1, USER_PREFIX + userId, connectionId, chatIds.join(","), VIEWING_TTL_S);
      return changed === 1;
    },
    async drop(connectionId, userId) {
      local.delete(connectionId);
      await redis.hdel(USER_PREFIX + userId, connectionId);
    },
    async viewersOf(chatId, userIds) {
      const candidates = [...new Set(userIds)];
      if (candidates.length === 0) return new Set();
      const pipeline = redis.pipeline();
      for (const userId of candidates) pipeline.hvals(USER_PREFIX + userId);
      const results = (await pipeline.exec()) ?? [];
      const showing = new Map<string, Set<string>>();
      candidates.forEach((userId, i) => {
        for (const value of (results[i]?.[1] as string[] | undefined) ?? []) {
          const [holder, shown] = value.split(" ");
          if (!holder || !shown?.split(",").includes(chatId)) continue;
          showing.set(holder, (showing.get(holder) ?? new Set()).add(userId));
        }
      });
      const holders = [...showing.keys()];
      if (holders.length === 0) return new Set();
      const alive = await redis.mget(holders.map((h) => INSTANCE_PREFIX + h));
      const viewers = new Set<string>();
      holders.forEach((holder, i) => {
        if (alive[i]) for (const userId of showing.get(holder)!) viewers.add(userId);
      });
      return viewers;
    },
    async close() {
      clearInterval(timer);
      const multi = redis.multi().del(instanceKey);
      for (const [connectionId, userId] of local) multi.hdel(USER_PREFIX + userId, connectionId);
      local.clear();
      await multi.exec().catch(() => {});
    },
  };
}
