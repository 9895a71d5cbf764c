import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "~/db/schema";
import { PASSWORD, TEST_ORIGIN, callerFor, cookieFrom, createPersonas, signIn, signInRequest } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";

function post(path: string, cookie: string, body: unknown): Request {
  return new Request(`${TEST_ORIGIN}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: TEST_ORIGIN, cookie },
    body: JSON.stringify(body),
  });
}

describe("a person's own account", () => {
  let world: TestWorld;

  beforeAll(async () => {
    world = await createTestWorld();
    await createPersonas(world.database.db);
  });
  afterAll(() => world.close());

  const userNamed = async (username: string) => (await world.database.db.select().from(users).where(eq(users.username, username)))[0]!;

  it("a worker cannot rename themselves or take another user name: only admins change names", async () => {
    const cookie = await signIn(world.auth, "pia");
    for (const [path, body] of [
      ["/update-user", { name: "Alice Admin" }],
      ["/update-user", { username: "alice" }],
      ["/change-email", { newEmail: "alice@example.com" }],
      ["/delete-user", {}],
    ] as const) {
      const response = await world.auth.handler(post(path, cookie, body));
      expect(response.status, path).toBe(404);
    }
    const pia = await userNamed("pia");
    expect(pia).toMatchObject({ name: "Pia Picker", username: "pia" });
  });

  it("changing the password needs the current one and at least 8 characters", async () => {
    const cookie = await signIn(world.auth, "olaf");
    const wrongCurrent = await world.auth.handler(
      post("/change-password", cookie, { currentPassword: "not my password", newPassword: "a brand new password", revokeOtherSessions: true }),
    );
    expect(wrongCurrent.status).toBe(400);
    expect(await wrongCurrent.json()).toMatchObject({ code: "INVALID_PASSWORD" });
    const tooShort = await world.auth.handler(
      post("/change-password", cookie, { currentPassword: PASSWORD, newPassword: "short", revokeOtherSessions: true }),
    );
    expect(tooShort.status).toBe(400);
    expect(await tooShort.json()).toMatchObject({ code: "PASSWORD_TOO_SHORT" });
    expect((await world.auth.handler(signInRequest("olaf", PASSWORD))).status).toBe(200);
  });

  it("a changed password signs out every other session, keeps this one, and clears the demo-password flag", async () => {
    await world.database.db.update(users).set({ demoPassword: true }).where(eq(users.username, "mark"));
    const otherDevice = await signIn(world.auth, "mark");
    const thisDevice = await signIn(world.auth, "mark");
    const newPassword = "forklift at dock seven";
    const response = await world.auth.handler(
      post("/change-password", thisDevice, { currentPassword: PASSWORD, newPassword, revokeOtherSessions: true }),
    );
    expect(response.status).toBe(200);
    // The answer carries a new session for this device; the old ones are gone.
    const renewed = cookieFrom(response);
    await expect((await callerFor(world.deps, world.auth, otherDevice)).user.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect((await callerFor(world.deps, world.auth, renewed)).user.me()).resolves.toMatchObject({ username: "mark" });
    expect((await world.auth.handler(signInRequest("mark", PASSWORD))).status).toBe(401);
    expect((await world.auth.handler(signInRequest("mark", newPassword))).status).toBe(200);
    expect((await userNamed("mark")).demoPassword).toBe(false);
  });
});
