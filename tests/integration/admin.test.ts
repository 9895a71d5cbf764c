import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ZodError } from "zod";
import { apiTokens, auditLog, entities, groupMembers, groups } from "~/db/schema";
import { DomainError } from "~/server/domain-error";
import { MAX_IMPORT_ROWS } from "~/server/services/record-import";
import { listRotas, onDuty } from "~/server/services/rotas";
import { authenticateToken, hashToken } from "~/server/services/tokens";
import { SIGNATURE_HEADER, createWebhook, enqueueWebhooks } from "~/server/services/webhooks";
import { PASSWORD, callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { createUser } from "~/server/services/users";

type Caller = Awaited<ReturnType<typeof callerFor>>;

type Refusal = { code: string; message: string; fields: Record<string, string> };

/** The error's code and per-field messages, as the API's error formatter reports them (server/api/trpc.ts). */
async function refusal(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise;
  } catch (error) {
    const { code, message, cause } = error as { code: string; message: string; cause?: unknown };
    const fields: Record<string, string> = {};
    if (cause instanceof DomainError) Object.assign(fields, cause.fields);
    if (cause instanceof ZodError) for (const issue of cause.issues) fields[issue.path.join(".")] ??= issue.message;
    return { code, message, fields };
  }
  throw new Error("expected a refusal");
}

