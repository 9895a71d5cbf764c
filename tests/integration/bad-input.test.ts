import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serialize } from "~/lib/trpc/wire";
import { appRouter } from "~/server/api/root";
import { createContext } from "~/server/api/trpc";
import { refuseMalformedRequest } from "~/server/http/request-guard";
import { ROUTES, createRest } from "~/server/rest";
import { createRateLimiter } from "~/server/services/rate-limit";
import { createToken } from "~/server/services/tokens";
import { messages } from "~/db/schema";
import { handleUpload } from "~/server/files/http";
import { createDiskStorage } from "~/server/storage/disk";
import { findActor } from "~/server/services/users";
import { TEST_ORIGIN, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";

type ErrorBody = { error: { json: { data: { code: string; httpStatus: number; fields: Record<string, string> | null } } } };

/** Inputs bench:fuzz found answered with a 500, sent through the real tRPC handler. */
describe("tRPC inputs found by bench:fuzz", () => {
  let world: TestWorld;
  let cookie: string;

  const query = (path: string, input: unknown) =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(`${TEST_ORIGIN}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(serialize(input)))}`, { headers: { cookie } }),
      router: appRouter,
      createContext: ({ req }) => createContext({ deps: world.deps, auth: world.auth, headers: req.headers }),
    });

  beforeAll(async () => {
    world = await createTestWorld();
    await createPersonas(world.database.db);
    cookie = await signIn(world.auth, "pia");
  });
  afterAll(() => world.close());

  it("answers 400 to a search date PostgreSQL cannot hold (the earliest JavaScript date), not 500", async () => {
    const response = await query("search.messages", { q: "dock", from: new Date(-8.64e15) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.json.data.code).toBe("BAD_REQUEST");
    expect(body.error.json.data.fields?.from).toBe("Pick a date after 1970");
  });

  it("answers 400 to a search date past the year 9999", async () => {
    const response = await query("search.messages", { q: "dock", to: new Date(8.64e15) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.json.data.fields?.to).toBe("Pick a date before the year 10000");
  });

  it("answers 400 to text holding U+0000 (PostgreSQL text cannot hold it) and stores nothing", async () => {
    const [company] = await world.database.db.query.chats.findMany({ where: (c, { eq }) => eq(c.kind, "company") });
    const before = await world.database.db.$count(messages);
    const response = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(`${TEST_ORIGIN}/api/trpc/message.send`, {
        method: "POST",
        headers: { cookie, origin: TEST_ORIGIN, "content-type": "application/json" },
        body: JSON.stringify(serialize({ chatId: company!.id, clientId: "nul-test-1", body: "dock \u0000 3" })),
      }),
      router: appRouter,
      createContext: ({ req }) => createContext({ deps: world.deps, auth: world.auth, headers: req.headers }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.json.data.code).toBe("BAD_REQUEST");
    expect(await world.database.db.$count(messages)).toBe(before);
  });

  it("answers 400 to a REST path, query or body holding U+0000, not 500", async () => {
    const handle = createRest(ROUTES, TEST_ORIGIN);
    const limiter = createRateLimiter({ ratePerSecond: 1000, burst: 1000 });
    const { token } = await createToken(world.deps.db, "system", { name: "NUL test", scopes: ["read", "entities:write"] });
    const rest = (method: string, path: string, body?: unknown) =>
      handle(new Request(`${TEST_ORIGIN}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }), { deps: world.deps, limiter });
    for (const response of [
      await rest("GET", "/entities/ref/a%00b"),
      await rest("GET", "/entities/order/SO-1/history?after=%00"),
      await rest("PUT", "/entities/order/SO-NUL", { title: "a\u0000b" }),
      await rest("PUT", "/entities/order/SO-NUL", { title: "ok", fields: { "k\u0000": 1 } }),
      // A lone surrogate: JSON.stringify writes it as an escape that jsonb refuses.
      await rest("PUT", "/entities/order/SO-NUL", { title: "ok", fields: { note: "\ud985" } }),
    ]) {
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("invalid");
    }
  });

  it("answers 400 to an upload whose x-file-name decodes to U+0000", async () => {
    const pia = await world.database.db.query.users.findFirst({ where: (u, { eq }) => eq(u.username, "pia") });
    const actor = await findActor(world.database.db, pia!.id);
    const [company] = await world.database.db.query.chats.findMany({ where: (c, { eq }) => eq(c.kind, "company") });
    const request = new Request(`${TEST_ORIGIN}/api/files?chatId=${company!.id}`, { method: "POST", headers: { "x-file-name": "a%00b.png" }, body: "x" });
    const response = await handleUpload(request, { deps: world.deps, storage: createDiskStorage(fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-nul-"))), actor, allowedTypes: ["image/png"], publicUrl: TEST_ORIGIN });
    expect(response.status).toBe(400);
  });

  it("still searches within a date range", async () => {
    const response = await query("search.messages", { q: "dock", from: new Date("2020-01-01"), to: new Date("2100-01-01") });
    expect(response.status).toBe(200);
  });
});

type Answer = { status: number; allow: string | undefined; body: string };

/**
 * Requests bench:fuzz found answered with a 500 by Next.js, sent the way server/main.ts receives
 * them: the guard in front, and behind it a stand-in for Next that records what reached it.
 */
describe("malformed requests in front of Next.js (DESIGN.md invariant 6)", () => {
  let server: http.Server;
  let port: number;
  const reached: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (refuseMalformedRequest(req, res)) return;
      reached.push(`${req.method} ${req.url}`);
      res.end("next");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // node:http, not fetch: fetch refuses TRACE and would re-encode the path.
  const send = (method: string, path: string) =>
    new Promise<Answer>((resolve, reject) => {
      const request = http.request({ host: "127.0.0.1", port, method, path, agent: false }, (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => resolve({ status: response.statusCode!, allow: response.headers.allow, body }));
      });
      request.on("error", reject);
      request.end();
    });

  it("answers 405 with Allow to a method Next.js does not serve, and passes nothing on", async () => {
    for (const method of ["TRACE", "PROPFIND", "M-SEARCH"]) {
      const answer = await send(method, "/api/trpc/user.me");
      expect(answer.status).toBe(405);
      expect(answer.allow).toBe("GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS");
      expect((JSON.parse(answer.body) as { error: { code: string } }).error.code).toBe("method_not_allowed");
    }
    expect(reached).toEqual([]);
  });

  it("answers 400 to a path that is not percent-encoded UTF-8 (bad escape, cut sequence, overlong, surrogate), and passes nothing on", async () => {
    for (const path of ["/api/files/%zz", "/api/files/%E0%A4%A/thumb", "/api/auth/%", "/api/v1/entities/%C0%80/x/history", "/api/v1/approvals/%ED%A0%80", "/chats/%zz"]) {
      const answer = await send("GET", path);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({ error: { code: "invalid", message: "The path has bad percent-encoding" } });
    }
    expect(reached).toEqual([]);
  });

  it("answers 404 to an API path with an empty segment rather than letting Next redirect it with the whole URL twice in its headers", async () => {
    const longQuery = "q=" + "x".repeat(8_000);
    for (const path of [`/api/v1/entities/order//history?${longQuery}`, "/api/v1//chats", "/api//health"]) {
      const answer = await send("GET", path);
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.body)).toEqual({ error: { code: "not_found", message: "No API route has an empty path segment" } });
    }
    expect(reached).toEqual([]);
  });

  it("answers 404 to an API path ending in a slash rather than letting Next redirect it with the whole URL twice in its headers", async () => {
    const longQuery = "q=" + "x".repeat(8_000);
    for (const path of [`/api/v1/entities/order/SO-1/history/?${longQuery}`, "/api/v1/", "/api/trpc/user.me/"]) {
      const answer = await send("GET", path);
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.body)).toEqual({ error: { code: "not_found", message: "No API route ends with a slash" } });
    }
    expect(reached).toEqual([]);
  });

  it("passes well-formed requests on, bad percent-encoding in the query included (each route judges its own query)", async () => {
    expect((await send("GET", "/api/files/%E2%82%AC")).body).toBe("next");
    expect((await send("OPTIONS", "/api/trpc/user.me?input=%zz")).body).toBe("next");
    expect(reached).toEqual(["GET /api/files/%E2%82%AC", "OPTIONS /api/trpc/user.me?input=%zz"]);
  });
});
