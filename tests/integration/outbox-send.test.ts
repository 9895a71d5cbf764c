import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MESSAGE_MAX_LENGTH } from "~/contracts/limits";
import { messages } from "~/db/schema";
import { type OutboxClient, createOutboxClient, sendItem } from "~/lib/outbox/send";
import type { OutboxItem } from "~/lib/outbox/store";
import type { Deps } from "~/server/services/deps";
import { TEST_ORIGIN, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { serveTrpc } from "../factories/trpc-http";

/** A server that answers every request with `status` and an HTML page, as a proxy in front of the app does. */
async function servePage(status: number) {
  const server = http.createServer((_req, res) => res.writeHead(status, { "content-type": "text/html" }).end("<h1>Bad gateway</h1>"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/trpc`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * The outbox sends through a typed tRPC client (lib/outbox/send.ts), the one code path of the
 * pages and the service worker. What it makes of each answer decides whether a message is kept
 * for a retry, shown as refused, or taken off the outbox, so each case runs against the real
 * tRPC endpoint.
 */
describe("the outbox's send: what each answer means for a queued message", () => {
  let world: TestWorld;
  let server: Awaited<ReturnType<typeof serveTrpc>>;
  let piaId: string;
  let companyId: string;
  let client: OutboxClient;
  let n = 0;

  const item = (overrides: Partial<OutboxItem> = {}): OutboxItem => ({
    clientId: `outbox-${++n}-${Math.random().toString(36).slice(2, 10)}`,
    userId: piaId,
    chatId: companyId,
    body: "Pallet 7 is on dock 3",
    replyTo: null,
    createdAt: Date.now(),
    state: "pending",
    error: null,
    ...overrides,
  });

  beforeAll(async () => {
    world = await createTestWorld();
    const deps: Deps = { ...world.deps, mutationLimiter: { take: () => true }, sendLimiter: { take: () => true } };
    server = await serveTrpc({ deps, auth: world.auth, publicUrl: TEST_ORIGIN });
    await createPersonas(world.database.db);
    const cookie = await signIn(world.auth, "pia");
    client = createOutboxClient(server.url, () => ({ cookie, origin: TEST_ORIGIN }));
    piaId = (await world.database.db.query.users.findFirst({ where: (u, { eq }) => eq(u.username, "pia") }))!.id;
    const chats = await client.chat.list.query();
    companyId = chats.find((c) => c.kind === "company")!.id;
  });

  afterAll(async () => {
    await server.close();
    await world.close();
  });

  it("takes a message off the outbox with the server's copy of it, dates as dates", async () => {
    const queued = item();
    const attempt = await sendItem(queued, client);
    expect(attempt.kind).toBe("sent");
    if (attempt.kind !== "sent") return;
    expect(attempt.message).toMatchObject({ chatId: companyId, clientId: queued.clientId, body: queued.body, sender: { id: piaId } });
    expect(attempt.message.createdAt).toBeInstanceOf(Date);
  });

  it("lands a message once however often it is sent again after a lost answer", async () => {
    const queued = item();
    const first = await sendItem(queued, client);
    const again = await Promise.all([sendItem(queued, client), sendItem(queued, client)]);
    for (const attempt of [first, ...again]) expect(attempt.kind).toBe("sent");
    const ids = new Set([first, ...again].map((a) => (a.kind === "sent" ? a.message.id : null)));
    expect(ids.size).toBe(1);
    const stored = await world.database.db.select().from(messages).where(and(eq(messages.senderId, piaId), eq(messages.clientId, queued.clientId)));
    expect(stored).toHaveLength(1);
  });

  it("refuses a message that is too long with the field's own words, not a summary", async () => {
    const attempt = await sendItem(item({ body: "x".repeat(MESSAGE_MAX_LENGTH + 1) }), client);
    expect(attempt).toEqual({ kind: "refused", reason: `At most ${MESSAGE_MAX_LENGTH.toLocaleString("en")} characters` });
  });

  it("refuses a message to a chat the writer cannot read, and says why", async () => {
    const attempt = await sendItem(item({ chatId: "00000000-0000-4000-8000-000000000000" }), client);
    expect(attempt.kind).toBe("refused");
    if (attempt.kind === "refused") expect(attempt.reason.length).toBeGreaterThan(0);
  });

  it("keeps a message for later when the writer's session is gone", async () => {
    const signedOut = createOutboxClient(server.url, () => ({ origin: TEST_ORIGIN }));
    expect(await sendItem(item(), signedOut)).toEqual({ kind: "wait" });
  });

  it("keeps a message for later when the server cannot be reached", async () => {
    const closed = await servePage(502);
    const url = closed.url;
    await closed.close();
    expect(await sendItem(item(), createOutboxClient(url))).toEqual({ kind: "wait" });
  });

  it("keeps a message for later whatever page a proxy answers with a 5xx or 429", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(429, 500, 502, 503, 504), async (status) => {
        const proxy = await servePage(status);
        try {
          expect(await sendItem(item(), createOutboxClient(proxy.url))).toEqual({ kind: "wait" });
        } finally {
          await proxy.close();
        }
      }),
      { numRuns: 10 },
    );
  });
});
