import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entities, groupMembers, groups, messages, rotaShifts, rotas } from "~/db/schema";
import { ROUTES, createRest } from "~/server/rest";
import { createRateLimiter } from "~/server/services/rate-limit";
import { localWeekMinute } from "~/server/services/rotas";
import { type Scope, createToken, revokeToken } from "~/server/services/tokens";
import { callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { type OpenApiDoc, refsOf, resolvePointer, responseChecker } from "../factories/openapi";
import { openStream, serveStream } from "../factories/stream";

type Caller = Awaited<ReturnType<typeof callerFor>>;
type Json = Record<string, unknown> & { error?: { code: string; message: string; fields?: Record<string, string> } };

describe("REST API for scripts (PRODUCT.md W2, C5, A2)", () => {
  let world: TestWorld;
  let server: Awaited<ReturnType<typeof serveStream>>;
  const handle = createRest(ROUTES, "http://floorchat.test");
  let limiter = createRateLimiter({ ratePerSecond: 1000, burst: 1000 });
  const ids = {} as Record<"alice" | "mark" | "pia" | "olaf", string>;
  const callers = {} as Record<"alice" | "mark" | "pia" | "olaf", Caller>;
  const cookies = {} as Record<"alice" | "mark" | "pia" | "olaf", string>;
  let full: string;

  async function call(method: string, path: string, options: { token?: string | null; body?: unknown; raw?: string } = {}) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    const token = options.token === undefined ? full : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const response = await handle(new Request(`http://floorchat.test/api/v1${path}`, { method, headers, body }), { deps: world.deps, limiter });
    const json = (await response.json()) as Json;
    // Every answer a test sees is also checked against the served OpenAPI document.
    expect(checkAnswer(method, path, response.status, json)).toEqual([]);
    return { status: response.status, json };
  }
  const tokenWith = async (scopes: Scope[], chatId?: string) => (await createToken(world.deps.db, "system", { name: "Test script", scopes, chatId })).token;

  /** The document `/api/v1/openapi.json` serves, read once. */
  let servedDoc: OpenApiDoc;
  let checkAnswer: ReturnType<typeof responseChecker>;

  beforeAll(async () => {
    world = await createTestWorld();
    const served = await handle(new Request("http://floorchat.test/api/v1/openapi.json"), { deps: world.deps, limiter });
    servedDoc = (await served.json()) as OpenApiDoc;
    checkAnswer = responseChecker(servedDoc);
    const personas = await createPersonas(world.database.db);
    ids.alice = personas.admin.id;
    ids.mark = personas.manager.id;
    ids.pia = personas.picker.id;
    ids.olaf = personas.outsider.id;
    for (const name of ["alice", "mark", "pia", "olaf"] as const) {
      cookies[name] = await signIn(world.auth, name);
      callers[name] = await callerFor(world.deps, world.auth, cookies[name]);
    }
    full = await tokenWith(["entities:write", "chats:write", "approvals:write", "read"]);
    server = await serveStream(world.auth, world.realtime.hub, world.deps);
  });
  afterAll(async () => {
    await server?.close();
    await world?.close();
  });

  describe("tokens", () => {
    it("answers 401 without a token, with an unknown one, and at once after revocation", async () => {
      expect((await call("GET", "/entities/order/SO-1", { token: null })).status).toBe(401);
      const unknown = await call("GET", "/entities/order/SO-1", { token: "fct_nope" });
      expect(unknown).toMatchObject({ status: 401, json: { error: { code: "unauthorized" } } });
      const created = await createToken(world.deps.db, "system", { name: "Short-lived", scopes: ["read"] });
      await world.deps.db.insert(entities).values({ type: "order", key: "SO-R", title: "Revocation" }).onConflictDoNothing();
      expect((await call("GET", "/entities/order/SO-R", { token: created.token })).status).toBe(200);
      await revokeToken(world.deps.db, { id: ids.alice, username: "alice", name: "Alice Admin", role: "admin" }, created.id);
      expect((await call("GET", "/entities/order/SO-R", { token: created.token })).status).toBe(401);
    });

    it("answers 403 when the token lacks the route's scope", async () => {
      const readOnly = await tokenWith(["read"]);
      const response = await call("PUT", "/entities/order/SO-2", { token: readOnly, body: { title: "x" } });
      expect(response).toMatchObject({ status: 403, json: { error: { code: "forbidden" } } });
      expect(response.json.error?.message).toContain("entities:write");
      expect(await world.deps.db.$count(entities, eq(entities.key, "SO-2"))).toBe(0);
    });

    it("answers 429 past the per-token rate, with the JSON error shape", async () => {
      limiter = createRateLimiter({ ratePerSecond: 0.001, burst: 2 });
      try {
        const statuses = [];
        for (let i = 0; i < 3; i++) statuses.push((await call("GET", "/entities/order/SO-none")).status);
        expect(statuses).toEqual([404, 404, 429]);
      } finally {
        limiter = createRateLimiter({ ratePerSecond: 1000, burst: 1000 });
      }
    });
  });

  describe("records", () => {
    it("creates with PUT (created: true), updates keeping unsent fields, and reads back with GET", async () => {
      const first = await call("PUT", "/entities/order/SO-77", {
        body: { title: "Order 77", status: "new", url: "https://erp.example/orders/77", fields: { lines: 3 } },
      });
      expect(first).toMatchObject({ status: 200, json: { type: "order", key: "SO-77", created: true, status: "new", fields: { lines: 3 } } });
      const second = await call("PUT", "/entities/order/SO-77", { body: { title: "Order 77 (rush)" } });
      expect(second.json).toMatchObject({ created: false, title: "Order 77 (rush)", status: "new", url: "https://erp.example/orders/77" });
      expect((await call("GET", "/entities/order/SO-77")).json).toMatchObject({ title: "Order 77 (rush)", fields: { lines: 3 } });
    });

    it("answers 400 to bad percent-encoding in the path, never 500", async () => {
      for (const path of ["/entities/order/%E0%A4%A", "/entities/order/%ZZ", "/entities/%ff/SO-1", "/entities/order/%C0%AF"]) {
        expect(await call("GET", path)).toMatchObject({ status: 400, json: { error: { code: "invalid" } } });
      }
    });

    it("answers 400 with a message per field and writes nothing", async () => {
      const badBody = await call("PUT", "/entities/order/SO-78", { body: { title: "", url: "ftp://x" } });
      expect(badBody).toMatchObject({ status: 400, json: { error: { code: "invalid" } } });
      expect(Object.keys(badBody.json.error?.fields ?? {}).sort()).toEqual(["title", "url"]);
      const badPath = await call("PUT", "/entities/Order!/SO-78", { body: { title: "Fine" } });
      expect(badPath.status).toBe(400);
      expect(Object.keys(badPath.json.error?.fields ?? {})).toEqual(["type"]);
      expect(await world.deps.db.$count(entities, eq(entities.key, "SO-78"))).toBe(0);
    });

    it("answers 400 for a body that is not JSON, 404 for an unknown record, 413 for a body over 1 MB", async () => {
      expect((await call("PUT", "/entities/order/SO-79", { raw: "{not json" })).json.error?.code).toBe("invalid");
      expect((await call("GET", "/entities/order/SO-404")).status).toBe(404);
      const huge = await call("PUT", "/entities/order/SO-80", { raw: JSON.stringify({ title: "x", fields: { blob: "x".repeat(1_100_000) } }) });
      expect(huge).toMatchObject({ status: 413, json: { error: { code: "too_large" } } });
      expect(await world.deps.db.$count(entities, eq(entities.key, "SO-80"))).toBe(0);
    });

    it("posts a status change as a system line in the record's chat and tells its open streams", async () => {
      await call("PUT", "/entities/order/SO-81", { body: { title: "Order 81", status: "picking" } });
      const chat = await callers.pia.chat.openForEntity({ type: "order", key: "SO-81" });
      const stream = await openStream(server.url, cookies.pia);
      await stream.next("ready");
      await call("PUT", "/entities/order/SO-81", { body: { title: "Order 81", status: "packed" } });
      const line = await stream.next("message.created", (e) => e.chatId === chat.id);
      expect(line.event.message).toMatchObject({ kind: "system", body: "Status: picking → packed", data: { type: "status", from: "picking", to: "packed" } });
      await stream.next("chat.changed", (e) => e.chatId === chat.id && e.reason === "entity");
      expect((await callers.pia.chat.get({ chatId: chat.id })).entity?.status).toBe("packed");
      stream.close();
    });

    it("returns a record's chat as a log, oldest first, paged with after", async () => {
      await call("PUT", "/entities/order/SO-82", { body: { title: "Order 82", status: "a" } });
      const chat = await callers.pia.chat.openForEntity({ type: "order", key: "SO-82" });
      await callers.pia.message.send({ chatId: chat.id, clientId: "rest-history-1", body: "Pallet is wet" });
      await call("PUT", "/entities/order/SO-82", { body: { title: "Order 82", status: "b" } });
      const all = await call("GET", "/entities/order/SO-82/history");
      expect(all.json).toMatchObject({ chatId: chat.id, hasMore: false });
      const entries = all.json.entries as { seq: number; body: string; sender: { name: string } }[];
      expect(entries.map((e) => e.body)).toEqual(["Pallet is wet", "Status: a → b"]);
      expect(entries[0]!.sender.name).toBe("Pia Picker");
      const page = await call("GET", `/entities/order/SO-82/history?after=${entries[0]!.seq}&limit=1`);
      expect((page.json.entries as unknown[]).length).toBe(1);
      expect((await call("GET", "/entities/order/SO-82/history?limit=0")).status).toBe(400);
    });
  });

  describe("system chats", () => {
    it("opens a chat with user names, ids and groups, posts as the token, and only participants can read it", async () => {
      const [team] = await world.deps.db.insert(groups).values({ name: "Night shift", kind: "team" }).returning();
      await world.deps.db.insert(groupMembers).values({ groupId: team!.id, userId: ids.pia });
      const created = await call("POST", "/system-chats", {
        body: { title: "Backup finished", participants: ["mark", ids.alice, "group:Night shift"], message: "Nightly backup done in 4 min" },
      });
      expect(created.status).toBe(201);
      const chatId = created.json.chatId as string;
      expect((created.json.participants as string[]).sort()).toEqual([ids.alice, ids.mark, ids.pia].sort());
      const listed = await callers.mark.message.list({ chatId });
      expect(listed.messages[0]).toMatchObject({ body: "Nightly backup done in 4 min", sender: { kind: "system", id: null, name: "Test script" } });
      expect((await callers.pia.chat.list()).map((c) => c.id)).toContain(chatId);
      await expect(callers.olaf.chat.get({ chatId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    });

    it("answers 400 naming unknown participants and creates nothing", async () => {
      const before = await world.deps.db.$count(messages);
      const response = await call("POST", "/system-chats", { body: { title: "x", participants: ["mark", "nobody", "group:Ghosts"], message: "hi" } });
      expect(response.status).toBe(400);
      expect(response.json.error?.fields?.participants).toBe("Unknown participants: nobody, group:Ghosts");
      expect(await world.deps.db.$count(messages)).toBe(before);
    });

    it("routes on-duty:<rota> to whoever's weekly window covers now, and answers 409 when nobody is on duty", async () => {
      const [desk] = await world.deps.db.insert(groups).values({ name: "Help desk", kind: "team" }).returning();
      await world.deps.db.insert(groupMembers).values([
        { groupId: desk!.id, userId: ids.mark },
        { groupId: desk!.id, userId: ids.alice },
      ]);
      const [rota] = await world.deps.db.insert(rotas).values({ name: "helpdesk", groupId: desk!.id, timeZone: "Europe/Warsaw" }).returning();
      const now = localWeekMinute(new Date(), "Europe/Warsaw");
      const other = (now.weekday + 3) % 7;
      await world.deps.db.insert(rotaShifts).values([
        { rotaId: rota!.id, userId: ids.mark, weekday: now.weekday, fromMinute: 0, toMinute: 1440 },
        { rotaId: rota!.id, userId: ids.alice, weekday: other, fromMinute: 0, toMinute: 1440 },
        // Not in the rota's group: never on duty through it.
        { rotaId: rota!.id, userId: ids.pia, weekday: now.weekday, fromMinute: 0, toMinute: 1440 },
      ]);
      const routed = await call("POST", "/system-chats", { body: { title: "Printer jam", participants: ["on-duty:helpdesk"], message: "Printer 3 jammed" } });
      expect(routed.json.participants).toEqual([ids.mark]);

      await world.deps.db.delete(rotaShifts).where(and(eq(rotaShifts.rotaId, rota!.id), eq(rotaShifts.userId, ids.mark)));
      const nobody = await call("POST", "/system-chats", { body: { title: "Printer jam", participants: ["on-duty:helpdesk"], message: "Again" } });
      expect(nobody).toMatchObject({ status: 409, json: { error: { code: "conflict" } } });
    });

    it("posts more with /chats/{id}/messages, and a retried clientId returns the original once", async () => {
      const created = await call("POST", "/system-chats", { body: { title: "Job 12", participants: ["mark"], message: "Started" } });
      const chatId = created.json.chatId as string;
      const first = await call("POST", `/chats/${chatId}/messages`, { body: { message: "Finished", clientId: "job-12-finished" } });
      const retry = await call("POST", `/chats/${chatId}/messages`, { body: { message: "Finished", clientId: "job-12-finished" } });
      expect(first.status).toBe(201);
      expect(retry.json.id).toBe(first.json.id);
      expect((await callers.mark.message.list({ chatId })).messages.map((m) => m.body)).toEqual(["Started", "Finished"]);
      expect((await call("POST", "/chats/00000000-0000-4000-8000-000000000000/messages", { body: { message: "x" } })).status).toBe(404);
    });

    it("lets a token bound to one chat post there and nowhere else, nor open chats", async () => {
      const one = (await call("POST", "/system-chats", { body: { title: "Site A", participants: ["mark"], message: "a" } })).json.chatId as string;
      const two = (await call("POST", "/system-chats", { body: { title: "Site B", participants: ["mark"], message: "b" } })).json.chatId as string;
      const bound = await tokenWith(["chats:write", "read"], one);
      expect((await call("POST", `/chats/${one}/messages`, { token: bound, body: { message: "from the site" } })).status).toBe(201);
      const elsewhere = await call("POST", `/chats/${two}/messages`, { token: bound, body: { message: "sneaky" } });
      expect(elsewhere).toMatchObject({ status: 403, json: { error: { code: "forbidden" } } });
      expect((await call("POST", "/system-chats", { token: bound, body: { title: "x", participants: ["mark"], message: "x" } })).status).toBe(403);
      expect((await call("GET", "/entities/order/SO-77", { token: bound })).status).toBe(403);
      expect((await callers.mark.message.list({ chatId: two })).messages.map((m) => m.body)).toEqual(["b"]);
    });

    it("refuses posting into a person's room or the company chat with an unbound token", async () => {
      const room = await callers.mark.chat.createRoom({ title: "Managers", visibility: "public" });
      expect((await call("POST", `/chats/${room.id}/messages`, { body: { message: "spam" } })).status).toBe(403);
    });

    it("marks a 'whoever takes it' request as taken by the first taker for everyone; a second taker gets CONFLICT", async () => {
      const created = await call("POST", "/system-chats", {
        body: { title: "Forklift needed", participants: ["mark", "pia", "alice"], message: "Dock 4 needs a forklift", takeable: true },
      });
      const chatId = created.json.chatId as string;
      const messageId = (created.json.message as { id: string }).id;
      const stream = await openStream(server.url, cookies.alice);
      await stream.next("ready");
      const taken = await callers.pia.message.take({ messageId });
      expect(taken.data).toMatchObject({ type: "take", takenBy: { id: ids.pia, name: "Pia Picker" } });
      const seen = await stream.next("message.updated", (e) => e.message.id === messageId);
      expect(seen.event.message.data).toMatchObject({ takenBy: { id: ids.pia } });
      await expect(callers.mark.message.take({ messageId })).rejects.toMatchObject({ code: "CONFLICT", message: "Pia Picker has already taken it" });
      expect((await callers.pia.message.take({ messageId })).data).toMatchObject({ takenBy: { id: ids.pia } });
      await expect(callers.olaf.message.take({ messageId })).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect((await callers.mark.message.list({ chatId })).messages[0]!.data).toMatchObject({ takenBy: { id: ids.pia } });
      stream.close();
    });
  });

  describe("documentation", () => {
    it("serves an OpenAPI 3.1 document of every route without a token, and a readable page", async () => {
      const response = await handle(new Request("http://floorchat.test/api/v1/openapi.json"), { deps: world.deps, limiter });
      const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
      expect(doc.openapi).toBe("3.1.0");
      for (const r of ROUTES) expect(doc.paths[r.path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
      expect(Object.keys(doc.paths["/entities/{type}/{key}"]!.put!.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "413", "429"]));
      const page = await handle(new Request("http://floorchat.test/api/v1/docs"), { deps: world.deps, limiter });
      expect(page.headers.get("content-type")).toContain("text/html");
      expect(await page.text()).toContain("/api/v1/system-chats");
    });

    it("resolves every $ref of the document, and no named schema is only a reference (to itself or another)", async () => {
      const doc = servedDoc;
      const refs = refsOf(doc);
      expect(refs.length).toBeGreaterThan(0);
      for (const { at, ref } of refs) expect(resolvePointer(doc, ref), `${ref} at ${at}`).toBeDefined();
      for (const [name, schema] of Object.entries(doc.components.schemas)) {
        expect(Object.keys(schema as object), `components.schemas.${name}`).not.toEqual(["$ref"]);
      }
      // What the page shows: the fields, not only names.
      const page = await (await handle(new Request("http://floorchat.test/api/v1/docs"), { deps: world.deps, limiter })).text();
      expect(page).toContain("participants");
      expect(page).toContain("maxLength");
    });

    it("generates TypeScript types from the served document with openapi-typescript, and a client written against them type-checks", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-openapi-"));
      try {
        fs.writeFileSync(path.join(dir, "api.d.ts"), astToString(await openapiTS(servedDoc as never, { silent: true })));
        // Wrong uses must fail too (@ts-expect-error): a document of `unknown`s or `any`s would pass the rest.
        fs.writeFileSync(
          path.join(dir, "client.ts"),
          `import type { components, paths } from "./api";
type Record = paths["/entities/{type}/{key}"]["put"]["responses"]["200"]["content"]["application/json"];
type Body = paths["/system-chats"]["post"]["requestBody"]["content"]["application/json"];
type Failure = components["schemas"]["Error"];
export const title = (record: Record): string => record.title;
export const first = (body: Body): string => body.participants[0]!;
export const code = (failure: Failure): string => failure.error.code;
// @ts-expect-error a record has no such field
export const wrong = (record: Record): string => record.nope;
// @ts-expect-error the title is text
export const notANumber: Record["title"] = 5;
`,
        );
        const program = ts.createProgram([path.join(dir, "client.ts")], {
          strict: true,
          noEmit: true,
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          moduleResolution: ts.ModuleResolutionKind.Bundler,
          skipLibCheck: true,
          types: [],
        });
        const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        expect(problems).toEqual([]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("answers 404 for an unknown path and 405 with Allow for a wrong method", async () => {
      expect((await call("GET", "/nothing-here")).status).toBe(404);
      const wrong = await handle(new Request("http://floorchat.test/api/v1/system-chats", { method: "GET" }), { deps: world.deps, limiter });
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get("allow")).toBe("POST");
    });
  });
});
