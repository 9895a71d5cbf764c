import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, asc, eq, gt, max, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvals, chatMembers, entities, events, groupMembers, groups, messages, webhookDeliveries } from "~/db/schema";
import type { Actor } from "~/server/domain-error";
import type { ChatEvent } from "~/contracts/stream";
import { ROUTES, createRest } from "~/server/rest";
import type { ApprovalDto } from "~/server/services/approval/dto";
import { createApproval } from "~/server/services/approval/request";
import { expireApprovals } from "~/server/services/approval/decide";
import { createRateLimiter } from "~/server/services/rate-limit";
import { createToken } from "~/server/services/tokens";
import { createUser } from "~/server/services/users";
import { SIGNATURE_HEADER, createWebhook, signPayload } from "~/server/services/webhooks";
import { PASSWORD, callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";

type Received = { headers: http.IncomingHttpHeaders; body: string };

/** A webhook receiver on 127.0.0.1 that hands each request to whoever waits for it. */
async function startReceiver() {
  const received: Received[] = [];
  const waiters: { match: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const entry = { headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      received.push(entry);
      res.writeHead(200).end("ok");
      for (const waiter of waiters.filter((w) => w.match(entry))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(entry);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/floorchat`,
    /** The first request (already received or still to come) for which `match` holds. */
    next(match: (r: Received) => boolean): Promise<Received> {
      const found = received.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const aboutApproval = (id: string) => (r: Received) => (JSON.parse(r.body) as { data: { id: string } }).data.id === id;

describe("approvals (PRODUCT.md W4)", () => {
  let world: TestWorld;
  type Caller = Awaited<ReturnType<typeof callerFor>>;
  const c = {} as Record<"alice" | "mark" | "maria" | "tom" | "pia" | "olaf", Caller>;
  const people = {} as Record<keyof typeof c, Actor>;
  const bot = { kind: "token" as const, id: "00000000-0000-4000-8000-000000000001", name: "Warehouse bot" };
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let webhookSecret: string;
  let order = 0;
  /** A fresh order record per test, so requests never share a chat by accident. */
  const nextOrder = () => `SO-${++order}`;

  const request = (approvers: string[] | { group: string; count: number }, extra: Partial<Parameters<typeof createApproval>[2]> = {}) =>
    createApproval(world.deps, bot, { record: { type: "order", key: nextOrder() }, approvers, message: "Ship 12 as 2 packs of 6?", ...extra });

  const systemLines = async (chatId: string) =>
    (await world.deps.db.select({ body: messages.body }).from(messages).where(and(eq(messages.chatId, chatId), eq(messages.kind, "system")))).map(
      (m) => m.body,
    );

  const deliveriesFor = async (approvalId: string) =>
    (
      await world.deps.db
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(sql`${webhookDeliveries.payload}->'data'->>'id' = ${approvalId}`)
    ).length;

  beforeAll(async () => {
    world = await createTestWorld();
    const db = world.database.db;
    const personas = await createPersonas(db);
    const maria = await createUser(db, "system", { username: "maria", name: "Maria Manager", role: "manager", password: PASSWORD });
    const tom = await createUser(db, "system", { username: "tom", name: "Tom Nowak", role: "manager", password: PASSWORD });
    Object.assign(people, { alice: personas.admin, mark: personas.manager, pia: personas.picker, olaf: personas.outsider, maria, tom });
    for (const name of ["alice", "mark", "maria", "tom", "pia", "olaf"] as const) {
      c[name] = await callerFor(world.deps, world.auth, await signIn(world.auth, name));
    }
    const [group] = await db.insert(groups).values({ name: "Approvers" }).returning({ id: groups.id });
    await db.insert(groupMembers).values([personas.manager.id, maria.id, tom.id].map((userId) => ({ groupId: group!.id, userId })));
    await db.insert(entities).values(Array.from({ length: 60 }, (_, i) => ({ type: "order", key: `SO-${i + 1}`, title: `Order ${i + 1}` })));
    receiver = await startReceiver();
    webhookSecret = (await createWebhook(db, people.alice, { url: receiver.url, events: ["approval.resolved"] }, { allowLoopback: true })).secret;
  });
  afterAll(async () => {
    await world.close();
    await receiver.close();
  });

  describe("resolution", () => {
    it("is approved once every named approver has approved, not before", async () => {
      const approval = await request(["mark", "maria"]);
      const first = await c.mark.approval.vote({ approvalId: approval.id, vote: "approve" });
      expect(first).toMatchObject({ state: "pending", approvedCount: 1, required: 2, resolvedAt: null });
      const second = await c.maria.approval.vote({ approvalId: approval.id, vote: "approve" });
      expect(second.state).toBe("approved");
      expect(second.resolvedAt).toBeInstanceOf(Date);
      expect(second.votes.map((v) => [v.name, v.vote])).toEqual([
        ["Mark Manager", "approve"],
        ["Maria Manager", "approve"],
      ]);
      expect(await systemLines(approval.chatId)).toEqual(["Approved by Mark Manager and Maria Manager"]);
    });

    it("is approved after N approvals from the group, not before, and a later vote is CONFLICT", async () => {
      const approval = await request({ group: "Approvers", count: 2 });
      expect(approval.approvers.map((a) => a.name)).toEqual(["Maria Manager", "Mark Manager", "Tom Nowak"]);
      expect((await c.tom.approval.vote({ approvalId: approval.id, vote: "approve" })).state).toBe("pending");
      expect((await c.mark.approval.vote({ approvalId: approval.id, vote: "approve" })).state).toBe("approved");
      await expect(c.maria.approval.vote({ approvalId: approval.id, vote: "approve" })).rejects.toMatchObject({ code: "CONFLICT" });
    });

    it("is rejected by one rejection unless configured otherwise", async () => {
      const approval = await request(["mark", "maria"]);
      const result = await c.maria.approval.vote({ approvalId: approval.id, vote: "reject", comment: "Customer wants singles" });
      expect(result.state).toBe("rejected");
      expect(result.votes).toMatchObject([{ name: "Maria Manager", vote: "reject", comment: "Customer wants singles" }]);
      expect(await systemLines(approval.chatId)).toEqual(["Rejected by Maria Manager"]);
    });

    it("with rejectionsToReject 2 stays pending after one rejection and is rejected by the second", async () => {
      const approval = await request({ group: "Approvers", count: 2 }, { rejectionsToReject: 2 });
      expect((await c.mark.approval.vote({ approvalId: approval.id, vote: "reject" })).state).toBe("pending");
      expect((await c.tom.approval.vote({ approvalId: approval.id, vote: "approve" })).state).toBe("pending");
      const result = await c.maria.approval.vote({ approvalId: approval.id, vote: "reject" });
      expect(result).toMatchObject({ state: "rejected", rejectedCount: 2, approvedCount: 1 });
    });

    it("refuses a rejectionsToReject that could never be reached before approval becomes impossible", async () => {
      await expect(request({ group: "Approvers", count: 2 }, { rejectionsToReject: 3 })).rejects.toMatchObject({
        code: "invalid",
        fields: { rejectionsToReject: expect.stringContaining("1 to 2") as string },
      });
    });

    it("expires at its time through the sweep, with a line in the chat, and later votes are CONFLICT", async () => {
      const approval = await request(["mark"], { expiresInMinutes: 5 });
      expect(await expireApprovals(world.deps, new Date(Date.now() + 60_000))).toBe(0);
      expect(await expireApprovals(world.deps, new Date(Date.now() + 6 * 60_000))).toBe(1);
      expect((await c.mark.approval.get({ approvalId: approval.id })).state).toBe("expired");
      expect(await systemLines(approval.chatId)).toEqual(["Approval request expired"]);
      await expect(c.mark.approval.vote({ approvalId: approval.id, vote: "approve" })).rejects.toMatchObject({ code: "CONFLICT" });
      await expect(receiver.next(aboutApproval(approval.id))).resolves.toBeTruthy();
    });

    it("is expired on the spot when voted on after its time, before any sweep ran", async () => {
      const approval = await request(["mark"], { expiresInMinutes: 5 });
      await world.deps.db.update(approvals).set({ expiresAt: new Date(Date.now() - 1_000) }).where(eq(approvals.id, approval.id));
      await expect(c.mark.approval.vote({ approvalId: approval.id, vote: "approve" })).rejects.toMatchObject({
        code: "CONFLICT",
        message: "This request has expired",
      });
      expect((await c.mark.approval.get({ approvalId: approval.id })).state).toBe("expired");
    });

    it("logs the deciding vote's record chat change, card update and status line with consecutive ids, in that order", async () => {
      const approval = await request(["mark"]);
      const [before] = await world.deps.db.select({ last: max(events.id) }).from(events);
      await c.mark.approval.vote({ approvalId: approval.id, vote: "approve" });
      const logged = await world.deps.db
        .select()
        .from(events)
        .where(and(eq(events.chatId, approval.chatId), gt(events.id, before!.last ?? 0)))
        .orderBy(asc(events.id));
      const first = logged[0]!.id;
      const payloads = logged.map((e) => e.payload as ChatEvent);
      expect(logged.map((e) => [e.id, e.type])).toEqual([
        [first, "chat.changed"],
        [first + 1, "message.updated"],
        [first + 2, "message.created"],
      ]);
      expect(payloads[0]).toEqual({ type: "chat.changed", chatId: approval.chatId, reason: "entity" });
      expect(payloads[1]).toMatchObject({ message: { id: approval.messageId, data: { type: "approval", approvalId: approval.id } } });
      expect(payloads[2]).toMatchObject({ message: { kind: "system", body: "Approved by Mark Manager" } });
    });

    it("refuses an expiry in the past", async () => {
      await expect(request(["mark"], { expiresAt: new Date(Date.now() - 60_000) })).rejects.toMatchObject({
        code: "invalid",
        fields: { expiresAt: "Must be in the future" },
      });
    });
  });

  describe("votes", () => {
    it("are final: a second vote by the same person is CONFLICT and changes nothing", async () => {
      const approval = await request({ group: "Approvers", count: 2 });
      await c.mark.approval.vote({ approvalId: approval.id, vote: "approve" });
      await expect(c.mark.approval.vote({ approvalId: approval.id, vote: "reject" })).rejects.toMatchObject({ code: "CONFLICT" });
      const after = await c.mark.approval.get({ approvalId: approval.id });
      expect(after).toMatchObject({ state: "pending", approvedCount: 1, rejectedCount: 0 });
    });

    it("are FORBIDDEN to someone who is not an approver, even a member of the record's chat", async () => {
      const approval = await request(["mark"]);
      await c.pia.chat.openForEntity({ type: "order", key: approval.record.key });
      await expect(c.pia.approval.vote({ approvalId: approval.id, vote: "approve" })).rejects.toMatchObject({ code: "FORBIDDEN" });
      // A member may still see the card.
      expect((await c.pia.approval.get({ approvalId: approval.id })).state).toBe("pending");
    });

    it("are FORBIDDEN to the person who asked: nobody approves their own request", async () => {
      const asked = await c.mark.approval.request({
        record: { type: "order", key: nextOrder() },
        approvers: { group: "Approvers", count: 2 },
        message: "Write off 3 damaged cartons?",
      });
      expect(asked.approvers.map((a) => a.name)).toEqual(["Maria Manager", "Tom Nowak"]);
      expect(asked.requestedBy).toEqual({ kind: "user", name: "Mark Manager" });
      await expect(c.mark.approval.vote({ approvalId: asked.id, vote: "approve" })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(
        c.mark.approval.request({ record: { type: "order", key: nextOrder() }, approvers: ["mark"], message: "Me?" }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    });

    it("that arrive at once resolve the request once: one line in the chat, one webhook delivery", async () => {
      const both = await request(["mark", "maria"]);
      await Promise.all([
        c.mark.approval.vote({ approvalId: both.id, vote: "approve" }),
        c.maria.approval.vote({ approvalId: both.id, vote: "approve" }),
      ]);
      expect(await c.mark.approval.get({ approvalId: both.id })).toMatchObject({ state: "approved", approvedCount: 2 });
      expect(await systemLines(both.chatId)).toHaveLength(1);
      expect(await deliveriesFor(both.id)).toBe(1);

      // One approval needed, three voters at once: one resolves it, the others are told it is settled.
      const anyOne = await request({ group: "Approvers", count: 1 });
      const settled = await Promise.allSettled(
        (["mark", "maria", "tom"] as const).map((who) => c[who].approval.vote({ approvalId: anyOne.id, vote: "approve" })),
      );
      expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(1);
      for (const failure of settled.filter((s) => s.status === "rejected")) expect(failure.reason).toMatchObject({ code: "CONFLICT" });
      expect(await systemLines(anyOne.chatId)).toHaveLength(1);
      expect(await deliveriesFor(anyOne.id)).toBe(1);
    });
  });

  describe("access and the record's chat", () => {
    it("posts the card in the record's chat, labelled with the requester, with the approvers as members", async () => {
      const approval = await request(["mark", "maria"]);
      const page = await c.mark.message.list({ chatId: approval.chatId });
      expect(page.messages).toHaveLength(1);
      expect(page.messages[0]).toMatchObject({
        kind: "approval",
        body: "Ship 12 as 2 packs of 6?",
        sender: { kind: "system", name: "Warehouse bot" },
        data: { type: "approval", approvalId: approval.id },
      });
      const members = await world.deps.db.select({ userId: chatMembers.userId }).from(chatMembers).where(eq(chatMembers.chatId, approval.chatId));
      expect(members.map((m) => m.userId).sort()).toEqual([people.mark.id, people.maria.id].sort());
      // The chat list's preview names the requester too, not "System".
      const row = (await c.mark.chat.list()).find((chat) => chat.id === approval.chatId);
      expect(row?.lastMessage).toMatchObject({ senderName: "Warehouse bot", body: "Ship 12 as 2 packs of 6?" });
    });

    it("keeps an outsider out of the card's chat and the request", async () => {
      const approval = await request(["mark"]);
      await expect(c.olaf.chat.get({ chatId: approval.chatId })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(c.olaf.message.list({ chatId: approval.chatId })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(c.olaf.approval.get({ approvalId: approval.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    });

    it("shows a pending approval on the record's chat summary until it resolves", async () => {
      const approval = await request(["mark"]);
      const summary = async () => (await c.mark.chat.list()).find((chat) => chat.id === approval.chatId)?.entity?.pendingApprovals;
      expect(await summary()).toBe(1);
      await c.mark.approval.vote({ approvalId: approval.id, vote: "approve" });
      expect(await summary()).toBe(0);
    });

    it("lists the requests waiting for my vote, and not once I have voted", async () => {
      const approval = await request({ group: "Approvers", count: 2 });
      expect((await c.tom.approval.pendingForMe()).map((a) => a.id)).toContain(approval.id);
      expect((await c.pia.approval.pendingForMe()).map((a) => a.id)).not.toContain(approval.id);
      await c.tom.approval.vote({ approvalId: approval.id, vote: "approve" });
      expect((await c.tom.approval.pendingForMe()).map((a) => a.id)).not.toContain(approval.id);
      expect((await c.maria.approval.pendingForMe()).map((a) => a.id)).toContain(approval.id);
    });

    it("keeps a card and its outcome out of the 'waiting for a reply' queue, which still holds a worker's question", async () => {
      const approval = await request(["mark"]);
      const queued = async () => (await c.mark.manager.queue()).map((item) => item.chat.id);
      expect(await queued()).not.toContain(approval.chatId);
      await c.pia.chat.openForEntity({ type: "order", key: approval.record.key });
      await c.pia.message.send({ chatId: approval.chatId, clientId: "approvals-queue-1", body: "Can I start packing?" });
      expect(await queued()).toContain(approval.chatId);
      await c.mark.message.send({ chatId: approval.chatId, clientId: "approvals-queue-2", body: "Wait for the approval" });
      await c.mark.approval.vote({ approvalId: approval.id, vote: "approve" });
      expect(await queued()).not.toContain(approval.chatId);
    });

    it("lets a manager ask for approval from the app, and not a worker", async () => {
      await expect(
        c.pia.approval.request({ record: { type: "order", key: nextOrder() }, approvers: ["mark"], message: "Please?" }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
    });
  });

  describe("webhook", () => {
    it('sends "approval.resolved" signed with the webhook\'s secret', async () => {
      const approval = await request(["maria"]);
      await c.maria.approval.vote({ approvalId: approval.id, vote: "approve" });
      const delivery = await receiver.next(aboutApproval(approval.id));
      expect(delivery.headers["x-floorchat-event"]).toBe("approval.resolved");
      const header = String(delivery.headers[SIGNATURE_HEADER]);
      const timestamp = Number(/^t=(\d+),/.exec(header)?.[1]);
      expect(header).toBe(signPayload(webhookSecret, delivery.body, timestamp));
      expect(signPayload("whsec_wrong", delivery.body, timestamp)).not.toBe(header);
      const body = JSON.parse(delivery.body) as { id: string; createdAt: string; event: string; data: ReturnType<typeof JSON.parse> };
      expect(body).toMatchObject({
        event: "approval.resolved",
        data: {
          id: approval.id,
          state: "approved",
          record: { type: "order", key: approval.record.key },
          votes: [{ name: "Maria Manager", vote: "approve" }],
        },
      });
    });
  });

  describe("REST API", () => {
    const rest = createRest(ROUTES, "http://x");
    const limiter = createRateLimiter({ ratePerSecond: 1000, burst: 1000 });
    const tokens = { write: "", readOnly: "", bound: "" };

    beforeAll(async () => {
      const db = world.database.db;
      tokens.write = (await createToken(db, "system", { name: "ERP approvals", scopes: ["approvals:write", "read"] })).token;
      tokens.readOnly = (await createToken(db, "system", { name: "Reader", scopes: ["read"] })).token;
      const somewhere = await request(["mark"]);
      tokens.bound = (await createToken(db, "system", { name: "Site", scopes: ["approvals:write", "read"], chatId: somewhere.chatId })).token;
    });

    async function call(method: "GET" | "POST", path: string, token: string | null, body?: unknown) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (token) headers.authorization = `Bearer ${token}`;
      const response = await rest(
        new Request(`http://x/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }),
        { deps: world.deps, limiter },
      );
      return { status: response.status, json: (await response.json()) as Record<string, unknown> & { error?: { code: string; message: string; fields?: Record<string, string> } } };
    }

    it("POST opens the request and GET returns its state and votes", async () => {
      const key = nextOrder();
      const created = await call("POST", "/approvals", tokens.write, {
        record: { type: "order", key },
        approvers: ["mark", "maria"],
        message: "Order needs approval from 2 people",
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
      expect(created.status).toBe(201);
      const approval = created.json as unknown as ApprovalDto & { expiresAt: string };
      expect(approval).toMatchObject({
        state: "pending",
        record: { type: "order", key, title: expect.any(String) as string },
        required: 2,
        rejectionsToReject: 1,
        votes: [],
        requestedBy: { kind: "token", name: "ERP approvals" },
      });
      expect(typeof approval.expiresAt).toBe("string");
      await c.mark.approval.vote({ approvalId: approval.id, vote: "approve", comment: "ok" });

      const read = await call("GET", `/approvals/${approval.id}`, tokens.readOnly);
      expect(read.status).toBe(200);
      expect(read.json).toMatchObject({
        id: approval.id,
        state: "pending",
        approvedCount: 1,
        votes: [{ userId: people.mark.id, name: "Mark Manager", vote: "approve", comment: "ok", at: expect.any(String) as string }],
      });
    });

    it("answers 400 with a message per field", async () => {
      const bad = await call("POST", "/approvals", tokens.write, { record: { type: "order", key: "" }, approvers: [], message: " " });
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.json.error!.fields!).sort()).toEqual(["approvers", "message", "record.key"]);

      const tooMany = await call("POST", "/approvals", tokens.write, {
        record: { type: "order", key: nextOrder() },
        approvers: { group: "Approvers", count: 4 },
        message: "Four of three?",
      });
      expect(tooMany.status).toBe(400);
      expect(tooMany.json.error!.fields).toEqual({ "approvers.count": expect.stringContaining("1 to 3") as string });

      const unknown = await call("POST", "/approvals", tokens.write, {
        record: { type: "order", key: nextOrder() },
        approvers: ["mark", "nobody"],
        message: "Who?",
      });
      expect(unknown.status).toBe(400);
      expect(unknown.json.error!.fields).toEqual({ approvers: "Unknown approver: nobody" });

      const past = await call("POST", "/approvals", tokens.write, {
        record: { type: "order", key: nextOrder() },
        approvers: ["mark"],
        message: "Too late",
        expiresAt: "2020-01-01T00:00:00Z",
      });
      expect(past.status).toBe(400);
      expect(past.json.error!.fields).toEqual({ expiresAt: "Must be in the future" });
    });

    it("answers 401 without a valid token", async () => {
      expect((await call("POST", "/approvals", null, {})).status).toBe(401);
      expect((await call("GET", `/approvals/${crypto.randomUUID()}`, "fct_not-a-real-token")).status).toBe(401);
    });

    it("answers 403 to a token without the approvals:write scope and to a token bound to a chat", async () => {
      const body = { record: { type: "order", key: nextOrder() }, approvers: ["mark"], message: "May I?" };
      const noScope = await call("POST", "/approvals", tokens.readOnly, body);
      expect(noScope.status).toBe(403);
      expect(noScope.json.error!.code).toBe("forbidden");
      const bound = await call("POST", "/approvals", tokens.bound, body);
      expect(bound.status).toBe(403);
      expect(bound.json.error!.message).toBe("This token is bound to one chat");
    });

    it("answers 404 for an unknown record or request", async () => {
      const unknownRecord = await call("POST", "/approvals", tokens.write, {
        record: { type: "order", key: "SO-NOPE" },
        approvers: ["mark"],
        message: "Where?",
      });
      expect(unknownRecord.status).toBe(404);
      expect((await call("GET", `/approvals/${crypto.randomUUID()}`, tokens.readOnly)).status).toBe(404);
    });
  });
});
