import { randomUUID } from "node:crypto";
import net, { type AddressInfo } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { createBus } from "~/server/realtime/bus";
import { checkHealth } from "~/server/http/health";
import { createTestDatabase } from "../factories/db";

describe("health", () => {
  const expectedDb = process.env.DATABASE_URL ? "postgres" : "pglite";
  const expectedBus = process.env.REDIS_URL ? "redis" : "memory";

  it("reports ok with the database and bus in use", async () => {
    const database = await createTestDatabase();
    const bus = await createBus(process.env.REDIS_URL);
    try {
      expect(await checkHealth(database, bus)).toEqual({
        statusCode: 200,
        body: { status: "ok", db: expectedDb, bus: expectedBus },
      });
    } finally {
      await Promise.all([database.close(), bus.close()]);
    }
  });

  it("answers 503 with a reason but no error text when the database is unreachable", async () => {
    const database = await createTestDatabase();
    const bus = await createBus(undefined);
    await database.close();
    const health = await checkHealth(database, bus);
    expect(health.statusCode).toBe(503);
    expect(health.body).toMatchObject({ status: "error", db: expectedDb });
    // The driver's message stays in the log: anonymous callers learn nothing about the setup.
    expect(health.body.reason).toBe("database unreachable");
  });

  it.skipIf(!process.env.REDIS_URL)("stays 200, degraded with the bus down, when only Redis does not answer", async () => {
    const database = await createTestDatabase();
    const redis = await redisThatCanStall(process.env.REDIS_URL!);
    const bus = await createBus(redis.url, `health-test-${randomUUID()}:`);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      redis.stall();
      const health = await checkHealth(database, bus, 200);
      expect(health).toEqual({ statusCode: 200, body: { status: "degraded", db: expectedDb, bus: "down", reason: "bus unreachable" } });
    } finally {
      errors.mockRestore();
      redis.close();
      await Promise.all([database.close(), bus.close()]);
    }
  });
});

/**
 * The real Redis behind a loopback proxy that can stop passing bytes on: to the bus it is a
 * Redis that no longer answers (a hung server, a network split), and no other test's
 * connection to the same Redis is touched.
 */
async function redisThatCanStall(url: string) {
  const target = new URL(url);
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    client.pipe(upstream);
    upstream.pipe(client);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stall: () => {
      for (const [client] of pairs) client.unpipe();
    },
    close: () => {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      server.close();
    },
  };
}
