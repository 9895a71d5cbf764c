import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, sessions, users } from "~/db/schema";
import { DEMO_PASSWORD, seedDemo } from "~/server/seed";
import { demoPasswordAccounts } from "~/server/services/demo-password";
import { setPassword } from "~/server/services/set-password";
import { createUser } from "~/server/services/users";
import { callerFor, signIn, signInRequest } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";

const DEMO_ACCOUNTS = ["admin", "driver", "manager", "manager2", "picker", "picker2"];

describe("accounts on the demo password", () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await createTestWorld();
    await seedDemo(world.database.db);
  });
  afterAll(() => world.close());

  const signInStatus = async (username: string, password: string) => (await world.auth.handler(signInRequest(username, password))).status;

  it("are every account the seed created, and not one an admin creates later", async () => {
    await createUser(world.database.db, "system", { username: "newbie", name: "New Bie", role: "worker", password: "a good long password" });
    expect(await demoPasswordAccounts(world.database.db)).toEqual(DEMO_ACCOUNTS);
  });

  it("leave out a deactivated account, which cannot sign in anyway", async () => {
    const { db } = world.database;
    await db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.username, "driver"));
    expect(await demoPasswordAccounts(db)).not.toContain("driver");
    await db.update(users).set({ deactivatedAt: null }).where(eq(users.username, "driver"));
  });

  it("are listed to an admin and refused to anyone else", async () => {
    const asAdmin = await callerFor(world.deps, world.auth, await signIn(world.auth, "admin", DEMO_PASSWORD));
    expect(await asAdmin.user.demoPasswordAccounts()).toEqual(DEMO_ACCOUNTS);
    for (const username of ["manager", "picker"]) {
      const caller = await callerFor(world.deps, world.auth, await signIn(world.auth, username, DEMO_PASSWORD));
      await expect(caller.user.demoPasswordAccounts()).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
  });

  it("leave the list once their password is set: the old one fails, the new one works, and their sessions end", async () => {
    const { db } = world.database;
    const oldSession = await signIn(world.auth, "picker2", DEMO_PASSWORD);
    expect(await world.auth.api.getSession({ headers: new Headers({ cookie: oldSession }) })).not.toBeNull();

    const changed = await setPassword(db, "system", { username: "Picker2", password: "a new long password" });

    expect(changed.username).toBe("picker2");
    expect(await world.auth.api.getSession({ headers: new Headers({ cookie: oldSession }) })).toBeNull();
    expect(await db.select().from(sessions).where(eq(sessions.userId, changed.id))).toEqual([]);
    expect(await signInStatus("picker2", DEMO_PASSWORD)).toBe(401);
    expect(await signInStatus("picker2", "a new long password")).toBe(200);
    expect(await demoPasswordAccounts(db)).toEqual(DEMO_ACCOUNTS.filter((name) => name !== "picker2"));
  });

  it("records the change in the audit log without the password", async () => {
    const [entry] = await world.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "user.password.set"), eq(auditLog.targetType, "user")));
    expect(entry).toMatchObject({ actorKind: "system", before: { demoPassword: true }, after: { demoPassword: false, sessionsEnded: 1 } });
    expect(JSON.stringify(entry)).not.toContain("a new long password");
  });

  it("refuses a password shorter than 8 characters as invalid and changes nothing", async () => {
    await expect(setPassword(world.database.db, "system", { username: "picker", password: "short" })).rejects.toMatchObject({ code: "invalid" });
    expect(await signInStatus("picker", DEMO_PASSWORD)).toBe(200);
    expect(await demoPasswordAccounts(world.database.db)).toContain("picker");
  });

  it("refuses a user name nobody has as not_found", async () => {
    await expect(setPassword(world.database.db, "system", { username: "nobody", password: "a new long password" })).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
