import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, chats, messages } from "~/db/schema";
import type { Actor } from "~/server/domain-error";
import { createRoom } from "~/server/services/chat/rooms";
import { openDirect } from "~/server/services/chat/open";
import { createRateLimiter } from "~/server/services/rate-limit";
import { findActor } from "~/server/services/users";
import { callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";

describe("messages", () => {
  let world: TestWorld;
  let pia: Actor;
  let mark: Actor;
  let olaf: Actor;
  type Caller = Awaited<ReturnType<typeof callerFor>>;
  const callers = {} as Record<"pia" | "mark" | "olaf" | "alice", Caller>;
  let companyId: string;
  let n = 0;
  const clientId = () => `client-${++n}-${Math.random().toString(36).slice(2, 10)}`;

  beforeAll(async () => {
    world = await createTestWorld();
    const personas = await createPersonas(world.database.db);
    pia = (await findActor(world.database.db, personas.picker.id))!;
    mark = (await findActor(world.database.db, personas.manager.id))!;
    olaf = (await findActor(world.database.db, personas.outsider.id))!;
    for (const name of ["pia", "mark", "olaf", "alice"] as const) {
      callers[name] = await callerFor(world.deps, world.auth, await signIn(world.auth, name));
    }
    companyId = (await callers.pia.chat.list())[0]!.id;
  });
  afterAll(() => world.close());

  describe("send", () => {
    it("returns the original message when a send is retried with the same client id", async () => {
      const id = clientId();
      const first = await callers.pia.message.send({ chatId: companyId, clientId: id, body: "need 2 more pallets" });
      const retry = await callers.pia.message.send({ chatId: companyId, clientId: id, body: "need 2 more pallets" });
      expect(retry).toEqual(first);
      const stored = await world.database.db.select().from(messages).where(eq(messages.clientId, id));
      expect(stored).toHaveLength(1);
    });

    it("refuses an outbox message written by another user (a shared tablet changed hands) with UNAUTHORIZED, storing nothing", async () => {
      const id = clientId();
      await expect(callers.mark.message.send({ chatId: companyId, clientId: id, body: "written by Pia offline", senderId: pia.id })).rejects.toMatchObject({
        code: "UNAUTHORIZED",
      });
      expect(await world.database.db.select().from(messages).where(eq(messages.clientId, id))).toEqual([]);
      const sent = await callers.pia.message.send({ chatId: companyId, clientId: id, body: "written by Pia offline", senderId: pia.id });
      expect(sent.sender.id).toBe(pia.id);
    });

    it("stores one message when the same send arrives twice at once", async () => {
      const id = clientId();
      const [a, b] = await Promise.all([
        callers.pia.message.send({ chatId: companyId, clientId: id, body: "racing" }),
        callers.pia.message.send({ chatId: companyId, clientId: id, body: "racing" }),
      ]);
      expect(a.id).toBe(b.id);
      const stored = await world.database.db.select().from(messages).where(eq(messages.clientId, id));
      expect(stored).toHaveLength(1);
    });

    it("refuses a client id reused for another chat with CONFLICT", async () => {
      const dm = await callers.pia.chat.openDirect({ userIds: [mark.id] });
      const id = clientId();
      await callers.pia.message.send({ chatId: companyId, clientId: id, body: "one" });
      await expect(callers.pia.message.send({ chatId: dm.id, clientId: id, body: "two" })).rejects.toMatchObject({ code: "CONFLICT" });
    });

    it("lets the other person open a direct chat nobody has written in yet, and write in it", async () => {
      const opened = await callers.olaf.chat.openDirect({ userIds: [mark.id] });
      await expect(callers.mark.chat.get({ chatId: opened.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      const same = await callers.mark.chat.openDirect({ userIds: [olaf.id] });
      expect(same.id).toBe(opened.id);
      const sent = await callers.mark.message.send({ chatId: same.id, clientId: clientId(), body: "hello Olaf" });
      expect(sent.seq).toBe(1);
    });

    it("gives 20 concurrent senders in one chat gap-free, unique sequence numbers", async () => {
      const room = await createRoom(world.deps, mark, { title: "Rush hour", visibility: "public" });
      const senders = [pia, mark, olaf];
      // Each sender has its own rate budget; stay within the burst.
      const sends = Array.from({ length: 20 }, (_, i) =>
        callers[(["pia", "mark", "olaf"] as const)[i % 3]!].message.send({ chatId: room.id, clientId: clientId(), body: `line ${i}` }),
      );
      const sent = await Promise.all(sends);
      expect(senders).toHaveLength(3);
      const seqs = sent.map((m) => m.seq).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const [chat] = await world.database.db.select({ lastSeq: chats.lastSeq }).from(chats).where(eq(chats.id, room.id));
      expect(chat?.lastSeq).toBe(20);
      const page = await callers.pia.message.list({ chatId: room.id, limit: 50 });
      expect(page.messages.map((m) => m.seq)).toEqual(seqs);
    });

    it("trims the body and refuses an empty or over-long one with BAD_REQUEST, storing nothing", async () => {
      const sent = await callers.pia.message.send({ chatId: companyId, clientId: clientId(), body: "  padded  " });
      expect(sent.body).toBe("padded");
      const before = await world.database.db.$count(messages);
      await expect(callers.pia.message.send({ chatId: companyId, clientId: clientId(), body: "   " })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
      await expect(
        callers.pia.message.send({ chatId: companyId, clientId: clientId(), body: "x".repeat(10_001) }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
      expect(await world.database.db.$count(messages)).toBe(before);
      const longest = await callers.pia.message.send({ chatId: companyId, clientId: clientId(), body: "y".repeat(10_000) });
      expect(longest.body).toHaveLength(10_000);
    });

    it("answers TOO_MANY_REQUESTS past the burst of 20, and a retry of a stored message still succeeds", async () => {
      const frozen = createRateLimiter({ ratePerSecond: 10, burst: 20 });
      const caller = await callerFor(
        { ...world.deps, sendLimiter: { take: (key) => frozen.take(key, 0) } },
        world.auth,
        await signIn(world.auth, "olaf"),
      );
      const ids = Array.from({ length: 21 }, () => clientId());
      const first = [];
      for (const id of ids.slice(0, 20)) first.push(await caller.message.send({ chatId: companyId, clientId: id, body: "scan" }));
      await expect(caller.message.send({ chatId: companyId, clientId: ids[20]!, body: "scan" })).rejects.toMatchObject({
        code: "TOO_MANY_REQUESTS",
      });
      expect(await caller.message.send({ chatId: companyId, clientId: ids[0]!, body: "scan" })).toEqual(first[0]);
    });
  });

  describe("reply, edit, delete", () => {
    it("quotes the replied-to message, and keeps the reply when the original is deleted", async () => {
      const original = await callers.mark.message.send({ chatId: companyId, clientId: clientId(), body: "Can I fill 12 as 2×6?" });
      const reply = await callers.pia.message.send({ chatId: companyId, clientId: clientId(), body: "Yes", replyToId: original.id });
      expect(reply.replyTo).toEqual({ id: original.id, seq: original.seq, senderName: "Mark Manager", body: "Can I fill 12 as 2×6?" });
      await callers.mark.message.delete({ messageId: original.id });
      const page = await callers.pia.message.list({ chatId: companyId, after: reply.seq - 1, limit: 1 });
      expect(page.messages[0]?.replyTo).toEqual({ id: original.id, seq: original.seq, senderName: "Mark Manager", body: null });
    });

    it("refuses a reply to a message of another chat", async () => {
      const room = await createRoom(world.deps, mark, { title: "Other", visibility: "public" });
      const elsewhere = await callers.mark.message.send({ chatId: room.id, clientId: clientId(), body: "elsewhere" });
      await expect(
        callers.pia.message.send({ chatId: companyId, clientId: clientId(), body: "hm", replyToId: elsewhere.id }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    });

    it("marks an edit and audits the body before and after", async () => {
      const sent = await callers.pia.message.send({ chatId: companyId, clientId: clientId(), body: "12 boxes" });
      const edited = await callers.pia.message.edit({ messageId: sent.id, body: "14 boxes" });
      expect(edited.body).toBe("14 boxes");
      expect(edited.editedAt).toBeInstanceOf(Date);
      const [entry] = await world.database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.targetId, sent.id), eq(auditLog.action, "message.edit")));
      expect(entry).toMatchObject({ actorId: pia.id, before: { body: "12 boxes" }, after: { body: "14 boxes" } });
    });

    it("deletes to a tombstone: the body is gone from the API and the database, the audit log keeps it", async () => {
      const sent = await callers.pia.message.send({ chatId: companyId, clientId: clientId(), body: "wrong aisle" });
      const tombstone = await callers.pia.message.delete({ messageId: sent.id });
      expect(tombstone).toMatchObject({ id: sent.id, body: null });
      expect(tombstone.deletedAt).toBeInstanceOf(Date);
      const seenByOthers = await callers.mark.message.list({ chatId: companyId, after: sent.seq - 1, limit: 1 });
      expect(seenByOthers.messages[0]).toMatchObject({ id: sent.id, body: null });
      const [row] = await world.database.db.select({ body: messages.body }).from(messages).where(eq(messages.id, sent.id));
      expect(row?.body).toBe("");
      const [entry] = await world.database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.targetId, sent.id), eq(auditLog.action, "message.delete")));
      expect(entry).toMatchObject({ actorId: pia.id, before: { body: "wrong aisle" } });
      await expect(callers.pia.message.edit({ messageId: sent.id, body: "again" })).rejects.toMatchObject({ code: "CONFLICT" });
    });

    it("lets only the author edit or delete, unless the actor may moderate", async () => {
      const sent = await callers.pia.message.send({ chatId: companyId, clientId: clientId(), body: "mine" });
      await expect(callers.olaf.message.edit({ messageId: sent.id, body: "yours" })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(callers.olaf.message.delete({ messageId: sent.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      const moderated = await callers.mark.message.edit({ messageId: sent.id, body: "moderated" });
      expect(moderated.body).toBe("moderated");
      const [entry] = await world.database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.targetId, sent.id), eq(auditLog.action, "message.edit")));
      expect(entry?.actorId).toBe(mark.id);
    });
  });

  describe("history", () => {
    let roomId: string;
    beforeAll(async () => {
      const room = await createRoom(world.deps, mark, { title: "History", visibility: "public" });
      roomId = room.id;
      for (let i = 1; i <= 12; i++) await callers.mark.message.send({ chatId: roomId, clientId: clientId(), body: `m${i}` });
      const day = 86_400_000;
      const now = Date.now();
      // Backdate: m1–m4 forty days ago, m5–m8 ten days ago, m9–m10 three days ago, m11–m12 now.
      const ages = [40, 40, 40, 40, 10, 10, 10, 10, 3, 3, 0, 0];
      for (const [index, age] of ages.entries()) {
        await world.database.db
          .update(messages)
          .set({ createdAt: new Date(now - age * day) })
          .where(and(eq(messages.chatId, roomId), eq(messages.seq, index + 1)));
      }
    });

    it("pages backwards from the newest and forwards by seq, oldest first in each page", async () => {
      const newest = await callers.pia.message.list({ chatId: roomId, limit: 5 });
      expect(newest.messages.map((m) => m.body)).toEqual(["m8", "m9", "m10", "m11", "m12"]);
      expect(newest.hasMore).toBe(true);
      const older = await callers.pia.message.list({ chatId: roomId, before: 8, limit: 5 });
      expect(older.messages.map((m) => m.body)).toEqual(["m3", "m4", "m5", "m6", "m7"]);
      const oldest = await callers.pia.message.list({ chatId: roomId, before: 3, limit: 5 });
      expect(oldest).toMatchObject({ hasMore: false });
      expect(oldest.messages.map((m) => m.body)).toEqual(["m1", "m2"]);
      const forwards = await callers.pia.message.list({ chatId: roomId, after: 10, limit: 5 });
      expect(forwards.messages.map((m) => m.body)).toEqual(["m11", "m12"]);
      expect(forwards.hasMore).toBe(false);
    });

    it("filters to the last 7 days, the last 30 days, or all", async () => {
      const bodies = async (filter: "7d" | "30d" | "all") =>
        (await callers.pia.message.list({ chatId: roomId, filter, limit: 50 })).messages.map((m) => m.body);
      expect(await bodies("7d")).toEqual(["m9", "m10", "m11", "m12"]);
      expect(await bodies("30d")).toEqual(["m5", "m6", "m7", "m8", "m9", "m10", "m11", "m12"]);
      expect(await bodies("all")).toHaveLength(12);
    });

    it("filters to yesterday in the reader's time zone", async () => {
      const room = await createRoom(world.deps, mark, { title: "Yesterday", visibility: "public" });
      for (const body of ["today", "yesterday"]) await callers.mark.message.send({ chatId: room.id, clientId: clientId(), body });
      const yesterdayNoon = new Date();
      yesterdayNoon.setUTCDate(yesterdayNoon.getUTCDate() - 1);
      yesterdayNoon.setUTCHours(12, 0, 0, 0);
      await world.database.db
        .update(messages)
        .set({ createdAt: yesterdayNoon })
        .where(and(eq(messages.chatId, room.id), eq(messages.seq, 2)));
      const page = await callers.pia.message.list({ chatId: room.id, filter: "yesterday", timeZone: "UTC" });
      expect(page.messages.map((m) => m.body)).toEqual(["yesterday"]);
    });

    it("refuses an unknown time zone with BAD_REQUEST", async () => {
      await expect(callers.pia.message.list({ chatId: roomId, filter: "yesterday", timeZone: "Mars/Base" })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    });

    it("creates no event when history is read", async () => {
      const before = await world.database.db.$count((await import("~/db/schema")).events);
      await callers.pia.message.list({ chatId: roomId });
      expect(await world.database.db.$count((await import("~/db/schema")).events)).toBe(before);
    });
  });

  describe("read receipts and unread counts", () => {
    it("counts unread per chat and in total, and marking read never moves back", async () => {
      const dm = await openDirect(world.deps, mark, [pia.id]);
      for (let i = 0; i < 3; i++) await callers.mark.message.send({ chatId: dm.id, clientId: clientId(), body: `ping ${i}` });
      const unread = await callers.pia.message.unread();
      expect(unread.chats.find((c) => c.chatId === dm.id)?.unread).toBe(3);
      expect(unread.total).toBe(unread.chats.reduce((sum, c) => sum + c.unread, 0));
      expect(await callers.pia.message.markRead({ chatId: dm.id, seq: 2 })).toEqual({ lastReadSeq: 2 });
      expect((await callers.pia.message.unread()).chats.find((c) => c.chatId === dm.id)?.unread).toBe(1);
      expect(await callers.pia.message.markRead({ chatId: dm.id, seq: 1 })).toEqual({ lastReadSeq: 2 });
      expect(await callers.pia.message.markRead({ chatId: dm.id, seq: 99 })).toEqual({ lastReadSeq: 3 });
      expect((await callers.pia.message.unread()).chats.find((c) => c.chatId === dm.id)).toBeUndefined();
      const listed = (await callers.pia.chat.list()).find((c) => c.id === dm.id);
      expect(listed).toMatchObject({ unread: 0, lastReadSeq: 3 });
    });

    it("does not count one's own messages as unread", async () => {
      const dm = await openDirect(world.deps, pia, [olaf.id]);
      await callers.pia.message.send({ chatId: dm.id, clientId: clientId(), body: "hi" });
      expect((await callers.pia.message.unread()).chats.find((c) => c.chatId === dm.id)).toBeUndefined();
    });

    it("lists who has read a message, without its sender", async () => {
      const room = await createRoom(world.deps, mark, { title: "Receipts", visibility: "public" });
      const sent = await callers.mark.message.send({ chatId: room.id, clientId: clientId(), body: "read me" });
      expect(await callers.mark.message.readBy({ messageId: sent.id })).toEqual([]);
      await callers.pia.message.markRead({ chatId: room.id, seq: sent.seq });
      expect(await callers.mark.message.readBy({ messageId: sent.id })).toEqual([{ id: pia.id, name: "Pia Picker" }]);
    });
  });
});
