import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entities, webhookDeliveries } from "~/db/schema";
import { assertOutboundUrl } from "~/server/services/outbound-url";
import { SIGNATURE_HEADER, createWebhook, deleteWebhook, listDeliveries } from "~/server/services/webhooks";
import { callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";

type Received = { headers: http.IncomingHttpHeaders; body: string };

/** A receiver on 127.0.0.1 that answers the given statuses in turn (then 200). */
async function receiver(statuses: number[]) {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(statuses.shift() ?? 200).end();
      waiters.splice(0).forEach((w) => w());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    async until(count: number) {
      while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function verify(secret: string, header: string | undefined, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? "");
  if (!match) return false;
  return createHmac("sha256", secret).update(`${match[1]}.${body}`).digest("hex") === match[2];
}

describe("outgoing webhooks (PRODUCT.md A4, DESIGN.md invariants 5 and 7)", () => {
  let world: TestWorld;
  let pia: Awaited<ReturnType<typeof callerFor>>;
  let admin: { id: string; username: string; name: string; role: "admin" };

  beforeAll(async () => {
    world = await createTestWorld();
    const personas = await createPersonas(world.database.db);
    admin = { id: personas.admin.id, username: "alice", name: "Alice Admin", role: "admin" };
    pia = await callerFor(world.deps, world.auth, await signIn(world.auth, "pia"));
    await world.database.db.insert(entities).values([{ type: "order", key: "SO-5", title: "Order five" }]);
  });
  afterAll(() => world?.close());

  it("sends a person's message in a record's chat, signed, retrying a failing receiver until it answers 2xx", async () => {
    const hook = await receiver([500, 503]);
    const created = await createWebhook(world.deps.db, admin, { url: hook.url, events: ["message.created"] }, { allowLoopback: true });
    const chat = await pia.chat.openForEntity({ type: "order", key: "SO-5" });
    const message = await pia.message.send({ chatId: chat.id, clientId: "webhook-test-1", body: "Label torn on pallet 2" });
    await hook.until(3);
    await expect.poll(async () => (await listDeliveries(world.deps.db, created.id))[0]?.state).toBe("delivered");

    const [delivery] = await listDeliveries(world.deps.db, created.id);
    expect(delivery).toMatchObject({ event: "message.created", attempts: 3, lastStatus: 200 });
    for (const request of hook.received) {
      expect(verify(created.secret, request.headers[SIGNATURE_HEADER] as string, request.body)).toBe(true);
      expect(request.headers["x-floorchat-delivery"]).toBe(delivery!.id);
    }
    const payload = JSON.parse(hook.received[2]!.body) as { event: string; data: { chat: unknown; message: { id: string; body: string } } };
    expect(payload).toMatchObject({ event: "message.created", data: { chat: { id: chat.id, entity: { type: "order", key: "SO-5" } }, message: { id: message.id, body: "Label torn on pallet 2" } } });
    expect(verify("not-the-secret", hook.received[2]!.headers[SIGNATURE_HEADER] as string, hook.received[2]!.body)).toBe(false);
    await hook.close();
  });

  it("announces a record created from an unknown scanned code as record.created_by_scan, once", async () => {
    const hook = await receiver([]);
    const created = await createWebhook(world.deps.db, admin, { url: hook.url, events: ["record.created_by_scan"] }, { allowLoopback: true });
    const mark = await callerFor(world.deps, world.auth, await signIn(world.auth, "mark"));
    await mark.entity.create({ type: "order", key: "SO-NEW-1" });
    await mark.entity.create({ type: "order", key: "SO-NEW-1" });
    await hook.until(1);
    await expect.poll(async () => (await listDeliveries(world.deps.db, created.id)).map((d) => d.state)).toEqual(["delivered"]);
    const payload = JSON.parse(hook.received[0]!.body) as { event: string; data: unknown };
    expect(payload).toMatchObject({ event: "record.created_by_scan", data: { record: { type: "order", key: "SO-NEW-1" }, createdBy: { username: "mark" } } });
    expect(verify(created.secret, hook.received[0]!.headers[SIGNATURE_HEADER] as string, hook.received[0]!.body)).toBe(true);
    await hook.close();
  });

  it("queues nothing for messages outside records' chats", async () => {
    const before = await world.deps.db.$count(webhookDeliveries);
    const [company] = await pia.chat.list();
    await pia.message.send({ chatId: company!.id, clientId: "webhook-test-2", body: "Lunch?" });
    expect(await world.deps.db.$count(webhookDeliveries)).toBe(before);
  });

  it("gives up after the last retry and keeps the delivery as failed with the last status", async () => {
    const hook = await receiver([500, 500, 500, 500]);
    const created = await createWebhook(world.deps.db, admin, { url: hook.url, events: ["message.created"] }, { allowLoopback: true });
    const chat = await pia.chat.openForEntity({ type: "order", key: "SO-5" });
    await pia.message.send({ chatId: chat.id, clientId: "webhook-test-3", body: "Still torn" });
    await expect.poll(async () => (await listDeliveries(world.deps.db, created.id))[0]?.state, { timeout: 10_000 }).toBe("failed");
    const [failed] = await listDeliveries(world.deps.db, created.id);
    expect(failed).toMatchObject({ attempts: 4, lastStatus: 500 });
    await world.deps.db.delete(webhookDeliveries).where(eq(webhookDeliveries.webhookId, created.id));
    await hook.close();
  });

  it("refuses http, private, loopback and link-local URLs unless a test allows loopback", async () => {
    const policy = { allowLoopback: false };
    for (const url of [
      "http://example.com/hook",
      "https://10.0.0.1/hook",
      "https://192.168.1.20/hook",
      "https://169.254.169.254/latest/meta-data",
      "https://127.0.0.1/hook",
      "https://[::1]/hook",
      "https://[fe80::1]/hook",
      "https://[::ffff:10.0.0.1]/hook",
      "https://localhost/hook",
      "https://user:pw@93.184.216.34/hook",
      "not a url",
    ]) {
      await expect(assertOutboundUrl(url, policy), url).rejects.toMatchObject({ code: "invalid" });
    }
    await expect(assertOutboundUrl("https://93.184.216.34/hook", policy)).resolves.toBeInstanceOf(URL);
    await expect(assertOutboundUrl("http://127.0.0.1:9/hook", { allowLoopback: true })).resolves.toBeInstanceOf(URL);
    await expect(assertOutboundUrl("http://10.0.0.1/hook", { allowLoopback: true })).rejects.toMatchObject({ code: "invalid" });
    await expect(createWebhook(world.deps.db, admin, { url: "https://10.1.2.3/x", events: ["message.created"] }, policy)).rejects.toMatchObject({
      code: "invalid",
      fields: { url: expect.stringMatching(/private/) as unknown },
    });
  });

  describe("Add note/task to record (PRODUCT.md M9)", () => {
    it("refuses when no host system listens for message.action, and posts nothing in the chat", async () => {
      const chat = await pia.chat.openForEntity({ type: "order", key: "SO-5" });
      const message = await pia.message.send({ chatId: chat.id, clientId: "to-record-none", body: "Count is off by two" });
      const before = await pia.message.list({ chatId: chat.id });
      await expect(pia.message.toRecord({ messageId: message.id, action: "note" })).rejects.toMatchObject({ code: "CONFLICT" });
      expect((await pia.message.list({ chatId: chat.id })).messages).toHaveLength(before.messages.length);
    });

    it("delivers message.action signed to the host system, confirms it in the chat, and sends each kind once", async () => {
      const hook = await receiver([]);
      const created = await createWebhook(world.deps.db, admin, { url: hook.url, events: ["message.action"] }, { allowLoopback: true });
      const chat = await pia.chat.openForEntity({ type: "order", key: "SO-5" });
      const message = await pia.message.send({ chatId: chat.id, clientId: "to-record-task", body: "Re-pack pallet 3 before loading" });

      await pia.message.toRecord({ messageId: message.id, action: "task" });
      await hook.until(1);
      const request = hook.received[0]!;
      expect(verify(created.secret, request.headers[SIGNATURE_HEADER] as string, request.body)).toBe(true);
      expect(JSON.parse(request.body)).toMatchObject({
        event: "message.action",
        data: {
          action: "task",
          chat: { id: chat.id, entity: { type: "order", key: "SO-5" } },
          message: { id: message.id, body: "Re-pack pallet 3 before loading", sender: { name: "Pia Picker" } },
          by: { username: "pia", name: "Pia Picker" },
        },
      });
      const last = (await pia.message.list({ chatId: chat.id })).messages.at(-1)!;
      expect(last).toMatchObject({ kind: "system", data: { type: "action", action: "task", messageId: message.id } });
      expect(last.body).toContain("Pia Picker added a message to SO-5 as a task");

      await expect(pia.message.toRecord({ messageId: message.id, action: "task" })).rejects.toMatchObject({ code: "CONFLICT" });
      await pia.message.toRecord({ messageId: message.id, action: "note" });
      await hook.until(2);
      expect(JSON.parse(hook.received[1]!.body)).toMatchObject({ event: "message.action", data: { action: "note" } });
      await deleteWebhook(world.deps.db, admin, created.id);
      await hook.close();
    });

    it("refuses someone who cannot read the record's chat, and sends nothing", async () => {
      const hook = await receiver([]);
      const created = await createWebhook(world.deps.db, admin, { url: hook.url, events: ["message.action"] }, { allowLoopback: true });
      const olaf = await callerFor(world.deps, world.auth, await signIn(world.auth, "olaf"));
      const chat = await pia.chat.openForEntity({ type: "order", key: "SO-5" });
      const message = await pia.message.send({ chatId: chat.id, clientId: "to-record-outsider", body: "Only for the order's people" });
      await expect(olaf.message.toRecord({ messageId: message.id, action: "note" })).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(await listDeliveries(world.deps.db, created.id)).toEqual([]);
      await deleteWebhook(world.deps.db, admin, created.id);
      await hook.close();
    });

    it("refuses a message that is not in a record's chat", async () => {
      const hook = await receiver([]);
      const created = await createWebhook(world.deps.db, admin, { url: hook.url, events: ["message.action"] }, { allowLoopback: true });
      const company = (await pia.chat.list()).find((c) => c.kind === "company")!;
      const message = await pia.message.send({ chatId: company.id, clientId: "to-record-company", body: "Coffee is ready" });
      await expect(pia.message.toRecord({ messageId: message.id, action: "note" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
      await deleteWebhook(world.deps.db, admin, created.id);
      await hook.close();
    });
  });
});