describe("administration: tokens, webhooks, CSV import, rotas (PRODUCT.md A2, A4, W2, C5)", () => {
  let world: TestWorld;
  const c = {} as Record<"alice" | "mark" | "pia" | "anonymous", Caller>;
  const ids = {} as Record<"alice" | "mark" | "pia" | "olaf" | "maria", string>;
  let alice: { id: string; username: string; name: string; role: "admin" };

  beforeAll(async () => {
    world = await createTestWorld();
    const personas = await createPersonas(world.database.db);
    const maria = await createUser(world.database.db, "system", { username: "maria", name: "Maria Manager", role: "manager", password: PASSWORD });
    Object.assign(ids, { alice: personas.admin.id, mark: personas.manager.id, pia: personas.picker.id, olaf: personas.outsider.id, maria: maria.id });
    alice = { id: personas.admin.id, username: "alice", name: personas.admin.name, role: "admin" };
    for (const name of ["alice", "mark", "pia"] as const) c[name] = await callerFor(world.deps, world.auth, await signIn(world.auth, name));
    c.anonymous = await callerFor(world.deps, world.auth, null);
  });
  afterAll(() => world.close());

  describe("who may administer", () => {
    const someId = "00000000-0000-4000-8000-000000000000";
    const attempts: [string, (caller: Caller) => Promise<unknown>][] = [
      ["token.list", (x) => x.token.list()],
      ["token.create", (x) => x.token.create({ name: "x", scopes: ["read"] })],
      ["token.revoke", (x) => x.token.revoke({ id: someId })],
      ["webhook.list", (x) => x.webhook.list()],
      ["webhook.create", (x) => x.webhook.create({ url: "https://example.com/hook", events: ["message.created"] })],
      ["webhook.delete", (x) => x.webhook.delete({ id: someId })],
      ["webhook.deliveries", (x) => x.webhook.deliveries({ webhookId: someId })],
      ["record.previewImport", (x) => x.record.previewImport({ csv: "type,key,title\norder,X-1,One" })],
      ["record.import", (x) => x.record.import({ csv: "type,key,title\norder,X-1,One" })],
      ["rota.list", (x) => x.rota.list()],
      ["rota.get", (x) => x.rota.get({ id: someId })],
      ["rota.create", (x) => x.rota.create({ name: "x", groupId: someId, timeZone: "UTC" })],
      ["rota.delete", (x) => x.rota.delete({ id: someId })],
      ["rota.addShifts", (x) => x.rota.addShifts({ rotaId: someId, shifts: [{ userId: "u", weekday: 1, fromMinute: 0, toMinute: 60 }] })],
      ["rota.removeShifts", (x) => x.rota.removeShifts({ rotaId: someId, shiftIds: [someId] })],
    ];

    it.each(attempts)("answers FORBIDDEN to a worker and to a manager calling %s", async (_, call) => {
      await expect(call(c.pia)).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(call(c.mark)).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(call(c.anonymous)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    });

    it("changes nothing when a worker tries to import records", async () => {
      await expect(c.pia.record.import({ csv: "type,key,title\norder,NOPE-1,Nope" })).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(await world.deps.db.select().from(entities).where(eq(entities.key, "NOPE-1"))).toEqual([]);
    });
  });

  describe("API tokens (A2)", () => {
    it("a created token authenticates with its scopes and stops at once after revoke", async () => {
      const created = await c.alice.token.create({ name: "ERP sync", scopes: ["read", "entities:write"] });
      expect(created.token).toMatch(/^fct_/);
      expect(created.token.startsWith(created.prefix)).toBe(true);
      const principal = await authenticateToken(world.deps.db, `Bearer ${created.token}`);
      expect(principal).toMatchObject({ id: created.id, name: "ERP sync", chatId: null });
      expect(principal.scopes.sort()).toEqual(["entities:write", "read"]);

      const listed = (await c.alice.token.list()).find((t) => t.id === created.id)!;
      expect(listed).toMatchObject({ name: "ERP sync", prefix: created.prefix, revokedAt: null });
      expect(listed.lastUsedAt).toBeInstanceOf(Date);
      expect(listed).not.toHaveProperty("token");

      await c.alice.token.revoke({ id: created.id });
      await expect(authenticateToken(world.deps.db, `Bearer ${created.token}`)).rejects.toMatchObject({ code: "unauthorized" });
      expect((await c.alice.token.list()).find((t) => t.id === created.id)!.revokedAt).toBeInstanceOf(Date);
    });

    it("keeps only the token's hash: the plaintext is nowhere in api_tokens", async () => {
      const { token, id } = await c.alice.token.create({ name: "Hash check", scopes: ["read"] });
      const [row] = await world.deps.db.select().from(apiTokens).where(eq(apiTokens.id, id));
      expect(row!.tokenHash).toBe(hashToken(token));
      expect(JSON.stringify(row)).not.toContain(token);
      expect(JSON.stringify(row)).not.toContain(token.slice(10));
    });

    it("binds a token to a chat the admin can see, and names the chat in the list", async () => {
      const company = (await c.alice.chat.list()).find((chat) => chat.kind === "company")!;
      const created = await c.alice.token.create({ name: "Kiosk", scopes: ["chats:write"], chatId: company.id });
      expect(created.chatId).toBe(company.id);
      const listed = (await c.alice.token.list()).find((t) => t.id === created.id)!;
      expect(listed).toMatchObject({ chatId: company.id, chatTitle: company.title });
    });

    it("refuses to bind a token to a chat the admin cannot see, naming the field", async () => {
      const dm = await c.pia.chat.openDirect({ userIds: [ids.mark] });
      await c.pia.message.send({ chatId: dm.id, clientId: "admin-test-dm-1", body: "just us" });
      expect(await refusal(c.alice.token.create({ name: "Sneaky", scopes: ["read"], chatId: dm.id }))).toMatchObject({
        code: "BAD_REQUEST",
        fields: { chatId: "Choose a chat you can see" },
      });
    });

    it("refuses a token without a name or scopes with a message per field", async () => {
      expect(await refusal(c.alice.token.create({ name: " ", scopes: [] }))).toMatchObject({
        code: "BAD_REQUEST",
        fields: { name: "Give the token a name", scopes: "Choose at least one scope" },
      });
    });
  });

  describe("webhooks (A4)", () => {
    const unsafe = ["https://10.0.0.1/x", "https://169.254.169.254/", "https://[::1]/", "http://example.com/", "https://127.0.0.1/hook", "https://192.168.1.20/"];

    it.each(unsafe)("refuses %s when loopback is not allowed, with a reason on the url field", async (url) => {
      const refused = createWebhook(world.deps.db, alice, { url, events: ["message.created"] }, { allowLoopback: false });
      await expect(refused).rejects.toBeInstanceOf(DomainError);
      await expect(refused).rejects.toMatchObject({ code: "invalid", fields: { url: expect.any(String) as string } });
      // Through the API as an admin of a server that does not allow loopback: BAD_REQUEST.
      const strict = await callerFor({ ...world.deps, outbound: { allowLoopback: false } }, world.auth, await signIn(world.auth, "alice"));
      expect(await refusal(strict.webhook.create({ url, events: ["message.created"] }))).toMatchObject({
        code: "BAD_REQUEST",
        fields: { url: expect.stringMatching(/https|private, loopback or link-local/) as string },
      });
    });

    it("names the reason: http is refused for its scheme, an internal host for its address", async () => {
      await expect(createWebhook(world.deps.db, alice, { url: "http://example.com/", events: ["message.created"] }, { allowLoopback: false })).rejects.toMatchObject({
        fields: { url: "Only https URLs are allowed" },
      });
      await expect(createWebhook(world.deps.db, alice, { url: "https://10.0.0.1/x", events: ["message.created"] }, { allowLoopback: false })).rejects.toMatchObject({
        fields: { url: "The host 10.0.0.1 is a private, loopback or link-local address" },
      });
    });

    it("retries a failing receiver, logs attempts and status codes, and signs each request with the secret", async () => {
      const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
      const answers = [500, 200];
      const receiver = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
          received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
          response.writeHead(answers[received.length - 1] ?? 200).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
      try {
        const { port } = receiver.address() as AddressInfo;
        const hook = await c.alice.webhook.create({ url: `http://127.0.0.1:${port}/hook`, events: ["approval.resolved"] });
        expect(hook.secret).toMatch(/^whsec_/);
        expect((await c.alice.webhook.list()).find((h) => h.id === hook.id)).not.toHaveProperty("secret");

        await world.deps.db.transaction((tx) => enqueueWebhooks(tx, "approval.resolved", { approvalId: "a-1", state: "approved" }));
        await world.webhooks.kick();
        const [first] = await c.alice.webhook.deliveries({ webhookId: hook.id });
        expect(first).toMatchObject({ event: "approval.resolved", state: "pending", attempts: 1, lastStatus: 500, lastError: "HTTP 500", deliveredAt: null });
        expect((await c.alice.webhook.list()).find((h) => h.id === hook.id)).toMatchObject({ pending: 1, failed: 0 });

        // The retry is due 50 ms later in the test world: run the sender until it has gone out.
        await vi.waitFor(
          async () => {
            await world.webhooks.runOnce();
            const [delivery] = await c.alice.webhook.deliveries({ webhookId: hook.id });
            expect(delivery!.state).toBe("delivered");
          },
          { timeout: 5_000, interval: 20 },
        );
        const [done] = await c.alice.webhook.deliveries({ webhookId: hook.id });
        expect(done).toMatchObject({ state: "delivered", attempts: 2, lastStatus: 200, lastError: null });
        expect(done!.deliveredAt).toBeInstanceOf(Date);
        expect((await c.alice.webhook.list()).find((h) => h.id === hook.id)).toMatchObject({ pending: 0, failed: 0 });

        expect(received).toHaveLength(2);
        for (const { headers, body } of received) {
          const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers[SIGNATURE_HEADER]));
          expect(match).not.toBeNull();
          const expected = createHmac("sha256", hook.secret).update(`${match![1]}.${body}`).digest("hex");
          expect(match![2]).toBe(expected);
          expect(JSON.parse(body)).toMatchObject({ event: "approval.resolved", data: { approvalId: "a-1", state: "approved" } });
        }
        await c.alice.webhook.delete({ id: hook.id });
        expect((await c.alice.webhook.list()).map((h) => h.id)).not.toContain(hook.id);
        expect(await c.alice.webhook.deliveries({ webhookId: hook.id })).toEqual([]);
      } finally {
        await new Promise((resolve) => receiver.close(resolve));
      }
    });

    it("refuses a webhook without events", async () => {
      expect(await refusal(c.alice.webhook.create({ url: "https://example.com/hook", events: [] }))).toMatchObject({
        code: "BAD_REQUEST",
        fields: { events: "Choose at least one event" },
      });
    });
  });

  describe("CSV import of records (W2)", () => {
    const countOf = async (type: string) => (await world.deps.db.select({ n: count() }).from(entities).where(eq(entities.type, type)))[0]!.n;

    it("imports nothing when one row is bad, and names that row's line", async () => {
      const csv = ["type,key,title,status", "widget,W-1,First widget,new", "widget,W-2,,new", "widget,W-3,Third widget,new"].join("\n");
      await expect(c.alice.record.import({ csv })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringContaining("Line 3: The title is missing") as string,
      });
      expect(await countOf("widget")).toBe(0);
    });

    it("previews each row with its action or its problem and line, counting lines of quoted multi-line values", async () => {
      await world.deps.db.insert(entities).values({ type: "order", key: "SO-900", title: "Existing" });
      const csv = [
        "type,key,title,status,url,dock",
        'order,SO-900,"Updated, with a comma",packed,https://erp.example.com/SO-900,D1',
        'order,SO-901,"A title on',
        'two lines",new,,D2',
        "",
        "Order,SO-902,Bad type,new,,",
        "order,SO-903,Bad url,new,ftp://x,",
        "order,SO-901,Duplicate,new,,",
        "order,SO-904,Too few",
      ].join("\r\n");
      const preview = await c.alice.record.previewImport({ csv });
      expect(preview.file).toBeNull();
      expect(preview.rows.map((r) => [r.line, r.key, r.action, r.problems.map((p) => p.code)])).toEqual([
        [2, "SO-900", "update", []],
        [3, "SO-901", "create", []],
        [6, "SO-902", null, ["badType"]],
        [7, "SO-903", null, ["badUrl"]],
        [8, "SO-901", null, ["duplicate"]],
        [9, "SO-904", null, ["columnCount"]],
      ]);
      expect(preview.rows[4]!.problems[0]).toMatchObject({ params: { line: 3 }, message: "The same type and key as line 3" });
      expect(preview).toMatchObject({ creates: 1, updates: 1, invalid: 4 });
      // A preview writes nothing.
      expect((await world.deps.db.select().from(entities).where(and(eq(entities.type, "order"), eq(entities.key, "SO-900"))))[0]!.title).toBe("Existing");
    });

    it("refuses a file without the required columns, too many rows, or nothing but a header", async () => {
      expect((await c.alice.record.previewImport({ csv: "type,key,name\norder,1,x" })).file).toMatchObject({ code: "missingColumns", params: { columns: "title" } });
      expect((await c.alice.record.previewImport({ csv: "type,key,title\n" })).file).toMatchObject({ code: "empty" });
      const big = ["type,key,title", ...Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `bulk,B-${i},Row ${i}`)].join("\n");
      expect((await c.alice.record.previewImport({ csv: big })).file).toMatchObject({ code: "tooManyRows" });
      await expect(c.alice.record.import({ csv: big })).rejects.toMatchObject({ code: "BAD_REQUEST" });
      expect(await countOf("bulk")).toBe(0);
      await expect(c.alice.record.previewImport({ csv: `type,key,title\nx,y,${"z".repeat(2 * 1024 * 1024)}` })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    });

    it("creates and updates records in one go, as the admin, with extra columns as fields and a status line in an open record chat", async () => {
      await world.deps.db.insert(entities).values({ type: "shipment", key: "SH-1", title: "Old title", status: "new", fields: { carrier: "DHL" } });
      const chat = await c.alice.chat.openForEntity({ type: "shipment", key: "SH-1" });
      const csv = ["\uFEFFType;Key;Title;Status;carrier;weight", "shipment;SH-1;Truck to Gdańsk;loaded;DPD;", "shipment;SH-2;Truck to Kraków;;UPS;120"].join("\n");
      expect(await c.alice.record.import({ csv })).toEqual({ created: 1, updated: 1 });

      const rows = await world.deps.db.select().from(entities).where(eq(entities.type, "shipment"));
      const one = rows.find((r) => r.key === "SH-1")!;
      const two = rows.find((r) => r.key === "SH-2")!;
      expect(one).toMatchObject({ title: "Truck to Gdańsk", status: "loaded", fields: { carrier: "DPD" } });
      expect(two).toMatchObject({ title: "Truck to Kraków", status: null, url: null, fields: { carrier: "UPS", weight: "120" } });

      const audit = await world.deps.db.select().from(auditLog).where(eq(auditLog.targetId, "shipment:SH-2"));
      expect(audit).toMatchObject([{ action: "record.create", actorKind: "user", actorId: ids.alice }]);
      const history = await c.alice.message.list({ chatId: chat.id });
      expect(history.messages.map((m) => m.body)).toContain("Status: new → loaded");
    });
    it("keeps the status, link and fields of records when the file has no such columns, and audits each update", async () => {
      await world.deps.db.insert(entities).values([
        { type: "bin", key: "A-01", title: "Aisle A", status: "open", url: "https://erp.example.com/bins/A-01", fields: { zone: "cold" } },
        { type: "bin", key: "A-02", title: "Aisle A too", status: "closed" },
      ]);
      expect(await c.alice.record.import({ csv: "key,title,type\nA-01,Aisle A (north),bin\nA-02,Aisle A (south),bin\nA-03,Aisle A (east),bin" })).toEqual({ created: 1, updated: 2 });
      const rows = await world.deps.db.select().from(entities).where(eq(entities.type, "bin"));
      expect(rows.find((r) => r.key === "A-01")).toMatchObject({ title: "Aisle A (north)", status: "open", url: "https://erp.example.com/bins/A-01", fields: { zone: "cold" } });
      expect(rows.find((r) => r.key === "A-02")).toMatchObject({ title: "Aisle A (south)", status: "closed" });
      expect(rows.find((r) => r.key === "A-03")).toMatchObject({ title: "Aisle A (east)", status: null, fields: {} });
      const audit = await world.deps.db.select().from(auditLog).where(eq(auditLog.targetId, "bin:A-01"));
      expect(audit).toMatchObject([{ action: "record.update", actorId: ids.alice, before: { title: "Aisle A", status: "open" }, after: { title: "Aisle A (north)", status: "open" } }]);
    });
  });

  describe("on-duty rotas (C5)", () => {
    let crewId: string;

    beforeAll(async () => {
      const [crew] = await world.deps.db.insert(groups).values({ name: "Night desk", kind: "team" }).returning();
      crewId = crew!.id;
      await world.deps.db.insert(groupMembers).values([
        { groupId: crewId, userId: ids.mark },
        { groupId: crewId, userId: ids.maria },
      ]);
    });

    it("checks the name, time zone and uniqueness of a rota", async () => {
      expect(await refusal(c.alice.rota.create({ name: "Night Desk", groupId: crewId, timeZone: "UTC" }))).toMatchObject({
        code: "BAD_REQUEST",
        fields: { name: "Lower-case letters, digits and - only" },
      });
      expect(await refusal(c.alice.rota.create({ name: "night-x", groupId: crewId, timeZone: "Mars/Olympus" }))).toMatchObject({
        code: "BAD_REQUEST",
        fields: { timeZone: "Not a known time zone" },
      });
      await c.alice.rota.create({ name: "twice", groupId: crewId, timeZone: "UTC" });
      expect(await refusal(c.alice.rota.create({ name: "twice", groupId: crewId, timeZone: "UTC" }))).toMatchObject({
        code: "CONFLICT",
        fields: { name: "This name is taken" },
      });
    });

    it("resolves who is on duty by the rota's weekday, time and time zone, and only members of its group", async () => {
      const { id } = await c.alice.rota.create({ name: "night-desk", groupId: crewId, timeZone: "America/New_York" });
      // Monday (1) 22:00–24:00 New York time, for both; Maria also Tuesday 00:00–06:00.
      await c.alice.rota.addShifts({
        rotaId: id,
        shifts: [
          { userId: ids.mark, weekday: 1, fromMinute: 22 * 60, toMinute: 24 * 60 },
          { userId: ids.maria, weekday: 1, fromMinute: 22 * 60, toMinute: 24 * 60 },
          { userId: ids.maria, weekday: 2, fromMinute: 0, toMinute: 6 * 60 },
        ],
      });
      expect(await refusal(c.alice.rota.addShifts({ rotaId: id, shifts: [{ userId: ids.pia, weekday: 1, fromMinute: 0, toMinute: 60 }] }))).toMatchObject({
        code: "BAD_REQUEST",
        fields: { userId: "Only members of the rota's group can be on it" },
      });
      await expect(c.alice.rota.addShifts({ rotaId: id, shifts: [{ userId: ids.mark, weekday: 1, fromMinute: 600, toMinute: 600 }] })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });

      // 2026-03-02 is a Monday; New York is UTC−5 until 8 March.
      const at = (iso: string) => new Date(iso);
      expect((await onDuty(world.deps.db, "night-desk", at("2026-03-03T03:30:00Z"))).sort()).toEqual([ids.mark, ids.maria].sort()); // Mon 22:30 NY
      expect(await onDuty(world.deps.db, "night-desk", at("2026-03-03T05:00:00Z"))).toEqual([ids.maria]); // Tue 00:00 NY: Monday's window has ended
      // Monday 22:30 in UTC is only 17:30 in New York: nobody.
      await expect(onDuty(world.deps.db, "night-desk", at("2026-03-02T22:30:00Z"))).rejects.toMatchObject({ code: "conflict" });
      await expect(onDuty(world.deps.db, "night-desk", at("2026-03-03T11:00:00Z"))).rejects.toMatchObject({ code: "conflict" }); // Tue 06:00 NY

      const [listed] = await listRotas(world.deps.db, { rotaId: id, now: at("2026-03-03T03:30:00Z") });
      expect(listed).toMatchObject({ name: "night-desk", groupName: "Night desk", timeZone: "America/New_York" });
      expect(listed!.onDutyNow.map((p) => p.name)).toEqual(["Maria Manager", "Mark Manager"]);

      // Leaving the group takes Maria off duty although her shifts remain.
      await world.deps.db.delete(groupMembers).where(and(eq(groupMembers.groupId, crewId), eq(groupMembers.userId, ids.maria)));
      expect(await onDuty(world.deps.db, "night-desk", at("2026-03-03T03:30:00Z"))).toEqual([ids.mark]);
      await expect(onDuty(world.deps.db, "night-desk", at("2026-03-03T05:00:00Z"))).rejects.toMatchObject({ code: "conflict" });

      const detail = await c.alice.rota.get({ id });
      expect(detail.candidates.map((p) => p.name)).toEqual(["Mark Manager"]);
      const marks = detail.rota.shifts.filter((s) => s.userId === ids.mark);
      await c.alice.rota.removeShifts({ rotaId: id, shiftIds: marks.map((s) => s.id) });
      await expect(onDuty(world.deps.db, "night-desk", at("2026-03-03T03:30:00Z"))).rejects.toMatchObject({ code: "conflict" });

      await c.alice.rota.delete({ id });
      expect((await c.alice.rota.list()).map((r) => r.name)).not.toContain("night-desk");
      await expect(onDuty(world.deps.db, "night-desk")).rejects.toMatchObject({ code: "invalid" });
    });
  });
});
