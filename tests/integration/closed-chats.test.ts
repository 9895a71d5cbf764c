import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";

describe("chats that open and close (PRODUCT.md C6, the TrackerChat document)", () => {
  let world: TestWorld;
  let mark: Awaited<ReturnType<typeof callerFor>>;
  let pia: Awaited<ReturnType<typeof callerFor>>;
  let ids: { mark: string; pia: string; olaf: string };

  beforeAll(async () => {
    world = await createTestWorld();
    const personas = await createPersonas(world.database.db);
    ids = { mark: personas.manager.id, pia: personas.picker.id, olaf: personas.outsider.id };
    mark = await callerFor(world.deps, world.auth, await signIn(world.auth, "mark"));
    pia = await callerFor(world.deps, world.auth, await signIn(world.auth, "pia"));
  });
  afterAll(() => world?.close());

  const isOpen = (chat: { closedAt: Date | null; lastMessageAt: Date | null }) => !chat.closedAt || (chat.lastMessageAt !== null && chat.lastMessageAt > chat.closedAt);

  it("closes a direct chat for the one who closed it, lists it in their history, and a new message opens it again", async () => {
    const chat = await mark.chat.openDirect({ userIds: [ids.pia] });
    await mark.message.send({ chatId: chat.id, clientId: "close-0001", body: "Can you take dock 3?" });
    await mark.chat.close({ chatId: chat.id });
    expect(isOpen((await mark.chat.list()).find((c) => c.id === chat.id)!)).toBe(false);
    expect(isOpen((await pia.chat.list()).find((c) => c.id === chat.id)!)).toBe(true);
    const history = await mark.chat.closed();
    expect(history[0]).toMatchObject({ id: chat.id, kind: "direct", title: "Pia Picker" });
    expect(history[0]!.startedAt.getTime()).toBeLessThanOrEqual(history[0]!.closedAt.getTime());

    await pia.message.send({ chatId: chat.id, clientId: "close-0002", body: "On it" });
    expect(isOpen((await mark.chat.list()).find((c) => c.id === chat.id)!)).toBe(true);
    expect((await mark.chat.closed()).map((c) => c.id)).not.toContain(chat.id);
  });

  it("restarts a closed chat where it left off", async () => {
    const chat = await mark.chat.openDirect({ userIds: [ids.olaf] });
    await mark.message.send({ chatId: chat.id, clientId: "close-0003", body: "Shift swap?" });
    await mark.chat.close({ chatId: chat.id });
    await mark.chat.reopen({ chatId: chat.id });
    const summary = (await mark.chat.list()).find((c) => c.id === chat.id)!;
    expect(summary.closedAt).toBeNull();
    expect(summary.lastMessage?.body).toBe("Shift swap?");
  });

  it("closes only direct chats and SMS windows, and only for their members", async () => {
    const company = (await mark.chat.list()).find((c) => c.kind === "company")!;
    await expect(mark.chat.close({ chatId: company.id })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const chat = await mark.chat.openDirect({ userIds: [ids.olaf] });
    await expect(pia.chat.close({ chatId: chat.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
