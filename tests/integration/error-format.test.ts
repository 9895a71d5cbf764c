import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/db/client";
import { appRouter } from "~/server/api/root";
import { createContext } from "~/server/api/trpc";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Auth } from "~/server/auth";
import { TEST_ORIGIN, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";

type ErrorBody = { error: { json: { message: string; data: { code: string; httpStatus: number; fields: Record<string, string> | null } } } };

describe("tRPC over HTTP", () => {
  let world: TestWorld;
  let database: Database;
  let auth: Auth;
  let adminCookie: string;

  const call = (path: string, init: RequestInit = {}) =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(`${TEST_ORIGIN}/api/trpc/${path}`, init),
      router: appRouter,
      createContext: ({ req }) => createContext({ deps: world.deps, auth, headers: req.headers }),
    });

  beforeAll(async () => {
    world = await createTestWorld();
    ({ database, auth } = world);
    await createPersonas(database.db);
    adminCookie = await signIn(auth, "alice");
  });
  afterAll(() => world.close());

  it("answers 401 with code UNAUTHORIZED without a session", async () => {
    const response = await call("user.me");
    expect(response.status).toBe(401);
    expect(((await response.json()) as ErrorBody).error.json.data.code).toBe("UNAUTHORIZED");
  });

  it("answers 400 with per-field messages for invalid input", async () => {
    const response = await call("user.create", {
      method: "POST",
      headers: { cookie: adminCookie, "content-type": "application/json" },
      body: JSON.stringify({ json: { username: "x!", name: "", password: "short", role: "worker" } }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.json.data.code).toBe("BAD_REQUEST");
    expect(Object.keys(body.error.json.data.fields ?? {}).sort()).toEqual(["name", "password", "username"]);
    expect(body.error.json.data.fields?.password).toBe("At least 8 characters");
  });
});
