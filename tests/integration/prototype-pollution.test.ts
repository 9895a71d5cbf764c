import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "~/server/api/root";
import { createContext } from "~/server/api/trpc";
import type { Auth } from "~/server/auth";
import { TEST_ORIGIN, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";

/** The attack from the security issue: one body that used to write into Object.prototype. */
const ATTACK = {
  json: {},
  dates: [
    ["__proto__", "worker"],
    ["__proto__", "moderateMessages"],
    ["__proto__", "createRooms"],
    ["__proto__", "createRecords"],
  ],
};

describe("date paths in a tRPC body", () => {
  let world: TestWorld;
  let auth: Auth;
  let pickerCookie: string;
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  const call = (path: string, init: RequestInit = {}) =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(`${TEST_ORIGIN}/api/trpc/${path}`, init),
      router: appRouter,
      createContext: ({ req }) => createContext({ deps: world.deps, auth, headers: req.headers }),
    });
  const post = (path: string, body: string) =>
    call(path, { method: "POST", headers: { cookie: pickerCookie, "content-type": "application/json" }, body });

  beforeAll(async () => {
    world = await createTestWorld();
    auth = world.auth;
    await createPersonas(world.database.db);
    pickerCookie = await signIn(auth, "pia");
  });
  afterAll(() => world.close());

  it("answer 400 to a worker's __proto__ paths and leave Object.prototype and their rights untouched", async () => {
    const response = await post("people.setStatus", JSON.stringify(ATTACK));
    expect(response.status).toBe(400);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);

    const me = await call("user.me", { headers: { cookie: pickerCookie } });
    expect(me.status).toBe(200);
    const body = (await me.json()) as { result: { data: { json: { can: Record<string, boolean> } } } };
    expect(body.result.data.json.can).toEqual({ createRooms: false, moderateMessages: false, createRecords: false, sms: false });
  });

  it("answer 400 to batched calls and query inputs that carry bad paths", async () => {
    const batch = await post("people.setStatus,people.setStatus?batch=1", JSON.stringify({ 0: ATTACK, 1: { json: {}, dates: [["constructor", "prototype", "x"]] } }));
    expect(batch.status).toBe(400);
    const query = await call(`search.messages?input=${encodeURIComponent(JSON.stringify({ ...ATTACK, json: { q: "x" } }))}`, { headers: { cookie: pickerCookie } });
    expect(query.status).toBe(400);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  });

  it("still turn a real date path into a Date", async () => {
    const input = { json: { q: "dock", from: "2020-01-01T00:00:00.000Z" }, dates: [["from"]] };
    const ok = await call(`search.messages?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { cookie: pickerCookie } });
    expect(ok.status).toBe(200);
    // Without its path the same value stays a string, which the input schema refuses.
    const noPath = { json: input.json };
    const refused = await call(`search.messages?input=${encodeURIComponent(JSON.stringify(noPath))}`, { headers: { cookie: pickerCookie } });
    expect(refused.status).toBe(400);
  });
});
