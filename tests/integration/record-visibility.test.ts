import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entities } from "~/db/schema";
import { callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { openStream, serveStream } from "../factories/stream";

type Caller = Awaited<ReturnType<typeof callerFor>>;

const SECRET = "contract whisper 7";

/**
 * Record chats (access.ts): of an `open` type (the default) anyone who can scan the record opens
 * its chat; of a `members` type only its access list: the record's creator, people invited by a
 * reader, approvers.
 */
describe("record chat visibility per record type", () => {
  let world: TestWorld;
  let server: Awaited<ReturnType<typeof serveStream>>;
  let admin: Caller;
  let mark: Caller;
  let pia: Caller;
  let olaf: Caller;
  let piaCookie: string;
  let olafCookie: string;
  let piaId: string;
  let contractChatId: string;
  let companyId: string;

  beforeAll(async () => {
    world = await createTestWorld();
    const db = world.database.db;
    const personas = await createPersonas(db);
    piaId = personas.picker.id;
    admin = await callerFor(world.deps, world.auth, await signIn(world.auth, "alice"));
    mark = await callerFor(world.deps, world.auth, await signIn(world.auth, "mark"));
    piaCookie = await signIn(world.auth, "pia");
    pia = await callerFor(world.deps, world.auth, piaCookie);
    olafCookie = await signIn(world.auth, "olaf");
    olaf = await callerFor(world.deps, world.auth, olafCookie);
    companyId = (await olaf.chat.list())[0]!.id;
    await db.insert(entities).values([
      { type: "order", key: "SO-1", title: "Order one" },
      { type: "pallet", key: "P-9", title: "Pallet nine" },
    ]);

    await admin.record.setTypeVisibility({ type: "contract", visibility: "members" });
    const created = await mark.entity.create({ type: "contract", key: "C-1", title: "Contract with Acme" });
    contractChatId = created.chat.id;
    await mark.message.send({ chatId: contractChatId, clientId: "visibility-1", body: SECRET });
    server = await serveStream(world.auth, world.realtime.hub, world.deps);
  });
  afterAll(async () => {
    await server?.close();
    await world?.close();
  });

  it("lets any signed-in user open an open type's record chat, read it and write in it", async () => {
    const chat = await olaf.chat.openForEntity({ type: "order", key: "SO-1" });
    expect(chat).toMatchObject({ kind: "entity", isMember: true });
    await expect(olaf.message.send({ chatId: chat.id, clientId: "visibility-open", body: "on my way" })).resolves.toMatchObject({ seq: 1 });
    expect((await olaf.entity.history({ type: "order", key: "SO-1" })).messages.map((m) => m.body)).toEqual(["on my way"]);
  });

  it("lists only members-only types, and only admins may change or see them", async () => {
    expect(await admin.record.typeVisibilities()).toEqual([{ type: "contract", visibility: "members" }]);
    await expect(mark.record.setTypeVisibility({ type: "order", visibility: "members" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(olaf.record.typeVisibilities()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("lets the person who created a members-only record open its chat", async () => {
    await expect(mark.chat.openForEntity({ type: "contract", key: "C-1" })).resolves.toMatchObject({ id: contractChatId });
  });

  const refusals: [string, (c: Caller) => Promise<unknown>][] = [
    ["chat.openForEntity", (c) => c.chat.openForEntity({ type: "contract", key: "C-1" })],
    ["entity.resolve (a scan)", (c) => c.entity.resolve({ code: "C-1" })],
    ["entity.history", (c) => c.entity.history({ type: "contract", key: "C-1" })],
    ["chat.get", (c) => c.chat.get({ chatId: contractChatId })],
    ["message.list", (c) => c.message.list({ chatId: contractChatId })],
    ["message.send", (c) => c.message.send({ chatId: contractChatId, clientId: "visibility-outsider", body: "let me in" })],
    ["search.messages in the chat", (c) => c.search.messages({ q: "whisper", chatId: contractChatId })],
    ["approval.request on the record", (c) => c.approval.request({ record: { type: "contract", key: "C-1" }, approvers: ["pia"], message: "Let me in" })],
  ];

  it.each(refusals)("answers FORBIDDEN to someone not on a members-only record's list: %s", async (_name, call) => {
    await expect(call(olaf)).rejects.toMatchObject({ code: "FORBIDDEN" });
    // A manager or admin is no exception: the list is the rule.
    await expect(call(admin)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("keeps a members-only record's chat out of an outsider's chat list, unread count and search", async () => {
    const text = JSON.stringify([await olaf.chat.list(), await olaf.message.unread(), await olaf.search.messages({ q: "whisper" })]);
    expect(text).not.toContain(contractChatId);
    expect(text).not.toContain(SECRET);
  });

  it("streams a members-only record's events to the people on its list, never to others", async () => {
    await mark.chat.invite({ chatId: contractChatId, userId: piaId });
    const outsiderStream = await openStream(server.url, olafCookie);
    const memberStream = await openStream(server.url, piaCookie);
    await Promise.all([outsiderStream.next("ready"), memberStream.next("ready")]);
    const live = await mark.message.send({ chatId: contractChatId, clientId: "visibility-live", body: "live contract note" });
    await memberStream.next("message.created", (e) => e.message.id === live.id);
    const marker = await mark.message.send({ chatId: companyId, clientId: "visibility-marker", body: "marker" });
    await outsiderStream.next("message.created", (e) => e.message.id === marker.id);
    const text = JSON.stringify(outsiderStream.received);
    expect(text).not.toContain(contractChatId);
    expect(text).not.toContain("live contract note");
    outsiderStream.close();
    memberStream.close();
  });

  it("lets someone invited by a reader open, read and write in a members-only record's chat", async () => {
    await expect(pia.chat.openForEntity({ type: "contract", key: "C-1" })).resolves.toMatchObject({ id: contractChatId, isMember: true });
    expect((await pia.message.list({ chatId: contractChatId })).messages.map((m) => m.body)).toContain(SECRET);
    await expect(pia.message.send({ chatId: contractChatId, clientId: "visibility-member", body: "noted" })).resolves.toBeDefined();
    expect((await pia.search.messages({ q: "whisper" })).results.map((r) => r.chatId)).toContain(contractChatId);
  });

  it("lets a named approver into a members-only record's chat", async () => {
    await mark.approval.request({ record: { type: "contract", key: "C-1" }, approvers: ["olaf"], message: "Sign off the contract" });
    expect((await olaf.message.list({ chatId: contractChatId })).messages.map((m) => m.body)).toContain(SECRET);
  });

  it("shuts out of a type's chats everyone who only scanned them once the type becomes members-only, but not those invited", async () => {
    const pallet = await olaf.chat.openForEntity({ type: "pallet", key: "P-9" });
    await mark.chat.openForEntity({ type: "pallet", key: "P-9" });
    await mark.chat.invite({ chatId: pallet.id, userId: piaId });
    await admin.record.setTypeVisibility({ type: "pallet", visibility: "members" });
    await expect(olaf.message.list({ chatId: pallet.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(mark.message.list({ chatId: pallet.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await olaf.chat.list()).map((c) => c.id)).not.toContain(pallet.id);
    // Someone invited is on the list, and the list is who the chat shows as its members.
    expect((await pia.chat.members({ chatId: pallet.id })).map((m) => m.id)).toEqual([piaId]);
    // And back to open: the membership they had counts again.
    await admin.record.setTypeVisibility({ type: "pallet", visibility: "open" });
    await expect(olaf.message.list({ chatId: pallet.id })).resolves.toBeDefined();
  });
});
