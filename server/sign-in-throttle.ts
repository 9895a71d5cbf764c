import { and, eq, isNull, lt, or } from "drizzle-orm";
import { Redis } from "ioredis";
import type { Db } from "~/db/client";
import { signInThrottle } from "~/db/schema";

/**
 * Sign-in throttling (README, Security). Two counters guard every sign-in attempt:
 * - per client address: SIGN_IN_RATE_LIMIT attempts a minute, then 429 until the minute is over;
 * - per user name, whatever the address: 5 attempts free, then each one waits 1 s, 2 s, 4 s …
 *   up to 15 min. It blocks that name only, so guessing at one account never locks out another,
 *   and a successful sign-in clears it.
 * An attempt counts when it starts, not when it has failed: otherwise a burst of parallel guesses
 * would all pass the check before the first failure was recorded. Success clears the name's count.
 * Counters live where every instance sees them: Redis in scale mode, the database otherwise.
 */

export type ThrottleRule = {
  windowMs: number;
  /** The attempt that reaches this count is let through and starts a block. */
  threshold: number;
  /** Exponential block (base·2^(count − threshold), capped); null blocks until the window ends. */
  backoff: { baseMs: number; capMs: number } | null;
};

export type ThrottleState = { failures: number; windowStart: number; blockedUntil: number | null };

/** One attempt against a counter: the new state, and how long to wait when the attempt is refused. */
export function throttleStep(
  state: ThrottleState | null,
  rule: ThrottleRule,
  now: number,
): { state: ThrottleState; retryAfterMs: number | null } {
  if (state?.blockedUntil != null && state.blockedUntil > now) return { state, retryAfterMs: state.blockedUntil - now };
  const fresh = !state || now - state.windowStart >= rule.windowMs;
  const windowStart = fresh ? now : state.windowStart;
  const failures = (fresh ? 0 : state.failures) + 1;
  let blockedUntil: number | null = null;
  if (failures >= rule.threshold) {
    blockedUntil = rule.backoff
      ? now + Math.min(rule.backoff.baseMs * 2 ** (failures - rule.threshold), rule.backoff.capMs)
      : windowStart + rule.windowMs;
  }
  return { state: { failures, windowStart, blockedUntil }, retryAfterMs: null };
}

export interface ThrottleStore {
  /** Counts an attempt atomically (across instances); the wait in ms when it is refused, else null. */
  hit(key: string, rule: ThrottleRule, now: number): Promise<number | null>;
  clear(key: string): Promise<void>;
  close(): Promise<void>;
}

/** Embedded mode: one row per key in sign_in_throttle, updated under its row lock. */
export function createDatabaseThrottleStore(db: Db, keepMs = 60 * 60 * 1000): ThrottleStore {
  return {
    hit(key, rule, now) {
      return db.transaction(async (tx) => {
        await tx.insert(signInThrottle).values({ key, failures: 0, windowStart: new Date(0) }).onConflictDoNothing();
        const [row] = await tx.select().from(signInThrottle).where(eq(signInThrottle.key, key)).for("update");
        const state = row && row.failures > 0 ? { failures: row.failures, windowStart: row.windowStart.getTime(), blockedUntil: row.blockedUntil?.getTime() ?? null } : null;
        const next = throttleStep(state, rule, now);
        if (next.retryAfterMs !== null) return next.retryAfterMs;
        await tx
          .update(signInThrottle)
          .set({ failures: next.state.failures, windowStart: new Date(next.state.windowStart), blockedUntil: next.state.blockedUntil === null ? null : new Date(next.state.blockedUntil) })
          .where(eq(signInThrottle.key, key));
        if (next.state.failures === 1) {
          // A new window is rare (once a minute per address at most): a good moment to drop
          // counters nobody has touched for a while, so the table stays small.
          const stale = new Date(now - keepMs);
          await tx
            .delete(signInThrottle)
            .where(and(lt(signInThrottle.windowStart, stale), or(isNull(signInThrottle.blockedUntil), lt(signInThrottle.blockedUntil, new Date(now)))));
        }
        return null;
      });
    },
    async clear(key) {
      await db.delete(signInThrottle).where(eq(signInThrottle.key, key));
    },
    close: () => Promise.resolve(),
  };
}

// The same step as throttleStep, run inside Redis so instances cannot interleave on one key.
const HIT_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local threshold = tonumber(ARGV[3])
local base = tonumber(ARGV[4])
local cap = tonumber(ARGV[5])
local saved = redis.call('HMGET', KEYS[1], 'failures', 'windowStart', 'blockedUntil')
local failures = tonumber(saved[1])
local windowStart = tonumber(saved[2])
local blockedUntil = tonumber(saved[3]) or 0
if blockedUntil > now then return blockedUntil - now end
if not failures or now - windowStart >= window then
  failures = 0
  windowStart = now
end
failures = failures + 1
blockedUntil = 0
if failures >= threshold then
  if base > 0 then
    blockedUntil = now + math.min(base * 2 ^ (failures - threshold), cap)
  else
    blockedUntil = windowStart + window
  end
end
redis.call('HSET', KEYS[1], 'failures', failures, 'windowStart', windowStart, 'blockedUntil', blockedUntil)
redis.call('PEXPIRE', KEYS[1], math.max(windowStart + window, blockedUntil) - now + 1)
return -1
`;

/** Scale mode: a hash per key, changed by one Lua script, expiring when it no longer matters. */
export function createRedisThrottleStore(url: string, namespace = "floorchat:sign-in:"): ThrottleStore {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 5_000 });
  redis.on("error", (error: Error) => console.error("[sign-in throttle] redis:", error.message));
  return {
    async hit(key, rule, now) {
      const wait = Number(
        await redis.eval(HIT_SCRIPT, 1, namespace + key, now, rule.windowMs, rule.threshold, rule.backoff?.baseMs ?? 0, rule.backoff?.capMs ?? 0),
      );
      return wait < 0 ? null : wait;
    },
    async clear(key) {
      await redis.del(namespace + key);
    },
    async close() {
      await redis.quit();
    },
  };
}

export const ACCOUNT_RULE: ThrottleRule = { windowMs: 60 * 60 * 1000, threshold: 5, backoff: { baseMs: 1_000, capMs: 15 * 60 * 1000 } };

export type SignInThrottle = {
  /** Counts a sign-in attempt; the wait in ms when it must be refused, else null. */
  admit(clientAddress: string, username: string, now?: number): Promise<number | null>;
  succeeded(username: string): Promise<void>;
};

export function createSignInThrottle(store: ThrottleStore, perAddressPerMinute: number, clock: () => number = Date.now): SignInThrottle {
  const addressRule: ThrottleRule = { windowMs: 60_000, threshold: perAddressPerMinute, backoff: null };
  // better-auth compares user names lower-cased; so must the counter, or PIA and pia count apart.
  const accountKey = (username: string) => `user:${username.trim().toLowerCase()}`;
  return {
    async admit(clientAddress, username, now = clock()) {
      // A refused address does not count against the account: it cannot be used to lock one.
      return (await store.hit(`addr:${clientAddress}`, addressRule, now)) ?? (await store.hit(accountKey(username), ACCOUNT_RULE, now));
    },
    succeeded: (username) => store.clear(accountKey(username)),
  };
}
