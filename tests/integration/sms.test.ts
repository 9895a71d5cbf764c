import http from "node:http";
import type { AddressInfo } from "node:net";
import { desc, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, messages, smsContacts, smsMessages } from "~/db/schema";
import { receiveSms } from "~/server/services/sms/inbound";
import { createSmsWebhookHandler } from "~/server/http/sms";
import type { SmsConfig } from "~/server/services/sms/config";
import { createTwilioProvider } from "~/server/services/sms/provider";
import { SMS_SETTINGS_DEFAULT, setSmsSettings } from "~/server/services/sms/settings";
import { twilioSignature } from "~/server/services/sms/signature";
import { createToken } from "~/server/services/tokens";
import { ROUTES, createRest } from "~/server/rest";
import { type SmsWorker, createSmsWorker } from "~/server/services/sms/worker";
import { type SmsStandin, startSmsStandin } from "../support/sms-standin";
import { callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { openStream, serveStream } from "../factories/stream";

const ACCOUNT = { accountSid: "ACtest0001", authToken: "test-auth-token-0001" };
const FROM = "+48221234567";

/** Floorchat's /api/sms/* on a loopback port, as server/main.ts routes them. */
async function serveSmsWebhooks(world: TestWorld) {
  const handle = createSmsWebhookHandler(() => Promise.resolve(world.deps));
  const server = http.createServer((req, res) => void handle(req, res, (req.url ?? "/").split("?", 1)[0]!));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe("two-way SMS (PRODUCT.md C6)", () => {
  let world: TestWorld;
  let standin: SmsStandin;
  let webhooks: Awaited<ReturnType<typeof serveSmsWebhooks>>;
  let worker: SmsWorker;
  let config: SmsConfig;
  let cookies: { alice: string; mark: string; pia: string };
  let callers: { alice: Awaited<ReturnType<typeof callerFor>>; mark: Awaited<ReturnType<typeof callerFor>>; pia: Awaited<ReturnType<typeof callerFor>> };
  let stream: Awaited<ReturnType<typeof serveStream>>;

  beforeAll(async () => {
    world = await createTestWorld();
    await createPersonas(world.database.db);
    standin = await startSmsStandin(ACCOUNT);
    webhooks = await serveSmsWebhooks(world);
    config = {
      ...ACCOUNT,
      from: FROM,
      apiBase: standin.url,
      webhookBase: webhooks.base,
      allowedCountries: ["PL"],
      defaultCountry: "PL",
      dailySegmentCap: 20,
      siteTimeZone: "Europe/Warsaw",
    };
    worker = createSmsWorker({ db: world.database.db, realtime: world.realtime, provider: createTwilioProvider(config), config, retryDelaysMs: [20, 40] });
    world.deps.sms = { config, worker };
    cookies = { alice: await signIn(world.auth, "alice"), mark: await signIn(world.auth, "mark"), pia: await signIn(world.auth, "pia") };
    callers = {
      alice: await callerFor(world.deps, world.auth, cookies.alice),
      mark: await callerFor(world.deps, world.auth, cookies.mark),
      pia: await callerFor(world.deps, world.auth, cookies.pia),
    };
    stream = await serveStream(world.auth, world.realtime.hub, world.deps);
  });
  afterAll(async () => {
    await worker?.stop();
    await stream?.close();
    await webhooks?.close();
    await standin?.close();
    await world?.close();
  });

  async function contact(name: string, phone: string) {
    const { id } = await callers.alice.sms.createContact({ name, phone, verified: true });
    return { id, chatId: (await callers.mark.sms.open({ contactId: id })).chatId };
  }

  it("texts a message sent in a contact's window once, and shows it delivered when the provider says so", async () => {
    const marek = await contact("Marek Driver", "600 100 200");
    const live = await openStream(stream.url, cookies.mark);
    const sent = await callers.mark.message.send({ chatId: marek.chatId, clientId: "sms-first", body: "Running late?" });
    expect(sent).toMatchObject({ kind: "sms_out", sender: { kind: "user", name: "Mark Manager" }, data: { type: "sms", status: "queued", segments: 1 } });
    const received = await standin.waitForMessage((m) => m.body === "Running late?");
    expect(received).toMatchObject({ to: "+48600100200", from: FROM, idempotencyKey: expect.any(String) as string });
    await live.next("message.updated", (e) => e.message.id === sent.id && e.message.data?.type === "sms" && e.message.data.status === "delivered");
    // The outbox's retry of the same client id is the same message, not a second SMS.
    const retry = await callers.mark.message.send({ chatId: marek.chatId, clientId: "sms-first", body: "Running late?" });
    expect(retry.id).toBe(sent.id);
    await worker.kick();
    expect(standin.messages.filter((m) => m.body === "Running late?")).toHaveLength(1);
    const [row] = await world.database.db.select().from(smsMessages).where(eq(smsMessages.messageId, sent.id));
    expect(row).toMatchObject({ status: "delivered", direction: "out", sentBy: expect.any(String) as string, providerSid: received.sid });
    live.close();
  });

  it("retries a send the provider refused with 429 or 5xx, and still sends one SMS", async () => {
    const anna = await contact("Anna Retry", "+48 600 100 210");
    standin.failNext(2, 503);
    const sent = await callers.mark.message.send({ chatId: anna.chatId, clientId: "sms-retry", body: "After two failures" });
    await standin.waitForMessage((m) => m.body === "After two failures");
    await expect.poll(async () => (await world.database.db.select().from(smsMessages).where(eq(smsMessages.messageId, sent.id)))[0]?.attempts).toBe(3);
    expect(standin.messages.filter((m) => m.body === "After two failures")).toHaveLength(1);
  });

  it("sends what a stopped instance left queued or half-sent, and never a second SMS for one message", async () => {
    const kasia = await contact("Kasia Restart", "+48 600 100 215");
    const sent = await callers.mark.message.send({ chatId: kasia.chatId, clientId: "sms-restart", body: "Before the crash" });
    const first = await standin.waitForMessage((m) => m.body === "Before the crash");
    const row = async () => (await world.database.db.select().from(smsMessages).where(eq(smsMessages.messageId, sent.id)))[0]!;
    // Let the first send settle (its answer and status callbacks), so none of them lands after the rewind below.
    await expect.poll(async () => (await row()).status).toBe("delivered");
    // As if the instance died after the provider took it but before it recorded the answer:
    // the claim lapsed with no provider id. Another instance's worker picks it up again.
    await world.database.db
      .update(smsMessages)
      .set({ status: "sending", providerSid: null, nextAttemptAt: new Date(Date.now() - 1000) })
      .where(eq(smsMessages.messageId, sent.id));
    const other = createSmsWorker({ db: world.database.db, realtime: world.realtime, provider: createTwilioProvider(config), config });
    await other.kick();
    await other.stop();
    // Either worker may take the lapsed claim (this instance's own loop can get there first);
    // whichever does resends with the same idempotency key, so the provider answers with the
    // first message and sends nothing new.
    await expect.poll(async () => (await row()).providerSid).toBe(first.sid);
    expect((await row()).attempts).toBe(2);
    expect(standin.messages.filter((m) => m.body === "Before the crash")).toHaveLength(1);
  });

  it("shares typing in an SMS window among the SMS users", async () => {
    const [marek] = await world.database.db.select().from(smsContacts).where(eq(smsContacts.phone, "+48600100200"));
    const live = await openStream(stream.url, cookies.alice);
    await callers.mark.chat.typing({ chatId: marek!.chatId! });
    await live.next("typing", (e) => e.chatId === marek!.chatId && e.name === "Mark Manager");
    live.close();
  });

  it("shows a message the carrier could not deliver as failed, with the provider's code", async () => {
    const gone = await contact("Gone Phone", "+48 600 100 211");
    standin.setFinalStatus("+48600100211", "undelivered", 30005);
    const live = await openStream(stream.url, cookies.mark);
    const sent = await callers.mark.message.send({ chatId: gone.chatId, clientId: "sms-undelivered", body: "Hello?" });
    const update = await live.next("message.updated", (e) => e.message.id === sent.id && e.message.data?.type === "sms" && e.message.data.status === "undelivered");
    expect(update.event.message.data).toMatchObject({ error: "Error 30005: The number does not exist" });
    live.close();
  });

  it("stores a signed inbound text once, live in the contact's window, and refuses a bad or missing signature", async () => {
    const marek = (await world.database.db.select().from(smsContacts).where(eq(smsContacts.phone, "+48600100200")))[0]!;
    const live = await openStream(stream.url, cookies.mark);
    const url = `${webhooks.base}/api/sms/inbound`;
    const params = { From: "+48600100200", To: FROM, Body: "10 min away", MessageSid: "SM00000000000000000000000000000001", AccountSid: ACCOUNT.accountSid };
    expect((await standin.sendInboundRaw(url, params)).status).toBe(403);
    expect((await standin.sendInboundRaw(url, params, twilioSignature("wrong-token", url, params))).status).toBe(403);
    expect((await standin.sendInboundRaw(url, { ...params, Body: "forged" }, twilioSignature(ACCOUNT.authToken, url, params))).status).toBe(403);
    expect(await world.database.db.select().from(smsMessages).where(eq(smsMessages.providerSid, params.MessageSid))).toHaveLength(0);

    const first = await standin.sendInboundRaw(url, params, twilioSignature(ACCOUNT.authToken, url, params));
    expect(first.status).toBe(200);
    expect(first.body).toContain("<Response>");
    const event = await live.next("message.created", (e) => e.chatId === marek.chatId && e.message.body === "10 min away");
    expect(event.event.message).toMatchObject({ kind: "sms_in", sender: { kind: "contact", name: "Marek Driver" } });
    // The provider retries a webhook it got no answer to: one message, however many times.
    expect((await standin.sendInboundRaw(url, params, twilioSignature(ACCOUNT.authToken, url, params))).status).toBe(200);
    const page = await callers.mark.message.list({ chatId: marek.chatId! });
    expect(page.messages.filter((m) => m.body === "10 min away")).toHaveLength(1);
    live.close();
  });

  it("stores a text with a NUL character instead of failing (a 500 would be retried for ever)", async () => {
    const sent = await standin.sendInbound(`${webhooks.base}/api/sms/inbound`, { From: "+48600100200", To: FROM, Body: "odd\u0000text" });
    expect(sent.status).toBe(200);
    const [row] = await world.database.db.select().from(smsMessages).where(eq(smsMessages.body, "odd\uFFFDtext"));
    expect(row).toBeTruthy();
  });

  it("takes a signed form with a parameter named __proto__ as signed (a plain object would drop it and refuse the signature)", async () => {
    const url = `${webhooks.base}/api/sms/inbound`;
    const params: Record<string, string> = Object.create(null) as Record<string, string>;
    Object.assign(params, { From: "+48600100200", Body: "proto", MessageSid: "SMproto0001" });
    Object.defineProperty(params, "__proto__", { value: "", enumerable: true, writable: true, configurable: true });
    const answer = await standin.sendInboundRaw(url, params, twilioSignature(ACCOUNT.authToken, url, params));
    expect(answer.status).toBe(200);
  });

  it("answers any correctly signed inbound form with 200 or 400, never a server error", async () => {
    const url = `${webhooks.base}/api/sms/inbound`;
    const field = fc.string({ unit: "binary", maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(
        fc.record({ From: fc.oneof(field, fc.constantFrom("+48600100200", "+48600100999", "TAXI", "")), Body: fc.string({ unit: "binary", maxLength: 300 }), MessageSid: field }, { requiredKeys: [] }),
        fc.dictionary(fc.string({ maxLength: 10 }), field, { maxKeys: 3 }),
        async (known, extra) => {
          const params: Record<string, string> = { ...extra, ...known };
          const answer = await standin.sendInboundRaw(url, params, twilioSignature(ACCOUNT.authToken, url, params));
          expect([200, 400]).toContain(answer.status);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("answers any correctly signed status callback with 204 or 400, never a server error, and moves no state back", async () => {
    const field = fc.string({ unit: "binary", maxLength: 40 });
    const [delivered] = await world.database.db.select().from(smsMessages).where(eq(smsMessages.status, "delivered")).limit(1);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(`?sms=${delivered!.id}`), fc.constant(""), field.map((v) => `?sms=${encodeURIComponent(v)}`)),
        fc.record({ MessageSid: fc.oneof(field, fc.constant(delivered!.providerSid!)), MessageStatus: fc.oneof(field, fc.constantFrom("queued", "sent", "failed", "constructor", "__proto__", "toString")), ErrorCode: field }, { requiredKeys: [] }),
        async (query, params) => {
          const url = `${webhooks.base}/api/sms/status${query}`;
          const answer = await standin.sendInboundRaw(url, params, twilioSignature(ACCOUNT.authToken, url, params));
          expect([204, 400]).toContain(answer.status);
        },
      ),
      { numRuns: 40 },
    );
    const [after] = await world.database.db.select().from(smsMessages).where(eq(smsMessages.id, delivered!.id));
    expect(after!.status).toBe("delivered");
  });

  it("makes an unknown number that writes in an unverified contact whose window every SMS user has", async () => {
    const sent = await standin.sendInbound(`${webhooks.base}/api/sms/inbound`, { From: "+48600100299", To: FROM, Body: "Who is this?" });
    expect(sent.status).toBe(200);
    const [stranger] = await world.database.db.select().from(smsContacts).where(eq(smsContacts.phone, "+48600100299"));
    expect(stranger).toMatchObject({ verified: false, name: "+48 600 100 299" });
    const chats = await callers.alice.chat.list();
    expect(chats.find((c) => c.id === stranger!.chatId)).toBeTruthy();
    // The contacts list shows verified numbers and records' numbers only (as the SMS document says).
    expect((await callers.mark.sms.contacts({})).map((c) => c.phone)).not.toContain("+48600100299");
  });

  it("refuses to text a contact who replied STOP until they reply START", async () => {
    const olga = await contact("Olga Optout", "+48 600 100 212");
    const url = `${webhooks.base}/api/sms/inbound`;
    await standin.sendInbound(url, { From: "+48600100212", To: FROM, Body: " stop " });
    await expect(callers.mark.message.send({ chatId: olga.chatId, clientId: "sms-optout", body: "Still there?" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("STOP") as string,
    });
    expect((await callers.mark.sms.forChat({ chatId: olga.chatId })).optedOut).toBe(true);
    await standin.sendInbound(url, { From: "+48600100212", To: FROM, Body: "START" });
    await callers.mark.message.send({ chatId: olga.chatId, clientId: "sms-optin", body: "Welcome back" });
    await standin.waitForMessage((m) => m.body === "Welcome back");
  });

  it("refuses a country not on the list and a send past the daily segment cap, and logs why", async () => {
    const { id } = await callers.alice.sms.createContact({ name: "Hans Abroad", phone: "+49 151 23456789", verified: true });
    const { chatId } = await callers.mark.sms.open({ contactId: id });
    await expect(callers.mark.message.send({ chatId, clientId: "sms-country", body: "Hallo" })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("DE") as string });
    const big = await contact("Big Spender", "+48 600 100 213");
    // 20 segments a day here; 7 segments each (a long text in UCS-2).
    const long = "ż".repeat(67 * 7);
    await callers.mark.message.send({ chatId: big.chatId, clientId: "sms-cap-1", body: long });
    await callers.mark.message.send({ chatId: big.chatId, clientId: "sms-cap-2", body: long });
    await expect(callers.mark.message.send({ chatId: big.chatId, clientId: "sms-cap-3", body: long })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("limit") as string });
    const refusals = await world.database.db.select().from(auditLog).where(eq(auditLog.action, "sms.refused"));
    expect(refusals.length).toBeGreaterThanOrEqual(2);
  });

  it("keeps read per person by default, and shares it among SMS users when the setting says so", async () => {
    const shared = await contact("Shared Read", "+48 600 100 214");
    await callers.alice.sms.open({ contactId: shared.id });
    const url = `${webhooks.base}/api/sms/inbound`;
    await standin.sendInbound(url, { From: "+48600100214", To: FROM, Body: "first" });
    const unreadOf = async (caller: typeof callers.alice) => (await caller.chat.list()).find((c) => c.id === shared.chatId)!.unread;
    let seq = (await callers.mark.message.list({ chatId: shared.chatId })).messages.at(-1)!.seq;
    await callers.mark.message.markRead({ chatId: shared.chatId, seq });
    expect(await unreadOf(callers.mark)).toBe(0);
    expect(await unreadOf(callers.alice)).toBe(1);

    await callers.alice.sms.saveSettings({ ...SMS_SETTINGS_DEFAULT, sharedRead: true });
    const live = await openStream(stream.url, cookies.alice);
    await standin.sendInbound(url, { From: "+48600100214", To: FROM, Body: "second" });
    seq = (await callers.mark.message.list({ chatId: shared.chatId })).messages.at(-1)!.seq;
    await callers.mark.message.markRead({ chatId: shared.chatId, seq });
    await live.next("read", (e) => e.chatId === shared.chatId && e.seq === seq);
    expect(await unreadOf(callers.alice)).toBe(0);
    await callers.alice.sms.saveSettings(SMS_SETTINGS_DEFAULT);
    live.close();
  });

  it("imports contacts from CSV all or nothing, updating numbers it knows", async () => {
    const bad = "name;phone;verified\nGood One;+48 600 100 220;yes\nBad Number;12;yes\n";
    const check = await callers.alice.sms.checkImport({ csv: bad });
    expect(check.problems).toEqual([expect.objectContaining({ code: "phone", line: 3 }) as object]);
    await expect(callers.alice.sms.importContacts({ csv: bad })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await world.database.db.select().from(smsContacts).where(eq(smsContacts.phone, "+48600100220"))).toHaveLength(0);

    const good = "name,phone,verified\nGood One,+48 600 100 220,yes\nMarek D.,600100200,yes\n";
    expect(await callers.alice.sms.importContacts({ csv: good })).toEqual({ created: 1, updated: 1 });
    expect((await callers.mark.sms.contacts({ q: "Good" })).map((c) => c.phone)).toEqual(["+48600100220"]);
    await expect(callers.mark.sms.importContacts({ csv: good })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await callers.alice.sms.updateContact({ id: (await callers.mark.sms.contacts({ q: "Marek" }))[0]!.id, name: "Marek Driver", phone: "+48600100200", verified: true });
  });

  it("lists unverified contacts to admins only, so they can verify them", async () => {
    const all = await callers.alice.sms.contacts({ all: true });
    const stranger = all.find((c) => c.phone === "+48600100299")!;
    expect(stranger.verified).toBe(false);
    await expect(callers.mark.sms.contacts({ all: true })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await callers.alice.sms.updateContact({ id: stranger.id, name: "Jan Stranger", phone: stranger.phone, verified: true });
    expect((await callers.mark.sms.contacts({ q: "Jan" }))[0]).toMatchObject({ name: "Jan Stranger", verified: true });
  });

  it("links a contact to a person by user name (their own phone), refuses a user name nobody has, and audits the link", async () => {
    await expect(callers.alice.sms.createContact({ name: "Pia's phone", phone: "+48 600 100 230", verified: true, username: "nobody-here" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { fields: { username: expect.any(String) as string } },
    });
    expect(await world.database.db.select().from(smsContacts).where(eq(smsContacts.phone, "+48600100230"))).toHaveLength(0);

    const { id } = await callers.alice.sms.createContact({ name: "Pia's phone", phone: "+48 600 100 230", verified: true, username: "PIA" });
    const [listed] = await callers.mark.sms.contacts({ q: "Pia's" });
    expect(listed).toMatchObject({ id, user: { name: "Pia Picker", username: "pia" } });
    // A change that says nothing of the person keeps the link.
    await callers.alice.sms.updateContact({ id, name: "Pia's phone", phone: "+48600100230", verified: true });
    expect((await callers.mark.sms.contacts({ q: "Pia's" }))[0]!.user).toMatchObject({ username: "pia" });

    // An edit that leaves the field empty takes the link away; the audit says what it was.
    await callers.alice.sms.updateContact({ id, name: "Pia's phone", phone: "+48600100230", verified: true, username: null });
    expect((await callers.mark.sms.contacts({ q: "Pia's" }))[0]!.user).toBeNull();
    const [audit] = await world.database.db.select().from(auditLog).where(eq(auditLog.action, "sms_contact.update")).orderBy(desc(auditLog.createdAt)).limit(1);
    expect(audit).toMatchObject({ targetId: id, before: expect.objectContaining({ userId: expect.any(String) as string }) as object, after: expect.objectContaining({ userId: null }) as object });

    // The import links by a username column too, checked before anything is written.
    const unknown = "name,phone,username\nPia's phone,+48600100230,ghost\n";
    expect((await callers.alice.sms.checkImport({ csv: unknown })).problems).toEqual([expect.objectContaining({ code: "user", line: 2, params: { username: "ghost" } }) as object]);
    expect(await callers.alice.sms.importContacts({ csv: "name,phone,verified,username\nPia's phone,+48600100230,yes,pia\n" })).toEqual({ created: 0, updated: 1 });
    expect((await callers.mark.sms.contacts({ q: "Pia's" }))[0]!.user).toMatchObject({ username: "pia" });
    // A file without the column leaves the person as it is.
    await callers.alice.sms.importContacts({ csv: "name,phone,verified\nPia's phone,+48600100230,yes\n" });
    expect((await callers.mark.sms.contacts({ q: "Pia's" }))[0]!.user).toMatchObject({ username: "pia" });
  });

  it("keeps SMS to people with the sms permission: a worker can neither list, open, read a window's contact, see the setup nor text", async () => {
    const [marek] = await world.database.db.select().from(smsContacts).where(eq(smsContacts.phone, "+48600100200"));
    await expect(callers.pia.sms.contacts({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(callers.pia.sms.open({ contactId: marek!.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(callers.pia.message.send({ chatId: marek!.chatId!, clientId: "sms-worker", body: "hi" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(callers.pia.message.list({ chatId: marek!.chatId! })).rejects.toMatchObject({ code: "FORBIDDEN" });
    // Nor read the window's contact (its number) or how SMS is set up (the sending number).
    await expect(callers.pia.sms.forChat({ chatId: marek!.chatId! })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(callers.pia.sms.setup()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("refuses files and quotes in an SMS window (an SMS is text only)", async () => {
    const [marek] = await world.database.db.select().from(smsContacts).where(eq(smsContacts.phone, "+48600100200"));
    const page = await callers.mark.message.list({ chatId: marek!.chatId! });
    await expect(
      callers.mark.message.send({ chatId: marek!.chatId!, clientId: "sms-quote", body: "re", replyToId: page.messages[0]!.id }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("automated SMS and the messaging log (REST, PRODUCT.md C6)", () => {
  let world: TestWorld;
  let standin: SmsStandin;
  let worker: SmsWorker;
  let token: { id: string; token: string };
  let readToken: string;

  beforeAll(async () => {
    world = await createTestWorld();
    const personas = await createPersonas(world.database.db);
    standin = await startSmsStandin(ACCOUNT);
    const config: SmsConfig = {
      ...ACCOUNT,
      from: FROM,
      apiBase: standin.url,
      webhookBase: "http://127.0.0.1:9/nowhere",
      allowedCountries: ["PL"],
      defaultCountry: "PL",
      dailySegmentCap: 100,
      siteTimeZone: "Europe/Warsaw",
    };
    worker = createSmsWorker({ db: world.database.db, realtime: world.realtime, provider: createTwilioProvider(config), config, retryDelaysMs: [20] });
    world.deps.sms = { config, worker };
    const admin = { id: personas.admin.id, username: "alice", name: "Alice Admin", role: "admin" as const };
    token = await createToken(world.database.db, admin, { name: "Reminders", scopes: ["sms:write"] });
    readToken = (await createToken(world.database.db, admin, { name: "Reports", scopes: ["read"] })).token;
  });
  afterAll(async () => {
    await worker?.stop();
    await standin?.close();
    await world?.close();
  });

  const rest = createRest(ROUTES, "http://localhost:3000");
  const call = (method: string, path: string, bearer: string, body?: unknown) =>
    rest(new Request(`http://localhost:3000/api/v1${path}`, { method, headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined }), {
      deps: world.deps,
      limiter: { take: () => true },
    });

  it("sends an automated SMS once per clientId, to a number it makes an unverified contact of", async () => {
    const first = await call("POST", "/sms/messages", token.token, { to: "600 300 400", message: "Your slot is 14:00", clientId: "reminder-0001" });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ to: "+48600300400", status: "queued", segments: 1, created: true });
    const again = await call("POST", "/sms/messages", token.token, { to: "600 300 400", message: "Your slot is 14:00", clientId: "reminder-0001" });
    expect(await again.json()).toMatchObject({ created: false });
    await standin.waitForMessage((m) => m.body === "Your slot is 14:00");
    await worker.kick();
    expect(standin.messages.filter((m) => m.body === "Your slot is 14:00")).toHaveLength(1);
    const [contact] = await world.database.db.select().from(smsContacts).where(eq(smsContacts.phone, "+48600300400"));
    expect(contact).toMatchObject({ verified: false });
  });

  it("holds automated SMS in the quiet window until it ends, in the site's time zone", async () => {
    // Every day, 00:00–24:00 in Warsaw: whenever this runs, it is inside the window.
    await setSmsSettings(world.database.db, { id: "x", username: "alice", name: "Alice", role: "admin" }, { ...SMS_SETTINGS_DEFAULT, quietWindow: { weekdays: [0, 1, 2, 3, 4, 5, 6], fromMinute: 0, toMinute: 1440 } });
    const held = await call("POST", "/sms/messages", token.token, { to: "+48600300401", message: "Held until the window ends", clientId: "reminder-0002" });
    const body = (await held.json()) as { sendAt: string };
    expect(new Date(body.sendAt).getTime()).toBeGreaterThan(Date.now());
    await worker.kick();
    expect(standin.messages.some((m) => m.body === "Held until the window ends")).toBe(false);
    await setSmsSettings(world.database.db, { id: "x", username: "alice", name: "Alice", role: "admin" }, SMS_SETTINGS_DEFAULT);
  });

  it("keeps automated traffic out of chat windows when the settings hide it (the log still has it)", async () => {
    await setSmsSettings(world.database.db, { id: "x", username: "alice", name: "Alice", role: "admin" }, { ...SMS_SETTINGS_DEFAULT, automated: "hide" });
    const hidden = await call("POST", "/sms/messages", token.token, { to: "+48600300402", message: "Survey: rate us 1-5", clientId: "survey-0001" });
    expect(await hidden.json()).toMatchObject({ chatId: null });
    await setSmsSettings(world.database.db, { id: "x", username: "alice", name: "Alice", role: "admin" }, SMS_SETTINGS_DEFAULT);
    const log = await call("GET", "/sms/log?direction=out", readToken);
    const entries = ((await log.json()) as { entries: { body: string; sentBy: string; automated: boolean }[] }).entries;
    expect(entries.find((e) => e.body === "Survey: rate us 1-5")).toMatchObject({ sentBy: "Reminders", automated: true });
  });

  it("keeps answers to automated SMS out of the window when hidden, or only the ones that look like answers", async () => {
    const admin = { id: "x", username: "alice", name: "Alice", role: "admin" as const };
    await setSmsSettings(world.database.db, admin, { ...SMS_SETTINGS_DEFAULT, automated: "invalid_replies" });
    await call("POST", "/sms/messages", token.token, { to: "+48600300405", message: "Rate your delivery 1-5", clientId: "survey-0002" });
    expect(await receiveSms(world.deps, { from: "+48600300405", body: "4", messageSid: "SM-survey-answer-1" })).toBe("stored");
    expect(await receiveSms(world.deps, { from: "+48600300405", body: "The driver broke the gate", messageSid: "SM-survey-answer-2" })).toBe("stored");
    const [contact] = await world.database.db.select().from(smsContacts).where(eq(smsContacts.phone, "+48600300405"));
    const shown = await world.database.db.select().from(messages).where(eq(messages.chatId, contact!.chatId!));
    // The survey itself is automated traffic too: only the answer that does not look like one shows.
    expect(shown.map((m) => m.body)).toEqual(["The driver broke the gate"]);
    const logged = await world.database.db.select().from(smsMessages).where(eq(smsMessages.contactId, contact!.id));
    expect(logged).toHaveLength(3);
    await setSmsSettings(world.database.db, admin, SMS_SETTINGS_DEFAULT);
  });

  it("answers 403 to a token without sms:write, and 400 to a number that is not one", async () => {
    expect((await call("POST", "/sms/messages", readToken, { to: "+48600300403", message: "x", clientId: "reminder-0003" })).status).toBe(403);
    const bad = await call("POST", "/sms/messages", token.token, { to: "12", message: "x", clientId: "reminder-0004" });
    expect(bad.status).toBe(400);
  });
});
