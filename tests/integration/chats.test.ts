import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatMembers, chats, entities, events, groupMembers, groups } from "~/db/schema";
import { createUser } from "~/server/services/users";
import { PASSWORD, callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { openStream, serveStream } from "../factories/stream";

type Caller = Awaited<ReturnType<typeof callerFor>>;
type Stream = Awaited<ReturnType<typeof openStream>>;

/** The personas plus five more workers, enough for a direct chat of nine people. */
const EXTRAS = [
  { username: "ben", name: "Ben Baker" },
  { username: "cara", name: "Cara Carter" },
  { username: "dan", name: "Dan Driver" },
  { username: "eva", name: "Eva Evans" },
  { username: "finn", name: "Finn Fisher" },
] as const;
type Name = "alice" | "mark" | "pia" | "olaf" | "maria" | (typeof EXTRAS)[number]["username"];

describe("conversations (PRODUCT.md C1–C4)", () => {
  let world: TestWorld;
  let server: Awaited<ReturnType<typeof serveStream>>;
  const ids = {} as Record<Name, string>;
  const cookies = {} as Record<Name, string>;
  const callers = {} as Record<Name, Caller>;
  let companyId: string;
  let clientSeq = 0;
  const send = (who: Name, chatId: string, body: string) =>
    callers[who].message.send({ chatId, clientId: `chats-test-${++clientSeq}`, body });
  const eventCount = () => world.deps.db.$count(events);
  const stream = async (who: Name): Promise<Stream> => {
    const opened = await openStream(server.url, cookies[who]);
    await opened.next("ready");
    return opened;
  };
  /** Waits until `who` has had a company chat message sent after everything before it. */
  const flush = async (who: Name, opened: Stream) => {
    const marker = await send("alice", companyId, `marker for ${who}`);
    await opened.next("message.created", (e) => e.message.id === marker.id);
  };
  const chatEvents = (opened: Stream, chatId: string) =>
    opened.received.filter((r) => "chatId" in r.event && r.event.chatId === chatId);

  beforeAll(async () => {
    world = await createTestWorld();
    const db = world.database.db;
    const personas = await createPersonas(db);
    ids.alice = personas.admin.id;
    ids.mark = personas.manager.id;
    ids.pia = personas.picker.id;
    ids.olaf = personas.outsider.id;
    ids.maria = (await createUser(db, "system", { username: "maria", name: "Maria Manager", role: "manager", password: PASSWORD })).id;
    for (const extra of EXTRAS) {
      ids[extra.username] = (await createUser(db, "system", { ...extra, role: "worker", password: PASSWORD })).id;
    }
    for (const name of Object.keys(ids) as Name[]) {
      cookies[name] = await signIn(world.auth, name);
      callers[name] = await callerFor(world.deps, world.auth, cookies[name]);
    }
    const [company] = await db.select({ id: chats.id }).from(chats).where(eq(chats.kind, "company"));
    companyId = company!.id;
    server = await serveStream(world.auth, world.realtime.hub, world.deps);
  });
  afterAll(async () => {
    await server?.close();
    await world?.close();
  });

  describe("C1 company chat", () => {
    it("exists from the first start, once, with every user in it", async () => {
      const companyChats = await world.deps.db.select().from(chats).where(eq(chats.kind, "company"));
      expect(companyChats).toHaveLength(1);
      const members = await world.deps.db.select().from(chatMembers).where(eq(chatMembers.chatId, companyId));
      expect(members.map((m) => m.userId).sort()).toEqual(Object.values(ids).sort());
    });

    it("lets every user read it and post in it", async () => {
      const posters: Name[] = ["alice", "mark", "pia", "olaf"];
      const sent = [];
      for (const who of posters) sent.push(await send(who, companyId, `hello from ${who}`));
      for (const who of posters) {
        const page = await callers[who].message.list({ chatId: companyId });
        expect(page.messages.map((m) => m.id)).toEqual(expect.arrayContaining(sent.map((m) => m.id)));
        expect((await callers[who].chat.get({ chatId: companyId })).kind).toBe("company");
      }
    });

    it("is first in everyone's chat list, even below more recent activity elsewhere", async () => {
      const room = await callers.mark.chat.createRoom({ title: "Busy room", visibility: "public" });
      await send("mark", room.id, "newer than the company chat");
      for (const who of Object.keys(ids) as Name[]) {
        const list = await callers[who].chat.list();
        expect(list[0]?.id).toBe(companyId);
      }
    });
  });

  describe("C2 rooms", () => {
    it("refuses a worker creating a room with FORBIDDEN", async () => {
      await expect(callers.pia.chat.createRoom({ title: "Pickers only", visibility: "public" })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    });

    it("lets a manager create a public room everyone reads and a private room only its access list reads", async () => {
      const open = await callers.mark.chat.createRoom({ title: "Announcements", visibility: "public" });
      const closed = await callers.mark.chat.createRoom({
        title: "Shift leads",
        visibility: "private",
        access: { userIds: [ids.pia], groupIds: [] },
      });
      expect(open).toMatchObject({ kind: "room", visibility: "public", title: "Announcements", createdBy: ids.mark });
      expect(closed).toMatchObject({ kind: "room", visibility: "private", title: "Shift leads" });
      const posted = await send("olaf", open.id, "I can write here");
      expect((await callers.pia.message.list({ chatId: open.id })).messages.map((m) => m.id)).toContain(posted.id);
      expect((await callers.olaf.chat.list()).map((c) => c.id)).toContain(open.id);
      expect((await callers.pia.chat.get({ chatId: closed.id })).title).toBe("Shift leads");
      await send("pia", closed.id, "on the list");
      await expect(callers.olaf.chat.get({ chatId: closed.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect((await callers.olaf.chat.list()).map((c) => c.id)).not.toContain(closed.id);
    });

    it("lets the creator or an admin rename a room, and answers FORBIDDEN to another manager", async () => {
      const room = await callers.mark.chat.createRoom({ title: "Dock 1", visibility: "public" });
      await expect(callers.maria.chat.updateRoom({ chatId: room.id, title: "Maria's dock" })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      await expect(callers.pia.chat.updateRoom({ chatId: room.id, title: "Pia's dock" })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      expect((await callers.mark.chat.updateRoom({ chatId: room.id, title: "Dock 1 north" })).title).toBe("Dock 1 north");
      expect((await callers.alice.chat.updateRoom({ chatId: room.id, title: "Dock 1 south" })).title).toBe("Dock 1 south");
      expect((await callers.pia.chat.get({ chatId: room.id })).title).toBe("Dock 1 south");
    });

    it("lets the creator or an admin delete a room, and answers FORBIDDEN to anyone else", async () => {
      const mine = await callers.mark.chat.createRoom({ title: "Temporary", visibility: "public" });
      const other = await callers.mark.chat.createRoom({ title: "Also temporary", visibility: "public" });
      await expect(callers.maria.chat.deleteRoom({ chatId: mine.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(callers.pia.chat.deleteRoom({ chatId: mine.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(await callers.mark.chat.deleteRoom({ chatId: mine.id })).toEqual({ ok: true });
      expect(await callers.alice.chat.deleteRoom({ chatId: other.id })).toEqual({ ok: true });
      await expect(callers.pia.chat.get({ chatId: mine.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(callers.pia.chat.get({ chatId: other.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      const left = (await callers.pia.chat.list()).map((c) => c.id);
      expect(left).not.toContain(mine.id);
      expect(left).not.toContain(other.id);
    });

    it("lets an admin rename, reconfigure and delete a private room they are not on", async () => {
      const room = await callers.mark.chat.createRoom({ title: "Managers only", visibility: "private" });
      await expect(callers.alice.chat.get({ chatId: room.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await callers.alice.chat.updateRoom({ chatId: room.id, title: "Renamed by admin", access: { userIds: [ids.maria], groupIds: [] } });
      expect(await callers.alice.chat.roomAccess({ chatId: room.id })).toEqual({ userIds: [ids.maria], groupIds: [] });
      expect((await callers.maria.chat.get({ chatId: room.id })).title).toBe("Renamed by admin");
      expect(await callers.alice.chat.deleteRoom({ chatId: room.id })).toEqual({ ok: true });
    });

    it("opens a private room to the users and the members of groups (a company group too) on its access list", async () => {
      const db = world.database.db;
      const [partner] = await db.insert(groups).values({ name: "Acme Logistics", kind: "company" }).returning();
      const [team] = await db.insert(groups).values({ name: "Forklift team", kind: "team" }).returning();
      await db.insert(groupMembers).values([
        { groupId: partner!.id, userId: ids.ben },
        { groupId: partner!.id, userId: ids.cara },
        { groupId: team!.id, userId: ids.dan },
      ]);
      const room = await callers.mark.chat.createRoom({
        title: "Acme handover",
        visibility: "private",
        access: { userIds: [ids.pia], groupIds: [partner!.id, team!.id] },
      });
      const access = await callers.mark.chat.roomAccess({ chatId: room.id });
      expect(access.userIds).toEqual([ids.pia]);
      expect([...access.groupIds].sort()).toEqual([partner!.id, team!.id].sort());
      for (const who of ["pia", "ben", "cara", "dan"] as const) {
        expect((await callers[who].chat.get({ chatId: room.id })).id).toBe(room.id);
        expect((await callers[who].chat.list()).map((c) => c.id)).toContain(room.id);
      }
      await send("ben", room.id, "Acme here");
      for (const who of ["olaf", "eva", "maria"] as const) {
        await expect(callers[who].chat.get({ chatId: room.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
        await expect(callers[who].message.list({ chatId: room.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      }
      const members = await callers.pia.chat.members({ chatId: room.id });
      expect(members.map((m) => m.id).sort()).toEqual([ids.mark, ids.pia, ids.ben, ids.cara, ids.dan].sort());
    });

    it("applies an access list change at once to chat.get, chat.list, message.list and chat.members", async () => {
      const room = await callers.mark.chat.createRoom({
        title: "Audit prep",
        visibility: "private",
        access: { userIds: [ids.pia], groupIds: [] },
      });
      await send("mark", room.id, "bring the binders");
      expect((await callers.pia.message.list({ chatId: room.id })).messages).toHaveLength(1);

      await callers.mark.chat.updateRoom({ chatId: room.id, access: { userIds: [ids.eva], groupIds: [] } });

      await expect(callers.pia.chat.get({ chatId: room.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(callers.pia.message.list({ chatId: room.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(callers.pia.chat.members({ chatId: room.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect((await callers.pia.chat.list()).map((c) => c.id)).not.toContain(room.id);

      expect((await callers.eva.chat.get({ chatId: room.id })).title).toBe("Audit prep");
      expect((await callers.eva.message.list({ chatId: room.id })).messages.map((m) => m.body)).toEqual(["bring the binders"]);
      expect((await callers.eva.chat.list()).map((c) => c.id)).toContain(room.id);
      const members = await callers.mark.chat.members({ chatId: room.id });
      expect(members.map((m) => m.id).sort()).toEqual([ids.mark, ids.eva].sort());
    });

    it("tells a removed user's stream chat.changed (access) and then sends them nothing more of the room", async () => {
      const room = await callers.mark.chat.createRoom({
        title: "Night picks",
        visibility: "private",
        access: { userIds: [ids.pia], groupIds: [] },
      });
      const piaStream = await stream("pia");
      const before = await send("mark", room.id, "before the change");
      await piaStream.next("message.created", (e) => e.message.id === before.id);

      await callers.mark.chat.updateRoom({ chatId: room.id, access: { userIds: [], groupIds: [] } });
      await piaStream.next("chat.changed", (e) => e.chatId === room.id && e.reason === "access");

      const after = await send("mark", room.id, "after the change");
      await callers.mark.chat.typing({ chatId: room.id });
      await flush("pia", piaStream);
      const types = chatEvents(piaStream, room.id).map((r) => r.event.type);
      expect(types).toEqual(["message.created", "chat.changed"]);
      expect(JSON.stringify(piaStream.received)).not.toContain(after.id);
      piaStream.close();
    });

    it("tells a user removed while offline chat.changed (access) when their stream resumes from Last-Event-ID", async () => {
      const room = await callers.mark.chat.createRoom({
        title: "Returns desk",
        visibility: "private",
        access: { userIds: [ids.pia], groupIds: [] },
      });
      const first = await stream("pia");
      const { lastEventId } = first.all("ready")[0]!.event;
      first.close();
      await callers.mark.chat.updateRoom({ chatId: room.id, access: { userIds: [], groupIds: [] } });
      const secret = await send("mark", room.id, "after pia left");

      const resumed = await openStream(server.url, cookies.pia, lastEventId);
      await resumed.next("ready");
      const missed = chatEvents(resumed, room.id).map((r) => r.event);
      expect(missed).toEqual([{ type: "chat.changed", chatId: room.id, reason: "access" }]);
      expect(JSON.stringify(resumed.received)).not.toContain(secret.id);
      resumed.close();
    });

    it("tells a reader who was offline when a room was deleted chat.deleted when their stream resumes", async () => {
      const room = await callers.mark.chat.createRoom({ title: "Pop-up store", visibility: "public" });
      const first = await stream("pia");
      const { lastEventId } = first.all("ready")[0]!.event;
      first.close();
      await callers.mark.chat.deleteRoom({ chatId: room.id });

      const resumed = await openStream(server.url, cookies.pia, lastEventId);
      await resumed.next("ready");
      expect(chatEvents(resumed, room.id).map((r) => r.event)).toEqual([{ type: "chat.deleted", chatId: room.id }]);
      resumed.close();
    });
    it("lets a user on a private room's access list leave it, after which they cannot read it", async () => {
      const room = await callers.mark.chat.createRoom({ title: "Cold store", visibility: "private", access: { userIds: [ids.pia], groupIds: [] } });
      await callers.pia.chat.leave({ chatId: room.id });
      await expect(callers.pia.chat.get({ chatId: room.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect((await callers.mark.chat.roomAccess({ chatId: room.id })).userIds).toEqual([]);
    });

    it("refuses leaving a private room read through a group, and changes nothing", async () => {
      const db = world.database.db;
      const [crew] = await db.insert(groups).values({ name: "Night crew", kind: "team" }).returning();
      await db.insert(groupMembers).values({ groupId: crew!.id, userId: ids.eva });
      const room = await callers.mark.chat.createRoom({ title: "Night desk", visibility: "private", access: { userIds: [ids.eva], groupIds: [crew!.id] } });
      await expect(callers.eva.chat.leave({ chatId: room.id })).rejects.toThrow(/through a group/);
      expect((await callers.mark.chat.roomAccess({ chatId: room.id })).userIds).toEqual([ids.eva]);
    });

    it("refuses the creator leaving their own room (they delete it instead)", async () => {
      const room = await callers.mark.chat.createRoom({ title: "Mine to keep", visibility: "public" });
      await expect(callers.mark.chat.leave({ chatId: room.id })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    });
  });

  describe("C3 direct messages", () => {
    it("opens a 1:1 chat and a group chat of up to 8 people", async () => {
      const pair = await callers.pia.chat.openDirect({ userIds: [ids.alice] });
      expect(pair).toMatchObject({ kind: "direct", visibility: "private", title: "Alice Admin" });
      const seven = [ids.alice, ids.mark, ids.olaf, ids.ben, ids.cara, ids.dan, ids.eva];
      const group = await callers.pia.chat.openDirect({ userIds: seven });
      expect(group.kind).toBe("direct");
      await send("pia", group.id, "all eight of us");
      const members = await callers.pia.chat.members({ chatId: group.id });
      expect(members.map((m) => m.id).sort()).toEqual([ids.pia, ...seven].sort());
      expect((await callers.eva.message.list({ chatId: group.id })).messages.map((m) => m.body)).toEqual(["all eight of us"]);
    });

    it("counts the opener once when their own id is among the 8 people", async () => {
      const withSelf = [ids.pia, ids.alice, ids.mark, ids.olaf, ids.ben, ids.cara, ids.dan, ids.finn];
      const chat = await callers.pia.chat.openDirect({ userIds: withSelf });
      await send("pia", chat.id, "eight including me");
      expect((await callers.pia.chat.members({ chatId: chat.id })).map((m) => m.id).sort()).toEqual([...withSelf].sort());
    });

    it("refuses a direct chat of 9 people with BAD_REQUEST and creates nothing", async () => {
      const before = await world.deps.db.$count(chats, eq(chats.kind, "direct"));
      const eight = [ids.alice, ids.mark, ids.olaf, ids.ben, ids.cara, ids.dan, ids.eva, ids.finn];
      await expect(callers.pia.chat.openDirect({ userIds: eight })).rejects.toMatchObject({ code: "BAD_REQUEST" });
      expect(await world.deps.db.$count(chats, eq(chats.kind, "direct"))).toBe(before);
    });

    it("returns the same chat when the same person opens it again, with the people in another order", async () => {
      const first = await callers.mark.chat.openDirect({ userIds: [ids.ben, ids.cara] });
      const again = await callers.mark.chat.openDirect({ userIds: [ids.cara, ids.ben] });
      const withSelf = await callers.mark.chat.openDirect({ userIds: [ids.cara, ids.mark, ids.ben] });
      expect(again.id).toBe(first.id);
      expect(withSelf.id).toBe(first.id);
    });

    it("returns the same chat when the other person opens it before the first message", async () => {
      const first = await callers.dan.chat.openDirect({ userIds: [ids.eva] });
      const other = await callers.eva.chat.openDirect({ userIds: [ids.dan] });
      expect(other.id).toBe(first.id);
    });

    it("returns the same chat when another member opens it after the first message, in any order", async () => {
      const first = await callers.finn.chat.openDirect({ userIds: [ids.ben, ids.dan] });
      await send("finn", first.id, "three of us");
      expect((await callers.ben.chat.openDirect({ userIds: [ids.finn, ids.dan] })).id).toBe(first.id);
      expect((await callers.dan.chat.openDirect({ userIds: [ids.ben, ids.finn] })).id).toBe(first.id);
    });

    it("shows the recipient nothing until the first message, then the chat and the message", async () => {
      const markStream = await stream("mark");
      const eventsBefore = await eventCount();
      const dm = await callers.olaf.chat.openDirect({ userIds: [ids.mark] });
      expect(await eventCount()).toBe(eventsBefore);
      expect((await callers.mark.chat.list()).map((c) => c.id)).not.toContain(dm.id);
      await expect(callers.mark.chat.get({ chatId: dm.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(callers.mark.message.list({ chatId: dm.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect((await callers.mark.message.unread()).chats.map((c) => c.chatId)).not.toContain(dm.id);
      await flush("mark", markStream);
      expect(chatEvents(markStream, dm.id)).toEqual([]);

      const first = await send("olaf", dm.id, "can I take Friday off?");
      const seen = await markStream.next("message.created", (e) => e.chatId === dm.id);
      expect(seen.event.message.id).toBe(first.id);
      expect(chatEvents(markStream, dm.id)).toHaveLength(1);
      const listed = (await callers.mark.chat.list()).find((c) => c.id === dm.id);
      expect(listed).toMatchObject({ kind: "direct", title: "Olaf Outsider", unread: 1 });
      expect((await callers.mark.message.list({ chatId: dm.id })).messages.map((m) => m.body)).toEqual(["can I take Friday off?"]);
      markStream.close();
    });

    it("delivers the first message live to the recipient even when the sender was typing before it", async () => {
      const piaStream = await stream("pia");
      const dm = await callers.cara.chat.openDirect({ userIds: [ids.pia] });
      await callers.cara.chat.typing({ chatId: dm.id });
      await flush("pia", piaStream);
      expect(chatEvents(piaStream, dm.id)).toEqual([]);
      const first = await send("cara", dm.id, "are you on aisle 4?");
      // A later company chat message reaches pia; by then the first message would have too.
      await flush("pia", piaStream);
      expect(chatEvents(piaStream, dm.id).map((r) => r.event.type === "message.created" && r.event.message.id)).toEqual([first.id]);
      piaStream.close();
    });

    it("creates no event and sends nothing to the other side when history is read", async () => {
      const dm = await callers.alice.chat.openDirect({ userIds: [ids.mark] });
      await send("alice", dm.id, "quarterly numbers attached");
      await send("mark", dm.id, "thanks");
      const aliceStream = await stream("alice");
      const eventsBefore = await eventCount();

      const page = await callers.mark.message.list({ chatId: dm.id });
      expect(page.messages.map((m) => m.body)).toEqual(["quarterly numbers attached", "thanks"]);
      await callers.mark.chat.get({ chatId: dm.id });
      await callers.mark.message.list({ chatId: dm.id, before: 2 });

      expect(await eventCount()).toBe(eventsBefore);
      const marker = await send("pia", companyId, "marker for alice");
      await aliceStream.next("message.created", (e) => e.message.id === marker.id);
      expect(chatEvents(aliceStream, dm.id)).toEqual([]);
      aliceStream.close();
    });
  });

  describe("C4 entity chats", () => {
    beforeAll(async () => {
      await world.database.db.insert(entities).values([
        { type: "order", key: "4711", title: "Order 4711", status: "picking" },
        { type: "order", key: "4712", title: "Order 4712" },
        { type: "shipment", key: "S-1", title: "Shipment S-1" },
      ]);
    });

    it("creates the record's chat on first open and returns the same chat afterwards", async () => {
      const first = await callers.mark.chat.openForEntity({ type: "order", key: "4711" });
      expect(first).toMatchObject({
        kind: "entity",
        title: "Order 4711",
        isMember: true,
        entity: { type: "order", key: "4711", status: "picking" },
      });
      const again = await callers.mark.chat.openForEntity({ type: "order", key: "4711" });
      expect(again.id).toBe(first.id);
      const rows = await world.deps.db
        .select()
        .from(chats)
        .where(and(eq(chats.kind, "entity"), eq(chats.entityType, "order"), eq(chats.entityKey, "4711")));
      expect(rows).toHaveLength(1);
    });

    it("answers NOT_FOUND for a record that does not exist, and creates nothing", async () => {
      const before = await world.deps.db.$count(chats, eq(chats.kind, "entity"));
      await expect(callers.pia.chat.openForEntity({ type: "order", key: "9999" })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(callers.pia.chat.openForEntity({ type: "invoice", key: "4711" })).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect(await world.deps.db.$count(chats, eq(chats.kind, "entity"))).toBe(before);
    });

    it("makes a second user who opens it a member of the same chat", async () => {
      const chat = await callers.mark.chat.openForEntity({ type: "order", key: "4712" });
      await expect(callers.pia.chat.get({ chatId: chat.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      const opened = await callers.pia.chat.openForEntity({ type: "order", key: "4712" });
      expect(opened).toMatchObject({ id: chat.id, isMember: true });
      const members = await callers.mark.chat.members({ chatId: chat.id });
      expect(members.map((m) => m.id).sort()).toEqual([ids.mark, ids.pia].sort());
      expect((await callers.pia.chat.list()).map((c) => c.id)).toContain(chat.id);
    });

    it("lets a member invite another user, who can then read and post in it", async () => {
      const chat = await callers.pia.chat.openForEntity({ type: "shipment", key: "S-1" });
      await send("pia", chat.id, "two pallets short");
      await expect(callers.olaf.message.list({ chatId: chat.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(await callers.pia.chat.invite({ chatId: chat.id, userId: ids.olaf })).toEqual({ ok: true });
      expect((await callers.olaf.message.list({ chatId: chat.id })).messages.map((m) => m.body)).toEqual(["two pallets short"]);
      expect((await callers.olaf.chat.list()).map((c) => c.id)).toContain(chat.id);
      await send("olaf", chat.id, "found them in bay 2");
    });

    it("gives the record's messages oldest first as its log, and an empty log before any chat exists", async () => {
      await world.database.db.insert(entities).values({ type: "ticket", key: "T-7", title: "Broken scanner" });
      expect(await callers.pia.entity.history({ type: "ticket", key: "T-7" })).toEqual({ chatId: null, messages: [], hasMore: false });
      await expect(callers.pia.entity.history({ type: "ticket", key: "T-404" })).rejects.toMatchObject({ code: "NOT_FOUND" });
      const chat = await callers.pia.chat.openForEntity({ type: "ticket", key: "T-7" });
      expect(await callers.pia.entity.history({ type: "ticket", key: "T-7" })).toEqual({ chatId: chat.id, messages: [], hasMore: false });
      await send("pia", chat.id, "scanner 3 does not turn on");
      await callers.pia.chat.invite({ chatId: chat.id, userId: ids.mark });
      await send("mark", chat.id, "use scanner 5 meanwhile");
      await send("pia", chat.id, "ok");
      const log = await callers.mark.entity.history({ type: "ticket", key: "T-7" });
      expect(log.chatId).toBe(chat.id);
      expect(log.messages.map((m) => [m.seq, m.sender.name, m.body])).toEqual([
        [1, "Pia Picker", "scanner 3 does not turn on"],
        [2, "Mark Manager", "use scanner 5 meanwhile"],
        [3, "Pia Picker", "ok"],
      ]);
    });
  });
});
