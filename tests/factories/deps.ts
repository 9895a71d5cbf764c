import { randomBytes } from "node:crypto";
import type { Database } from "~/db/client";
import type { Auth } from "~/server/auth";
import { createSessionCache } from "~/server/auth-cache";
import { type Realtime, createRealtime } from "~/server/realtime";
import { type Bus, createBus } from "~/server/realtime/bus";
import { ensureCompanyChat } from "~/server/services/chat/open";
import type { Deps } from "~/server/services/deps";
import { type LastActive, createLastActive } from "~/server/services/last-active";
import { type PushNotifier, type PushOptions, createPushNotifier } from "~/server/services/push";
import { type WebhookWorker, createWebhookWorker } from "~/server/services/webhooks";
import { createTestAuth } from "./auth";
import { createTestDatabase } from "./db";

export type TestWorld = {
  database: Database;
  deps: Deps;
  auth: Auth;
  realtime: Realtime;
  bus: Bus;
  webhooks: WebhookWorker;
  push: PushNotifier;
  lastActive: LastActive;
  /**
   * The realtime side of another app instance on the same database and bus (with REDIS_URL a
   * Redis connection of its own under this world's namespace); closed with the world.
   */
  addInstance(): Promise<Realtime>;
  close(): Promise<void>;
};

/**
 * A database, the realtime side of one app instance and the service deps, as the server wires
 * them. With REDIS_URL the bus is Redis under a namespace of this world's own.
 */
export async function createTestWorld(
  options: { hub?: Parameters<typeof createRealtime>[0]["hub"]; push?: Partial<Omit<PushOptions, "db" | "viewing">> } = {},
): Promise<TestWorld> {
  const database = await createTestDatabase();
  // As server/main.ts does at start.
  await ensureCompanyChat(database.db);
  const redisUrl = process.env.REDIS_URL;
  const namespace = `floorchat-test-${randomBytes(4).toString("hex")}:`;
  const bus = await createBus(redisUrl, namespace);
  const instances: { realtime: Realtime; bus?: Bus }[] = [];
  const realtime = createRealtime({ db: database.db, bus, redisUrl, hub: options.hub });
  // Tests send faster than people; the rate limits have their own tests with their own limiters
  // (messages.test.ts, limits.test.ts), and the app wires the real ones (server/process-deps.ts).
  // Webhooks may call a receiver on 127.0.0.1 here, retrying after 50 ms rather than 10 s.
  const webhooks = createWebhookWorker(database.db, { allowLoopback: true, retryDelaysMs: [50, 100, 200] });
  // Push likewise: endpoints on 127.0.0.1, keys generated into this database, quick retries.
  const push = createPushNotifier({
    db: database.db,
    vapid: { keys: null, subject: "mailto:tests@floorchat.invalid" },
    outbound: { allowLoopback: true },
    viewing: realtime.viewing,
    retryDelaysMs: [20, 40],
    ...options.push,
  });
  const lastActive = createLastActive(database.db);
  const deps: Deps = {
    db: database.db,
    realtime,
    presence: realtime.presence,
    sendLimiter: { take: () => true },
    mutationLimiter: { take: () => true },
    webhooks,
    outbound: { allowLoopback: true },
    push,
    viewing: realtime.viewing,
    sessions: createSessionCache({ bus }),
    lastActive,
  };
  return {
    database,
    deps,
    auth: createTestAuth(database.db, deps.sessions),
    realtime,
    bus,
    webhooks,
    push,
    lastActive,
    async addInstance() {
      // In embedded mode the instances share the one in-process bus, as they would share Redis.
      const own = redisUrl ? await createBus(redisUrl, namespace) : undefined;
      const instance = createRealtime({ db: database.db, bus: own ?? bus, redisUrl, hub: options.hub });
      instances.push({ realtime: instance, bus: own });
      return instance;
    },
    async close() {
      for (const instance of instances) {
        await instance.realtime.close();
        await instance.bus?.close();
      }
      await webhooks.stop();
      await push.stop();
      await lastActive.close();
      await realtime.close();
      deps.sessions.close();
      await bus.close();
      await database.close();
    },
  };
}
