import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/db/client";
import { auditLog } from "~/db/schema";
import type { Auth } from "~/server/auth";
import { callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";

describe("procedure guards", () => {
  let world: TestWorld;
  let database: Database;
  let auth: Auth;
  const cookies: Record<"admin" | "manager" | "picker", string> = { admin: "", manager: "", picker: "" };

  beforeAll(async () => {
    world = await createTestWorld();
    ({ database, auth } = world);
    await createPersonas(database.db);
    cookies.admin = await signIn(auth, "alice");
    cookies.manager = await signIn(auth, "mark");
    cookies.picker = await signIn(auth, "pia");
  });
  afterAll(() => world.close());

  it("answers UNAUTHORIZED to an anonymous caller", async () => {
    const caller = await callerFor(world.deps, world.auth, null);
    await expect(caller.user.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("answers UNAUTHORIZED to a forged session cookie", async () => {
    const caller = await callerFor(world.deps, world.auth, "better-auth.session_token=forged.value");
    await expect(caller.user.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("answers FORBIDDEN when a worker calls a manager-only procedure", async () => {
    const caller = await callerFor(world.deps, world.auth, cookies.picker);
    await expect(caller.user.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("lets a manager call a manager-only procedure", async () => {
    const caller = await callerFor(world.deps, world.auth, cookies.manager);
    const list = await caller.user.list();
    expect(list.map((user) => user.username)).toEqual(["alice", "mark", "olaf", "pia"]);
  });

  it("answers FORBIDDEN when a manager calls an admin-only procedure", async () => {
    const caller = await callerFor(world.deps, world.auth, cookies.manager);
    await expect(
      caller.user.create({ username: "newbie", name: "New Bie", password: "long enough", role: "worker" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("answers BAD_REQUEST with a message per field for bad input, and writes nothing", async () => {
    const caller = await callerFor(world.deps, world.auth, cookies.admin);
    const error = await caller.user
      .create({ username: "x!", name: "", password: "short", role: "worker" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    const list = await caller.user.list();
    expect(list).toHaveLength(4);
  });

  it("maps a DomainError conflict to CONFLICT with the field it concerns", async () => {
    const caller = await callerFor(world.deps, world.auth, cookies.admin);
    await expect(
      caller.user.create({ username: "Pia", name: "Another Pia", password: "long enough", role: "worker" }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: "That user name is taken" });
  });

  it("lets an admin create a user who can then sign in, and audits it", async () => {
    const caller = await callerFor(world.deps, world.auth, cookies.admin);
    const created = await caller.user.create({ username: "Newbie", name: "New Bie", password: "long enough", role: "worker" });
    expect(created).toMatchObject({ username: "newbie", role: "worker" });
    const cookie = await signIn(auth, "newbie", "long enough");
    expect((await (await callerFor(world.deps, world.auth, cookie)).user.me()).name).toBe("New Bie");
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.targetId, created.id));
    expect(entry).toMatchObject({ action: "user.create", actorKind: "user", after: { username: "newbie" } });
  });
});
