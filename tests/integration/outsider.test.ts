import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatMembers, chats, entities, messages } from "~/db/schema";
import { callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { openStream, serveStream } from "../factories/stream";

type Caller = Awaited<ReturnType<typeof callerFor>>;
type Target = { chatId: string; messageId: string; title: string };
type Procedure = (caller: Caller, target: Target, olafId: string) => Promise<unknown>;

const BODIES = ["salary review for Pia: 3 options", "second secret line 42", "entity whisper 17"] as const;

/** Every procedure that takes a chat or a message, called the way a client would. */
const procedures: [string, Procedure][] = [
  ["chat.get", (c, t) => c.chat.get({ chatId: t.chatId })],
  ["chat.members", (c, t) => c.chat.members({ chatId: t.chatId })],
  ["chat.updateRoom", (c, t) => c.chat.updateRoom({ chatId: t.chatId, title: "Taken over" })],
  ["chat.roomAccess", (c, t) => c.chat.roomAccess({ chatId: t.chatId })],
  ["chat.deleteRoom", (c, t) => c.chat.deleteRoom({ chatId: t.chatId })],
  ["chat.invite", (c, t, olafId) => c.chat.invite({ chatId: t.chatId, userId: olafId })],
  ["chat.join", (c, t) => c.chat.join({ chatId: t.chatId })],
  ["chat.leave", (c, t) => c.chat.leave({ chatId: t.chatId })],
  ["chat.setMuted", (c, t) => c.chat.setMuted({ chatId: t.chatId, muted: true })],
  ["chat.typing", (c, t) => c.chat.typing({ chatId: t.chatId })],
  ["message.send", (c, t) => c.message.send({ chatId: t.chatId, clientId: `outsider-${t.chatId}`, body: "let me in" })],
  ["message.edit", (c, t) => c.message.edit({ messageId: t.messageId, body: "overwritten" })],
  ["message.delete", (c, t) => c.message.delete({ messageId: t.messageId })],
  ["message.list", (c, t) => c.message.list({ chatId: t.chatId })],
  ["message.readBy", (c, t) => c.message.readBy({ messageId: t.messageId })],
  ["message.markRead", (c, t) => c.message.markRead({ chatId: t.chatId, seq: 1 })],
  ["message.take", (c, t) => c.message.take({ messageId: t.messageId })],
];

describe("an outsider (signed in, without access)", () => {
  let world: TestWorld;
  let server: Awaited<ReturnType<typeof serveStream>>;
  let olafCookie: string;
  let olaf: Caller;
  let olafId: string;
  let companyId: string;
  const targets = {} as Record<"private room" | "direct chat of others" | "entity chat not joined", Target>;
  const secrets: string[] = [];

  beforeAll(async () => {
    world = await createTestWorld();
    const db = world.database.db;
    const personas = await createPersonas(db);
    olafId = personas.outsider.id;
    const mark = await callerFor(world.deps, world.auth, await signIn(world.auth, "mark"));
    const pia = await callerFor(world.deps, world.auth, await signIn(world.auth, "pia"));
    olafCookie = await signIn(world.auth, "olaf");
    olaf = await callerFor(world.deps, world.auth, olafCookie);
    companyId = (await olaf.chat.list())[0]!.id;
    let n = 0;
    const send = (caller: Caller, chatId: string, body: string) =>
      caller.message.send({ chatId, clientId: `outsider-setup-${++n}`, body });

    const room = await mark.chat.createRoom({ title: "Confidential pay review", visibility: "private", access: { userIds: [personas.picker.id], groupIds: [] } });
    const roomMessage = await send(mark, room.id, BODIES[0]);
    await send(pia, room.id, BODIES[1]);
    targets["private room"] = { chatId: room.id, messageId: roomMessage.id, title: "Confidential pay review" };

    const dm = await pia.chat.openDirect({ userIds: [personas.manager.id] });
    const dmMessage = await send(pia, dm.id, "direct whisper about the night shift");
    await send(mark, dm.id, "direct answer 99");
    targets["direct chat of others"] = { chatId: dm.id, messageId: dmMessage.id, title: "Mark Manager" };

    await db.insert(entities).values({ type: "order", key: "9001", title: "Secret order 9001" });
    const entity = await mark.chat.openForEntity({ type: "order", key: "9001" });
    await pia.chat.openForEntity({ type: "order", key: "9001" });
    const entityMessage = await send(mark, entity.id, BODIES[2]);
    targets["entity chat not joined"] = { chatId: entity.id, messageId: entityMessage.id, title: "Secret order 9001" };

    secrets.push(...BODIES, "direct whisper about the night shift", "direct answer 99", "Confidential pay review", "Secret order 9001");
    server = await serveStream(world.auth, world.realtime.hub, world.deps);
  });
  afterAll(async () => {
    await server?.close();
    await world?.close();
  });

  describe.each(["private room", "direct chat of others", "entity chat not joined"] as const)("on a %s", (kind) => {
    it.each(procedures)("%s answers FORBIDDEN and reveals nothing", async (_name, call) => {
      const target = targets[kind];
      const error = await call(olaf, target, olafId).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "FORBIDDEN" });
      const message = (error as Error).message;
      for (const secret of [target.title, ...secrets]) expect(message).not.toContain(secret);
      // No counts either (members, messages, unread).
      expect(message).not.toMatch(/\d/);
      const fields = (error as { cause?: { fields?: unknown } }).cause?.fields;
      expect(JSON.stringify(fields ?? null)).not.toMatch(/\d/);
    });
  });

  it("leaves every one of those chats as it was after all the attempts", async () => {
    const db = world.database.db;
    for (const target of Object.values(targets)) {
      const [chat] = await db.select().from(chats).where(eq(chats.id, target.chatId));
      expect(chat).toBeDefined();
      const members = await db.select().from(chatMembers).where(eq(chatMembers.chatId, target.chatId));
      expect(members.map((m) => m.userId)).not.toContain(olafId);
      const [message] = await db.select().from(messages).where(eq(messages.id, target.messageId));
      expect(message).toMatchObject({ deletedAt: null, editedAt: null });
      expect(await db.$count(messages, eq(messages.senderId, olafId))).toBe(0);
    }
    expect((await db.select({ title: chats.title }).from(chats).where(eq(chats.id, targets["private room"].chatId)))[0]?.title).toBe(
      "Confidential pay review",
    );
  });

  it("never sees those chats in chat.list", async () => {
    const list = await olaf.chat.list();
    expect(list.map((c) => c.id)).toEqual([companyId]);
    const text = JSON.stringify(list);
    for (const target of Object.values(targets)) expect(text).not.toContain(target.chatId);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it("never counts those chats in message.unread", async () => {
    const unread = await olaf.message.unread();
    expect(unread).toEqual({ total: 0, chats: [] });
  });

  it("never learns of those chats through people.list or people.get", async () => {
    const people = await olaf.people.list({ sort: "name" });
    const cards = await Promise.all(people.map((p) => olaf.people.get({ userId: p.id })));
    const text = JSON.stringify([people, cards, await olaf.people.list({ sort: "activity" })]);
    for (const target of Object.values(targets)) expect(text).not.toContain(target.chatId);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it("receives no event of those chats on the stream", async () => {
    const stream = await openStream(server.url, olafCookie);
    await stream.next("ready");
    const mark = await callerFor(world.deps, world.auth, await signIn(world.auth, "mark"));
    let n = 0;
    for (const target of Object.values(targets)) {
      await mark.message.send({ chatId: target.chatId, clientId: `outsider-live-${++n}`, body: "live secret" });
      await mark.chat.typing({ chatId: target.chatId });
    }
    await mark.chat.updateRoom({ chatId: targets["private room"].chatId, title: "Renamed in secret" });
    const marker = await mark.message.send({ chatId: companyId, clientId: "outsider-live-marker", body: "marker" });
    await stream.next("message.created", (e) => e.message.id === marker.id);
    const text = JSON.stringify(stream.received);
    for (const target of Object.values(targets)) expect(text).not.toContain(target.chatId);
    expect(text).not.toContain("live secret");
    stream.close();
  });
});

describe("an anonymous caller", () => {
  let world: TestWorld;
  let anonymous: Caller;
  const someId = "00000000-0000-4000-8000-000000000000";

  beforeAll(async () => {
    world = await createTestWorld();
    anonymous = await callerFor(world.deps, world.auth, null);
  });
  afterAll(() => world?.close());

  const calls: [string, (c: Caller) => Promise<unknown>][] = [
    ["user.me", (c) => c.user.me()],
    ["chat.list", (c) => c.chat.list()],
    ["chat.get", (c) => c.chat.get({ chatId: someId })],
    ["chat.openDirect", (c) => c.chat.openDirect({ userIds: ["someone"] })],
    ["message.send", (c) => c.message.send({ chatId: someId, clientId: "anonymous-1", body: "hi" })],
    ["message.list", (c) => c.message.list({ chatId: someId })],
    ["message.unread", (c) => c.message.unread()],
    ["people.list", (c) => c.people.list({ sort: "name" })],
    ["people.get", (c) => c.people.get({ userId: "someone" })],
    ["people.setStatus", (c) => c.people.setStatus({ status: "busy", statusText: "" })],
    ["entity.history", (c) => c.entity.history({ type: "order", key: "1" })],
  ];

  it.each(calls)("gets UNAUTHORIZED from %s", async (_name, call) => {
    await expect(call(anonymous)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
