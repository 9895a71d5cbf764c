import { inArray, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { users } from "~/db/schema";

/** "Last active" is shown to the minute: more frequent writes would tell nobody anything. */
export const LAST_ACTIVE_GRANULARITY_MS = 60_000;
export const LAST_ACTIVE_FLUSH_MS = 5_000;

export type LastActive = {
  /** Notes that the user did something; written within a few seconds, at most once a minute per user. */
  touch(userId: string, now?: number): void;
  /** Writes every pending user in one UPDATE. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is pending. */
  close(): Promise<void>;
};

/**
 * Batches `users.last_active_at` out of the send path: a send used to update its sender's row
 * in its own transaction, one more round trip and one more row lock per message.
 */
export function createLastActive(db: Db, options: { flushMs?: number; granularityMs?: number } = {}): LastActive {
  const granularityMs = options.granularityMs ?? LAST_ACTIVE_GRANULARITY_MS;
  const recorded = new Map<string, number>();
  const pending = new Set<string>();
  let closed = false;

  async function flush() {
    // Forget users recorded long enough ago to be written again, so the map stays small.
    const cutoff = Date.now() - granularityMs;
    for (const [id, at] of recorded) if (at <= cutoff) recorded.delete(id);
    if (pending.size === 0) return;
    const ids = [...pending];
    pending.clear();
    try {
      await db.update(users).set({ lastActiveAt: sql`now()` }).where(inArray(users.id, ids));
    } catch (error) {
      console.error("[last-active]", error);
    }
  }

  const timer = setInterval(() => void flush(), options.flushMs ?? LAST_ACTIVE_FLUSH_MS);
  // Never what keeps a process (or a test) alive.
  timer.unref();

  return {
    touch(userId, now = Date.now()) {
      if (closed) return;
      const at = recorded.get(userId);
      if (at !== undefined && now - at < granularityMs) return;
      recorded.set(userId, now);
      pending.add(userId);
    },
    flush,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await flush();
    },
  };
}
