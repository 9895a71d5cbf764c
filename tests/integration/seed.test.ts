import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/db/client";
import { entities, groups, users } from "~/db/schema";
import { DEMO_PASSWORD, ORDER_STATUSES, seedDemo } from "~/server/seed";
import { onDuty } from "~/server/services/rotas";
import { callerFor, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";

describe("demo data", () => {
  let world: TestWorld;
  let database: Database;
  beforeAll(async () => {
    world = await createTestWorld();
    database = world.database;
  });
  afterAll(() => world.close());

  it("seeds the demo people, groups and 300 orders on an empty database", async () => {
    expect(await seedDemo(database.db)).toBe("seeded");
    const people = await database.db.select({ username: users.username, role: users.role }).from(users);
    expect(people.map((p) => `${p.username}:${p.role}`).sort()).toEqual([
      "admin:admin",
      "driver:worker",
      "manager2:manager",
      "manager:manager",
      "picker2:worker",
      "picker:worker",
    ]);
    const groupRows = await database.db.select({ name: groups.name, kind: groups.kind }).from(groups);
    expect(groupRows).toEqual(
      expect.arrayContaining([
        { name: "Warehouse A", kind: "team" },
        { name: "Managers", kind: "team" },
        { name: "Drivers", kind: "team" },
        { name: "Acme Logistics", kind: "company" },
      ]),
    );
    const orders = await database.db.select().from(entities).where(eq(entities.type, "order"));
    expect(orders).toHaveLength(300);
    expect(orders.map((o) => o.key)).toContain("SO-10001");
    expect(orders.map((o) => o.key)).toContain("SO-10300");
    expect(new Set(orders.map((o) => o.status))).toEqual(new Set(ORDER_STATUSES));
    const first = orders.find((o) => o.key === "SO-10001")!;
    expect(first.url).toBe("https://erp.example.com/orders/SO-10001");
    expect(first.title.length).toBeGreaterThan(0);
  });

  it("seeds the rota helpdesk so on-duty:helpdesk reaches both managers at any hour", async () => {
    const managers = await database.db.select({ id: users.id, username: users.username }).from(users);
    const expected = managers.filter((u) => u.username === "manager" || u.username === "manager2").map((u) => u.id).sort();
    for (const at of ["2026-03-01T00:00:00Z", "2026-03-04T12:34:00Z", "2026-03-07T23:59:00Z"]) {
      expect((await onDuty(database.db, "helpdesk", new Date(at))).sort()).toEqual(expected);
    }
  });

  it("does nothing on a database that already has users", async () => {
    expect(await seedDemo(database.db)).toBe("skipped");
    const [row] = await database.db.select({ n: count() }).from(users);
    expect(row?.n).toBe(6);
  });

  it("lets every demo user sign in with the demo password", async () => {
    const auth = world.auth;
    for (const username of ["admin", "manager", "manager2", "picker", "picker2", "driver"]) {
      const me = await (await callerFor(world.deps, auth, await signIn(auth, username, DEMO_PASSWORD))).user.me();
      expect(me.username).toBe(username);
    }
  });
});
