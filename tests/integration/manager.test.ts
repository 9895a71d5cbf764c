import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entities, messages } from "~/db/schema";
import { createUser } from "~/server/services/users";
import { PASSWORD, callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";

describe("manager view (PRODUCT.md W3)", () => {
  let world: TestWorld;
  type Caller = Awaited<ReturnType<typeof callerFor>>;
  const c = {} as Record<"alice" | "mark" | "maria" | "pia" | "olaf", Caller>;
  let n = 0;
  const send = (who: keyof typeof c, chatId: string, body: string) =>
    c[who].message.send({ chatId, clientId: `manager-test-${++n}`, body });
  const backdate = (chatId: string, seq: number, minutesAgo: number) =>
    world.deps.db
      .update(messages)
      .set({ createdAt: new Date(Date.now() - minutesAgo * 60_000) })
      .where(and(eq(messages.chatId, chatId), eq(messages.seq, seq)));

  beforeAll(async () => {
    world = await createTestWorld();
    await createPersonas(world.database.db);
    await createUser(world.database.db, "system", { username: "maria", name: "Maria Manager", role: "manager", password: PASSWORD });
    for (const name of ["alice", "mark", "maria", "pia", "olaf"] as const) {
      c[name] = await callerFor(world.deps, world.auth, await signIn(world.auth, name));
    }
    await world.database.db.insert(entities).values([
      { type: "order", key: "SO-1", title: "Order one" },
      { type: "order", key: "SO-2", title: "Order two" },
      { type: "order", key: "SO-3", title: "Order three" },
    ]);
  });
  afterAll(() => world.close());

  describe("queue", () => {
    it("lists the manager's chats whose last message is not from a manager, oldest wait first", async () => {
      const one = await c.pia.chat.openForEntity({ type: "order", key: "SO-1" });
      const two = await c.pia.chat.openForEntity({ type: "order", key: "SO-2" });
      for (const chat of [one, two]) await c.mark.chat.openForEntity({ type: "order", key: chat.entity!.key });
      await send("pia", one.id, "Can I fill 12 as 2 packs of 6?");
      await send("pia", two.id, "Label is torn");
      await send("pia", two.id, "Scanner cannot read it");
      await backdate(one.id, 1, 5);
      await backdate(two.id, 1, 20);
      await backdate(two.id, 2, 10);
      const company = (await c.pia.chat.list())[0]!;
      await send("pia", company.id, "Anyone seen the forklift key?");

      const queue = await c.mark.manager.queue();
      expect(queue.map((item) => item.chat.id)).toEqual([two.id, one.id]);
      const [first] = queue;
      expect(Date.now() - first!.waitingSince.getTime()).toBeGreaterThanOrEqual(20 * 60_000 - 1_000);
      expect(first!.lastMessages.map((m) => m.body)).toEqual(["Label is torn", "Scanner cannot read it"]);
      expect(first!.chat.title).toBe("Order two");
    });

    it("drops a chat from the queue once a manager answers, and shows it again when a worker writes", async () => {
      const three = await c.pia.chat.openForEntity({ type: "order", key: "SO-3" });
      await c.mark.chat.openForEntity({ type: "order", key: "SO-3" });
      await send("pia", three.id, "Pallet broken");
      expect((await c.mark.manager.queue()).map((i) => i.chat.id)).toContain(three.id);
      await send("mark", three.id, "Yes");
      expect((await c.mark.manager.queue()).map((i) => i.chat.id)).not.toContain(three.id);
      await send("pia", three.id, "Thanks, and the next one?");
      const item = (await c.mark.manager.queue()).find((i) => i.chat.id === three.id);
      expect(item?.lastMessages.at(-1)?.body).toBe("Thanks, and the next one?");
    });

    it("leaves out chats the manager is not in", async () => {
      const dm = await c.pia.chat.openDirect({ userIds: [(await c.olaf.user.me()).id] });
      await send("pia", dm.id, "just between us");
      expect((await c.mark.manager.queue()).map((i) => i.chat.id)).not.toContain(dm.id);
    });

    it("answers FORBIDDEN to a worker", async () => {
      await expect(c.pia.manager.queue()).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(c.pia.manager.quickReplies()).rejects.toMatchObject({ code: "FORBIDDEN" });
    });
  });

  describe("quick replies", () => {
    it("lists shared templates first, then the manager's own", async () => {
      await c.alice.manager.createQuickReply({ body: "Approved", shared: true });
      await c.mark.manager.createQuickReply({ body: "On my way" });
      const chips = await c.mark.manager.quickReplies();
      const shared = chips.filter((r) => r.shared).map((r) => r.body);
      expect(shared).toContain("Approved");
      expect(chips.at(-1)).toMatchObject({ body: "On my way", shared: false });
      expect(chips.findIndex((r) => !r.shared)).toBe(shared.length);
      expect((await c.maria.manager.quickReplies()).map((r) => r.body)).not.toContain("On my way");
    });

    it("lets only admins set shared templates", async () => {
      await expect(c.mark.manager.createQuickReply({ body: "For everyone", shared: true })).rejects.toMatchObject({ code: "FORBIDDEN" });
      const shared = (await c.mark.manager.quickReplies()).find((r) => r.shared)!;
      await expect(c.mark.manager.updateQuickReply({ id: shared.id, body: "Changed" })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(c.mark.manager.deleteQuickReply({ id: shared.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    });

    it("lets a manager edit and delete their own, and nobody else's", async () => {
      const mine = await c.mark.manager.createQuickReply({ body: "Call me" });
      await expect(c.maria.manager.updateQuickReply({ id: mine.id, body: "hijack" })).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect(await c.mark.manager.updateQuickReply({ id: mine.id, body: "Call me now" })).toMatchObject({ body: "Call me now" });
      await c.mark.manager.deleteQuickReply({ id: mine.id });
      expect((await c.mark.manager.quickReplies()).map((r) => r.id)).not.toContain(mine.id);
    });

    it("refuses an empty or over-long reply and more than 20 of one's own", async () => {
      await expect(c.maria.manager.createQuickReply({ body: " " })).rejects.toMatchObject({ code: "BAD_REQUEST" });
      await expect(c.maria.manager.createQuickReply({ body: "x".repeat(201) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
      for (let i = 0; i < 20; i++) await c.maria.manager.createQuickReply({ body: `reply ${i}` });
      await expect(c.maria.manager.createQuickReply({ body: "one too many" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    });
  });
});
