import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/db/client";
import { users } from "~/db/schema";
import { type Auth, signOutAndRedirect } from "~/server/auth";
import { PASSWORD, TEST_ORIGIN, callerFor, cookieFrom, createPersonas, signInRequest } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";

describe("sign-in", () => {
  let world: TestWorld;
  let database: Database;
  let auth: Auth;

  beforeAll(async () => {
    world = await createTestWorld();
    ({ database, auth } = world);
    await createPersonas(database.db);
  });
  afterAll(() => world.close());

  it("accepts the right password and the session cookie identifies the user", async () => {
    const response = await auth.handler(signInRequest("pia", PASSWORD));
    expect(response.status).toBe(200);
    const cookie = cookieFrom(response);
    expect(cookie).toContain("better-auth.session_token=");
    const me = await (await callerFor(world.deps, world.auth, cookie)).user.me();
    expect(me).toMatchObject({ username: "pia", name: "Pia Picker", role: "worker" });
  });

  it("treats the user name case-insensitively", async () => {
    const response = await auth.handler(signInRequest("PIA", PASSWORD));
    expect(response.status).toBe(200);
  });

  it("refuses a wrong password with 401 and no session cookie", async () => {
    const response = await auth.handler(signInRequest("pia", "wrong password"));
    expect(response.status).toBe(401);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("answers an unknown user name exactly like a wrong password", async () => {
    const wrongPassword = await auth.handler(signInRequest("pia", "wrong password"));
    const unknownUser = await auth.handler(signInRequest("nobodyhere", "wrong password"));
    expect(unknownUser.status).toBe(wrongPassword.status);
    expect(await unknownUser.json()).toEqual(await wrongPassword.json());
  });

  it("refuses a deactivated user exactly like a wrong password", async () => {
    await database.db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.username, "olaf"));
    const deactivated = await auth.handler(signInRequest("olaf", PASSWORD));
    const wrongPassword = await auth.handler(signInRequest("pia", "wrong password"));
    expect(deactivated.status).toBe(401);
    expect(deactivated.headers.getSetCookie()).toEqual([]);
    expect(await deactivated.json()).toEqual(await wrongPassword.json());
  });

  it("offers no endpoint that tells whether a user name exists", async () => {
    const response = await auth.handler(
      new Request(`${TEST_ORIGIN}/api/auth/is-username-available`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: TEST_ORIGIN },
        body: JSON.stringify({ username: "pia" }),
      }),
    );
    expect(response.status).toBe(404);
  });

  it("refuses self sign-up: accounts are created by admins", async () => {
    const response = await auth.handler(
      new Request(`${TEST_ORIGIN}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: TEST_ORIGIN },
        body: JSON.stringify({ email: "x@example.com", password: "long enough password", name: "X", username: "intruder" }),
      }),
    );
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const signIn = await auth.handler(signInRequest("intruder", "long enough password"));
    expect(signIn.status).toBe(401);
  });

  it("refuses a sign-in posted from another site's page (CSRF)", async () => {
    const response = await auth.handler(
      new Request(`${TEST_ORIGIN}/api/auth/sign-in/username`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "https://evil.example", cookie: "x=1" },
        body: JSON.stringify({ username: "pia", password: PASSWORD }),
      }),
    );
    expect(response.status).toBe(403);
  });

  it("ends the session on sign-out: the old cookie no longer identifies anyone", async () => {
    const cookie = cookieFrom(await auth.handler(signInRequest("mark", PASSWORD)));
    const signOut = await auth.handler(
      new Request(`${TEST_ORIGIN}/api/auth/sign-out`, { method: "POST", headers: { cookie, origin: TEST_ORIGIN } }),
    );
    expect(signOut.status).toBe(200);
    const caller = await callerFor(world.deps, world.auth, cookie);
    await expect(caller.user.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("signs out through the form post: 303 to sign-in, cookie cleared, session gone", async () => {
    const cookie = cookieFrom(await auth.handler(signInRequest("mark", PASSWORD)));
    const response = await signOutAndRedirect(
      auth,
      new Request(`${TEST_ORIGIN}/api/sign-out`, { method: "POST", headers: { cookie, origin: TEST_ORIGIN } }),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/sign-in");
    expect(response.headers.getSetCookie().join(";")).toMatch(/better-auth\.session_token=;/);
    const caller = await callerFor(world.deps, world.auth, cookie);
    await expect(caller.user.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("refuses a sign-out form posted from another site, and the session lives on", async () => {
    const cookie = cookieFrom(await auth.handler(signInRequest("mark", PASSWORD)));
    const response = await signOutAndRedirect(
      auth,
      new Request(`${TEST_ORIGIN}/api/sign-out`, { method: "POST", headers: { cookie, origin: "https://evil.example" } }),
    );
    expect(response.status).toBe(403);
    const caller = await callerFor(world.deps, world.auth, cookie);
    await expect(caller.user.me()).resolves.toMatchObject({ username: "mark" });
  });
});
