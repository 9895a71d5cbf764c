import { describe, expect, it } from "vitest";
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
});
