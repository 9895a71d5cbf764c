import { Redis } from "ioredis";
import { eq, inArray, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { users } from "~/db/schema";
import type { Bus } from "./bus";
import { EVENTS_CHANNEL, type Envelope, type Publisher, encodeEnvelope, parseEnvelope } from "./envelope";
import type { HubOptions } from "./connection";
import { Hub } from "./hub";
import { metrics } from "~/server/metrics";
import { type PresenceStore, createMemoryPresence, createRedisPresence } from "./presence-store";
import { type ViewingStore, createMemoryViewing, createRedisViewing } from "./viewing-store";

export type Realtime = Publisher & {
  hub: Hub;
  presence: PresenceStore;
  viewing: ViewingStore;
  close(): Promise<void>;
};

const SWEEP_MS = 20_000;

/**
 * The live side of one instance: publishes envelopes on the bus, routes what arrives to this
 * instance's connections, and keeps presence (who has a live stream anywhere) and what each
 * connection is showing (push skips the chat someone is looking at).
 */
export function createRealtime(options: {
  db: Db;
  bus: Bus;
  redisUrl?: string;
  hub?: Omit<HubOptions, "db" | "onUserOnline" | "onUserOffline" | "onConnectionOpen" | "onConnectionClose">;
}): Realtime {
  const { db, bus } = options;
  const redis = options.redisUrl ? new Redis(options.redisUrl, { maxRetriesPerRequest: 2 }) : null;
  redis?.on("error", (error: Error) => console.error("[presence] redis:", error.message));
  const presence = redis ? createRedisPresence(redis) : createMemoryPresence();
  const viewing = redis ? createRedisViewing(redis) : createMemoryViewing();

  const publish = (envelopes: Envelope[]) => {
    if (envelopes.length === 0) return;
    bus.publishMany(EVENTS_CHANNEL, envelopes.map(encodeEnvelope)).catch((error: unknown) => {
      // At-most-once by design (DESIGN.md invariant 3): the event is in the log; a hub reads an
      // id missing below a later one from the log after a short wait, and clients that miss an
      // event backfill the gap on their next reconnect or seq check.
      console.error("[realtime] publish failed:", (error as Error).message);
    });
  };

  const touch = (userId: string) =>
    db.update(users).set({ lastActiveAt: sql`now()` }).where(eq(users.id, userId)).catch(() => {});

  // Changes are gathered and published once a second: at the start of a shift a thousand
  // connections would otherwise cost a thousand events to each of a thousand people.
  const changed = new Set<string>();
  let flushing: NodeJS.Timeout | null = null;
  const flush = async () => {
    flushing = null;
    const userIds = [...changed];
    changed.clear();
    if (userIds.length === 0) return;
    const online = await presence.onlineUserIds();
    const statuses = await db.select({ id: users.id, status: users.status }).from(users).where(inArray(users.id, userIds));
    const invisible = new Set(statuses.filter((s) => s.status === "invisible").map((s) => s.id));
    // A user who left this instance may still be online on another: report the global state.
    const changes = userIds.filter((id) => !invisible.has(id)).map((userId) => ({ userId, online: online.has(userId) }));
    if (changes.length > 0) publish([{ event: { type: "presence", changes } }]);
  };
  const presenceChanged = async (userId: string, online: boolean) => {
    // The store is told at once (people.list reads it), in the order of the changes; only the
    // broadcast waits.
    await (online ? presence.add(userId) : presence.remove(userId));
    await touch(userId);
    changed.add(userId);
    flushing ??= setTimeout(() => void flush().catch(() => {}), 1_000);
  };

  const hub = new Hub({
    ...options.hub,
    db,
    onUserOnline: (userId) => void presenceChanged(userId, true).catch(() => {}),
    onUserOffline: (userId) => void presenceChanged(userId, false).catch(() => {}),
    onConnectionOpen: (connectionId, userId) => viewing.open(connectionId, userId),
    onConnectionClose: (connectionId, userId) => void viewing.drop(connectionId, userId).catch(() => {}),
  });

  const unsubscribe = bus.subscribe((channel, payload) => {
    if (channel !== EVENTS_CHANNEL) return;
    const envelope = parseEnvelope(payload);
    if (envelope?.at !== undefined) metrics.deliveryLag.observe(Math.max(0, Date.now() - envelope.at) / 1000);
    if (envelope) hub.receive(envelope);
    else console.error(`[bus] skipped a malformed message: ${payload.slice(0, 200)}`);
  });
  // Whatever was published while the bus was broken is read from the log at once.
  const stopCatchingUp = bus.onReconnect(() => void hub.catchUp());

  // An instance that dies says nothing; every instance notices its users' keys expiring and
  // tells its own connections.
  let known: Set<string> | null = null;
  const sweep = setInterval(() => {
    void (async () => {
      const invisible = new Set(
        (await db.select({ id: users.id }).from(users).where(eq(users.status, "invisible"))).map((r) => r.id),
      );
      // Read last and broadcast with no wait in between: an "offline" built from an older read
      // could reach browsers after the "online" of someone who has come back since.
      const online = await presence.onlineUserIds();
      const gone = known ? [...known].filter((userId) => !online.has(userId) && !invisible.has(userId)) : [];
      if (gone.length > 0) hub.broadcastLocal({ type: "presence", changes: gone.map((userId) => ({ userId, online: false })) });
      known = online;
    })().catch(() => {});
  }, SWEEP_MS);
  sweep.unref();

  return {
    hub,
    presence,
    viewing,
    publish,
    async close() {
      clearInterval(sweep);
      if (flushing) clearTimeout(flushing);
      unsubscribe();
      stopCatchingUp();
      hub.close();
      await presence.close();
      await viewing.close();
      redis?.disconnect();
    },
  };
}

const key = Symbol.for("floorchat.realtime");
type Holder = { [key]?: Realtime };

/** The process's realtime, created by server/main.ts; Next's route handlers find it here. */
export function setProcessRealtime(realtime: Realtime): void {
  (globalThis as Holder)[key] = realtime;
}

export function getProcessRealtime(): Realtime {
  const realtime = (globalThis as Holder)[key];
  if (!realtime) throw new Error("The realtime hub is not running: start Floorchat with `npm start` (server/main.ts).");
  return realtime;
}
