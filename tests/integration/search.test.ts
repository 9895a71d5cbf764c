import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachments, messages } from "~/db/schema";
import type { Actor } from "~/server/domain-error";
import { type SearchInput, type SearchStrategy, searchMessages } from "~/server/services/search";
import { findActor } from "~/server/services/users";
import { callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";

describe("message search", () => {
  let world: TestWorld;
  let pia: Actor;
  let mark: Actor;
  type Caller = Awaited<ReturnType<typeof callerFor>>;
  const callers = {} as Record<"pia" | "mark" | "olaf" | "alice", Caller>;
  let companyId: string;
  let n = 0;
  // Each test searches for words of its own, so the tests do not see each other's messages.
  const word = (stem: string) => `${stem}${String.fromCharCode(97 + (n % 26))}${++n}x`;
  const send = (who: keyof typeof callers, chatId: string, body: string) =>
    callers[who].message.send({ chatId, clientId: `search-${++n}-${Math.random().toString(36).slice(2, 10)}`, body });
  const search = (who: keyof typeof callers, input: Parameters<Caller["search"]["messages"]>[0]) => callers[who].search.messages(input);

  /** The ids found by each way of running the search; all must agree. */
  const byBothStrategies = async (actor: Actor, input: SearchInput) => {
    const found = {} as Record<SearchStrategy, string[]>;
    const strategies: SearchStrategy[] = input.hasFile ? ["words", "recent", "files"] : ["words", "recent"];
    for (const strategy of strategies) {
      found[strategy] = (await searchMessages(world.database.db, actor, input, { strategy })).results.map((r) => r.id);
      expect(found[strategy]).toEqual(found.words);
    }
    return found.words;
  };

  beforeAll(async () => {
    world = await createTestWorld();
    const personas = await createPersonas(world.database.db);
    pia = (await findActor(world.database.db, personas.picker.id))!;
    mark = (await findActor(world.database.db, personas.manager.id))!;
    for (const name of ["pia", "mark", "olaf", "alice"] as const) {
      callers[name] = await callerFor(world.deps, world.auth, await signIn(world.auth, name));
    }
    companyId = (await callers.pia.chat.list())[0]!.id;
  });
  afterAll(() => world.close());

  it("search finds by partial word and never leaks another chat's message", async () => {
    // The first test in a fresh database: "pall" matches nothing but these messages.
    const visible = await send("mark", companyId, "Two pallets wrapped at dock 4");
    const privateRoom = await callers.mark.chat.createRoom({ title: "Managers only", visibility: "private", access: { userIds: [], groupIds: [] } });
    const secret = await send("mark", privateRoom.id, "Secret pallet count");
    await world.database.db
      .insert(attachments)
      .values({ chatId: privateRoom.id, messageId: secret.id, uploaderId: mark.id, storageKey: "s", name: "count.pdf", contentType: "application/pdf", size: 10 });
    const direct = await callers.mark.chat.openDirect({ userIds: [(await callers.alice.user.me()).id] });
    await send("mark", direct.id, "Between us: a pallet is missing");

    const page = await search("pia", { q: "pall" });
    expect(page.results.map((r) => r.id)).toEqual([visible.id]);
    expect(page.results[0]).toMatchObject({ chatId: companyId, chat: { kind: "company" }, seq: visible.seq, senderName: "Mark Manager", hasFile: false });
    expect(page.results[0]!.snippet.filter((part) => part.isMatch).map((part) => part.text)).toEqual(["pall"]);
    // Olaf reads only the company chat too; the manager reads all three chats and finds all three.
    expect((await search("olaf", { q: "pallet" })).results.map((r) => r.id)).toEqual([visible.id]);
    expect(await byBothStrategies(pia, { q: "pall" })).toEqual([visible.id]);
    expect(await byBothStrategies(pia, { q: "pall", hasFile: true })).toEqual([]);
    expect(await byBothStrategies(mark, { q: "pall", hasFile: true })).toEqual([secret.id]);
    expect((await search("mark", { q: "pall" })).results).toHaveLength(3);
  });

  it("refuses to search inside a chat the actor cannot read with FORBIDDEN", async () => {
    const room = await callers.mark.chat.createRoom({ title: "Closed", visibility: "private", access: { userIds: [], groupIds: [] } });
    await send("mark", room.id, `${word("secret")} plans`);
    await expect(search("pia", { q: "secret", chatId: room.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("finds Polish words by a partial word whatever the letters' case", async () => {
    const tail = word("ek");
    const sent = await send("pia", companyId, `ŻÓŁTY wózek${tail} stoi przy rampie`);
    expect((await search("mark", { q: `żółt wózek${tail}` })).results.map((r) => r.id)).toEqual([sent.id]);
    expect((await search("mark", { q: `WÓZEK${tail.toUpperCase()}` })).results.map((r) => r.id)).toEqual([sent.id]);
  });

  it("requires every word, in any order", async () => {
    const a = word("alpha");
    const b = word("beta");
    const both = await send("pia", companyId, `${a} and ${b}`);
    await send("pia", companyId, `only ${a}`);
    expect((await search("pia", { q: `${b} ${a}` })).results.map((r) => r.id)).toEqual([both.id]);
  });

  it("filters by chat, person, date range and having a file", async () => {
    const stem = word("crate");
    const room = await callers.mark.chat.createRoom({ title: "Dock 2", visibility: "public" });
    const inRoom = await send("mark", room.id, `${stem} in the room`);
    const byPia = await send("pia", companyId, `${stem} by Pia`);
    const old = await send("mark", companyId, `${stem} long ago`);
    const withFile = await send("mark", companyId, `${stem} with a photo`);
    await world.database.db.update(messages).set({ createdAt: new Date("2020-03-10T12:00:00Z") }).where(eq(messages.id, old.id));
    await world.database.db
      .insert(attachments)
      .values({ chatId: companyId, messageId: withFile.id, uploaderId: mark.id, storageKey: "k", name: "photo.jpg", contentType: "image/jpeg", size: 10 });

    const ids = async (input: Omit<Parameters<Caller["search"]["messages"]>[0], "q">) => (await search("pia", { q: stem, ...input })).results.map((r) => r.id);
    expect(await ids({ chatId: room.id })).toEqual([inRoom.id]);
    expect(await ids({ senderId: pia.id })).toEqual([byPia.id]);
    expect(await ids({ from: new Date("2020-03-01T00:00:00Z"), to: new Date("2020-04-01T00:00:00Z") })).toEqual([old.id]);
    expect(await ids({ from: new Date("2020-04-01T00:00:00Z") })).not.toContain(old.id);
    expect(await ids({ hasFile: true })).toEqual([withFile.id]);
    expect((await search("pia", { q: stem, hasFile: true })).results[0]!.hasFile).toBe(true);
    expect(await byBothStrategies(pia, { q: stem, senderId: mark.id, from: new Date("2021-01-01T00:00:00Z") })).toEqual([withFile.id, inRoom.id]);
    expect(await byBothStrategies(pia, { q: stem, hasFile: true })).toEqual([withFile.id]);
  });

  it("pages through results newest first with the before cursor", async () => {
    const stem = word("label");
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await send("pia", companyId, `${stem} ${i}`));
    const first = await search("pia", { q: stem, limit: 2 });
    expect(first.results.map((r) => r.id)).toEqual([sent[4]!.id, sent[3]!.id]);
    const second = await search("pia", { q: stem, limit: 2, before: first.nextBefore! });
    const third = await search("pia", { q: stem, limit: 2, before: second.nextBefore! });
    expect([...second.results, ...third.results].map((r) => r.id)).toEqual([sent[2]!.id, sent[1]!.id, sent[0]!.id]);
    expect(third.nextBefore).toBeNull();
    const recent = await searchMessages(world.database.db, pia, { q: stem, limit: 2, before: first.nextBefore! }, { strategy: "recent" });
    expect(recent.results.map((r) => r.id)).toEqual(second.results.map((r) => r.id));
  });

  it("does not find a deleted message", async () => {
    const stem = word("broken");
    const sent = await send("pia", companyId, `${stem} jar on aisle 5`);
    await callers.pia.message.delete({ messageId: sent.id });
    expect((await search("pia", { q: stem })).results).toEqual([]);
  });

  it("treats tsquery operators in the query as plain separators, without an error", async () => {
    const stem = word("gamma");
    const sent = await send("pia", companyId, `${stem} delta`);
    for (const q of ["a & b | !c:*'", "'", ":*", "&&&", "(()", "<->", "\\", `${stem}:* | !delta`]) {
      await expect(search("pia", { q })).resolves.toBeDefined();
    }
    expect((await search("pia", { q: `!${stem}' & (delta` })).results.map((r) => r.id)).toEqual([sent.id]);
    expect((await search("pia", { q: "&&&" })).results).toEqual([]);
  });

  it("refuses an empty or too long query with BAD_REQUEST", async () => {
    await expect(search("pia", { q: "   " })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(search("pia", { q: "x".repeat(201) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
