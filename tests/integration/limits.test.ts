import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageReactions, messages } from "~/db/schema";
import { MAX_BATCH_SIZE } from "~/lib/trpc/limits";
import { handleAuthRequest } from "~/server/http/auth";
import { MAX_BODY_BYTES } from "~/server/http/body";
import { createRateLimiter } from "~/server/services/rate-limit";
import type { Deps } from "~/server/services/deps";
import { TEST_ORIGIN, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { type HttpCall, chunkedBody, serveTrpc } from "../factories/trpc-http";

type ErrorBody = { error: { json: { message: string; data: { code: string; httpStatus: number } } } };

describe("tRPC and sign-in over HTTP: origin check and limits", () => {
  let world: TestWorld;
  let server: Awaited<ReturnType<typeof serveTrpc>>;
  /** The same handler on deps whose mutation limit stands still (the rate limit test). */
  let frozenServer: Awaited<ReturnType<typeof serveTrpc>>;
  let cookie: string;
  let companyId: string;
  let n = 0;
  const clientId = () => `limits-${++n}-${Math.random().toString(36).slice(2, 10)}`;

  function trpc(path: string, init: HttpCall = {}, on = server) {
    return on.call(path, { ...init, headers: { cookie, "content-type": "application/json", ...init.headers } });
  }

  const send = (body: string, headers: Record<string, string> = {}) =>
    trpc("message.send", { method: "POST", headers, body: JSON.stringify({ json: { chatId: companyId, clientId: clientId(), body } }) });

  const messageCount = () => world.database.db.$count(messages);

  beforeAll(async () => {
    world = await createTestWorld();
    server = await serveTrpc({ deps: world.deps, auth: world.auth, publicUrl: TEST_ORIGIN });
    const frozen = createRateLimiter({ ratePerSecond: 30, burst: 3 });
    // The clock stands still, so nothing refills during the test.
    const frozenDeps: Deps = { ...world.deps, mutationLimiter: { take: (key) => frozen.take(key, 0) } };
    frozenServer = await serveTrpc({ deps: frozenDeps, auth: world.auth, publicUrl: TEST_ORIGIN });
    await createPersonas(world.database.db);
    cookie = await signIn(world.auth, "pia");
    const list = (await (await trpc("chat.list")).json()) as { result: { data: { json: { id: string }[] } } };
    companyId = list.result.data.json[0]!.id;
  });
  afterAll(async () => {
    await server.close();
    await frozenServer.close();
    await world.close();
  });

  describe("origin check on mutations", () => {
    it("refuses a mutation from another site's page with 403 and changes nothing", async () => {
      const before = await messageCount();
      const response = await send("forged", { origin: "https://evil.example" });
      expect(response.status).toBe(403);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.json.data.code).toBe("FORBIDDEN");
      expect(body.error.json.message).toBe("Requests from other sites are refused");
      expect(await messageCount()).toBe(before);
    });

    it("refuses every call of a batched mutation from another site", async () => {
      const before = await messageCount();
      const input = { 0: { json: { chatId: companyId, clientId: clientId(), body: "a" } }, 1: { json: { chatId: companyId, clientId: clientId(), body: "b" } } };
      const response = await trpc("message.send,message.send?batch=1", { method: "POST", headers: { origin: "null" }, body: JSON.stringify(input) });
      expect(response.status).toBe(403);
      expect(await messageCount()).toBe(before);
    });

    it("accepts a mutation from our public origin, from the host it was sent to, and with no Origin at all", async () => {
      const before = await messageCount();
      expect((await send("from the app", { origin: TEST_ORIGIN })).status).toBe(200);
      // A tablet on the LAN reaching the server by address rather than by PUBLIC_URL.
      expect((await send("by address", { origin: "http://10.0.0.5:3000", host: "10.0.0.5:3000" })).status).toBe(200);
      // A script: no Origin, judged by its cookie as before.
      expect((await send("from a script")).status).toBe(200);
      expect(await messageCount()).toBe(before + 3);
    });

    it("does not check queries, which change nothing", async () => {
      expect((await trpc("chat.list", { headers: { origin: "https://evil.example" } })).status).toBe(200);
    });
  });

  it("answers 405 to methods other than GET and POST, before any procedure runs", async () => {
    const before = await messageCount();
    const refused = await server.call("message.send", { method: "PUT", headers: { cookie, "content-type": "application/json" }, body: "{}" });
    expect(refused.status).toBe(405);
    expect(refused.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS");
    expect(await messageCount()).toBe(before);
  });

  it("answers OPTIONS 204 with the allowed methods and runs no procedure", async () => {
    const before = await messageCount();
    const answer = await server.call("message.send", { method: "OPTIONS", headers: { cookie } });
    expect(answer.status).toBe(204);
    expect(answer.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS");
    // Same-origin only: no CORS grant to another site.
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    expect(await messageCount()).toBe(before);
  });

  describe("body size", () => {
    it("answers 413 when Content-Length declares more than the limit, before reading the body", async () => {
      const before = await messageCount();
      // Only the headers are sent: had the server waited for the body, no answer would come.
      const response = await trpc("message.send", { method: "POST", headers: { "content-length": String(MAX_BODY_BYTES + 1) } });
      expect(response.status).toBe(413);
      const error = (await response.json()) as ErrorBody;
      expect(error.error.json.data.code).toBe("PAYLOAD_TOO_LARGE");
      expect(error.error.json.message).toBe("A request body may have at most 1024 KB");
      expect(await messageCount()).toBe(before);
    });

    it("answers 413 when a body without a length grows past the limit, and stops reading it", async () => {
      const before = await messageCount();
      const response = await trpc("message.send", { method: "POST", body: chunkedBody(MAX_BODY_BYTES * 4) });
      expect(response.status).toBe(413);
      expect(((await response.json()) as ErrorBody).error.json.message).toBe("A request body may have at most 1024 KB");
      expect(await messageCount()).toBe(before);
    });

    it("accepts a body just under the limit", async () => {
      // A message is refused past 10,000 characters (400), which shows the body was read and parsed.
      const padded = JSON.stringify({ json: { chatId: companyId, clientId: clientId(), body: "x".repeat(MAX_BODY_BYTES - 200) } });
      expect(padded.length).toBeLessThan(MAX_BODY_BYTES);
      const response = await trpc("message.send", { method: "POST", body: padded });
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.json.data.code).toBe("BAD_REQUEST");
    });

    it("answers 413 to a sign-in body past the limit, and signs in with a normal one", async () => {
      const signInAt = `${TEST_ORIGIN}/api/auth/sign-in/username`;
      const headers = { "content-type": "application/json", origin: TEST_ORIGIN };
      const huge = JSON.stringify({ username: "pia", password: "x".repeat(MAX_BODY_BYTES) });
      const refused = await handleAuthRequest(new Request(signInAt, { method: "POST", headers, body: huge }), world.auth);
      expect(refused.status).toBe(413);
      expect(await refused.json()).toEqual({ error: { code: "too_large", message: "A request body may have at most 1024 KB" } });
      const streamed = await handleAuthRequest(
        new Request(signInAt, { method: "POST", headers, body: chunkedBody(MAX_BODY_BYTES * 2), duplex: "half" } as RequestInit),
        world.auth,
      );
      expect(streamed.status).toBe(413);
      const accepted = await handleAuthRequest(
        new Request(signInAt, { method: "POST", headers, body: JSON.stringify({ username: "pia", password: "correct horse battery" }) }),
        world.auth,
      );
      expect(accepted.status).toBe(200);
    });
  });

  describe("batch size", () => {
    const batchOf = (size: number) => {
      const paths = Array.from({ length: size }, () => "chat.list").join(",");
      const input = encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: size }, (_, i) => [i, { json: null }]))));
      return trpc(`${paths}?batch=1&input=${input}`);
    };

    it(`answers 400 to a batch of more than ${MAX_BATCH_SIZE} calls, and runs a batch of ${MAX_BATCH_SIZE}`, async () => {
      const refused = await batchOf(MAX_BATCH_SIZE + 1);
      expect(refused.status).toBe(400);
      // Refused as a whole, before any call runs: one error, not one per call.
      expect(((await refused.json()) as ErrorBody).error.json.message).toBe("Batch call exceeds maximum size");
      const accepted = await batchOf(MAX_BATCH_SIZE);
      expect(accepted.status).toBe(200);
      expect(((await accepted.json()) as unknown[]).length).toBe(MAX_BATCH_SIZE);
    });
  });

  describe("mutation rate limit", () => {
    it("answers TOO_MANY_REQUESTS to any mutation past the user's burst, and counts queries not at all", async () => {
      const deps = frozenServer;
      const [message] = await world.database.db.select({ id: messages.id }).from(messages).limit(1);
      const reactionsBefore = await world.database.db.$count(messageReactions);
      const mutate = (path: string, input: unknown) => trpc(path, { method: "POST", body: JSON.stringify({ json: input }) }, deps);

      expect((await mutate("chat.typing", { chatId: companyId })).status).toBe(200);
      expect((await trpc("chat.list", {}, deps)).status).toBe(200);
      expect((await mutate("chat.typing", { chatId: companyId })).status).toBe(200);
      expect((await mutate("chat.typing", { chatId: companyId })).status).toBe(200);

      const refused = await mutate("message.react", { messageId: message!.id, emoji: "👍", on: true });
      expect(refused.status).toBe(429);
      const body = (await refused.json()) as ErrorBody;
      expect(body.error.json.data.code).toBe("TOO_MANY_REQUESTS");
      expect(await world.database.db.$count(messageReactions)).toBe(reactionsBefore);
      // Reading still works for the same user; another user has a bucket of their own.
      expect((await trpc("chat.list", {}, deps)).status).toBe(200);
      const other = await signIn(world.auth, "mark");
      const otherTyping = await frozenServer.call("chat.typing", {
        method: "POST",
        headers: { cookie: other, "content-type": "application/json" },
        body: JSON.stringify({ json: { chatId: companyId } }),
      });
      expect(otherTyping.status).toBe(200);
    });
  });
});
