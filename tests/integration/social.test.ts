import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entities, events, messageMentions, messageReactions } from "~/db/schema";
import type { Actor } from "~/server/domain-error";
import type { ChatEvent } from "~/contracts/stream";
import { findActor } from "~/server/services/users";
import { callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { makeCertificate, pushService } from "../factories/push-service";

type Name = "pia" | "mark" | "olaf" | "alice";

describe("mentions and reactions (PRODUCT.md M4, M5)", () => {
  let world: TestWorld;
  let service: Awaited<ReturnType<typeof pushService>>;
  const callers = {} as Record<Name, Awaited<ReturnType<typeof callerFor>>>;
  const actors = {} as Record<Name, Actor>;
  let companyId: string;
  let roomId: string;
  let orderId: string;
  let n = 0;
  const clientId = () => `social-${++n}-${Math.random().toString(36).slice(2, 10)}`;
  const send = (who: Name, chatId: string, body: string, mentions?: { userIds?: string[]; entityIds?: string[] }) =>
    callers[who].message.send({ chatId, clientId: clientId(), body, mentions });
  const updatesOf = async (messageId: string) =>
    (await world.database.db.select({ payload: events.payload }).from(events).where(eq(events.type, "message.updated")).orderBy(desc(events.id)))
      .map((row) => row.payload as ChatEvent)
      .filter((event) => event.type === "message.updated" && event.message.id === messageId);

  beforeAll(async () => {
    const tls = makeCertificate();
    service = await pushService(tls);
    world = await createTestWorld({ push: { ca: tls.cert } });
    const personas = await createPersonas(world.database.db);
    const ids = { pia: personas.picker.id, mark: personas.manager.id, olaf: personas.outsider.id, alice: personas.admin.id };
    for (const name of ["pia", "mark", "olaf", "alice"] as const) {
      actors[name] = (await findActor(world.database.db, ids[name]))!;
      callers[name] = await callerFor(world.deps, world.auth, await signIn(world.auth, name));
    }
    companyId = (await callers.pia.chat.list()).find((c) => c.kind === "company")!.id;
    // A private room of Mark's that Pia may read (and has joined); Olaf and Alice may not.
    roomId = (await callers.mark.chat.createRoom({ title: "Dock 4", visibility: "private", access: { userIds: [actors.pia.id], groupIds: [] } })).id;
    await callers.pia.chat.join({ chatId: roomId });
    const [order] = await world.database.db
      .insert(entities)
      .values([
        { type: "order", key: "SO-10042", title: "Kowalski pallets", status: "picking" },
        { type: "order", key: "SO-10043", title: "Damaged crate", status: "on hold" },
        { type: "shipment", key: "SH-7", title: "Truck to Łódź" },
      ])
      .returning({ id: entities.id });
    orderId = order!.id;
  });
  afterAll(async () => {
    await world?.close();
    await service?.close();
  });

  describe("reactions", () => {
    it("adds a reaction once however often it is added, and removes it once however often it is removed", async () => {
      const message = await send("mark", roomId, "Truck at door 3");
      const first = await callers.pia.message.react({ messageId: message.id, emoji: "👍", on: true });
      const again = await callers.pia.message.react({ messageId: message.id, emoji: "👍", on: true });
      expect(first.reactions).toEqual([{ emoji: "👍", count: 1, users: [{ id: actors.pia.id, name: "Pia Picker" }] }]);
      expect(again.reactions).toEqual(first.reactions);
      expect(await world.database.db.$count(messageReactions, eq(messageReactions.messageId, message.id))).toBe(1);

      expect((await callers.pia.message.react({ messageId: message.id, emoji: "👍", on: false })).reactions).toEqual([]);
      expect((await callers.pia.message.react({ messageId: message.id, emoji: "👍", on: false })).reactions).toEqual([]);
      expect(await world.database.db.$count(messageReactions, eq(messageReactions.messageId, message.id))).toBe(0);
    });

    it("counts two people's reactions with one emoji as 2 and names both, in the order they reacted", async () => {
      const message = await send("mark", roomId, "Who can help at dock 4?");
      await callers.pia.message.react({ messageId: message.id, emoji: "🙋", on: true });
      const both = await callers.mark.message.react({ messageId: message.id, emoji: "🙋", on: true });
      await callers.mark.message.react({ messageId: message.id, emoji: "🇵🇱", on: true });
      const listed = (await callers.pia.message.list({ chatId: roomId })).messages.find((m) => m.id === message.id)!;
      expect(both.reactions[0]).toEqual({
        emoji: "🙋",
        count: 2,
        users: [
          { id: actors.pia.id, name: "Pia Picker" },
          { id: actors.mark.id, name: "Mark Manager" },
        ],
      });
      expect(listed.reactions.map((r) => [r.emoji, r.count])).toEqual([
        ["🙋", 2],
        ["🇵🇱", 1],
      ]);
    });

    it("announces a change as message.updated with the fresh message, and a no-op not at all", async () => {
      const message = await send("mark", roomId, "Forklift 2 is back");
      await callers.pia.message.react({ messageId: message.id, emoji: "✅", on: true });
      const [added] = await updatesOf(message.id);
      expect(added).toMatchObject({ type: "message.updated", chatId: roomId, message: { id: message.id, reactions: [{ emoji: "✅", count: 1 }] } });

      await callers.pia.message.react({ messageId: message.id, emoji: "✅", on: true });
      await callers.pia.message.react({ messageId: message.id, emoji: "👀", on: false });
      expect(await updatesOf(message.id)).toHaveLength(1);

      await callers.pia.message.react({ messageId: message.id, emoji: "✅", on: false });
      const [removed, ...earlier] = await updatesOf(message.id);
      expect(earlier).toHaveLength(1);
      expect(removed).toMatchObject({ message: { id: message.id, reactions: [] } });
    });

    it("refuses a reaction from someone who cannot read the chat with FORBIDDEN, storing nothing", async () => {
      const message = await send("mark", roomId, "Private note");
      await expect(callers.olaf.message.react({ messageId: message.id, emoji: "👍", on: true })).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(await world.database.db.$count(messageReactions, eq(messageReactions.messageId, message.id))).toBe(0);
    });

    it("refuses anything but one emoji with BAD_REQUEST, and a reaction on a deleted message with CONFLICT", async () => {
      const message = await send("pia", companyId, "Shift swap anyone?");
      for (const emoji of ["ok", "👍👍", "👍 ", "a👍", "1", ""]) {
        await expect(callers.mark.message.react({ messageId: message.id, emoji, on: true })).rejects.toMatchObject({ code: "BAD_REQUEST" });
      }
      // One grapheme built of several code points is one emoji.
      expect((await callers.mark.message.react({ messageId: message.id, emoji: "👩🏽‍🔧", on: true })).reactions[0]?.emoji).toBe("👩🏽‍🔧");
      await callers.pia.message.delete({ messageId: message.id });
      await expect(callers.mark.message.react({ messageId: message.id, emoji: "😂", on: true })).rejects.toMatchObject({ code: "CONFLICT" });
    });
  });

  describe("mentions", () => {
    it("stores chosen mentions as rows and returns them with names, titles and statuses", async () => {
      const message = await send("mark", roomId, "@Pia Picker please check @SO-10042", { userIds: [actors.pia.id], entityIds: [orderId] });
      expect(message.mentions).toEqual({
        users: [{ id: actors.pia.id, name: "Pia Picker" }],
        entities: [{ id: orderId, type: "order", key: "SO-10042", title: "Kowalski pallets", status: "picking" }],
      });
      const rows = await world.database.db.select().from(messageMentions).where(eq(messageMentions.messageId, message.id));
      expect(rows.map((r) => r.kind).sort()).toEqual(["entity", "user"]);
      expect(rows.every((r) => r.chatId === roomId && r.seq === message.seq)).toBe(true);
      const listed = (await callers.pia.message.list({ chatId: roomId })).messages.find((m) => m.id === message.id)!;
      expect(listed.mentions).toEqual(message.mentions);
    });

    it("suggests the chat's members before others who may read it, and never someone who cannot read a private room", async () => {
      // Company chat: everyone may read it; all are members.
      const company = await callers.pia.mention.suggest({ chatId: companyId, q: "a" });
      expect(company.people.map((p) => p.name)).toEqual(["Alice Admin"]);
      // "ma" is the start of Mark's name; "man" of a word in it; the writer is never suggested.
      expect((await callers.pia.mention.suggest({ chatId: companyId, q: "MAN" })).people.map((p) => p.name)).toEqual(["Mark Manager"]);
      expect((await callers.pia.mention.suggest({ chatId: companyId, q: "pia" })).people).toEqual([]);

      // A public room where only Mark is a member: Mark first, then the others who may read it.
      const yard = await callers.mark.chat.createRoom({ title: "Yard", visibility: "public" });
      const everyone = await callers.pia.mention.suggest({ chatId: yard.id, q: "" });
      expect(everyone.people.map((p) => [p.name, p.isMember])).toEqual([
        ["Mark Manager", true],
        ["Alice Admin", false],
        ["Olaf Outsider", false],
      ]);

      // The private room: only Mark (its creator) and Pia may read it.
      const inRoom = await callers.mark.mention.suggest({ chatId: roomId, q: "" });
      expect(inRoom.people.map((p) => p.name)).toEqual(["Pia Picker"]);
      await expect(callers.olaf.mention.suggest({ chatId: roomId, q: "" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    });

    it("suggests records by key prefix ignoring case, and by type then key or title", async () => {
      const byKey = await callers.pia.mention.suggest({ chatId: companyId, q: "so-1004" });
      expect(byKey.records.map((r) => r.key)).toEqual(["SO-10042", "SO-10043"]);
      expect(byKey.records[0]).toEqual({ id: orderId, type: "order", key: "SO-10042", title: "Kowalski pallets", status: "picking" });
      expect((await callers.pia.mention.suggest({ chatId: companyId, q: "order:damaged" })).records.map((r) => r.key)).toEqual(["SO-10043"]);
      expect((await callers.pia.mention.suggest({ chatId: companyId, q: "order:SO-10042" })).records.map((r) => r.key)).toEqual(["SO-10042"]);
      expect((await callers.pia.mention.suggest({ chatId: companyId, q: "shipment:łódź" })).records.map((r) => r.key)).toEqual(["SH-7"]);
      expect((await callers.pia.mention.suggest({ chatId: companyId, q: "shipment:" })).records.map((r) => r.key)).toEqual(["SH-7"]);
    });

    it("counts unread mentions of me per chat in the list, until I read past them", async () => {
      const yard = await callers.mark.chat.createRoom({ title: "Mentions yard", visibility: "public" });
      await callers.pia.chat.join({ chatId: yard.id });
      await send("mark", yard.id, "@Pia Picker one", { userIds: [actors.pia.id] });
      await send("mark", yard.id, "no mention");
      const last = await send("mark", yard.id, "@Pia Picker two", { userIds: [actors.pia.id] });
      const row = (await callers.pia.chat.list()).find((c) => c.id === yard.id)!;
      expect(row).toMatchObject({ unread: 3, mentions: 2 });
      expect((await callers.mark.chat.list()).find((c) => c.id === yard.id)!.mentions).toBe(0);
      await callers.pia.message.markRead({ chatId: yard.id, seq: last.seq });
      expect((await callers.pia.chat.list()).find((c) => c.id === yard.id)!).toMatchObject({ unread: 0, mentions: 0 });
    });

    it("pushes a mention to someone who muted the chat, with high urgency, while an unmentioned member who muted it gets nothing", async () => {
      const endpoints = {} as Record<"pia" | "alice", string>;
      for (const name of ["pia", "alice"] as const) {
        const subscription = service.subscription(name);
        await callers[name].push.subscribe({ endpoint: subscription.endpoint, keys: subscription.keys, label: `${name}'s phone` });
        endpoints[name] = subscription.path;
      }
      const floor = await callers.mark.chat.createRoom({ title: "Floor", visibility: "public" });
      for (const name of ["pia", "alice"] as const) {
        await callers[name].chat.join({ chatId: floor.id });
        await callers[name].chat.setMuted({ chatId: floor.id, muted: true });
      }
      await send("mark", floor.id, "@Pia Picker the scanner at gate 2 is yours", { userIds: [actors.pia.id] });
      await world.push.idle();
      expect(service.problems).toEqual([]);
      const pushed = service.to(endpoints.pia);
      expect(pushed).toHaveLength(1);
      expect(pushed[0]).toMatchObject({ urgency: "high", payload: { chatId: floor.id, body: "@Pia Picker the scanner at gate 2 is yours" } });
      expect(service.to(endpoints.alice)).toEqual([]);

      // Unavailable still means do not disturb, mentions included.
      await callers.pia.people.setStatus({ status: "unavailable", statusText: "" });
      await send("mark", floor.id, "@Pia Picker again", { userIds: [actors.pia.id] });
      await world.push.idle();
      expect(service.to(endpoints.pia)).toHaveLength(1);
      await callers.pia.people.setStatus({ status: "available", statusText: "" });
    });

    it("drops mentioned ids that name no one, keeping the message", async () => {
      const message = await send("mark", roomId, "@Ghost hello", { userIds: ["00000000-0000-4000-8000-000000000000"], entityIds: [] });
      expect(message.mentions).toEqual({ users: [], entities: [] });
      expect(await world.database.db.$count(messageMentions, and(eq(messageMentions.messageId, message.id)))).toBe(0);
    });

    it("returns mentioned records as they are now", async () => {
      await world.database.db.update(entities).set({ status: "shipped" }).where(eq(entities.id, orderId));
      expect(await callers.olaf.mention.records({ ids: [orderId] })).toEqual([
        { id: orderId, type: "order", key: "SO-10042", title: "Kowalski pallets", status: "shipped" },
      ]);
    });
  });
});
