import { randomBytes } from "node:crypto";
import type { Database } from "~/db/client";
import type { Auth } from "~/server/auth";
import { type Realtime, createRealtime } from "~/server/realtime";
import { createBus } from "~/server/realtime/bus";
import { ensureCompanyChat } from "~/server/services/chats";
import type { Deps } from "~/server/services/deps";
import { createTestAuth } from "./auth";
import { createTestDatabase } from "./db";

export type TestWorld = { database: Database; deps: Deps; auth: Auth; realtime: Realtime; close(): Promise<void> };

/**
 * A database, the realtime side of one app instance and the service deps, as the server wires
 * them. With REDIS_URL the bus is Redis under a namespace of this world's own.
 */
export async function createTestWorld(options: { hub?: Parameters<typeof createRealtime>[0]["hub"] } = {}): Promise<TestWorld> {
  const database = await createTestDatabase();
  // As server/main.ts does at start.
  await ensureCompanyChat(database.db);
  const redisUrl = process.env.REDIS_URL;
  const bus = await createBus(redisUrl, `floorchat-test-${randomBytes(4).toString("hex")}:`);
  const realtime = createRealtime({ db: database.db, bus, redisUrl, hub: options.hub });
  // Tests send faster than people; the rate limit has its own test with its own limiter
  // (messages.test.ts), and the app wires the real one (app/api/trpc/[trpc]/route.ts).
  const deps: Deps = { db: database.db, realtime, presence: realtime.presence, sendLimiter: { take: () => true } };
  return {
    database,
    deps,
    auth: createTestAuth(database.db),
    realtime,
    async close() {
      await realtime.close();
      await bus.close();
      await database.close();
    },
  };
}
